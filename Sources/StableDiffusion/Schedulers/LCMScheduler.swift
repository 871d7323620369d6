import Tensors

/// diffusers' `LCMScheduler` (latent consistency models: each step predicts the clean latents,
/// then re-noises them to the next timestep).
public struct LCMScheduler: Scheduler {
    let noise: NoiseSchedule
    let integerTimesteps: [Int]
    let timestepScaling: Float
    let setAlphaToOne: Bool
    let clipRange: Float?

    public var timesteps: [Float] { integerTimesteps.map { Float($0) } }
    public var initNoiseSigma: Float { 1 }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        noise = try NoiseSchedule(config, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: "scaled_linear")
        try noise.checkSteps(steps, config)
        try config.requireFalse("thresholding")
        try config.requireFalse("rescale_betas_zero_snr")
        let original = try config.json.positive("original_inference_steps", default: 50)
        guard original <= noise.trainTimesteps else {
            throw .invalid(path: config.path, key: "original_inference_steps",
                           reason: "(\(original)) must not exceed num_train_timesteps (\(noise.trainTimesteps))")
        }
        guard steps <= original else {
            throw .invalid(path: config.path, key: "original_inference_steps",
                           reason: "(\(original)) allows 1 to \(original) inference steps, not \(steps)")
        }
        integerTimesteps = Self.timesteps(steps, original: original, trainTimesteps: noise.trainTimesteps)
        timestepScaling = Float(try config.json.double("timestep_scaling", default: 10))
        setAlphaToOne = try config.json.bool("set_alpha_to_one", default: true)
        clipRange = try config.json.bool("clip_sample", default: false)
            ? Float(try config.json.double("clip_sample_range", default: 1)) : nil
    }

    /// LCM's own rule, whatever `timestep_spacing` says: the distillation schedule
    /// `k·(1…original) − 1` (k = T // original), descending, sampled at
    /// `floor(np.linspace(0, original, steps, endpoint=False))`.
    static func timesteps(_ steps: Int, original: Int, trainTimesteps: Int) -> [Int] {
        let k = trainTimesteps / original
        let descending = (1...original).reversed().map { $0 * k - 1 }
        let stride = Double(original) / Double(steps)
        return (0..<steps).map { descending[Int((Double($0) * stride).rounded(.down))] }
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor { sample }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        self.noise.addNoise(original, noise: noise, timestep: integerTimesteps[step])
    }

    /// Returns `prev_sample`; at the last step that is the `denoised` prediction itself.
    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise draw: (_ shape: [Int]) -> Tensor) -> Tensor {
        let timestep = integerTimesteps[step]
        let previous = step + 1 < integerTimesteps.count ? integerTimesteps[step + 1] : timestep
        let alpha = noise.alphaCumprod(timestep, setAlphaToOne: setAlphaToOne)
        let alphaPrevious = noise.alphaCumprod(previous, setAlphaToOne: setAlphaToOne)
        let (alphaRoot, betaRoot) = (alpha.squareRoot(), (1 - alpha).squareRoot())

        // The consistency model's boundary condition, sigma_data 0.5, in float32 as torch has it.
        let scaled = Float(timestep) * timestepScaling
        let cSkip = 0.25 / (scaled * scaled + 0.25)
        let cOut = scaled / (scaled * scaled + 0.25).squareRoot()

        var original: Tensor
        switch noise.predictionType {
        case .epsilon: original = sample.elementwise(modelOutput) { s, m in (s - betaRoot * m) / alphaRoot }
        case .sample: original = modelOutput
        case .vPrediction: original = sample.elementwise(modelOutput) { s, m in alphaRoot * s - betaRoot * m }
        }
        if let clipRange { original = original.clamped(to: -clipRange, clipRange) }
        let denoised = original.elementwise(sample) { x, s in cOut * x + cSkip * s }
        guard step + 1 < integerTimesteps.count else { return denoised }

        let (previousAlphaRoot, previousBetaRoot) = (alphaPrevious.squareRoot(), (1 - alphaPrevious).squareRoot())
        return denoised.elementwise(draw(modelOutput.shape)) { d, n in previousAlphaRoot * d + previousBetaRoot * n }
    }
}
