import Tensors

/// The k-diffusion sigma schedule the Euler, Euler ancestral, Heun and LMS schedulers share:
/// float32 timesteps, `np.interp`'d sigmas with a final 0, `init_noise_sigma`, input scaling
/// and the predicted original sample.
struct SigmaSchedule: Sendable {
    let noise: NoiseSchedule
    /// `scheduler.timesteps` before any class-specific repetition (Heun).
    let timesteps: [Float]
    /// One sigma per timestep, then the final sigma (0, or `sigma_min` when
    /// `final_sigmas_type` is "sigma_min" where the class has that option).
    let sigmas: [Float]
    let initNoiseSigma: Float

    /// Every class in this family defaults `timestep_spacing` to "linspace". `sigmaTypes` says
    /// whether the class reads `use_karras_sigmas` and its siblings (all but Euler ancestral,
    /// which ignores them, as diffusers does); `finalSigmasType` whether it reads
    /// `final_sigmas_type` (Euler only).
    init(_ config: SchedulerConfig, steps: Int, betaStart: Double = 0.0001, betaEnd: Double = 0.02,
         sigmaTypes: Bool = true, finalSigmasType: Bool = false) throws(ConfigError) {
        noise = try NoiseSchedule(config, betaStart: betaStart, betaEnd: betaEnd)
        try noise.checkSteps(steps, config)
        if sigmaTypes {
            for key in ["use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"] { try config.requireFalse(key) }
        }
        let spacing = try NoiseSchedule.spacing(config, default: .linspace)
        timesteps = noise.timesteps(steps, spacing: spacing, roundLinspace: false).map { Float($0) }
        var last: Float = 0
        if finalSigmasType, try config.requireString("final_sigmas_type", in: ["zero", "sigma_min"], default: "zero") == "sigma_min" {
            last = noise.trainSigmas[0]
        }
        sigmas = noise.interpolatedSigmas(at: timesteps) + [last]
        // `sigmas.max()`, and for "leading" `(max ** 2 + 1) ** 0.5`, in float32.
        let largest = sigmas.max()!
        initNoiseSigma = spacing == .leading ? (largest * largest + 1).squareRoot() : largest
    }

    /// `sample / ((sigma ** 2 + 1) ** 0.5)`.
    static func scale(_ sample: Tensor, sigma: Float) -> Tensor {
        let denominator = (sigma * sigma + 1).squareRoot()
        return sample.elementwise { $0 / denominator }
    }

    /// The predicted original sample (x₀) from the model output at `sigma`.
    func originalSample(_ modelOutput: Tensor, _ sample: Tensor, sigma: Float) -> Tensor {
        switch noise.predictionType {
        case .epsilon:
            return sample.elementwise(modelOutput) { s, m in s - sigma * m }
        case .vPrediction:
            // model_output * (-sigma / (sigma**2 + 1) ** 0.5) + (sample / (sigma**2 + 1))
            let variance = sigma * sigma + 1
            let outScale = -sigma / variance.squareRoot()
            return modelOutput.elementwise(sample) { m, s in m * outScale + s / variance }
        case .sample:
            return modelOutput
        }
    }
}
