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

    /// `defaultSpacing` differs by class (Euler-family default "linspace", DDIM/PNDM "leading").
    init(_ config: SchedulerConfig) throws(ConfigError) {
        let json = config.json
        trainTimesteps = try json.positive("num_train_timesteps", default: 1000)
        if json.has("trained_betas") {
            throw .unsupported(path: config.path, key: "trained_betas", value: "a list", supported: "null")
        }
        let start = try json.double("beta_start", default: 0.0001), end = try json.double("beta_end", default: 0.02)
        switch try json.string("beta_schedule", default: "linear") {
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
        if try json.bool("rescale_betas_zero_snr", default: false) {
            throw .unsupported(path: config.path, key: "rescale_betas_zero_snr", value: "true", supported: "false")
        }
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
