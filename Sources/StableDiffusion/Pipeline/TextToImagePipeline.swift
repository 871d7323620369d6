import Foundation
import Tensors

/// diffusers' `StableDiffusionPipeline.__call__` (or `StableDiffusionXLPipeline.__call__`, by the
/// model's family) for text-to-image, and `StableDiffusionImg2ImgPipeline.__call__` when the
/// request has an init image: same seed, same image.
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

    /// `compute`: the threads and GEMM kernel this pipeline runs on (its precision is each request's).
    public init(model: any DiffusionModel, decoder: (any ImageDecoder)? = nil,
                compute: ComputeContext = ComputeContext()) throws(ModelError) {
        try self.init(model: model, diffusion: LatentDiffusion(unet: model.unet, decoder: decoder ?? model.vae,
                                                               schedulerConfig: model.schedulerConfig, compute: compute))
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
                                                                         schedulerConfig: schedulerConfig, pool: diffusion.pool,
                                                                         compute: diffusion.compute))
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
        let layers = model.textEncoder.config.layers
        guard request.clipSkip <= layers else { throw .textEncoder(.badClipSkip(request.clipSkip, layers: layers)) }
    }

    /// The prompt encoder of the model's first text encoder (A1111 syntax, clip skip).
    public var prompts: PromptEncoder { PromptEncoder(tokenizer: model.tokenizer, textEncoder: model.textEncoder) }

    /// The conditioning of one side's texts, read as diffusers reads them (or, for SD 1.x/2.x,
    /// with `syntax` and `clipSkip`), as `LatentDiffusion.encodingText` runs text encoders.
    public func encode(_ texts: PromptTexts, syntax: PromptSyntax = .plain, clipSkip: Int = 1) throws(PipelineError) -> Conditioning {
        try diffusion.encodingText { () throws(PipelineError) in try model.encode(texts, syntax: syntax, clipSkip: clipSkip) }
    }

    /// The conditioning of one text given to every text encoder.
    public func encode(_ text: String, syntax: PromptSyntax = .plain, clipSkip: Int = 1) throws(PipelineError) -> Conditioning {
        try encode(PromptTexts(text), syntax: syntax, clipSkip: clipSkip)
    }

    /// The request's prompt texts, one per text encoder.
    public func promptTexts(_ request: GenerationRequest) -> PromptTexts { model.promptTexts(request) }

    /// The request's negative texts; nil when its negative conditioning is zeros (SDXL without a negative prompt).
    public func negativeTexts(_ request: GenerationRequest) -> PromptTexts? { model.negativeTexts(request) }

    public func generate(_ request: GenerationRequest, progress: (Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try validate(request)
        let (prompt, negative) = try conditioning(for: request) { texts throws(PipelineError) in
            try encode(texts, syntax: request.promptSyntax, clipSkip: request.clipSkip)
        }
        return try generate(request, prompt: prompt, negativePrompt: negative, progress: progress)
    }

    /// The prompt's and (when `usesNegativePrompt(request)`) the negative side's conditioning, from
    /// `encoded` (each side's texts read with the request's syntax and clip skip; a sweep caches
    /// them): an interpolation's blend in place of the prompt's own, both contexts padded to one
    /// length; SDXL's zero negative side when it has no negative prompt.
    public func conditioning(for request: GenerationRequest, encoded: (PromptTexts) throws(PipelineError) -> Conditioning)
        throws(PipelineError) -> (prompt: Conditioning, negative: Conditioning?) {
        var prompt = try encoded(promptTexts(request))
        let empty = { () throws(PipelineError) in try encoded(PromptTexts("")).context }
        if let interpolation = request.interpolation {
            let (from, to) = try PromptEncoder.equalised(prompt.context, try encoded(PromptTexts(interpolation.target)).context, empty: empty)
            prompt = Conditioning(context: interpolation.blend(from, to), pooled: prompt.pooled)
        }
        guard usesNegativePrompt(request) else { return (prompt, nil) }
        guard let texts = negativeTexts(request) else { return (prompt, prompt.zeros) }
        let negative = try encoded(texts)
        let (equalPrompt, equalNegative) = try PromptEncoder.equalised(prompt.context, negative.context, empty: empty)
        return (Conditioning(context: equalPrompt, pooled: prompt.pooled), Conditioning(context: equalNegative, pooled: negative.pooled))
    }

    /// Whether the request's negative prompt is encoded and used (classifier-free guidance).
    public func usesNegativePrompt(_ request: GenerationRequest) -> Bool {
        diffusion.usesClassifierFreeGuidance(request)
    }

    /// Renders with the prompt encodings already made (`conditioning(for:encoded:)`), so a sweep
    /// encodes each distinct text once.
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
