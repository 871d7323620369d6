import Foundation
import Tensors

/// The models of diffusers' `StableDiffusionXLPipeline` (a diffusers folder or a single
/// checkpoint file): two tokenizers and text encoders (`CLIPTextModel`,
/// `CLIPTextModelWithProjection`), a `text_time` UNet and the VAE, each from its own config.
public struct StableDiffusionXLModel: DiffusionModel {
    public let source: ModelSource
    public let tokenizer: CLIPTokenizer
    public let tokenizer2: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let textEncoder2: CLIPTextModelWithProjection
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    public let schedulerConfig: SchedulerConfig
    /// model_index.json's `force_zeros_for_empty_prompt`.
    public let forceZerosForEmptyPrompt: Bool
    /// LoRAs are not merged into SDXL models (their SDXL key tables are not mapped yet).
    public var loras: [LoRA] { [] }
    public var family: ModelFamily { .sdxl }

    public init(source: ModelSource) throws(ModelError) {
        try self.init(source: source, reading: .tensors)
    }

    /// Every config and weight header checks, no weight values read (as `StableDiffusionModel.check`).
    public static func check(_ source: ModelSource) throws(ModelError) {
        _ = try ModelDescription(source: source)
        _ = try StableDiffusionXLModel(source: source, reading: .headers)
    }

    init(source: ModelSource, reading: WeightReading) throws(ModelError) {
        self.source = source
        tokenizer = try source.tokenizer()
        tokenizer2 = try source.tokenizer2()
        textEncoder = try StableDiffusionModel.textEncoder(source, reading: reading)
        let config2 = try source.textEncoder2Config()
        let weights2 = try source.textEncoder2Weights()
        textEncoder2 = try load { () throws(WeightsError) in
            try CLIPTextModelWithProjection(config: config2, parameters: reading.parameters(weights2))
        }
        unet = try StableDiffusionModel.unet(source, reading: reading)
        vae = try StableDiffusionModel.vae(source, reading: reading)
        schedulerConfig = try source.schedulerConfig()
        forceZerosForEmptyPrompt = try source.forceZerosForEmptyPrompt()
        try checkComponentsFit()
    }

    private func checkComponentsFit() throws(ModelError) {
        let unetConfig = source.componentConfigPath("unet")
        let (width1, width2) = (textEncoder.config.hiddenSize, textEncoder2.config.hiddenSize)
        guard let textTime = unet.config.textTime else {
            throw .componentMismatch(unetConfig, "an SDXL UNet needs addition_embed_type \"text_time\"")
        }
        if let width = unet.config.crossAttentionDim.first(where: { $0 != width1 + width2 }) {
            throw .componentMismatch(unetConfig, "cross_attention_dim \(width) must equal the two text encoders' hidden sizes "
                                         + "\(width1) + \(width2)")
        }
        guard textTime.pooledWidth == textEncoder2.config.projectionDim else {
            throw .componentMismatch(unetConfig, "projection_class_embeddings_input_dim \(textTime.inputDim) must be 6 × "
                                         + "addition_time_embed_dim \(textTime.timeEmbedDim) + text_encoder_2's projection_dim "
                                         + "\(textEncoder2.config.projectionDim)")
        }
        let latent = vae.config.latentChannels
        guard unet.config.inChannels == latent, unet.config.outChannels == latent else {
            throw .componentMismatch(unetConfig, "in_channels \(unet.config.inChannels) and out_channels \(unet.config.outChannels) "
                                         + "must equal the VAE's latent_channels \(latent)")
        }
    }

    /// diffusers' `zero_out_negative_prompt`: no negative prompt at all (not even an empty one)
    /// and `force_zeros_for_empty_prompt` give zero embeddings; otherwise `negative_prompt or ""`
    /// and `negative_prompt_2 or negative_prompt`.
    public func negativeTexts(_ request: GenerationRequest) -> PromptTexts? {
        guard request.hasNegativePrompt || !forceZerosForEmptyPrompt else { return nil }
        return PromptTexts(request.negativePrompt, request.negativePrompt2)
    }

    /// diffusers' `encode_prompt`: each encoder's penultimate hidden state, concatenated along
    /// the width, and the second encoder's projected pooled output.
    /// Prompts are read as diffusers reads them; `checkSupports` refuses A1111 syntax and clip skip.
    public func encode(_ texts: PromptTexts, syntax: PromptSyntax, clipSkip: Int) throws(PipelineError) -> Conditioning {
        do {
            return try Self.conditioning(textEncoder, tokenizer.encode(texts.first), textEncoder2, tokenizer2.encode(texts.second))
        } catch { throw .textEncoder(error) }
    }

    /// `encode` for token ids already made (benchmarks run it on random encoders).
    public static func conditioning(_ encoder: CLIPTextModel, _ ids: [Int], _ encoder2: CLIPTextModelWithProjection,
                                    _ ids2: [Int]) throws(TextEncoderError) -> Conditioning {
        let first = try encoder([ids])
        let (second, pooled) = try encoder2([ids2])
        let penultimate = [first, second].map { $0.hiddenStates[$0.hiddenStates.count - 2] }
        return Conditioning(context: Tensor.concatenate(penultimate, axis: 2), pooled: pooled)
    }

    /// A1111 prompt syntax, clip skip and prompt interpolation are implemented for one text encoder
    /// only: refused rather than ignored. Under the default `a1111` syntax a prompt without weights
    /// or `BREAK` reads as diffusers reads it, so only prompts that use them are refused.
    public func checkSupports(_ request: GenerationRequest) throws(PipelineError) {
        if request.clipSkip != 1 { throw .unsupportedSetting("clip_skip \(request.clipSkip)", family: .sdxl) }
        if request.interpolation != nil { throw .unsupportedSetting("interpolate", family: .sdxl) }
        // diffusers' StableDiffusionXLImg2ImgPipeline is another pipeline (aesthetic scores, its own time ids).
        if request.initImage != nil { throw .unsupportedSetting("init_image (image-to-image)", family: .sdxl) }
        let texts = [request.prompt, request.negativePrompt, request.prompt2 ?? "", request.negativePrompt2 ?? ""]
        if request.promptSyntax == .a1111, texts.contains(where: { text in text.contains("BREAK") || text.contains(where: { "()[]".contains($0) }) }) {
            throw .unsupportedSetting("A1111 prompt syntax (weights, BREAK)", family: .sdxl)
        }
    }
}
