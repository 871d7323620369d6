import Foundation

/// The models of a Stable Diffusion pipeline (a diffusers folder or a single checkpoint file),
/// each built from its own config and weights.
public struct StableDiffusionModel: Sendable {
    public let source: ModelSource
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    public let schedulerConfig: SchedulerConfig
    /// Merged into the UNet and text encoder at load, in this order.
    public let loras: [LoRA]

    public init(directory: String, loras: [LoRA] = []) throws(ModelError) {
        try self.init(source: ModelSource(model: directory), loras: loras)
    }

    public init(source: ModelSource, loras: [LoRA] = []) throws(ModelError) {
        try self.init(source: source, loras: loras, reading: .tensors)
    }

    /// Everything loading the model checks, before any work: the configs parse, every weight
    /// file's header reads, and every tensor the model needs is there with the shape its config
    /// implies and a float dtype. Only headers are read (the weights' values never are), so a
    /// command refuses a broken model before it writes anything. (LoRAs: `check(_:against:)`.)
    public static func check(_ source: ModelSource) throws(ModelError) {
        _ = try ModelDescription(source: source)
        _ = try StableDiffusionModel(source: source, reading: .headers)
    }

    init(source: ModelSource, loras: [LoRA] = [], reading: WeightReading) throws(ModelError) {
        self.source = source
        self.loras = loras
        let files = try Self.open(loras)
        tokenizer = try source.tokenizer()
        textEncoder = try Self.textEncoder(source, loras: files, reading: reading)
        unet = try Self.unet(source, loras: files, reading: reading)
        vae = try Self.vae(source, reading: reading)
        schedulerConfig = try source.schedulerConfig()
        let text = textEncoder.config, latent = vae.config.latentChannels
        let unetConfig = switch source.configs {
        case let .folder(directory): ModelSource.path(directory, "unet/config.json")
        case .published: source.model
        }
        if let width = unet.config.crossAttentionDim.first(where: { $0 != text.hiddenSize }) {
            throw .componentMismatch(unetConfig, "cross_attention_dim \(width) must equal the text encoder's hidden_size \(text.hiddenSize)")
        }
        guard unet.config.inChannels == latent, unet.config.outChannels == latent else {
            throw .componentMismatch(unetConfig, "in_channels \(unet.config.inChannels) and out_channels \(unet.config.outChannels) "
                                         + "must equal the \(source.vae.map { "VAE \($0.path)" } ?? "VAE")'s latent_channels \(latent)")
        }
    }

    /// Native image size: the UNet's sample size in pixels (as `ModelDescription` reads it from the configs).
    public var defaultImageSize: Int { unet.config.sampleSize * vae.config.scaleFactor }

    public static func index(_ directory: String) throws(ModelError) -> ModelIndex {
        let path = ModelSource.path(directory, "model_index.json")
        guard FileManager.default.fileExists(atPath: path) else { throw .notAFolder(path: directory) }
        return try load { () throws(ConfigError) in try ModelIndex(path: path) }
    }

    /// The tokenizer of a folder, checked against the text encoder's config; `sweep tokenize` needs no weights.
    public static func tokenizer(_ directory: String) throws(ModelError) -> CLIPTokenizer {
        _ = try index(directory)
        let tokenizer: CLIPTokenizer
        do { tokenizer = try CLIPTokenizer(directory: ModelSource.path(directory, "tokenizer")) } catch { throw .tokenizer(error) }
        let configPath = ModelSource.path(directory, "text_encoder/config.json")
        let text = try load { () throws(ConfigError) in try CLIPTextConfig(path: configPath) }
        guard tokenizer.vocabularySize <= text.vocabularySize, tokenizer.maxLength <= text.maxPositions else {
            throw .componentMismatch(ModelSource.path(directory, "tokenizer"),
                                     "the tokenizer has \(tokenizer.vocabularySize) tokens and model_max_length \(tokenizer.maxLength); "
                                         + "\(configPath) has vocab_size \(text.vocabularySize) and max_position_embeddings \(text.maxPositions)")
        }
        return tokenizer
    }

    public static func textEncoder(_ directory: String) throws(ModelError) -> CLIPTextModel {
        try textEncoder(ModelSource(componentsIn: directory))
    }

    public static func unet(_ directory: String) throws(ModelError) -> UNet2DConditionModel {
        try unet(ModelSource(componentsIn: directory))
    }

    public static func vae(_ directory: String) throws(ModelError) -> AutoencoderKL {
        try vae(ModelSource(componentsIn: directory))
    }

    public typealias LoRAFiles = [(file: LoRAFile, scale: Float)]

    public static func open(_ loras: [LoRA]) throws(ModelError) -> LoRAFiles {
        do {
            return try loras.map { lora throws(LoRAError) in (try LoRAFile(path: lora.path), lora.scale) }
        } catch { throw .lora(error) }
    }

    public static func textEncoder(_ source: ModelSource, loras: LoRAFiles = [], reading: WeightReading = .tensors)
        throws(ModelError) -> CLIPTextModel {
        let config = try source.textEncoderConfig()
        let weights = try merged(source.textEncoderWeights(), .textEncoder, loras)
        return try load { () throws(WeightsError) in try CLIPTextModel(config: config, parameters: reading.parameters(weights)) }
    }

    public static func unet(_ source: ModelSource, loras: LoRAFiles = [], reading: WeightReading = .tensors)
        throws(ModelError) -> UNet2DConditionModel {
        let config = try source.unetConfig()
        let weights = try merged(source.unetWeights(config), .unet, loras)
        return try load { () throws(WeightsError) in try UNet2DConditionModel(config: config, parameters: reading.parameters(weights)) }
    }

    /// Matches `loras` against the model's stored tensors from the headers alone, so a LoRA that
    /// does not fit is reported before anything loads.
    public static func check(_ loras: [LoRA], against source: ModelSource) throws(ModelError) {
        let files = try open(loras)
        _ = try merged(source.textEncoderWeights(), .textEncoder, files)
        _ = try merged(source.unetWeights(source.unetConfig()), .unet, files)
    }

    /// The weights with `loras` merged in; without LoRAs, the weights themselves.
    private static func merged(_ weights: any ParameterSource, _ component: LoRAFile.Component,
                               _ loras: LoRAFiles) throws(ModelError) -> any ParameterSource {
        guard !loras.isEmpty else { return weights }
        let listing = (weights as? any ListedParameterSource)?.listing ?? [:]
        do {
            return try LoRAMergedWeights(base: weights, shapes: listing.mapValues(\.shape), component: component, loras: loras)
        } catch { throw .lora(error) }
    }

    public static func vae(_ source: ModelSource, reading: WeightReading = .tensors) throws(ModelError) -> AutoencoderKL {
        let config = try source.vaeConfig()
        let weights = try source.vaeWeights(config)
        return try load { () throws(WeightsError) in try AutoencoderKL(config: config, parameters: reading.parameters(weights)) }
    }
}
