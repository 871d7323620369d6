import Tensors

/// diffusers' `AutoencoderKL`: images to a diagonal Gaussian over latents, and latents to images.
public struct AutoencoderKL: Sendable {
    public let config: VAEConfig
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    let quantConv, postQuantConv: Conv2d?

    public init(config: VAEConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        let latent = config.latentChannels
        encoder = try VAEEncoder(p["encoder"], config: config)
        decoder = try VAEDecoder(p["decoder"], config: config)
        quantConv = config.useQuantConv ? try Conv2d(p["quant_conv"], in: 2 * latent, out: 2 * latent, kernel: 1) : nil
        postQuantConv = config.usePostQuantConv ? try Conv2d(p["post_quant_conv"], in: latent, out: latent, kernel: 1) : nil
    }

    /// Parameter names older diffusers versions used, tried when the current name is absent.
    public static func legacyNames(_ name: String) -> [String] {
        SpatialSelfAttention.legacyName(name).map { [$0] } ?? []
    }

    /// `latents` (already divided by `scaling_factor`) → image `[B, out, h·f, w·f]`.
    public func decode(_ latents: Tensor) -> Tensor {
        BufferPool.scoped { decoder(postQuantConv?(latents) ?? latents) }
    }

    /// `image` in [-1, 1] → the latent distribution's mean and log-variance (clamped to
    /// [-30, 20] as diffusers' `DiagonalGaussianDistribution` does).
    public func encode(_ image: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let h = BufferPool.scoped { encoder(image) }
        let moments = quantConv?(h) ?? h
        let latent = config.latentChannels
        return (moments.slice(axis: 1, 0..<latent), moments.slice(axis: 1, latent..<(2 * latent)).clamped(to: -30, 20))
    }
}
