import Tensors

/// diffusers' `EulerDiscreteScheduler` (deterministic Euler steps, `s_churn` 0).
public struct EulerDiscreteScheduler: Scheduler {
    let schedule: SigmaSchedule

    public var timesteps: [Float] { schedule.timesteps }
    public var initNoiseSigma: Float { schedule.initNoiseSigma }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        schedule = try SigmaSchedule(config, steps: steps, finalSigmasType: true)
        _ = try config.requireString("interpolation_type", in: ["linear"], default: "linear")
        _ = try config.requireString("timestep_type", in: ["discrete"], default: "discrete")
        try config.requireFalse("rescale_betas_zero_snr")
    }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        SigmaSchedule.addNoise(original, noise: noise, sigma: schedule.sigmas[step])
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor {
        SigmaSchedule.scale(sample, sigma: schedule.sigmas[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor {
        // With s_churn 0, gamma is 0 and sigma_hat == sigma: no noise is drawn.
        let sigma = schedule.sigmas[step]
        let original = schedule.originalSample(modelOutput, sample, sigma: sigma)
        let dt = schedule.sigmas[step + 1] - sigma
        return sample.elementwise(original) { s, x in
            let derivative = (s - x) / sigma
            return s + derivative * dt
        }
    }
}
