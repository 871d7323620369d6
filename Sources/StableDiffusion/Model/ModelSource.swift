import Foundation

/// Where a model comes from, as `--model`, `--config`, `--vae` and `--prediction-type` name it:
/// a diffusers folder, or one LDM-layout .safetensors checkpoint (its configs from `--config`, a
/// diffusers folder, as diffusers' `from_single_file(..., config=DIR)` takes them, or else the
/// published SD 1.5 / 2.1 configs for the detected family), optionally with another VAE.
public struct ModelSource: Sendable {
    /// Where the configs, tokenizer and scheduler come from.
    public enum Configs: Sendable {
        case folder(String)
        case published(PublishedArchitecture)
    }

    public let model: String
    public let configs: Configs
    /// Nil for a diffusers folder.
    public let checkpoint: SingleFileCheckpoint?
    public let vae: VAESource?
    /// `--prediction-type`: replaces the scheduler config's `prediction_type`.
    public let predictionType: String?

    static let predictionTypes = ["epsilon", "v_prediction"]

    public init(model: String, config: String? = nil, vae: String? = nil, predictionType: String? = nil) throws(ModelError) {
        try PickleFile.refuse(model)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isFolder) else { throw .notFound(path: model) }
        if let predictionType, !Self.predictionTypes.contains(predictionType) {
            throw .badPredictionType(predictionType, expected: Self.predictionTypes)
        }
        self.model = model
        self.predictionType = predictionType
        self.vae = try vae.map { path throws(ModelError) in try VAESource(path: path) }
        if isFolder.boolValue {
            guard config == nil else { throw .configForFolder(model: model) }
            _ = try StableDiffusionModel.index(model)
            checkpoint = nil
            configs = .folder(model)
            return
        }
        guard model.hasSuffix(".safetensors") else { throw .notAModel(path: model) }
        let checkpoint = try SingleFileCheckpoint(path: model)
        self.checkpoint = checkpoint
        if let config {
            _ = try StableDiffusionModel.index(config)
            configs = .folder(config)
        } else {
            configs = .published(try checkpoint.architecture())
        }
    }

    /// Component folders read one at a time, without the model_index.json a whole model needs.
    init(componentsIn folder: String) {
        model = folder
        configs = .folder(folder)
        checkpoint = nil
        vae = nil
        predictionType = nil
    }

    /// The model's name in PNG metadata and the CSV: its folder or file name.
    public var name: String { URL(fileURLWithPath: model).lastPathComponent }

    public func tokenizer() throws(ModelError) -> CLIPTokenizer {
        switch configs {
        case let .folder(directory): return try StableDiffusionModel.tokenizer(directory)
        case let .published(architecture):
            // The real SD 2.x tokenizer config pads with "!", SD 1.x's with the end token.
            do { return try ShippedCLIPVocabulary.tokenizer(pad: architecture == .sd2 ? "!" : "<|endoftext|>") } catch { throw .tokenizer(error) }
        }
    }

    public func textEncoderConfig() throws(ModelError) -> CLIPTextConfig {
        switch configs {
        case let .folder(directory): try load { () throws(ConfigError) in try CLIPTextConfig(path: Self.path(directory, "text_encoder/config.json")) }
        case let .published(architecture): architecture.textEncoder
        }
    }

    public func unetConfig() throws(ModelError) -> UNetConfig {
        switch configs {
        case let .folder(directory): return try load { () throws(ConfigError) in try UNetConfig(path: Self.path(directory, "unet/config.json")) }
        case let .published(architecture):
            var config = architecture.unet
            config.useLinearProjection = checkpoint?.usesLinearProjection ?? config.useLinearProjection
            return config
        }
    }

    /// The VAE config of the model (a replacement VAE folder brings its own).
    public func vaeConfig() throws(ModelError) -> VAEConfig {
        if let own = try vae?.config() { return own }
        switch configs {
        case let .folder(directory): return try load { () throws(ConfigError) in try VAEConfig(path: Self.path(directory, "vae/config.json")) }
        case let .published(architecture): return architecture.vae
        }
    }

    public func schedulerConfig() throws(ModelError) -> SchedulerConfig {
        let config: SchedulerConfig
        switch configs {
        case let .folder(directory):
            let index = try StableDiffusionModel.index(directory)
            config = try load { () throws(ConfigError) in
                try SchedulerConfig(path: Self.path(directory, "scheduler/scheduler_config.json"),
                                    pipelineClassName: index.components["scheduler"]?.className)
            }
        case let .published(architecture): config = architecture.schedulerConfig
        }
        return predictionType.map { config.with(predictionType: $0) } ?? config
    }

    public func textEncoderWeights() throws(ModelError) -> any ParameterSource {
        if let checkpoint { return checkpoint.textEncoder() }
        return try load { () throws(WeightsError) in
            try ComponentWeights(directory: Self.path(model, "text_encoder"), legacyNames: CLIPTextModel.legacyNames)
        }
    }

    public func unetWeights(_ config: UNetConfig) throws(ModelError) -> any ParameterSource {
        if let checkpoint { return checkpoint.unet(config) }
        return try load { () throws(WeightsError) in try ComponentWeights(directory: Self.path(model, "unet")) }
    }

    public func vaeWeights(_ config: VAEConfig) throws(ModelError) -> any ParameterSource {
        if let vae { return try vae.weights(config) }
        if let checkpoint { return checkpoint.vae(config) }
        return try load { () throws(WeightsError) in
            try ComponentWeights(directory: Self.path(model, "vae"), legacyNames: AutoencoderKL.legacyNames)
        }
    }

    static func path(_ directory: String, _ component: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(component).path
    }
}

func load<T>(_ body: () throws(ConfigError) -> T) throws(ModelError) -> T {
    do { return try body() } catch { throw .config(error) }
}

func load<T>(_ body: () throws(WeightsError) -> T) throws(ModelError) -> T {
    do { return try body() } catch { throw .weights(error) }
}
