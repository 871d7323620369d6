import Foundation

/// Runs bench/torch_kernels.py with a given Python so PyTorch is timed on the same shapes, on the
/// same machine, in the same run as our kernels.
struct TorchComparison {
    let python: String

    enum TorchComparisonError: Error, CustomStringConvertible {
        case scriptMissing(String)
        case failed(python: String, status: Int32, output: String)
        case badOutput(String)

        var description: String {
            switch self {
            case let .scriptMissing(path): return "bench script not found at \(path); run from the repository root"
            case let .failed(python, status, output): return "\(python) bench/torch_kernels.py exited with \(status): \(output)"
            case let .badOutput(text): return "bench/torch_kernels.py printed no JSON result: \(text.prefix(200))"
            }
        }
    }

    func seconds(for cases: [BenchCase], threads: Int, repeats: Int) throws -> [String: Double] {
        let script = "bench/torch_kernels.py"
        guard FileManager.default.fileExists(atPath: script) else { throw TorchComparisonError.scriptMissing(script) }
        let request = try JSONSerialization.data(withJSONObject: [
            "threads": threads, "repeats": repeats, "cases": cases.map(\.json),
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(request)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TorchComparisonError.failed(python: python, status: process.terminationStatus, output: text)
        }
        guard let result = try? JSONSerialization.jsonObject(with: data) as? [String: Double] else {
            throw TorchComparisonError.badOutput(text)
        }
        return result
    }
}
