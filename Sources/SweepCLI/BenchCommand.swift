import ArgumentParser
import Foundation
import StableDiffusion
import Tensors

/// `sweep bench`: GFLOP/s of our conv2d and attention at Stable Diffusion 1.5 shapes next to
/// `sgemm` measured in the same run (optionally with PyTorch's time for the same shapes); with a
/// model, the pipeline's text encoder, guided UNet step, VAE decode and whole image.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the pipeline (with a model) or the tensor kernels against sgemm (and PyTorch).",
        discussion: """
            With --model-config or --model: after a warm-up, times --runs runs each of the text \
            encoder (prompt and negative prompt), one UNet step as the recipe runs it (batch 2 when \
            --guidance above 1 is classifier-free, else batch 1), one decode (--decoder: the VAE or \
            TAESD) and a whole image of --steps steps with --scheduler (--batch N adds the UNet step \
            and the image on N images at once, per image), and prints the medians, the GFLOP/s they \
            achieve, the same run's sgemm GFLOP/s (ours, and OpenBLAS's for reference), the GEMM \
            in use (SWEEP_GEMM=openblas forces OpenBLAS's) and peak resident memory. \
            bench/torch_bench.py prints the same table for diffusers on PyTorch. --one-pass instead \
            runs each component once and checks memory (--max-overhead-gib); --memory-steps N \
            renders N steps printing resident memory after each.

            Without a model: for each kernel, the best wall time over --repeat runs and its \
            GFLOP/s next to sgemm's; with --torch-python, also PyTorch's time for the same shapes \
            (bench/torch_kernels.py) and our time / PyTorch's time (below 1 means we are faster).
            """
    )

    @Option(help: "Threads for our kernels (default: all cores).")
    var threads: Int?

    @Option(help: PrecisionOption.help)
    var precision = "float32"

    @Option(help: "Runs per kernel; the best is reported.")
    var `repeat` = 3

    @Flag(help: "Only the smaller shapes (a quick check, under a minute).")
    var quick = false

    @Option(help: "Without a model: time only the kernels whose name contains this text (e.g. attn, conv3x3).")
    var kernels: String?

    @Option(help: "A Python with torch installed, to time PyTorch on the same shapes in this run.")
    var torchPython: String?

    @Option(help: "Time the pipeline of a published architecture with random weights: sd1 (SD 1.5), sd2 (SD 2.1) or sdxl (SDXL base 1.0, 2.6 B-parameter UNet: give --size 1024, ~17 GB).")
    var modelConfig: PublishedArchitecture?

    @Option(help: "With --model-config: hold the random weights as f32, f16 or bf16, as a checkpoint of that dtype is loaded (F16/BF16 weight matrices stay 2 bytes per value, widened to float32 where used). Default: what the published checkpoints ship, f16 for sdxl, f32 for sd1 and sd2.")
    var weights: BenchWeights?

    @Option(help: "Time the pipeline of a diffusers model folder.")
    var model: String?

    @Option(help: "Image side in pixels with a model.")
    var size = 512

    @Option(help: "Timed runs per pipeline item, after one warm-up; the median is reported.")
    var runs = 3

    @Option(name: [.customLong("steps"), .customLong("image-steps")], help: "Denoising steps of the whole-image item (0: skip it).")
    var imageSteps = 20

    @Option(help: "Guidance scale of the UNet-step and whole-image items; 1 or less runs one unguided UNet call per step.")
    var guidance: Float = 7.5

    @Option(help: "Scheduler of the whole image (default: the model's own). With --model-config, lcm also gives the UNet LCM-distilled SD 1.5's time_cond_proj_dim 256 (guidance as an embedding, no guided batch).")
    var scheduler: String?

    @Option(help: "Decoder: vae (the model's), taesd (TAESD's full-size architecture, random weights) or an AutoencoderTiny folder.")
    var decoder = "vae"

    @Option(help: "Also time one UNet step on this many images at once and report it per image (what batched rendering would gain).")
    var batch = 1

    @Option(help: "Timed whole images (default: --runs).")
    var imageRuns: Int?

    @Flag(help: "Time only the whole image (skip the text encoder, UNet step and VAE decode items).")
    var imageOnly = false

    @Option(help: "Instead of timing, render this many steps printing resident memory after each.")
    var memorySteps: Int?

    @Option(help: "Also write the pipeline results as JSON to this file (bench/compare.py reads it).")
    var json: String?

    @Flag(help: "With --model-config: run each full-size component once (shapes, seconds, memory) instead of timing.")
    var onePass = false

    @Option(help: "With --one-pass: fail if peak memory exceeds the weights by more than this many GiB.")
    var maxOverheadGib: Double?

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`)") }
        guard size > 0, size % 64 == 0 else { throw ValidationError("--size must be a positive multiple of 64, got \(size)") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
        guard imageSteps >= 0 else { throw ValidationError("--image-steps must be 0 or more, got \(imageSteps)") }
        if let imageRuns, imageRuns < 1 { throw ValidationError("--image-runs must be at least 1, got \(imageRuns)") }
        if let memorySteps, memorySteps < 2 { throw ValidationError("--memory-steps must be at least 2, got \(memorySteps)") }
        if modelConfig != nil, model != nil { throw ValidationError("--model-config and --model name two models; give one") }
        let pipeline = modelConfig != nil || model != nil
        if pipeline, quick || kernels != nil || torchPython != nil {
            throw ValidationError("--quick, --kernels and --torch-python time the kernels; they do not combine with --model-config or --model")
        }
        if onePass, modelConfig == nil { throw ValidationError("--one-pass needs --model-config") }
        if weights != nil, modelConfig == nil { throw ValidationError("--weights needs --model-config (a model folder's weights are its files')") }
        if let maxOverheadGib, !onePass || maxOverheadGib < 0 {
            throw ValidationError("--max-overhead-gib needs --one-pass and a value of 0 or more")
        }
        if memorySteps != nil, !pipeline || onePass { throw ValidationError("--memory-steps needs --model-config or --model") }
        if json != nil, !pipeline || onePass { throw ValidationError("--json needs --model-config or --model") }
        if imageOnly, !pipeline || onePass || imageSteps == 0 {
            throw ValidationError("--image-only needs --model-config or --model and --image-steps of 1 or more")
        }
        try ThreadCount.check(threads)
        if try PrecisionOption.parse(precision) != .float32, torchPython != nil {
            throw ValidationError("--torch-python times PyTorch's float32 kernels; for bf16 compare the pipeline with bench/torch_bench.py --precision bf16")
        }
        if let scheduler, SchedulerKind(name: scheduler) == nil {
            throw ValidationError("--scheduler \(scheduler): expected one of \(SchedulerKind.allCases.map(\.rawValue).joined(separator: " "))")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard guidance.isFinite, guidance >= 0 else { throw ValidationError("--guidance must be a finite number of 0 or more, got \(guidance)") }
    }

    /// Every item runs in this context: --threads and --precision (sgemm's reference line stays float32).
    private var compute: ComputeContext {
        get throws { ComputeContext(threads: threads ?? ThreadCount.cores, precision: try PrecisionOption.parse(precision)) }
    }

    func run() throws {
        let compute = try self.compute
        try compute.run { () throws in try run(in: compute) }
    }

    private func run(in compute: ComputeContext) throws {
        let weights = modelConfig.map { self.weights ?? BenchWeights.published($0) } ?? .f32
        if let modelConfig, onePass { return try runModel(modelConfig, weights: weights, threads: compute.threads) }
        let decoder = BenchModel.Decoder(argument: self.decoder)
        let scheduler = self.scheduler.flatMap(SchedulerKind.init(name:))
        if let model {
            return try runPipeline(BenchModel.folder(model, decoder: decoder, compute: compute), decoder: decoder, scheduler: scheduler,
                                   compute: compute)
        }
        if let modelConfig {
            return try runPipeline(BenchModel.random(modelConfig, weights: weights, decoder: decoder, guidanceEmbedding: scheduler == .lcm,
                                                     compute: compute),
                                   decoder: decoder, scheduler: scheduler, compute: compute)
        }
        let cases = KernelBenchmark.cases(quick: quick).filter { benchCase in kernels.map { benchCase.name.contains($0) } ?? true }
        if let kernels, cases.isEmpty {
            throw ValidationError("--kernels \(kernels): no kernel's name contains it (see `sweep bench` for their names)")
        }
        var torchSeconds: [String: Double] = [:]
        if let torchPython {
            torchSeconds = try TorchComparison(python: torchPython).seconds(for: cases, threads: compute.threads, repeats: `repeat`)
        }
        let sgemmSize = quick ? 1024 : 2048
        let sgemm = KernelBenchmark.sgemmGFLOPS(size: sgemmSize, repeats: `repeat`, compute: compute)
        let openBLAS = KernelBenchmark.openBLASGFLOPS(size: sgemmSize, repeats: `repeat`, threads: compute.threads)
        print("\(KernelBenchmark.gemmDescription)   threads: \(compute.threads)   precision: \(compute.precision.rawValue)")
        print(String(format: "sgemm %d³: %.1f GFLOP/s (OpenBLAS's threaded cblas_sgemm: %.1f)", sgemmSize, sgemm, openBLAS))
        print(KernelBenchmark.header(withTorch: torchPython != nil))
        for benchCase in cases {
            let seconds = KernelBenchmark.time(benchCase, repeats: `repeat`)
            print(KernelBenchmark.row(benchCase, seconds: seconds, sgemm: sgemm, torch: torchSeconds[benchCase.name]))
        }
    }

    private func runPipeline(_ model: BenchModel, decoder: BenchModel.Decoder, scheduler: SchedulerKind?,
                             compute: ComputeContext) throws {
        let benchmark = PipelineBenchmark(model: model, size: size, runs: runs, imageSteps: imageSteps,
                                          imageRuns: imageRuns ?? runs, guidance: guidance, scheduler: scheduler,
                                          decoderItem: decoder.itemName, batch: batch, imageOnly: imageOnly, compute: compute)
        // Line by line as results arrive: a run takes minutes and may be piped to a log.
        let say = { (line: String) in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        if let memorySteps {
            _ = try benchmark.memoryPerStep(steps: memorySteps, report: say)
            return
        }
        let report = try benchmark.run(report: say)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    private func runModel(_ architecture: PublishedArchitecture, weights: BenchWeights, threads: Int) throws {
        print("threads: \(threads)")
        let result = try ModelBenchmark(architecture: architecture, weights: weights, size: size).run { print($0) }
        let gib = { (bytes: Int) in String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }
        print("weights: \(gib(result.weightBytes))   peak resident: \(gib(result.peakBytes))   "
              + "overhead: \(gib(result.peakBytes - result.weightBytes))")
        if let maxOverheadGib, Double(result.peakBytes - result.weightBytes) > maxOverheadGib * Double(1 << 30) {
            throw BenchError.memoryOverBudget(overheadGiB: Double(result.peakBytes - result.weightBytes) / Double(1 << 30),
                                              limitGiB: maxOverheadGib)
        }
    }
}
