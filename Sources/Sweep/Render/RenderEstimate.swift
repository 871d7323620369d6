import Foundation
import StableDiffusion

/// A rough time for a job before anything renders, from arithmetic rather than a trial image:
/// a UNet evaluation costs about 0.11 × 2 × parameters × latent pixels floating-point operations
/// and a VAE decode about 0.1 × 2 × decoder parameters × pixels (SD 1.5: 0.8 TFLOP per UNet
/// evaluation and 2.5 TFLOP per decode at 512²), at the 90 GFLOP/s per core the development
/// machines reach. Small models are dominated by fixed costs, so each evaluation is charged at
/// least 20 ms and each image 0.1 s more (text encoding, PNG). The progress lines' ETA, measured
/// as images finish, replaces it.
public struct RenderEstimate: Sendable {
    /// Seconds for one image on one core, averaged over the job's axes.
    public let secondsPerImageOnOneCore: Double

    static let flopsPerCoreSecond = 90e9
    static let unetFlopsPerParameterPixel = 0.114 * 2
    static let decoderFlopsPerParameterPixel = 0.096 * 2
    static let minimumSecondsPerEvaluation = 0.02
    static let secondsPerImage = 0.1

    /// nil when the model's weights cannot be read (a model that fails to load is reported when it loads).
    public init?(job: Job) {
        let folder = URL(fileURLWithPath: job.model)
        guard let unet = try? ComponentWeights(directory: folder.appendingPathComponent("unet").path),
              let vae = try? ComponentWeights(directory: folder.appendingPathComponent("vae").path) else { return nil }
        self.init(job: job, unetParameters: Self.parameters(unet) { _ in true },
                  decoderParameters: Self.parameters(vae) { $0.hasPrefix("decoder.") || $0.hasPrefix("post_quant_conv.") })
    }

    init(job: Job, unetParameters: Double, decoderParameters: Double) {
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(values.count, 1)) }
        // Evaluations per step: 2 with classifier-free guidance; Heun evaluates twice per step.
        let evaluations = mean(job.steps.map(Double.init)) * mean(job.guidance.map { $0 > 1 ? 2 : 1 })
            * mean(job.schedulers.map { $0 == .heun ? 2 : 1 })
        let pixels = mean(job.sizes.map { Double($0.width * $0.height) })
        let perEvaluation = max(Self.unetFlopsPerParameterPixel * unetParameters * pixels / 64 / Self.flopsPerCoreSecond,
                                Self.minimumSecondsPerEvaluation)
        secondsPerImageOnOneCore = Self.secondsPerImage + evaluations * perEvaluation
            + Self.decoderFlopsPerParameterPixel * decoderParameters * pixels / Self.flopsPerCoreSecond
    }

    /// Seconds for `images` images spread over `cores` cores.
    public func seconds(images: Int, cores: Int) -> Double {
        secondsPerImageOnOneCore * Double(images) / Double(max(cores, 1))
    }

    private static func parameters(_ weights: ComponentWeights, where include: (String) -> Bool) -> Double {
        weights.files.reduce(0) { total, file in
            total + file.entries.filter { include($0.key) }.reduce(0) { $0 + Double($1.value.shape.reduce(1, *)) }
        }
    }
}
