import Foundation

/// Sigma and timestep arithmetic the multistep solvers (DPM-Solver++, UniPC) share, each step in
/// the precision diffusers computes it: numpy float64 for the schedule, torch float32 0-d tensors
/// for the per-step coefficients.
enum MultistepSigmas {
    /// Throws unless `1...num_train_timesteps` holds `steps` (the other schedulers' check and message).
    static func checkSteps(_ steps: Int, _ schedule: NoiseSchedule, _ config: SchedulerConfig) throws(ConfigError) {
        guard (1...schedule.trainTimesteps).contains(steps) else {
            throw .invalid(path: config.path, key: "num_train_timesteps",
                           reason: "(\(schedule.trainTimesteps)) allows 1 to \(schedule.trainTimesteps) inference steps, not \(steps)")
        }
    }

    /// `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5` in float32 (torch's `** 0.5` is a sqrt).
    static func trainingSigmas(_ alphasCumprod: [Float]) -> [Float] {
        alphasCumprod.map { ((1 - $0) / $0).squareRoot() }
    }

    /// `np.linspace(start, stop, count)` in float64: `i * step + start`, the last point exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }

    /// The inference timesteps of DPMSolverMultistep/UniPCMultistep `set_timesteps` for
    /// `timestep_spacing` (`last` is the last trainable timestep + 1, before `lambda_min_clipped`).
    static func timesteps(spacing: NoiseSchedule.TimestepSpacing, trainTimesteps: Int, last: Int,
                          steps: Int, stepsOffset: Int) -> [Int] {
        switch spacing {
        case .linspace:
            // np.linspace(0, last - 1, steps + 1).round()[::-1][:-1]
            let points = linspace(0, Double(last - 1), count: steps + 1).map { Int($0.rounded(.toNearestOrEven)) }
            return Array(points.reversed().dropLast())
        case .leading:
            // (np.arange(0, steps + 1) * (last // (steps + 1))).round()[::-1][:-1] + steps_offset
            let ratio = last / (steps + 1)
            return (1...steps).reversed().map { $0 * ratio + stepsOffset }
        case .trailing:
            // np.arange(last, 0, -num_train_timesteps / steps).round() - 1, filled as numpy
            // fills a float range: start + i * (second - start).
            let ratio = Double(trainTimesteps) / Double(steps)
            let start = Double(last), delta = (start + -ratio) - start
            let count = Int(((0 - start) / -ratio).rounded(.up))
            return (0..<max(count, 0)).map { Int((start + Double($0) * delta).rounded(.toNearestOrEven)) - 1 }
        }
    }

    /// `_convert_to_karras` over the ascending float32 training sigmas: float64 with rho = 7.
    static func karras(trainingSigmas sigmas: [Float], steps: Int) -> [Double] {
        let sigmaMin = Double(sigmas[0]), sigmaMax = Double(sigmas[sigmas.count - 1])
        let rho = 7.0
        let minInvRho = pow(sigmaMin, 1 / rho), maxInvRho = pow(sigmaMax, 1 / rho)
        return linspace(0, 1, count: steps).map { pow(maxInvRho + $0 * (minInvRho - maxInvRho), rho) }
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
