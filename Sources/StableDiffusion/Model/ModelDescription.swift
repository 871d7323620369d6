import Foundation

/// What a sweep needs to know about a model folder before loading any weights: its native image
/// size and its own scheduler, read from the configs alone.
public struct ModelDescription: Equatable, Sendable {
    public let nativeImageSize: Int
    public let ownScheduler: SchedulerKind

    public init(directory: String) throws(ModelError) {
        _ = try StableDiffusionModel.index(directory)
        let folder = URL(fileURLWithPath: directory)
        do {
            let unet = try UNetConfig(path: folder.appendingPathComponent("unet/config.json").path)
            let vae = try VAEConfig(path: folder.appendingPathComponent("vae/config.json").path)
            nativeImageSize = unet.sampleSize * vae.scaleFactor
            ownScheduler = try SchedulerConfig(path: folder.appendingPathComponent("scheduler/scheduler_config.json").path).ownKind()
        } catch { throw .config(error) }
    }
}
