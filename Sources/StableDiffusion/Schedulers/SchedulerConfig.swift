import Foundation

/// A model's `scheduler/scheduler_config.json`, read by each scheduler with its own class's
/// defaults for absent keys, as diffusers' `SchedulerClass.from_config(config)` does.
public struct SchedulerConfig: Sendable {
    public let path: String
    /// `_class_name`: the scheduler the model was saved with.
    public let className: String
    /// The scheduler class model_index.json names, which is what diffusers' pipeline instantiates.
    public let pipelineClassName: String?
    let json: JSONConfig

    public init(path: String, pipelineClassName: String? = nil) throws(ConfigError) {
        json = try JSONConfig(path: path)
        self.path = path
        className = try json.string("_class_name", default: "PNDMScheduler")
        self.pipelineClassName = pipelineClassName
    }

    /// A config from JSON text in memory; `name` stands for the path in errors.
    public init(json text: String, name: String) throws(ConfigError) {
        json = try JSONConfig(data: Data(text.utf8), path: name)
        path = name
        className = try json.string("_class_name", default: "PNDMScheduler")
        pipelineClassName = nil
    }

    /// Every key but diffusers' bookkeeping (`_class_name`, `_diffusers_version`), with its value as JSON text.
    public var settings: [(key: String, value: String)] {
        json.keys.filter { !$0.hasPrefix("_") }.map { ($0, json.jsonText($0)) }
    }

    /// `prediction_type` as written ("epsilon" when absent, as every class defaults).
    public var predictionType: String { (try? json.string("prediction_type", default: "epsilon")) ?? "epsilon" }

    /// The same config with `prediction_type` replaced (`--prediction-type`).
    public func with(predictionType: String) -> SchedulerConfig {
        SchedulerConfig(json: json.setting("prediction_type", to: predictionType), className: className, pipelineClassName: pipelineClassName)
    }

    private init(json: JSONConfig, className: String, pipelineClassName: String?) {
        self.json = json
        path = json.path
        self.className = className
        self.pipelineClassName = pipelineClassName
    }

    /// The kind the model itself asks for, or an error naming its unsupported class. A variant
    /// name of a scheduler we run (Flax pipelines save `FlaxPNDMScheduler`) is that scheduler, and
    /// an unknown `_class_name` gives way to model_index.json's class, as diffusers' loading does.
    public func ownKind() throws(ConfigError) -> SchedulerKind {
        let karras = try json.bool("use_karras_sigmas", default: false)
        let candidates = [className, className.hasPrefix("Flax") ? String(className.dropFirst(4)) : nil, pipelineClassName]
        guard let kind = candidates.lazy.compactMap({ $0.flatMap { SchedulerKind(className: $0, useKarrasSigmas: karras) } }).first else {
            throw .unsupported(path: path, key: "_class_name", value: className,
                               supported: Set(SchedulerKind.allCases.map(\.className)).sorted().joined(separator: ", "))
        }
        return kind
    }
}
