import Foundation

/// A diffusers `StableDiffusionPipeline` folder loaded for inference: tokenizer, text encoder,
/// UNet and VAE, each built from its own config and weights.
public struct StableDiffusionModel: Sendable {
    public let directory: String
    public let index: ModelIndex
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL

    public init(directory: String) throws(ModelError) {
        index = try Self.index(directory)
        self.directory = directory
        tokenizer = try Self.tokenizer(directory)
        textEncoder = try Self.textEncoder(directory)
        let encoderConfig = Self.path(directory, "text_encoder/config.json")
        guard tokenizer.vocabularySize <= textEncoder.config.vocabularySize,
              tokenizer.maxLength <= textEncoder.config.maxPositions else {
            throw .tokenizerMismatch(tokenizer: Self.path(directory, "tokenizer"), encoderConfig: encoderConfig,
                                     reason: "the tokenizer has \(tokenizer.vocabularySize) tokens and model_max_length "
                                         + "\(tokenizer.maxLength); the text encoder has vocab_size \(textEncoder.config.vocabularySize) "
                                         + "and max_position_embeddings \(textEncoder.config.maxPositions)")
        }
        unet = try Self.unet(directory)
        vae = try Self.vae(directory)
    }

    /// Native image size: the UNet's sample size in pixels.
    public var defaultImageSize: Int { unet.config.sampleSize * vae.config.scaleFactor }

    public static func index(_ directory: String) throws(ModelError) -> ModelIndex {
        let path = path(directory, "model_index.json")
        guard FileManager.default.fileExists(atPath: path) else { throw .notAFolder(path: directory) }
        do { return try ModelIndex(path: path) } catch { throw .config(error) }
    }

    /// Only the tokenizer, for `sweep tokenize`, which needs no weights.
    public static func tokenizer(_ directory: String) throws(ModelError) -> CLIPTokenizer {
        _ = try index(directory)
        do { return try CLIPTokenizer(directory: path(directory, "tokenizer")) } catch { throw .tokenizer(error) }
    }

    public static func textEncoder(_ directory: String) throws(ModelError) -> CLIPTextModel {
        let folder = path(directory, "text_encoder")
        let config = try load { () throws(ConfigError) in try CLIPTextConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            let weights = try ComponentWeights(directory: folder, legacyNames: CLIPTextModel.legacyNames)
            return try CLIPTextModel(config: config, parameters: Parameters(weights))
        }
    }

    public static func unet(_ directory: String) throws(ModelError) -> UNet2DConditionModel {
        let folder = path(directory, "unet")
        let config = try load { () throws(ConfigError) in try UNetConfig(path: folder + "/config.json") }
        return try load { () throws(WeightsError) in
            try UNet2DConditionModel(config: config, parameters: Parameters(ComponentWeights(directory: folder)))
        }
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
