import Foundation

/// The models of a diffusers `StableDiffusionPipeline` folder, each built from its own config and weights.
public struct StableDiffusionModel: Sendable {
    public let directory: String
    public let index: ModelIndex
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    /// Merged into the UNet and text encoder at load, in this order.
    public let loras: [LoRA]

    public init(directory: String, loras: [LoRA] = []) throws(ModelError) {
        index = try Self.index(directory)
        self.directory = directory
        self.loras = loras
        let files = try Self.open(loras)
        tokenizer = try Self.tokenizer(directory)
        textEncoder = try Self.textEncoder(directory, loras: files)
        unet = try Self.unet(directory, loras: files)
        vae = try Self.vae(directory)
        let text = textEncoder.config, latent = vae.config.latentChannels
        if let width = unet.config.crossAttentionDim.first(where: { $0 != text.hiddenSize }) {
            throw .componentMismatch(Self.path(directory, "unet/config.json"),
                                     "cross_attention_dim \(width) must equal the text encoder's hidden_size \(text.hiddenSize)")
        }
        guard unet.config.inChannels == latent, unet.config.outChannels == latent else {
            throw .componentMismatch(Self.path(directory, "unet/config.json"),
                                     "in_channels \(unet.config.inChannels) and out_channels \(unet.config.outChannels) "
                                         + "must equal the VAE's latent_channels \(latent)")
        }
    }

    /// Native image size: the UNet's sample size in pixels (as `ModelDescription` reads it from the configs).
    public var defaultImageSize: Int { unet.config.sampleSize * vae.config.scaleFactor }

    public static func index(_ directory: String) throws(ModelError) -> ModelIndex {
        let path = path(directory, "model_index.json")
        guard FileManager.default.fileExists(atPath: path) else { throw .notAFolder(path: directory) }
        do { return try ModelIndex(path: path) } catch { throw .config(error) }
    }

    /// The tokenizer, checked against the text encoder's config; `sweep tokenize` needs no weights.
    public static func tokenizer(_ directory: String) throws(ModelError) -> CLIPTokenizer {
        _ = try index(directory)
        let tokenizer: CLIPTokenizer
        do { tokenizer = try CLIPTokenizer(directory: path(directory, "tokenizer")) } catch { throw .tokenizer(error) }
        let configPath = path(directory, "text_encoder/config.json")
        let text = try load { () throws(ConfigError) in try CLIPTextConfig(path: configPath) }
        guard tokenizer.vocabularySize <= text.vocabularySize, tokenizer.maxLength <= text.maxPositions else {
            throw .componentMismatch(path(directory, "tokenizer"),
                                     "the tokenizer has \(tokenizer.vocabularySize) tokens and model_max_length \(tokenizer.maxLength); "
                                         + "\(configPath) has vocab_size \(text.vocabularySize) and max_position_embeddings \(text.maxPositions)")
        }
        return tokenizer
    }

    public typealias LoRAFiles = [(file: LoRAFile, scale: Float)]

    public static func open(_ loras: [LoRA]) throws(ModelError) -> LoRAFiles {
        do {
            return try loras.map { lora throws(LoRAError) in (try LoRAFile(path: lora.path), lora.scale) }
        } catch { throw .lora(error) }
    }

    public static func textEncoder(_ directory: String, loras: LoRAFiles = []) throws(ModelError) -> CLIPTextModel {
        let folder = path(directory, "text_encoder")
        let config = try load { () throws(ConfigError) in try CLIPTextConfig(path: folder + "/config.json") }
        let weights = try load { () throws(WeightsError) in
            try ComponentWeights(directory: folder, legacyNames: CLIPTextModel.legacyNames)
        }
        let source = try merged(weights, .textEncoder, loras)
        return try load { () throws(WeightsError) in try CLIPTextModel(config: config, parameters: Parameters(source)) }
    }

    public static func unet(_ directory: String, loras: LoRAFiles = []) throws(ModelError) -> UNet2DConditionModel {
        let folder = path(directory, "unet")
        let config = try load { () throws(ConfigError) in try UNetConfig(path: folder + "/config.json") }
        let weights = try load { () throws(WeightsError) in try ComponentWeights(directory: folder) }
        let source = try merged(weights, .unet, loras)
        return try load { () throws(WeightsError) in try UNet2DConditionModel(config: config, parameters: Parameters(source)) }
    }

    /// The weights with `loras` merged in; without LoRAs, the weights themselves.
    private static func merged(_ weights: ComponentWeights, _ component: LoRAFile.Component,
                               _ loras: LoRAFiles) throws(ModelError) -> any ParameterSource {
        guard !loras.isEmpty else { return weights }
        do {
            return try LoRAMergedWeights(base: weights, shapes: weights.shapes, component: component, loras: loras)
        } catch { throw .lora(error) }
    }

    public static func vae(_ directory: String) throws(ModelError) -> AutoencoderKL {
        let folder = path(directory, "vae")
        let config = try load { () throws(ConfigError) in try VAEConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            let weights = try ComponentWeights(directory: folder, legacyNames: AutoencoderKL.legacyNames)
            return try AutoencoderKL(config: config, parameters: Parameters(weights))
        }
    }

    private static func path(_ directory: String, _ component: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(component).path
    }

    private static func load<T>(_ body: () throws(ConfigError) -> T) throws(ModelError) -> T {
        do { return try body() } catch { throw .config(error) }
    }

    private static func load<T>(_ body: () throws(WeightsError) -> T) throws(ModelError) -> T {
        do { return try body() } catch { throw .weights(error) }
    }
}
