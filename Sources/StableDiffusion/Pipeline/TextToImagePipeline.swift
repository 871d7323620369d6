import Foundation
import Tensors

/// diffusers' `StableDiffusionPipeline.__call__` for text-to-image, and
/// `StableDiffusionImg2ImgPipeline.__call__` when the request has an init image: same seed, same image.
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

    public let model: StableDiffusionModel
    /// The denoising loop and decoder of this model, with the activation memory it keeps from one
    /// image to the next.
    public let diffusion: LatentDiffusion
    public var schedulerConfig: SchedulerConfig { diffusion.schedulerConfig }
    /// What decodes the latents: the model's VAE, or a replacement such as TAESD (as diffusers'
    /// `StableDiffusionPipeline.from_pretrained(..., vae=AutoencoderTiny...)`).
    public var decoder: any ImageDecoder { diffusion.decoder }

    /// `compute`: the threads and GEMM kernel this pipeline runs on (its precision is each request's).
    public init(model: StableDiffusionModel, decoder: (any ImageDecoder)? = nil,
                compute: ComputeContext = ComputeContext()) throws(ModelError) {
        try self.init(model: model, diffusion: LatentDiffusion(unet: model.unet, decoder: decoder ?? model.vae,
                                                               schedulerConfig: model.schedulerConfig, compute: compute))
    }

    private init(model: StableDiffusionModel, diffusion: LatentDiffusion) throws(ModelError) {
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
        _ = try size(of: request)
        _ = try scheduler(for: request)
        let layers = model.textEncoder.config.layers
        guard request.clipSkip <= layers else { throw .textEncoder(.badClipSkip(request.clipSkip, layers: layers)) }
    }

    /// The prompt encoder of this model: its tokenizer and text encoder.
    public var prompts: PromptEncoder { PromptEncoder(tokenizer: model.tokenizer, textEncoder: model.textEncoder) }

    /// The text encoder's context for `text`, `[1, tokens, width]`, read as diffusers reads it
    /// (or with `syntax` and `clipSkip`); always in float32, whatever the request's precision.
    public func encode(_ text: String, syntax: PromptSyntax = .plain, clipSkip: Int = 1) throws(PipelineError) -> Tensor {
        try diffusion.compute.with(precision: .float32).run { () throws(PipelineError) in
            try prompts.encode(text, syntax: syntax, clipSkip: clipSkip)
        }
    }

    public func generate(_ request: GenerationRequest, progress: (Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try validate(request)
        let (prompt, negative) = try conditioning(for: request) { text throws(PipelineError) in
            try encode(text, syntax: request.promptSyntax, clipSkip: request.clipSkip)
        }
        return try generate(request, prompt: prompt, negativePrompt: negative, progress: progress)
    }

    /// The prompt's and (when `usesNegativePrompt(request)`) the negative prompt's context, from
    /// `encoded` (each text read with the request's syntax and clip skip; a sweep caches them):
    /// an interpolation's blend in place of the prompt's own, and both padded to one length.
    public func conditioning(for request: GenerationRequest, encoded: (String) throws(PipelineError) -> Tensor)
        throws(PipelineError) -> (prompt: Tensor, negative: Tensor?) {
        var prompt = try encoded(request.prompt)
        let empty = { () throws(PipelineError) in try encoded("") }
        if let interpolation = request.interpolation {
            let (from, to) = try PromptEncoder.equalised(prompt, try encoded(interpolation.target), empty: empty)
            prompt = interpolation.blend(from, to)
        }
        guard usesNegativePrompt(request) else { return (prompt, nil) }
        let (equalPrompt, negative) = try PromptEncoder.equalised(prompt, try encoded(request.negativePrompt), empty: empty)
        return (equalPrompt, negative)
    }

    /// Whether the request's negative prompt is encoded and used (classifier-free guidance).
    public func usesNegativePrompt(_ request: GenerationRequest) -> Bool {
        diffusion.usesClassifierFreeGuidance(request)
    }

    /// Renders with the prompt encodings already made (`conditioning(for:encoded:)`), so a sweep
    /// encodes each distinct text once.
    public func generate(_ request: GenerationRequest, prompt: Tensor, negativePrompt: Tensor?,
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
