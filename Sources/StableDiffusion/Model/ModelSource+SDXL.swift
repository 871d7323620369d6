import Foundation

/// What an SDXL model reads beyond SD's components: the second tokenizer and text encoder, and
/// whether an absent negative prompt means zero embeddings.
extension ModelSource {
    /// SDXL for a folder (or `--config` folder) with SDXL's second text encoder, or a single
    /// file with SDXL's `conditioner.embedders.*`; otherwise SD 1.x/2.x.
    public func family() throws(ModelError) -> ModelFamily {
        switch configs {
        case let .folder(directory):
            let family = try StableDiffusionModel.index(directory).family
            if let checkpoint, (checkpoint.textEncoderLayout == .sdxl) != (family == .sdxl) {
                throw .componentMismatch(checkpoint.file.path, "the checkpoint is \(checkpoint.textEncoderLayout == .sdxl ? "SDXL" : "not SDXL") "
                                             + "but its --config \(directory) is \(family.name)")
            }
            return family
        case let .published(architecture): return architecture == .sdxl ? .sdxl : .sd
        }
    }

    public func tokenizer2() throws(ModelError) -> CLIPTokenizer {
        switch configs {
        case let .folder(directory):
            do { return try CLIPTokenizer(directory: Self.path(directory, "tokenizer_2")) } catch { throw .tokenizer(error) }
        case .published:
            // SDXL's tokenizer_2 (OpenCLIP's) pads with "!".
            do { return try ShippedCLIPVocabulary.tokenizer(pad: "!") } catch { throw .tokenizer(error) }
        }
    }

    public func textEncoder2Config() throws(ModelError) -> CLIPTextConfig {
        switch configs {
        case let .folder(directory):
            try load { () throws(ConfigError) in try CLIPTextConfig(path: Self.path(directory, "text_encoder_2/config.json")) }
        case .published: PublishedArchitecture.sdxlTextEncoder2
        }
    }

    public func textEncoder2Weights() throws(ModelError) -> any ParameterSource {
        if let checkpoint { return checkpoint.textEncoder2() }
        return try load { () throws(WeightsError) in
            try ComponentWeights(directory: Self.path(model, "text_encoder_2"), legacyNames: CLIPTextModel.legacyNames)
        }
    }

    func forceZerosForEmptyPrompt() throws(ModelError) -> Bool {
        switch configs {
        case let .folder(directory): try StableDiffusionModel.index(directory).forceZerosForEmptyPrompt
        case .published: true
        }
    }

    /// Where a component's config is, for error messages.
    func componentConfigPath(_ component: String) -> String {
        switch configs {
        case let .folder(directory): Self.path(directory, "\(component)/config.json")
        case .published: model
        }
    }
}
