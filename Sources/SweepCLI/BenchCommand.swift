import ArgumentParser
import Foundation
import COpenBLAS
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

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        if let threads { Threads.set(threads) }
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
}
