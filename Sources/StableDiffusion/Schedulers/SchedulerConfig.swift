import Foundation

/// A model's `scheduler/scheduler_config.json`, read by each scheduler with its own class's
/// defaults for absent keys, as diffusers' `SchedulerClass.from_config(config)` does.
public struct SchedulerConfig: Sendable {
    public let path: String
    /// `_class_name`: the scheduler the model was saved with.
    public let className: String
    let json: JSONConfig

    public init(path: String) throws(ConfigError) {
        json = try JSONConfig(path: path)
        self.path = path
        className = try json.string("_class_name", default: "PNDMScheduler")
    }

    /// A config from JSON text in memory; `name` stands for the path in errors.
    public init(json text: String, name: String) throws(ConfigError) {
        json = try JSONConfig(data: Data(text.utf8), path: name)
        path = name
        className = try json.string("_class_name", default: "PNDMScheduler")
    }

    /// Every key but diffusers' bookkeeping (`_class_name`, `_diffusers_version`), with its value as JSON text.
    public var settings: [(key: String, value: String)] {
        json.keys.filter { !$0.hasPrefix("_") }.map { ($0, json.jsonText($0)) }
    }

    /// `prediction_type`: what the UNet predicts (`epsilon`, `v_prediction` or `sample`).
    public var predictionType: String { (try? json.string("prediction_type", default: "epsilon")) ?? "epsilon" }

    /// The kind the model itself asks for, or an error naming its unsupported class.
    public func ownKind() throws(ConfigError) -> SchedulerKind {
        guard let kind = SchedulerKind(className: className, useKarrasSigmas: try json.bool("use_karras_sigmas", default: false)) else {
            throw .unsupported(path: path, key: "_class_name", value: className,
                               supported: Set(SchedulerKind.allCases.map(\.className)).sorted().joined(separator: ", "))
        }
        return kind
    }
}
