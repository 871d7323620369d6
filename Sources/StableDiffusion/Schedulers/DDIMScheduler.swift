import Tensors

/// diffusers' `DDIMScheduler` (deterministic at eta 0, adds noise for eta > 0).
public struct DDIMScheduler: Scheduler {
    let noise: NoiseSchedule
    let integerTimesteps: [Int]
    /// `num_train_timesteps // steps`: how far back each step looks, whatever the spacing.
    let stride: Int
    let eta: Float
    let setAlphaToOne: Bool
    let clipRange: Float?

    public var timesteps: [Float] { integerTimesteps.map { Float($0) } }
    public var initNoiseSigma: Float { 1 }

    public init(config: SchedulerConfig, steps: Int, eta: Float = 0) throws(ConfigError) {
        noise = try NoiseSchedule(config)
        try noise.checkSteps(steps, config)
        guard eta >= 0, eta.isFinite else {
            throw .invalid(path: config.path, key: "eta", reason: "must be a finite number ≥ 0, not \(eta)")
        }
        try config.requireFalse("thresholding")
        try config.requireFalse("rescale_betas_zero_snr")
        let spacing = try NoiseSchedule.spacing(config, default: .leading)
        integerTimesteps = noise.timesteps(steps, spacing: spacing, roundLinspace: true).map { Int($0) }
        stride = noise.trainTimesteps / steps
        self.eta = eta
        setAlphaToOne = try config.json.bool("set_alpha_to_one", default: true)
        clipRange = try config.json.bool("clip_sample", default: true)
            ? Float(try config.json.double("clip_sample_range", default: 1)) : nil
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor { sample }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        self.noise.addNoise(original, noise: noise, timestep: integerTimesteps[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise draw: (_ shape: [Int]) -> Tensor) -> Tensor {
        let timestep = integerTimesteps[step], previous = timestep - stride
        let alpha = noise.alphaCumprod(timestep, setAlphaToOne: setAlphaToOne)
        let alphaPrevious = noise.alphaCumprod(previous, setAlphaToOne: setAlphaToOne)
        let beta = 1 - alpha, betaPrevious = 1 - alphaPrevious
        let (alphaRoot, betaRoot) = (alpha.squareRoot(), beta.squareRoot())

        var original: Tensor, epsilon: Tensor
        switch noise.predictionType {
        case .epsilon:
            original = sample.elementwise(modelOutput) { s, m in (s - betaRoot * m) / alphaRoot }
            epsilon = modelOutput
        case .sample:
            original = modelOutput
            epsilon = sample.elementwise(modelOutput) { s, x in (s - alphaRoot * x) / betaRoot }
        case .vPrediction:
            original = sample.elementwise(modelOutput) { s, m in alphaRoot * s - betaRoot * m }
            epsilon = modelOutput.elementwise(sample) { m, s in alphaRoot * m + betaRoot * s }
        }
        if let clipRange { original = original.clamped(to: -clipRange, clipRange) }

        let variance = (betaPrevious / beta) * (1 - alpha / alphaPrevious)
        let deviation = eta * variance.squareRoot()
        let directionScale = (1 - alphaPrevious - deviation * deviation).squareRoot()
        let previousRoot = alphaPrevious.squareRoot()
        let next = original.elementwise(epsilon) { x, e in previousRoot * x + directionScale * e }
        guard eta > 0 else { return next }
        return next.elementwise(draw(modelOutput.shape)) { p, n in p + deviation * n }
    }
}
