import Foundation

/// The training noise schedule every SD scheduler starts from: `betas`, `alphas_cumprod`, read
/// from the config with the defaults diffusers' scheduler classes share.
struct NoiseSchedule: Sendable {
    enum PredictionType: String, Sendable { case epsilon, vPrediction = "v_prediction", sample }
    enum TimestepSpacing: String, Sendable { case linspace, leading, trailing }

    let trainTimesteps: Int
    /// float32, computed as torch computes them.
    let betas: [Float]
    let alphasCumprod: [Float]
    let predictionType: PredictionType
    let stepsOffset: Int

    /// `defaultSpacing` differs by class (Euler-family default "linspace", DDIM/PNDM "leading");
    /// so do the beta defaults (Heun's range is SD's 0.00085...0.012, LCM's schedule SD's too).
    init(_ config: SchedulerConfig, betaStart: Double = 0.0001, betaEnd: Double = 0.02,
         betaSchedule: String = "linear") throws(ConfigError) {
        let json = config.json
        trainTimesteps = try json.positive("num_train_timesteps", default: 1000)
        if json.has("trained_betas") {
            throw .unsupported(path: config.path, key: "trained_betas", value: "a list", supported: "null")
        }
        let start = try json.double("beta_start", default: betaStart), end = try json.double("beta_end", default: betaEnd)
        switch try json.string("beta_schedule", default: betaSchedule) {
        case "linear": betas = Self.linspace(start, end, count: trainTimesteps)
        case "scaled_linear": betas = Self.linspace(start.squareRoot(), end.squareRoot(), count: trainTimesteps).map { $0 * $0 }
        case let other:
            throw .unsupported(path: config.path, key: "beta_schedule", value: other, supported: "linear, scaled_linear")
        }
        // torch.cumprod accumulates float32 in double on the CPU.
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
        let prediction = try json.string("prediction_type", default: "epsilon")
        guard let predictionType = PredictionType(rawValue: prediction) else {
            throw .unsupported(path: config.path, key: "prediction_type", value: prediction, supported: "epsilon, v_prediction, sample")
        }
        self.predictionType = predictionType
        stepsOffset = try json.int("steps_offset", default: 0)
        // rescale_betas_zero_snr is each class's own option: PNDM, LMS and Heun ignore it (as in
        // diffusers); the classes that honour it reject it, since we do not implement it.
    }

    static func spacing(_ config: SchedulerConfig, default fallback: TimestepSpacing) throws(ConfigError) -> TimestepSpacing {
        let name = try config.json.string("timestep_spacing", default: fallback.rawValue)
        guard let spacing = TimestepSpacing(rawValue: name) else {
            throw .unsupported(path: config.path, key: "timestep_spacing", value: name, supported: "linspace, leading, trailing")
        }
        return spacing
    }

    /// `torch.linspace(start, end, count, dtype=torch.float32)`: float32 arithmetic, the first
    /// half counted up from `start` and the second half down from `end`.
    static func linspace(_ start: Double, _ end: Double, count: Int) -> [Float] {
        guard count > 1 else { return count == 1 ? [Float(start)] : [] }
        let (a, b) = (Float(start), Float(end))
        let step = (b - a) / Float(count - 1)
        let half = count / 2
        return (0..<count).map { i in i < half ? a + step * Float(i) : b - step * Float(count - 1 - i) }
    }
}

// Shared pieces of diffusers' `set_timesteps`, with numpy's float64 arithmetic where diffusers
// uses numpy and torch's float32 where it uses torch.
extension NoiseSchedule {
    /// Throws unless `1...num_train_timesteps` holds `steps`.
    func checkSteps(_ steps: Int, _ config: SchedulerConfig) throws(ConfigError) {
        guard (1...trainTimesteps).contains(steps) else {
            throw .invalid(path: config.path, key: "num_train_timesteps",
                           reason: "(\(trainTimesteps)) allows 1 to \(trainTimesteps) inference steps, not \(steps)")
        }
    }

    /// The inference timesteps in descending order, as float64 before each class's cast:
    /// "linspace" is `np.linspace(0, T - 1, steps)` (rounded half to even by `np.round` when
    /// `roundLinspace`, as DDIM and PNDM do; the Euler family keeps the fractions), "leading"
    /// `arange(steps) * (T // steps) + steps_offset`, "trailing"
    /// `round(np.arange(T, 0, -T / steps)) - 1`.
    func timesteps(_ steps: Int, spacing: TimestepSpacing, roundLinspace: Bool) -> [Double] {
        let count = trainTimesteps
        switch spacing {
        case .linspace:
            let values = Self.numpyLinspace(0, Double(count - 1), count: steps)
            return values.reversed().map { roundLinspace ? $0.rounded(.toNearestOrEven) : $0 }
        case .leading:
            let ratio = count / steps
            return (0..<steps).reversed().map { Double($0 * ratio + stepsOffset) }
        case .trailing:
            return Self.numpyArange(Double(count), 0, step: -Double(count) / Double(steps))
                .map { $0.rounded(.toNearestOrEven) - 1 }
        }
    }

    /// `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5` in float32, indexed by training timestep.
    var trainSigmas: [Float] { alphasCumprod.map { ((1 - $0) / $0).squareRoot() } }

    /// `np.interp(timesteps, arange(T), train_sigmas)` in float64, cast to float32.
    func interpolatedSigmas(at timesteps: [Float]) -> [Float] {
        let sigmas = trainSigmas
        return timesteps.map { Float(Self.numpyInterp(Double($0), sigmas)) }
    }

    /// `alphas_cumprod[timestep]`, or the `final_alpha_cumprod` below timestep 0 (1 when
    /// `set_alpha_to_one`, else `alphas_cumprod[0]`).
    func alphaCumprod(_ timestep: Int, setAlphaToOne: Bool) -> Float {
        timestep >= 0 ? alphasCumprod[timestep] : setAlphaToOne ? 1 : alphasCumprod[0]
    }

    /// `np.linspace(start, stop, count)`: `i * step + start`, the last value exactly `stop`.
    static func numpyLinspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? stop : Double($0) * step + start }
    }

    /// `np.arange(start, stop, step)` for floats: `ceil((stop - start) / step)` values, the
    /// i-th `start + i * ((start + step) - start)`.
    static func numpyArange(_ start: Double, _ stop: Double, step: Double) -> [Double] {
        let count = max(0, Int(((stop - start) / step).rounded(.up)))
        let delta = (start + step) - start
        return (0..<count).map { $0 == 0 ? start : start + Double($0) * delta }
    }

    /// `np.interp(x, arange(len(values)), values)` in float64, numpy's formula.
    static func numpyInterp(_ x: Double, _ values: [Float]) -> Double {
        let last = values.count - 1
        if x.isNaN { return x }
        if x < 0 { return Double(values[0]) }
        if x >= Double(last) { return Double(values[last]) }
        let j = Int(x.rounded(.down))
        if Double(j) == x { return Double(values[j]) }
        let slope = (Double(values[j + 1]) - Double(values[j])) / (Double(j + 1) - Double(j))
        return slope * (x - Double(j)) + Double(values[j])
    }
}
