import Foundation

/// The models of a diffusers `StableDiffusionPipeline` folder, each built from its own config and weights.
public struct StableDiffusionModel: Sendable {
    public let directory: String
    public let index: ModelIndex
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL

    public init(directory: String) throws(ModelError) {
        try self.init(directory: directory, reading: .tensors)
    }

    /// Everything loading the model at `path` checks, before any work: the configs parse, every
    /// weight file's header reads, and every tensor the model needs is there with the shape its
    /// config implies and a float dtype. Only headers are read (the weights' values never are),
    /// so a command refuses a broken model before it writes anything.
    public static func check(_ path: String) throws(ModelError) {
        _ = try ModelDescription(directory: path)
        _ = try StableDiffusionModel(directory: path, reading: .headers)
    }

    private init(directory: String, reading: WeightReading) throws(ModelError) {
        index = try Self.index(directory)
        self.directory = directory
        tokenizer = try Self.tokenizer(directory)
        textEncoder = try Self.textEncoder(directory, reading: reading)
        unet = try Self.unet(directory, reading: reading)
        vae = try Self.vae(directory, reading: reading)
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

    public static func textEncoder(_ directory: String) throws(ModelError) -> CLIPTextModel {
        try textEncoder(directory, reading: .tensors)
    }

    public static func unet(_ directory: String) throws(ModelError) -> UNet2DConditionModel {
        try unet(directory, reading: .tensors)
    }

    public static func vae(_ directory: String) throws(ModelError) -> AutoencoderKL {
        try vae(directory, reading: .tensors)
    }

    private static func textEncoder(_ directory: String, reading: WeightReading) throws(ModelError) -> CLIPTextModel {
        let folder = path(directory, "text_encoder")
        let config = try load { () throws(ConfigError) in try CLIPTextConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            let weights = try ComponentWeights(directory: folder, legacyNames: CLIPTextModel.legacyNames)
            return try CLIPTextModel(config: config, parameters: reading.parameters(weights))
        }
    }

    private static func unet(_ directory: String, reading: WeightReading) throws(ModelError) -> UNet2DConditionModel {
        let folder = path(directory, "unet")
        let config = try load { () throws(ConfigError) in try UNetConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            try UNet2DConditionModel(config: config, parameters: reading.parameters(ComponentWeights(directory: folder)))
        }
    }

    private static func vae(_ directory: String, reading: WeightReading) throws(ModelError) -> AutoencoderKL {
        let folder = path(directory, "vae")
        let config = try load { () throws(ConfigError) in try VAEConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            let weights = try ComponentWeights(directory: folder, legacyNames: AutoencoderKL.legacyNames)
            return try AutoencoderKL(config: config, parameters: reading.parameters(weights))
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
