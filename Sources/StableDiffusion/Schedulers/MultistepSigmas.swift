import Foundation

/// Sigma and timestep arithmetic the multistep solvers (DPM-Solver++, UniPC) share, each step in
/// the precision diffusers computes it: numpy float64 for the schedule, torch float32 0-d tensors
/// for the per-step coefficients.
enum MultistepSigmas {
    /// `solver_order`: both solvers implement orders 1 and 2.
    static func solverOrder(_ config: SchedulerConfig) throws(ConfigError) -> Int {
        let order = try config.json.int("solver_order", default: 2)
        guard order == 1 || order == 2 else {
            throw .unsupported(path: config.path, key: "solver_order", value: String(order), supported: "1, 2")
        }
        return order
    }

    /// `set_timesteps` of both solvers up to the final sigma, which each class appends its own way:
    /// integer timesteps and one float64 sigma per timestep (Karras sigmas when `karras`).
    static func schedule(_ noise: NoiseSchedule, _ config: SchedulerConfig, steps: Int,
                         karras: Bool) throws(ConfigError) -> (timesteps: [Int], sigmas: [Double]) {
        let spacing = try NoiseSchedule.spacing(config, default: .linspace)
        try noise.checkSteps(steps, config)
        let trainSigmas = noise.trainSigmas
        guard karras else {
            // np.interp at integer timesteps is the training sigma itself.
            let timesteps = Self.timesteps(noise, spacing: spacing, steps: steps)
            return (timesteps, timesteps.map { Double(trainSigmas[$0]) })
        }
        let logSigmas = Self.logSigmas(trainSigmas)
        let sigmas = Self.karras(trainingSigmas: trainSigmas, steps: steps)
        return (sigmas.map { Int(sigmaToT($0, logSigmas: logSigmas).rounded(.toNearestOrEven)) }, sigmas)
    }

    /// The inference timesteps of DPMSolverMultistep/UniPCMultistep `set_timesteps`; unlike the
    /// other schedulers they space `steps + 1` points and drop the last (`lambda_min_clipped`
    /// being -inf, every training timestep is available).
    static func timesteps(_ noise: NoiseSchedule, spacing: NoiseSchedule.TimestepSpacing, steps: Int) -> [Int] {
        let count = noise.trainTimesteps
        switch spacing {
        case .linspace:
            // np.linspace(0, T - 1, steps + 1).round()[::-1][:-1]
            let points = NoiseSchedule.numpyLinspace(0, Double(count - 1), count: steps + 1).map { Int($0.rounded(.toNearestOrEven)) }
            return Array(points.reversed().dropLast())
        case .leading:
            // (np.arange(0, steps + 1) * (T // (steps + 1))).round()[::-1][:-1] + steps_offset
            let ratio = count / (steps + 1)
            return (1...steps).reversed().map { $0 * ratio + noise.stepsOffset }
        case .trailing:
            // np.arange(T, 0, -T / steps).round() - 1
            return NoiseSchedule.numpyArange(Double(count), 0, step: -Double(count) / Double(steps))
                .map { Int($0.rounded(.toNearestOrEven)) - 1 }
        }
    }

    /// `_convert_to_karras` over the ascending float32 training sigmas: float64 with rho = 7.
    static func karras(trainingSigmas sigmas: [Float], steps: Int) -> [Double] {
        let sigmaMin = Double(sigmas[0]), sigmaMax = Double(sigmas[sigmas.count - 1])
        let rho = 7.0
        let minInvRho = pow(sigmaMin, 1 / rho), maxInvRho = pow(sigmaMax, 1 / rho)
        return NoiseSchedule.numpyLinspace(0, 1, count: steps).map { pow(maxInvRho + $0 * (minInvRho - maxInvRho), rho) }
    }

    /// `np.log` of the float32 training sigmas, kept in float32.
    static func logSigmas(_ sigmas: [Float]) -> [Float] {
        sigmas.map { Float(Foundation.log(Double($0))) }
    }

    /// `_sigma_to_t`: the fractional training timestep whose log sigma interpolates to `sigma`'s,
    /// with numpy's promotions (float64 `log_sigma`, float32 `low - high`).
    static func sigmaToT(_ sigma: Double, logSigmas: [Float]) -> Double {
        let logSigma = Foundation.log(max(sigma, 1e-10))
        // cumsum(dists >= 0).argmax(): the last index whose log sigma is <= logSigma (0 if none).
        var low = 0
        for (i, value) in logSigmas.enumerated() where logSigma - Double(value) >= 0 { low = i }
        low = min(low, logSigmas.count - 2)
        let high = low + 1
        let (lowValue, highValue) = (logSigmas[low], logSigmas[high])
        var w = (Double(lowValue) - logSigma) / Double(lowValue - highValue)
        w = min(max(w, 0), 1)
        return (1 - w) * Double(low) + w * Double(high)
    }

    /// `_sigma_to_alpha_sigma_t` in float32: `alpha = 1 / sqrt(sigma² + 1)`, `sigma_t = sigma · alpha`.
    static func alphaSigma(_ sigma: Float) -> (alpha: Float, sigma: Float) {
        let alpha = 1 / (sigma * sigma + 1).squareRoot()
        return (alpha, sigma * alpha)
    }

    /// `log(alpha_t) - log(sigma_t)` in float32 (infinite at sigma 0).
    static func lambda(alpha: Float, sigma: Float) -> Float {
        Foundation.log(alpha) - Foundation.log(sigma)
    }

    /// `index_for_timestep(timesteps[0])` as diffusers initialises `step_index`: the second match
    /// when the timestep repeats, so a repeated first timestep skips ahead.
    static func firstStepIndex(_ timesteps: [Float], for timestep: Float) -> Int {
        let matches = timesteps.indices.filter { timesteps[$0] == timestep }
        if matches.isEmpty { return timesteps.count - 1 }
        return matches.count > 1 ? matches[1] : matches[0]
    }
}
