import Tensors

/// diffusers' `EulerAncestralDiscreteScheduler` (Euler steps that re-inject noise each step).
public struct EulerAncestralDiscreteScheduler: Scheduler {
    let schedule: SigmaSchedule

    public var timesteps: [Float] { schedule.timesteps }
    public var initNoiseSigma: Float { schedule.initNoiseSigma }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        schedule = try SigmaSchedule(config, steps: steps, sigmaTypes: false)
        try config.rejectSamplePrediction(schedule.noise)
        try config.requireFalse("rescale_betas_zero_snr")
    }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        SigmaSchedule.addNoise(original, noise: noise, sigma: schedule.sigmas[step])
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor {
        SigmaSchedule.scale(sample, sigma: schedule.sigmas[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor {
        let sigma = schedule.sigmas[step], sigmaTo = schedule.sigmas[step + 1]
        let original = schedule.originalSample(modelOutput, sample, sigma: sigma)
        let sigmaUp = (sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo) / (sigma * sigma)).squareRoot()
        let sigmaDown = (sigmaTo * sigmaTo - sigmaUp * sigmaUp).squareRoot()
        let dt = sigmaDown - sigma
        // diffusers draws the noise on every step, the last (sigma_up 0) included.
        let drawn = noise(modelOutput.shape)
        return sample.elementwise(original, drawn) { s, x, n in
            let derivative = (s - x) / sigma
            return (s + derivative * dt) + n * sigmaUp
        }
    }
}
