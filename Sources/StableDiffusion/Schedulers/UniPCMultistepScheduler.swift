import Foundation
import Tensors

/// diffusers' `UniPCMultistepScheduler` (UniPC, bh2, predict_x0).
// Implements solver_order 1 or 2, solver_type "bh1"/"bh2", predict_x0 either way, Karras sigmas
// and disable_corrector; third order (a general linear solve), solver_p, thresholding and the
// other sigma schedules are rejected by name.
public struct UniPCMultistepScheduler: Scheduler {
    public let timesteps: [Float]
    public let initNoiseSigma: Float = 1
    /// `scheduler.sigmas`: one per timestep plus the final sigma, float32.
    let sigmas: [Float]
    let predictionType: NoiseSchedule.PredictionType
    let solverOrder: Int
    let predictX0: Bool
    let bh1: Bool
    let lowerOrderFinal: Bool
    let disableCorrector: Set<Int>

    /// The converted outputs of the last `solverOrder` evaluations, oldest first.
    private var modelOutputs: [[Float]?]
    private var lowerOrderNums = 0
    private var stepIndex: Int?
    /// The sample the last predictor started from, and that predictor's order, for the corrector.
    private var lastSample: [Float]?
    private var thisOrder = 0

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        let json = config.json, path = config.path
        let schedule = try NoiseSchedule(config)
        predictionType = schedule.predictionType

        solverOrder = try MultistepSigmas.solverOrder(config)
        predictX0 = try json.bool("predict_x0", default: true)
        switch try json.string("solver_type", default: "bh2") {
        case "bh1": bh1 = true
        case "bh2", "midpoint", "heun", "logrho": bh1 = false  // diffusers maps the others to bh2
        case let other: throw .unsupported(path: path, key: "solver_type", value: other, supported: "bh1, bh2")
        }
        lowerOrderFinal = try json.bool("lower_order_final", default: true)
        disableCorrector = Set(try json.ints("disable_corrector", default: []))
        let karras = try json.bool("use_karras_sigmas", default: false)
        let finalSigmas = try config.requireString("final_sigmas_type", in: ["zero", "sigma_min"], default: "zero")
        if bh1 && finalSigmas == "zero" {
            // diffusers' last bh1 step to sigma 0 multiplies an infinite B(h) by 0: every value NaN.
            throw .unsupported(path: path, key: "solver_type", value: "bh1 with final_sigmas_type zero",
                               supported: "bh2, or bh1 with final_sigmas_type sigma_min")
        }
        for key in ["thresholding", "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas", "use_dynamic_shifting",
                    "rescale_betas_zero_snr"] {
            try config.requireFalse(key)
        }
        for key in ["solver_p", "sigma_min", "sigma_max", "shift_terminal"] { try config.requireNull(key) }
        let (steps64, stepSigmas) = try MultistepSigmas.schedule(schedule, config, steps: steps, karras: karras)
        // sigma_min ends Karras sigmas on their own last value, the others on the training minimum.
        let finalSigma = finalSigmas == "zero" ? 0 : karras ? stepSigmas[stepSigmas.count - 1] : Double(schedule.trainSigmas[0])
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
        var x = sample.scalars
        let converted = convert(modelOutput.scalars, sample: x, index: index)
        if index > 0, !disableCorrector.contains(index - 1), let lastSample {
            x = corrector(converted, lastSample: lastSample, thisSample: x, index: index, order: thisOrder)
        }
        modelOutputs.removeFirst()
        modelOutputs.append(converted)

        let order = lowerOrderFinal ? min(solverOrder, timesteps.count - index) : solverOrder
        thisOrder = min(order, lowerOrderNums + 1)
        lastSample = x
        let result = predictor(sample: x, index: index, order: thisOrder)
        if lowerOrderNums < solverOrder { lowerOrderNums += 1 }
        stepIndex = index + 1
        return Tensor(shape: sample.shape, scalars: result)
    }

    /// `convert_model_output`: x0 when `predict_x0`, else epsilon.
    private func convert(_ output: [Float], sample: [Float], index: Int) -> [Float] {
        let (alpha, sigma) = MultistepSigmas.alphaSigma(sigmas[index])
        if predictX0 {
            switch predictionType {
            case .epsilon: return zip(sample, output).map { ($0 - sigma * $1) / alpha }
            case .vPrediction: return zip(sample, output).map { alpha * $0 - sigma * $1 }
            case .sample: return output
            }
        }
        switch predictionType {
        case .epsilon: return output
        case .vPrediction: return zip(sample, output).map { alpha * $1 + sigma * $0 }
        case .sample: return zip(sample, output).map { ($0 - alpha * $1) / sigma }
        }
    }

    private func lambda(_ index: Int) -> Float {
        let (alpha, sigma) = MultistepSigmas.alphaSigma(sigmas[index])
        return MultistepSigmas.lambda(alpha: alpha, sigma: sigma)
    }

    /// The coefficients both updates share, from sigma index `t` back to `s0`: the sample and m0
    /// factors of `x_t_`, the factor of the correction sum (`alpha_t · B_h` or `sigma_t · B_h`),
    /// and `hh`, `h_phi_1`, `B_h`, `h`.
    private func coefficients(t: Int, s0: Int) -> (sampleScale: Float, m0Scale: Float, correctionScale: Float,
                                                    hh: Float, hPhi1: Float, bh: Float, h: Float) {
        let (alphaT, sigmaT) = MultistepSigmas.alphaSigma(sigmas[t])
        let (alphaS0, sigmaS0) = MultistepSigmas.alphaSigma(sigmas[s0])
        let h = MultistepSigmas.lambda(alpha: alphaT, sigma: sigmaT) - MultistepSigmas.lambda(alpha: alphaS0, sigma: sigmaS0)
        let hh = predictX0 ? -h : h
        let hPhi1 = Foundation.expm1(hh)
        let bh = bh1 ? hh : Foundation.expm1(hh)
        if predictX0 {
            return (sigmaT / sigmaS0, alphaT * hPhi1, alphaT * bh, hh, hPhi1, bh, h)
        }
        return (alphaT / alphaS0, sigmaT * hPhi1, sigmaT * bh, hh, hPhi1, bh, h)
    }

    /// `multistep_uni_p_bh_update` (UniP) of order 1 or 2.
    private func predictor(sample x: [Float], index: Int, order: Int) -> [Float] {
        guard let m0 = modelOutputs[solverOrder - 1] else { return x }
        let c = coefficients(t: index + 1, s0: index)
        let base = zip(x, m0).map { c.sampleScale * $0 - c.m0Scale * $1 }
        guard order == 2, let m1 = modelOutputs[solverOrder - 2] else {
            // `x_t_ - alpha_t * B_h * 0`, kept for its NaN when B_h is infinite.
            let zero = c.correctionScale * 0
            return base.map { $0 - zero }
        }
        let lambdaS0 = lambda(index)
        let rk = (lambda(index - 1) - lambdaS0) / c.h
        let rho: Float = 0.5
        var result = base
        for i in result.indices {
            let d1 = (m1[i] - m0[i]) / rk
            result[i] = base[i] - c.correctionScale * (rho * d1)
        }
        return result
    }

    /// `multistep_uni_c_bh_update` (UniC) of order 1 or 2: corrects `thisSample`, the last
    /// predictor's output, with the model's output there.
    private func corrector(_ modelT: [Float], lastSample x: [Float], thisSample: [Float], index: Int, order: Int) -> [Float] {
        guard let m0 = modelOutputs[solverOrder - 1] else { return thisSample }
        let c = coefficients(t: index, s0: index - 1)
        var hPhiK = c.hPhi1 / c.hh - 1
        let b1 = hPhiK * 1 / c.bh
        var result = [Float](repeating: 0, count: x.count)
        if order == 2, let m1 = modelOutputs[solverOrder - 2] {
            let lambdaS0 = lambda(index - 1)
            let rk = (lambda(index - 2) - lambdaS0) / c.h
            hPhiK = hPhiK / c.hh - 0.5
            let b2 = hPhiK * 2 / c.bh
            let (rho0, rho1) = Self.solve(a11: 1, a12: 1, a21: rk, a22: 1, b1: b1, b2: b2)
            for i in result.indices {
                let base = c.sampleScale * x[i] - c.m0Scale * m0[i]
                let d1 = (m1[i] - m0[i]) / rk
                let correction = rho0 * d1
                result[i] = base - c.correctionScale * (correction + rho1 * (modelT[i] - m0[i]))
            }
        } else {
            let rho: Float = 0.5
            for i in result.indices {
                let base = c.sampleScale * x[i] - c.m0Scale * m0[i]
                result[i] = base - c.correctionScale * (rho * (modelT[i] - m0[i]))
            }
        }
        return result
    }

    /// `torch.linalg.solve` of a 2×2 float32 system as LAPACK's `sgesv` does it: LU with partial
    /// pivoting (the multiplier scaled by the pivot's reciprocal), then the two triangular solves.
    static func solve(a11: Float, a12: Float, a21: Float, a22: Float, b1: Float, b2: Float) -> (Float, Float) {
        var (p11, p12, p21, p22, q1, q2) = (a11, a12, a21, a22, b1, b2)
        if abs(a21) > abs(a11) { (p11, p12, p21, p22, q1, q2) = (a21, a22, a11, a12, b2, b1) }
        let l = p21 * (1 / p11)
        let u22 = p22 - l * p12
        let y2 = q2 - l * q1
        let x2 = y2 / u22
        let x1 = (q1 - p12 * x2) / p11
        return (x1, x2)
    }
}
