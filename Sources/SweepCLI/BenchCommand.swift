import ArgumentParser
import Foundation
import COpenBLAS
import StableDiffusion
import Tensors

/// `sweep bench kernels`: GFLOP/s of our conv2d and attention at Stable Diffusion 1.5 shapes,
/// next to `sgemm` measured in the same run, and optionally PyTorch's time for the same shapes.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the tensor kernels at Stable Diffusion 1.5 shapes against sgemm (and PyTorch).",
        discussion: """
            Prints, for each kernel, the best wall time over --repeat runs and the GFLOP/s it \
            achieves, next to sgemm's GFLOP/s measured in the same run. With --torch-python, \
            also runs bench/torch_kernels.py with that interpreter on the same shapes and prints \
            our time / PyTorch's time (below 1 means we are faster).
            """
    )

    @Option(help: "Threads for our kernels and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(help: "Runs per kernel; the best is reported.")
    var `repeat` = 3

    @Flag(help: "Only the smaller shapes (a quick check, under a minute).")
    var quick = false

    @Option(help: "A Python with torch installed, to time PyTorch on the same shapes in this run.")
    var torchPython: String?

    @Option(help: "Instead of kernels, run each full-size component once with random weights: sd1 (SD 1.5) or sd2 (SD 2.1).")
    var modelConfig: PublishedArchitecture?

    @Option(help: "Image side in pixels for --model-config.")
    var size = 512

    @Option(help: "With --model-config: fail if peak memory exceeds the weights by more than this many GiB.")
    var maxOverheadGib: Double?

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`)") }
        guard size > 0, size % 64 == 0 else { throw ValidationError("--size must be a positive multiple of 64, got \(size)") }
        if modelConfig != nil, quick || torchPython != nil {
            throw ValidationError("--quick and --torch-python time the kernels; they do not combine with --model-config")
        }
        if let maxOverheadGib, modelConfig == nil || maxOverheadGib < 0 {
            throw ValidationError("--max-overhead-gib needs --model-config and a value of 0 or more")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        if let threads { Threads.set(threads) }
        if let modelConfig { return try runModel(modelConfig) }
        let cases = KernelBenchmark.cases(quick: quick)
        var torchSeconds: [String: Double] = [:]
        if let torchPython {
            torchSeconds = try TorchComparison(python: torchPython).seconds(for: cases, threads: Threads.count, repeats: `repeat`)
        }
        let sgemmSize = quick ? 1024 : 2048
        let sgemm = KernelBenchmark.sgemmGFLOPS(size: sgemmSize, repeats: `repeat`)
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        print("OpenBLAS core: \(core)   threads: \(Threads.count)   sgemm \(sgemmSize)³: \(String(format: "%.1f", sgemm)) GFLOP/s")
        print(KernelBenchmark.header(withTorch: torchPython != nil))
        for benchCase in cases {
            let seconds = KernelBenchmark.time(benchCase, repeats: `repeat`)
            print(KernelBenchmark.row(benchCase, seconds: seconds, sgemm: sgemm, torch: torchSeconds[benchCase.name]))
        }
    }

    private func runModel(_ architecture: PublishedArchitecture) throws {
        print("threads: \(Threads.count)")
        let result = try ModelBenchmark(architecture: architecture, size: size).run { print($0) }
        let gib = { (bytes: Int) in String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }
        print("weights: \(gib(result.weightBytes))   peak resident: \(gib(result.peakBytes))   "
              + "overhead: \(gib(result.peakBytes - result.weightBytes))")
        if let maxOverheadGib, Double(result.peakBytes - result.weightBytes) > maxOverheadGib * Double(1 << 30) {
            throw BenchError.memoryOverBudget(overheadGiB: Double(result.peakBytes - result.weightBytes) / Double(1 << 30),
                                              limitGiB: maxOverheadGib)
        }
    }
}
