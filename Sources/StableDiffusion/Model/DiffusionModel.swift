/// A model family behind the one text-to-image pipeline (as Apple's
/// `StableDiffusionPipelineProtocol`): how a request's texts become the UNet's conditioning.
/// The denoising loop and decoding are shared; `StableDiffusionModel` (SD 1.x/2.x) and
/// `StableDiffusionXLModel` conform.
public protocol DiffusionModel: Sendable {
    var family: ModelFamily { get }
    var source: ModelSource { get }
    /// The first (or only) tokenizer and text encoder, for token counts, truncation warnings and clip skip.
    var tokenizer: CLIPTokenizer { get }
    var textEncoder: CLIPTextModel { get }
    var unet: UNet2DConditionModel { get }
    var vae: AutoencoderKL { get }
    var schedulerConfig: SchedulerConfig { get }
    var loras: [LoRA] { get }

    /// The texts of the request's negative side, or nil when the family uses zero embeddings
    /// instead (SDXL without a negative prompt).
    func negativeTexts(_ request: GenerationRequest) -> PromptTexts?
    /// `syntax` and `clipSkip` as `checkSupports` allows them for the family.
    func encode(_ texts: PromptTexts, syntax: PromptSyntax, clipSkip: Int) throws(PipelineError) -> Conditioning
    /// Refuses request settings the family cannot honour.
    func checkSupports(_ request: GenerationRequest) throws(PipelineError)
}

extension DiffusionModel {
    /// The texts of the request's prompt side.
    public func promptTexts(_ request: GenerationRequest) -> PromptTexts { PromptTexts(request.prompt, request.prompt2) }
}

extension ModelSource {
    /// The model of the family this source holds (see `family()`), with `loras` merged in.
    public func loadModel(loras: [LoRA] = []) throws(ModelError) -> any DiffusionModel {
        try loadModel(loras: loras, reading: .tensors)
    }

    /// `reading: .widened` loads F16/BF16 weights as float32 copies, to compare with `.tensors`.
    func loadModel(loras: [LoRA] = [], reading: WeightReading) throws(ModelError) -> any DiffusionModel {
        switch try family() {
        case .sd: return try StableDiffusionModel(source: self, loras: loras, reading: reading)
        case .sdxl:
            guard loras.isEmpty else { throw .unsupportedForFamily("LoRAs", .sdxl) }
            return try StableDiffusionXLModel(source: self, reading: reading)
        }
    }

    /// Every check `loadModel` makes, from configs and weight headers only.
    public func check() throws(ModelError) {
        switch try family() {
        case .sd: try StableDiffusionModel.check(self)
        case .sdxl: try StableDiffusionXLModel.check(self)
        }
    }
}
