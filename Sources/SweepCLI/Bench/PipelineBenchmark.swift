import Foundation
import StableDiffusion
import Tensors

/// Times what a user waits for, each after a warm-up run and reported as the median of `runs`:
/// both prompts through the text encoder, one UNet step as the recipe runs it (batch 2, negative
/// and positive, when classifier-free guided; else batch 1), one decode (VAE or TAESD), and a
/// whole image of `imageSteps` steps at `guidance` with `scheduler`. bench/torch_bench.py prints the same
/// table for diffusers on PyTorch, so the two can be set side by side.
struct PipelineBenchmark {
    let model: BenchModel
    let size: Int
    let runs: Int
    let imageSteps: Int
    let imageRuns: Int
    let guidance: Float
    /// nil: the model's own.
    let scheduler: SchedulerKind?
    let decoderItem: String
    /// With more than 1, also times one UNet step on this many images at once, per image: what
    /// rendering tasks in batches would gain.
    let batch: Int
    /// Skip the three component items (a long whole-image run on its own).
    let imageOnly: Bool
    /// Threads and precision of every item (the sgemm reference lines stay float32).
    let compute: ComputeContext

    struct Row: Encodable {
        let name: String
        let seconds: [Double]
        let flops: Double
        var median: Double { seconds.sorted()[seconds.count / 2] }
    }

    struct Report: Encodable {
        let side = "ours"
        let model: String
        let size: Int
        let threads: Int
        let precision: String
        let core: String
        let sgemmGFLOPS: [Double]
        let openBLASGFLOPS: Double
        let rows: [Row]
        let peakBytes: Int
        let weightBytes: Int?
    }

    var request: GenerationRequest {
        GenerationRequest(prompt: BenchModel.prompt, seed: 0, steps: imageSteps, guidance: guidance, scheduler: scheduler,
                          width: size, height: size, precision: compute.precision)
    }

    func run(report: (String) -> Void) throws -> Report {
        let core = KernelBenchmark.gemmDescription
        let sgemmBefore = KernelBenchmark.sgemmGFLOPS(size: 2048, repeats: 3, compute: compute)
        let openBLAS = KernelBenchmark.openBLASGFLOPS(size: 2048, repeats: 3, threads: compute.threads)
        report("\(model.description), \(size)×\(size), threads \(compute.threads), precision \(compute.precision.rawValue), \(core)")
        report(String(format: "sgemm 2048³: %.1f GFLOP/s (OpenBLAS's threaded cblas_sgemm: %.1f)", sgemmBefore, openBLAS))
        report(Self.header)

        let unet = model.diffusion.unet, decoder = model.diffusion.decoder
        let latentSize = size / decoder.scaleFactor
        let latents = RandomWeights.uniform([1, unet.config.inChannels, latentSize, latentSize], state: 7, scale: 1, offset: 0)
        let (prompt, negative) = try model.encodePrompts()
        let guided = model.diffusion.usesClassifierFreeGuidance(request)
        let unetRows = guided ? [negative, prompt] : [prompt]
        let context = Tensor.concatenate(unetRows.map(\.context), axis: 0)
        let textTime = try model.textTime(unetRows, size: size)
        let guidanceEmbedding = unet.config.timeCondProjDim.map { Tensor.guidanceScaleEmbedding(guidance - 1, dim: $0) }
        var rows: [Row] = []
        /// `per`: images one run makes; seconds and FLOPs are reported per image.
        func time(_ name: String, runs: Int, warmUp: Bool = true, per images: Int = 1, _ body: () throws -> Void) rethrows {
            let counter = FLOPCounter()
            var seconds: [Double] = []
            for run in 0..<(runs + (warmUp ? 1 : 0)) {
                let start = DispatchTime.now().uptimeNanoseconds
                try counter.counting(body)
                if run > 0 || !warmUp { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(images)) }
            }
            let row = Row(name: name, seconds: seconds, flops: counter.flops / Double((runs + (warmUp ? 1 : 0)) * images))
            rows.append(row)
            report(Self.line(row, sgemm: sgemmBefore))
        }

        if !imageOnly {
            // SDXL's negative side is zeros without a negative prompt (diffusers' force_zeros_for_empty_prompt).
            try time(model.text.zeroNegative ? "text encoders (prompt)" : "text encoder (prompt + negative)", runs: runs) {
                _ = try model.encodePrompts()
            }
            // In the pipeline's pool, as a rank rendering image after image runs them.
            let pool = model.diffusion.pool
            time(guided ? "guided UNet step (batch 2)" : "UNet step (batch 1)", runs: runs) {
                BufferPool.scoped(in: pool) {
                    guard guided else {
                        _ = unet(latents, timestep: 500, context: context, timestepCondition: guidanceEmbedding, textTime: textTime)
                        return
                    }
                    let both = Tensor.concatenate([latents, latents], axis: 0)
                    _ = LatentDiffusion.guide(unet(both, timestep: 500, context: context, textTime: textTime), scale: guidance)
                }
            }
            if batch > 1 {
                // diffusers' batch layout: every negative prompt, then every prompt.
                let copies = { (x: Tensor, count: Int) in Tensor.concatenate(Array(repeating: x, count: count), axis: 0) }
                let batchLatents = copies(latents, guided ? 2 * batch : batch)
                let batchRows = guided ? Array(repeating: negative, count: batch) + Array(repeating: prompt, count: batch)
                    : Array(repeating: prompt, count: batch)
                let batchContext = Tensor.concatenate(batchRows.map(\.context), axis: 0)
                let batchTextTime = try model.textTime(batchRows, size: size)
                let batchEmbedding = guidanceEmbedding.map { copies($0, batch) }
                time("UNet step, batch of \(batch), per image", runs: runs, per: batch) {
                    BufferPool.scoped(in: pool) {
                        let prediction = unet(batchLatents, timestep: 500, context: batchContext, timestepCondition: batchEmbedding,
                                              textTime: batchTextTime)
                        _ = guided ? LatentDiffusion.guide(prediction, scale: guidance) : prediction
                    }
                }
            }
            time(decoderItem, runs: runs) { BufferPool.scoped(in: pool) { _ = decoder.decode(latents) } }
        }
        if imageSteps > 0 {
            // Every image run counts: the components above, or the prompts' encoding, warmed up.
            try time("image, \(imageSteps) steps", runs: imageRuns, warmUp: false) {
                let (prompt, negative) = try model.encodePrompts(guided: guided)
                _ = try model.diffusion.render(request, prompt: prompt, negativePrompt: negative)
            }
            if batch > 1 {
                // As `sweep render --batch` renders: the seeds differ, one UNet call per step for all.
                let requests = (0..<batch).map { seed in var each = request; each.seed = UInt64(seed); return each }
                try time("image, batch of \(batch), per image", runs: imageRuns, warmUp: false, per: batch) {
                    let (prompt, negative) = try model.encodePrompts(guided: guided)
                    _ = try model.diffusion.render(requests, prompts: Array(repeating: prompt, count: batch),
                                                   negativePrompts: Array(repeating: negative, count: batch))
                }
            }
        }
        let sgemmAfter = KernelBenchmark.sgemmGFLOPS(size: 2048, repeats: 3, compute: compute)
        report(String(format: "sgemm 2048³ after: %.1f GFLOP/s", sgemmAfter))
        let result = Report(model: model.description, size: size, threads: compute.threads, precision: compute.precision.rawValue, core: core,
                            sgemmGFLOPS: [sgemmBefore, sgemmAfter], openBLASGFLOPS: openBLAS, rows: rows, peakBytes: ResidentMemory.peakBytes,
                            weightBytes: model.weightBytes)
        let pool = model.diffusion.pool.usage
        report("peak resident: \(ResidentMemory.gib(result.peakBytes))"
               + (model.weightBytes.map { "   weights: \(ResidentMemory.gib($0))" } ?? "")
               + "   activations' pool: peak \(ResidentMemory.gib(pool.peakBytes)) (\(ResidentMemory.gib(pool.peakInUseBytes)) in use at most), "
               + "\(pool)")
        return result
    }

    /// Renders an image of `steps` steps printing resident memory after each, to show that memory
    /// does not grow from step to step; returns the growth from after step 2 to the last step's peak.
    func memoryPerStep(steps: Int, report: (String) -> Void) throws -> Int {
        var request = request
        request.steps = steps
        let (prompt, negative) = try model.encodePrompts()
        var afterSecond = 0, highest = 0
        _ = try model.diffusion.render(request, prompt: prompt, negativePrompt: negative) { progress in
            let now = ResidentMemory.currentBytes
            if progress.step == 2 { afterSecond = now }
            if progress.step >= 2 { highest = max(highest, now) }
            report(String(format: "step %3d/%d  %6.2f s/step  resident %@  peak %@", progress.step, progress.steps,
                          progress.secondsPerStep, ResidentMemory.gib(now), ResidentMemory.gib(ResidentMemory.peakBytes)))
        }
        let growth = highest - afterSecond
        report("resident after step 2: \(ResidentMemory.gib(afterSecond)), highest after a later step: "
               + "\(ResidentMemory.gib(highest)), growth: \(String(format: "%.1f MiB", Double(growth) / Double(1 << 20)))")
        return growth
    }

    static let header = "item".padding(toLength: 34, withPad: " ", startingAt: 0)
        + "median s   GFLOP   GFLOP/s  % sgemm   runs (s)"

    static func line(_ row: Row, sgemm: Double) -> String {
        let gflops = row.flops / row.median / 1e9
        return row.name.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: "%8.3f  %6.0f  %8.1f  %6.0f%%   ", row.median, row.flops / 1e9, gflops, 100 * gflops / sgemm)
            + row.seconds.map { String(format: "%.3f", $0) }.joined(separator: " ")
    }
}
