import Foundation
import Tensors

/// diffusers' `StableDiffusionPipeline.__call__` for text-to-image, same seed, same image.
public struct TextToImagePipeline: Sendable {
    /// Reported after each denoising step.
    public struct Progress: Sendable {
        public let step: Int
        public let steps: Int
        public let secondsPerStep: Double
        public var secondsLeft: Double { secondsPerStep * Double(steps - step) }
    }

    public let model: StableDiffusionModel
    public let schedulerConfig: SchedulerConfig

    public init(model: StableDiffusionModel) throws(ModelError) {
        self.model = model
        schedulerConfig = model.schedulerConfig
    }

    /// The denoising loop and decoder of this model.
    public var diffusion: LatentDiffusion {
        LatentDiffusion(unet: model.unet, vae: model.vae, schedulerConfig: schedulerConfig)
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
    }

    /// The text encoder's last hidden state for `text`, `[1, tokens, width]`.
    public func encode(_ text: String) throws(PipelineError) -> Tensor {
        do { return try model.textEncoder([model.tokenizer.encode(text)]).lastHiddenState } catch { throw .textEncoder(error) }
    }

    public func generate(_ request: GenerationRequest, progress: (Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try generate(request, prompt: encode(request.prompt),
                     negativePrompt: request.guidance > 1 ? encode(request.negativePrompt) : nil, progress: progress)
    }

    /// Renders with the prompt encodings already made (`encode(request.prompt)` and, when
    /// guided, `encode(request.negativePrompt)`), so a sweep encodes each distinct text once.
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
