import Tensors

/// diffusers' `HeunDiscreteScheduler` (two evaluations per step but the last, Heun's method).
public struct HeunDiscreteScheduler: Scheduler {
    let schedule: SigmaSchedule
    /// diffusers' timesteps and sigmas with every step but the first evaluated twice.
    public let timesteps: [Float]
    let sigmas: [Float]
    let clipRange: Float?
    /// The first-order derivative, dt and sample, kept for the second evaluation.
    var pending: (derivative: Tensor, dt: Float, sample: Tensor)?

    public var initNoiseSigma: Float { schedule.initNoiseSigma }
    public var evaluationsPerStep: Int { 2 }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        schedule = try SigmaSchedule(config, steps: steps, betaStart: 0.00085, betaEnd: 0.012)
        timesteps = Self.doubled(schedule.timesteps)
        sigmas = Self.doubled(Array(schedule.sigmas.dropLast())) + [schedule.sigmas.last!]
        clipRange = try config.json.bool("clip_sample", default: false)
            ? Float(try config.json.double("clip_sample_range", default: 1)) : nil
    }

    /// `cat([x[:1], x[1:].repeat_interleave(2)])`.
    static func doubled(_ values: [Float]) -> [Float] {
        Array(values.prefix(1)) + values.dropFirst().flatMap { [$0, $0] }
    }

    /// The doubled sigmas put `set_begin_index(t_start · 2)` on the step's first sigma, as in diffusers.
    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        SigmaSchedule.addNoise(original, noise: noise, sigma: sigmas[step])
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor {
        SigmaSchedule.scale(sample, sigma: sigmas[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor {
        let firstOrder = pending == nil
        let sigma = firstOrder ? sigmas[step] : sigmas[step - 1]
        let sigmaNext = firstOrder ? sigmas[step + 1] : sigmas[step]
        var original = schedule.originalSample(modelOutput, sample, sigma: firstOrder ? sigma : sigmaNext)
        if let clipRange { original = original.clamped(to: -clipRange, clipRange) }
        if let (previous, dt, start) = pending {
            pending = nil
            let second = sample.elementwise(original) { s, x in (s - x) / sigmaNext }
            let derivative = previous.elementwise(second) { a, b in (a + b) / 2 }
            return start.elementwise(derivative) { s, d in s + d * dt }
        }
        let derivative = sample.elementwise(original) { s, x in (s - x) / sigma }
        let dt = sigmaNext - sigma
        pending = (derivative, dt, sample)
        return sample.elementwise(derivative) { s, d in s + d * dt }
    }
}
