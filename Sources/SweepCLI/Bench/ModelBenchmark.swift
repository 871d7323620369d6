import Foundation
import StableDiffusion
import Tensors

/// One forward pass of each full-size component with random weights: output shapes, seconds and
/// memory, so the real architectures are exercised without downloading a model.
struct ModelBenchmark {
    let architecture: PublishedArchitecture
    let weights: BenchWeights
    let size: Int

    struct Row {
        let component: String
        let output: [Int]
        let seconds: Double
    }

    func run(report: (String) -> Void) throws -> (rows: [Row], weightBytes: Int, peakBytes: Int) {
        let source = weights.source(seed: 42)
        let p = Parameters(source)
        let text = try BenchTextEncoders(random: architecture, parameters: p)
        let unet = try UNet2DConditionModel(config: architecture.unet, parameters: p)
        let vae = try AutoencoderKL(config: architecture.vae, parameters: p)
        report("\(architecture.name): \(source.parameterCount / 1_000_000)M parameters (\(weights.rawValue)), \(size)×\(size) image;"
               + " " + ResidentMemory.summary)

        let latentSize = size / vae.config.scaleFactor
        var rows: [Row] = []
        func timed(_ name: String, _ body: () throws -> Tensor) rethrows -> Tensor {
            let start = Date()
            let output = try body()
            let seconds = Date().timeIntervalSince(start)
            rows.append(Row(component: name, output: output.shape, seconds: seconds))
            report("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                   + "output \(output.shape)".padding(toLength: 26, withPad: " ", startingAt: 0)
                   + String(format: "%8.2f s", seconds) + "   " + ResidentMemory.summary)
            return output
        }
        var prompt = Conditioning(context: Tensor(shape: [0]))
        _ = try timed("text encoder") {
            prompt = try text.encode(false)
            return prompt.context
        }
        let latents = Tensor(shape: [1, unet.config.inChannels, latentSize, latentSize], repeating: 0.1)
        let textTime = try unet.config.textTime.map { _ in
            try TextTimeConditioning(rows: [prompt], timeIDs: [MicroConditioning().timeIDs(width: size, height: size)])
        }
        _ = timed("UNet (1 pass)") { unet(latents, timestep: 500, context: prompt.context, textTime: textTime) }
        _ = timed("VAE decode") { vae.decode(latents) }
        let image = Tensor(shape: [1, vae.config.inChannels, size, size], repeating: 0.1)
        _ = timed("VAE encode") { vae.encode(image).mean }
        return (rows, source.byteCount, ResidentMemory.peakBytes)
    }
}
