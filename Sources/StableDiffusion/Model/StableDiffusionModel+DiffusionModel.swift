/// SD 1.x/2.x conditioning: the one text encoder's last hidden state; the negative prompt is always encoded.
extension StableDiffusionModel: DiffusionModel {
    public var family: ModelFamily { .sd }

    public func negativeTexts(_ request: GenerationRequest) -> PromptTexts? { PromptTexts(request.negativePrompt) }

    public func encode(_ texts: PromptTexts) throws(PipelineError) -> Conditioning {
        do { return Conditioning(context: try textEncoder([tokenizer.encode(texts.first)]).lastHiddenState) } catch { throw .textEncoder(error) }
    }

    public func checkSupports(_ request: GenerationRequest) throws(PipelineError) {
        let sdxlOnly: [(String, Bool)] = [("prompt_2", request.prompt2 != nil), ("negative_prompt_2", request.negativePrompt2 != nil),
                                          ("original_size", request.microConditioning.originalSize != nil),
                                          ("crops_coords_top_left", request.microConditioning.cropTopLeft != nil),
                                          ("target_size", request.microConditioning.targetSize != nil)]
        if let (name, _) = sdxlOnly.first(where: \.1) { throw .unsupportedSetting(name, family: family) }
    }
}
