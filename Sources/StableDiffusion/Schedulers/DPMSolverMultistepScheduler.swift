import Foundation
import Tensors

/// diffusers' `DPMSolverMultistepScheduler` (DPM-Solver++ 2M, optionally with Karras sigmas).
// Implements algorithm_type "dpmsolver++" with solver_order 1 or 2 and solver_type "midpoint" or
// "heun"; the SDE and noise-prediction variants, third order, thresholding and the other sigma
// schedules are rejected by name.
public struct DPMSolverMultistepScheduler: Scheduler {
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    /// `scheduler.sigmas`: one per timestep plus the final sigma, float32.
    let sigmas: [Float]
    let predictionType: NoiseSchedule.PredictionType
    let solverOrder: Int
    let heun: Bool
    let lowerOrderFinal: Bool
    let eulerAtFinal: Bool
    let finalSigmaZero: Bool

    /// The converted (x0) outputs of the last `solverOrder` evaluations, oldest first.
    private var modelOutputs: [[Float]?]
    private var lowerOrderNums = 0
    private var stepIndex: Int?

    public init(config: SchedulerConfig, steps: Int, karrasSigmas: Bool) throws(ConfigError) {
        let json = config.json, path = config.path
        let schedule = try NoiseSchedule(config)
        predictionType = schedule.predictionType

        var algorithm = try json.string("algorithm_type", default: "dpmsolver++")
        if algorithm == "deis" { algorithm = "dpmsolver++" }  // diffusers maps it so
        guard algorithm == "dpmsolver++" else {
            throw .unsupported(path: path, key: "algorithm_type", value: algorithm, supported: "dpmsolver++")
        }
        solverOrder = try MultistepSigmas.solverOrder(config)
        switch try json.string("solver_type", default: "midpoint") {
        case "midpoint", "logrho", "bh1", "bh2": heun = false  // diffusers maps the others to midpoint
        case "heun": heun = true
        case let other: throw .unsupported(path: path, key: "solver_type", value: other, supported: "midpoint, heun")
        }
        lowerOrderFinal = try json.bool("lower_order_final", default: true)
        eulerAtFinal = try json.bool("euler_at_final", default: false)
        finalSigmaZero = try config.requireString("final_sigmas_type", in: ["zero", "sigma_min"], default: "zero") == "zero"
        for key in ["thresholding", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas",
                    "use_flow_sigmas", "use_dynamic_shifting", "rescale_betas_zero_snr"] {
            try config.requireFalse(key)
        }
        try config.requireNull("variance_type")
        let clipped = try json.double("lambda_min_clipped", default: -.infinity)
        guard clipped == -.infinity else {
            throw .unsupported(path: path, key: "lambda_min_clipped", value: "\(clipped)", supported: "-Infinity")
        }
        // from_config(config, use_karras_sigmas=True) for the Karras kind; otherwise the config's own.
        let ownKarras = try json.bool("use_karras_sigmas", default: false)
        let (steps64, stepSigmas) = try MultistepSigmas.schedule(schedule, config, steps: steps, karras: karrasSigmas || ownKarras)
        let finalSigma = finalSigmaZero ? 0 : Double(schedule.trainSigmas[0])
        sigmas = (stepSigmas + [finalSigma]).map { Float($0) }
        timesteps = steps64.map { Float($0) }
        modelOutputs = Array(repeating: nil, count: solverOrder)
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor { sample }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        MultistepSigmas.addNoise(original, noise: noise, sigma: sigmas[step])
    }

    /// `_init_step_index` takes the begin index when one is set, not the timestep's first match.
    public mutating func setBeginIndex(_ step: Int) { stepIndex = step }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor {
        let index = stepIndex ?? MultistepSigmas.firstStepIndex(timesteps, for: timesteps[step])
        let count = timesteps.count
        let lowerOrderFinalStep = index == count - 1 && (eulerAtFinal || (lowerOrderFinal && count < 15) || finalSigmaZero)

        let x = sample.scalars
        let converted = convert(modelOutput.scalars, sample: x, index: index)
        modelOutputs.removeFirst()
        modelOutputs.append(converted)

        let result: [Float]
        if solverOrder == 1 || lowerOrderNums < 1 || lowerOrderFinalStep {
            result = firstOrder(converted, sample: x, index: index)
        } else {
            result = secondOrder(sample: x, index: index)
        }
        if lowerOrderNums < solverOrder { lowerOrderNums += 1 }
        stepIndex = index + 1
        return Tensor(shape: sample.shape, scalars: result)
    }

    /// `convert_model_output` for DPM-Solver++: the predicted x0.
    private func convert(_ output: [Float], sample: [Float], index: Int) -> [Float] {
        let (alpha, sigma) = MultistepSigmas.alphaSigma(sigmas[index])
        switch predictionType {
        case .epsilon: return zip(sample, output).map { ($0 - sigma * $1) / alpha }
        case .vPrediction: return zip(sample, output).map { alpha * $0 - sigma * $1 }
        case .sample: return output
        }
    }

    private func firstOrder(_ m0: [Float], sample: [Float], index: Int) -> [Float] {
        let (alphaT, sigmaT) = MultistepSigmas.alphaSigma(sigmas[index + 1])
        let (alphaS, sigmaS) = MultistepSigmas.alphaSigma(sigmas[index])
        let h = MultistepSigmas.lambda(alpha: alphaT, sigma: sigmaT) - MultistepSigmas.lambda(alpha: alphaS, sigma: sigmaS)
        let a = sigmaT / sigmaS, b = alphaT * (Foundation.exp(-h) - 1)
        return zip(sample, m0).map { a * $0 - b * $1 }
    }

    private func secondOrder(sample: [Float], index: Int) -> [Float] {
        guard let m0 = modelOutputs[solverOrder - 1], let m1 = modelOutputs[solverOrder - 2] else { return sample }
        let (alphaT, sigmaT) = MultistepSigmas.alphaSigma(sigmas[index + 1])
        let (alphaS0, sigmaS0) = MultistepSigmas.alphaSigma(sigmas[index])
        let (alphaS1, sigmaS1) = MultistepSigmas.alphaSigma(sigmas[index - 1])
        let lambdaT = MultistepSigmas.lambda(alpha: alphaT, sigma: sigmaT)
        let lambdaS0 = MultistepSigmas.lambda(alpha: alphaS0, sigma: sigmaS0)
        let lambdaS1 = MultistepSigmas.lambda(alpha: alphaS1, sigma: sigmaS1)
        let h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1
        let r0 = h0 / h
        let d1Scale = 1 / r0
        let expm = Foundation.exp(-h) - 1
        let a = sigmaT / sigmaS0, b = alphaT * expm
        var result = [Float](repeating: 0, count: sample.count)
        if heun {
            let c = alphaT * (expm / h + 1)
            for i in result.indices {
                let d1 = d1Scale * (m0[i] - m1[i])
                result[i] = a * sample[i] - b * m0[i] + c * d1
            }
        } else {
            let c = 0.5 * b
            for i in result.indices {
                let d1 = d1Scale * (m0[i] - m1[i])
                result[i] = a * sample[i] - b * m0[i] - c * d1
            }
        }
        return result
    }
}
