import Foundation

/// What a sweep needs to know about a model before loading any weights: its native image size
/// and its own scheduler, read from the configs alone.
public struct ModelDescription: Equatable, Sendable {
    public let nativeImageSize: Int
    public let ownScheduler: SchedulerKind
    public let family: ModelFamily

    public init(directory: String) throws(ModelError) {
        try self.init(source: ModelSource(model: directory))
    }

    public init(source: ModelSource) throws(ModelError) {
        family = try source.family()
        nativeImageSize = try source.unetConfig().sampleSize * source.vaeConfig().scaleFactor
        let scheduler = try source.schedulerConfig()
        ownScheduler = try load { () throws(ConfigError) in try scheduler.ownKind() }
    }
}
