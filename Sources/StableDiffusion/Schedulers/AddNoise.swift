import Tensors

// diffusers' two `add_noise` formulas, in torch's float32 arithmetic: each product rounded, then the sum.

extension NoiseSchedule {
    /// DDIM, PNDM and LCM: `alphas_cumprod[t] ** 0.5 * original + (1 - alphas_cumprod[t]) ** 0.5 * noise`.
    func addNoise(_ original: Tensor, noise: Tensor, timestep: Int) -> Tensor {
        let alpha = alphasCumprod[timestep]
        let (signal, spread) = (alpha.squareRoot(), (1 - alpha).squareRoot())
        return original.elementwise(noise) { x, n in signal * x + spread * n }
    }
}

extension SigmaSchedule {
    /// Euler, Euler ancestral, Heun and LMS: `original + noise * sigma`.
    static func addNoise(_ original: Tensor, noise: Tensor, sigma: Float) -> Tensor {
        original.elementwise(noise) { x, n in x + n * sigma }
    }
}

extension MultistepSigmas {
    /// DPM-Solver++ and UniPC: `alpha_t * original + sigma_t * noise` from `_sigma_to_alpha_sigma_t(sigma)`.
    static func addNoise(_ original: Tensor, noise: Tensor, sigma: Float) -> Tensor {
        let (alpha, sigmaT) = alphaSigma(sigma)
        return original.elementwise(noise) { x, n in alpha * x + sigmaT * n }
    }
}
