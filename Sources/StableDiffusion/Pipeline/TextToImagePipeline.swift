import Foundation
import Tensors

/// diffusers' `StableDiffusionPipeline.__call__` (or `StableDiffusionXLPipeline.__call__`, by the
/// model's family) for text-to-image, same seed, same image.
public struct TextToImagePipeline: Sendable {
    /// Reported after each denoising step.
    public struct Progress: Sendable, CustomStringConvertible {
        public let step: Int
        public let steps: Int
        public let secondsPerStep: Double
        public var secondsLeft: Double { secondsPerStep * Double(steps - step) }

        /// `step 3/50  1.20 s/step  ETA 56 s`.
        public var description: String {
            String(format: "step %d/%d  %.2f s/step  ETA %.0f s", step, steps, secondsPerStep, secondsLeft)
        }
    }

    public let model: any DiffusionModel
    /// The denoising loop and decoder of this model, with the activation memory it keeps from one
    /// image to the next.
    public let diffusion: LatentDiffusion
    public var schedulerConfig: SchedulerConfig { diffusion.schedulerConfig }
    /// What decodes the latents: the model's VAE, or a replacement such as TAESD (as diffusers'
    /// `StableDiffusionPipeline.from_pretrained(..., vae=AutoencoderTiny...)`).
    public var decoder: any ImageDecoder { diffusion.decoder }

    public init(model: any DiffusionModel, decoder: (any ImageDecoder)? = nil) throws(ModelError) {
        try self.init(model: model, diffusion: LatentDiffusion(unet: model.unet, decoder: decoder ?? model.vae,
                                                               schedulerConfig: model.schedulerConfig))
    }

    private init(model: any DiffusionModel, diffusion: LatentDiffusion) throws(ModelError) {
        guard diffusion.decoder.latentChannels == model.unet.config.outChannels else {
            throw .componentMismatch("decoder", "latent_channels \(diffusion.decoder.latentChannels) must equal the UNet's "
                                         + "out_channels \(model.unet.config.outChannels)")
        }
        self.model = model
        self.diffusion = diffusion
    }

    /// The same model decoding with `decoder` instead, sharing this pipeline's activation memory.
    public func decoding(with decoder: any ImageDecoder) throws(ModelError) -> TextToImagePipeline {
        try TextToImagePipeline(model: model, diffusion: LatentDiffusion(unet: model.unet, decoder: decoder,
                                                                         schedulerConfig: schedulerConfig, pool: diffusion.pool))
    }

    /// The image size a request asks for, checked as diffusers' `check_inputs` does.
    public func size(of request: GenerationRequest) throws(PipelineError) -> (width: Int, height: Int) {
        try diffusion.size(of: request)
    }

    /// Every check a request must pass, so a command can reject it before doing any work.
    public func validate(_ request: GenerationRequest) throws(PipelineError) {
        try request.validate()
        try model.checkSupports(request)
        _ = try size(of: request)
        _ = try scheduler(for: request)
    }

    /// The conditioning of one side's texts (see `promptTexts` and `negativeTexts`).
    public func encode(_ texts: PromptTexts) throws(PipelineError) -> Conditioning { try model.encode(texts) }

    /// The conditioning of one text given to every text encoder.
    public func encode(_ text: String) throws(PipelineError) -> Conditioning { try encode(PromptTexts(text)) }

    /// The request's prompt texts, one per text encoder.
    public func promptTexts(_ request: GenerationRequest) -> PromptTexts { model.promptTexts(request) }

    /// The request's negative texts; nil when its negative conditioning is zeros (SDXL without a negative prompt).
    public func negativeTexts(_ request: GenerationRequest) -> PromptTexts? { model.negativeTexts(request) }

    /// The negative conditioning of a request whose prompt is encoded as `prompt`, encoding
    /// texts with `encode` (a cache, in a sweep); nil when guidance does not use it.
    public func negativeConditioning(_ request: GenerationRequest, prompt: Conditioning,
                                     encode: (PromptTexts) throws(PipelineError) -> Conditioning) throws(PipelineError) -> Conditioning? {
        guard usesNegativePrompt(request) else { return nil }
        guard let texts = negativeTexts(request) else { return prompt.zeros }
        return try encode(texts)
    }

    public func generate(_ request: GenerationRequest, progress: (Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try model.checkSupports(request)
        let prompt = try encode(promptTexts(request))
        return try generate(request, prompt: prompt, negativePrompt: negativeConditioning(request, prompt: prompt, encode: encode),
                            progress: progress)
    }

    /// Whether the request's negative prompt is encoded and used (classifier-free guidance).
    public func usesNegativePrompt(_ request: GenerationRequest) -> Bool {
        diffusion.usesClassifierFreeGuidance(request)
    }

    /// Renders with the prompt encodings already made (`encode(promptTexts(request))` and
    /// `negativeConditioning(request, …)`), so a sweep encodes each distinct text once.
    public func generate(_ request: GenerationRequest, prompt: Conditioning, negativePrompt: Conditioning?,
                         progress: (Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try diffusion.render(request, prompt: prompt, negativePrompt: negativePrompt, progress: progress)
    }

    /// The scheduler a request names, or the model's own.
    public func schedulerKind(for request: GenerationRequest) throws(PipelineError) -> SchedulerKind {
        try diffusion.schedulerKind(for: request)
    }

    func scheduler(for request: GenerationRequest) throws(PipelineError) -> any Scheduler {
        try diffusion.scheduler(for: request)
    }
}
