import Tensors

/// diffusers' `PNDMScheduler` (PLMS steps; PRK when skip_prk_steps is false).
public struct PNDMScheduler: Scheduler {
    let noise: NoiseSchedule
    let skipPRK: Bool
    let setAlphaToOne: Bool
    /// `num_train_timesteps // steps`.
    let ratio: Int
    /// The Runge–Kutta warm-up timesteps (empty when skip_prk_steps), then the PLMS ones.
    let prkTimesteps: [Int]
    let integerTimesteps: [Int]

    /// diffusers' running state: `counter`, `ets`, `cur_sample`, `cur_model_output`.
    var counter = 0
    var ets: [Tensor] = []
    var currentSample: Tensor?
    var currentModelOutput: Tensor?

    public var timesteps: [Float] { integerTimesteps.map { Float($0) } }
    public var initNoiseSigma: Float { 1 }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        noise = try NoiseSchedule(config)
        try noise.checkSteps(steps, config)
        try config.rejectSamplePrediction(noise)
        skipPRK = try config.json.bool("skip_prk_steps", default: false)
        setAlphaToOne = try config.json.bool("set_alpha_to_one", default: false)
        ratio = noise.trainTimesteps / steps
        let spacing = try NoiseSchedule.spacing(config, default: .leading)
        // diffusers' `_timesteps`, ascending.
        let base = noise.timesteps(steps, spacing: spacing, roundLinspace: true).reversed().map { Int($0) }
        let plms: [Int]
        if skipPRK {
            prkTimesteps = []
            // concatenate([_t[:-1], _t[-2:-1], _t[-1:]])[::-1]: the second-last timestep twice.
            plms = (base.dropLast() + base.dropLast().suffix(1) + base.suffix(1)).reversed()
        } else {
            // (_t[-4:].repeat(2) + tile([0, T // steps // 2], 4))[:-1].repeat(2)[1:-1][::-1]
            let half = noise.trainTimesteps / steps / 2
            let paired = base.suffix(4).flatMap { [$0, $0 + half] }.dropLast()
            prkTimesteps = Array(paired.flatMap { [$0, $0] }.dropFirst().dropLast().reversed())
            plms = base.dropLast(3).reversed()
        }
        integerTimesteps = prkTimesteps + plms
        guard !integerTimesteps.isEmpty else {
            throw .invalid(path: config.path, key: "skip_prk_steps", reason: "false leaves no timesteps for \(steps) step(s)")
        }
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor { sample }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        self.noise.addNoise(original, noise: noise, timestep: integerTimesteps[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise _: (_ shape: [Int]) -> Tensor) -> Tensor {
        let timestep = integerTimesteps[step]
        return counter < prkTimesteps.count && !skipPRK
            ? stepPRK(modelOutput, timestep, sample) : stepPLMS(modelOutput, timestep, sample)
    }

    /// `step_prk`: four evaluations per Runge–Kutta step, all from the step's starting sample.
    mutating func stepPRK(_ modelOutput: Tensor, _ timestep: Int, _ sample: Tensor) -> Tensor {
        let previous = timestep - (counter % 2 == 1 ? 0 : ratio / 2)
        let start = prkTimesteps[counter / 4 * 4]
        var output = modelOutput
        switch counter % 4 {
        case 0:
            currentModelOutput = modelOutput.elementwise { Float(1.0 / 6) * $0 }
            ets.append(modelOutput)
            currentSample = sample
        case 1, 2:
            currentModelOutput = currentModelOutput!.elementwise(modelOutput) { c, m in c + Float(1.0 / 3) * m }
        default:
            output = currentModelOutput!.elementwise(modelOutput) { c, m in c + Float(1.0 / 6) * m }
            currentModelOutput = nil
        }
        let next = previousSample(currentSample ?? sample, timestep: start, previous: previous, output)
        counter += 1
        return next
    }

    /// `step_plms`: Adams–Bashforth combinations of the last four model outputs.
    mutating func stepPLMS(_ modelOutput: Tensor, _ timestep: Int, _ sample: Tensor) -> Tensor {
        var timestep = timestep, previous = timestep - ratio
        if counter != 1 {
            ets = Array(ets.suffix(3)) + [modelOutput]
        } else {
            previous = timestep
            timestep += ratio
        }
        var sample = sample, output: Tensor
        switch (ets.count, counter) {
        case (1, 0):
            output = modelOutput
            currentSample = sample
        case (1, 1):
            output = modelOutput.elementwise(ets[0]) { m, e in (m + e) / 2 }
            sample = currentSample!
            currentSample = nil
        case (2, _):
            output = ets[1].elementwise(ets[0]) { e1, e2 in (3 * e1 - e2) / 2 }
        case (3, _):
            output = ets[2].elementwise(ets[1], ets[0]) { e1, e2, e3 in (23 * e1 - 16 * e2 + 5 * e3) / 12 }
        default:
            let e4 = ets[0]
            let combined = ets[3].elementwise(ets[2], ets[1]) { e1, e2, e3 in 55 * e1 - 59 * e2 + 37 * e3 }
            output = combined.elementwise(e4) { c, e in Float(1.0 / 24) * (c - 9 * e) }
        }
        let next = previousSample(sample, timestep: timestep, previous: previous, output)
        counter += 1
        return next
    }

    /// `_get_prev_sample`: formula (9) of the PNDM paper.
    func previousSample(_ sample: Tensor, timestep: Int, previous: Int, _ modelOutput: Tensor) -> Tensor {
        let alpha = noise.alphaCumprod(timestep, setAlphaToOne: setAlphaToOne)
        let alphaPrevious = noise.alphaCumprod(previous, setAlphaToOne: setAlphaToOne)
        let beta = 1 - alpha, betaPrevious = 1 - alphaPrevious
        var output = modelOutput
        if noise.predictionType == .vPrediction {
            let (alphaRoot, betaRoot) = (alpha.squareRoot(), beta.squareRoot())
            output = modelOutput.elementwise(sample) { m, s in alphaRoot * m + betaRoot * s }
        }
        let sampleScale = (alphaPrevious / alpha).squareRoot()
        let denominator = alpha * betaPrevious.squareRoot() + (alpha * beta * alphaPrevious).squareRoot()
        let difference = alphaPrevious - alpha
        return sample.elementwise(output) { s, m in sampleScale * s - difference * m / denominator }
    }
}
