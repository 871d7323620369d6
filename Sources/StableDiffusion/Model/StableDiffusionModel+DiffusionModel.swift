/// SD 1.x/2.x conditioning: the one text encoder's context (`PromptEncoder`); the negative prompt is always encoded.
extension StableDiffusionModel: DiffusionModel {
    public var family: ModelFamily { .sd }

    public func negativeTexts(_ request: GenerationRequest) -> PromptTexts? { PromptTexts(request.negativePrompt) }

    /// The text encoder's context as diffusers reads the text (or A1111, with `syntax`, and `clipSkip`).
    public func encode(_ texts: PromptTexts, syntax: PromptSyntax, clipSkip: Int) throws(PipelineError) -> Conditioning {
        Conditioning(context: try PromptEncoder(tokenizer: tokenizer, textEncoder: textEncoder).encode(texts.first, syntax: syntax, clipSkip: clipSkip))
    }

    public func checkSupports(_ request: GenerationRequest) throws(PipelineError) {
        let sdxlOnly: [(String, Bool)] = [("prompt_2", request.prompt2 != nil), ("negative_prompt_2", request.negativePrompt2 != nil),
                                          ("original_size", request.microConditioning.originalSize != nil),
                                          ("crops_coords_top_left", request.microConditioning.cropTopLeft != nil),
                                          ("target_size", request.microConditioning.targetSize != nil)]
        if let (name, _) = sdxlOnly.first(where: \.1) { throw .unsupportedSetting(name, family: family) }
    }
}
