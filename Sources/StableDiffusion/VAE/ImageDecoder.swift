import Tensors

/// What turns the final latents into an image: diffusers' `AutoencoderKL` (the model's VAE) or
/// `AutoencoderTiny` (TAESD, `--decoder`). The pipeline only needs these four things.
public protocol ImageDecoder: Sendable {
    /// Pixels per latent pixel (diffusers' `vae_scale_factor`).
    var scaleFactor: Int { get }
    var latentChannels: Int { get }
    /// `vae.config.scaling_factor`: the pipeline divides the latents by it before decoding.
    var scalingFactor: Float { get }
    /// `latents` (already divided by `scalingFactor`) → image `[B, 3, H, W]` in about [-1, 1].
    func decode(_ latents: Tensor) -> Tensor
}

extension AutoencoderKL: ImageDecoder {
    public var scaleFactor: Int { config.scaleFactor }
    public var latentChannels: Int { config.latentChannels }
    public var scalingFactor: Float { config.scalingFactor }
}
