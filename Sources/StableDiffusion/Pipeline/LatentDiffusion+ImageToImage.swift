import Foundation
import Tensors

extension LatentDiffusion {
    /// diffusers' `StableDiffusionImg2ImgPipeline.prepare_latents` for one image: the init image
    /// encoded by the VAE, a sample of its latent distribution (`mean + std · ε`) times
    /// `scaling_factor`, then `scheduler.add_noise` at the first timestep kept. The generator's
    /// draws come in diffusers' order: the distribution's sample first, then the added noise.
    func imageToImageLatents(_ image: RGBImage, width: Int, height: Int, scheduler: any Scheduler, begin: Int,
                             generator: inout TorchGenerator) throws(PipelineError) -> Tensor {
        guard let encoder else { throw .noImageEncoder }
        let (mean, logVariance) = encoder.encode(VAEImageProcessor.preprocess(image, width: width, height: height))
        try mean.checkFinite(after: "the VAE encoder")
        let scale = encoder.config.scalingFactor
        let sample = mean.elementwise(logVariance, generator.randn(mean.shape)) { m, logVar, e in
            m + Foundation.exp(0.5 * logVar) * e
        }.elementwise { scale * $0 }
        return scheduler.addNoise(sample, noise: generator.randn(sample.shape), step: begin)
    }
}
