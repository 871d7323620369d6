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
        do {
            schedulerConfig = try SchedulerConfig(path: URL(fileURLWithPath: model.directory)
                .appendingPathComponent("scheduler/scheduler_config.json").path)
        } catch { throw .config(error) }
    }

    /// The image size a request asks for, checked as diffusers' `check_inputs` does.
    public func size(of request: GenerationRequest) throws(PipelineError) -> (width: Int, height: Int) {
        let native = model.defaultImageSize
        let (width, height) = (request.width ?? native, request.height ?? native)
        for (name, value) in [("width", width), ("height", height)] where value <= 0 || value % 8 != 0 {
            throw .badDimension(name: name, value: value)
        }
        return (width, height)
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
        try request.validate()
        let (width, height) = try size(of: request)
        var scheduler = try scheduler(for: request)
        // Guidance ≤ 1 runs one unguided UNet call per step, as diffusers does.
        let guided = request.guidance > 1
        let context: Tensor
        if guided {
            guard let negativePrompt else { throw .missingNegativeEncoding }
            context = Tensor.concatenate([negativePrompt, prompt], axis: 0)
        } else {
            context = prompt
        }

        var generator = TorchGenerator(seed: request.seed)
        let factor = model.vae.config.scaleFactor
        let noise = generator.randn([1, model.unet.config.inChannels, height / factor, width / factor])
        var latents = noise.scaled(by: scheduler.initNoiseSigma)

        let start = Date()
        for (i, t) in scheduler.timesteps.enumerated() {
            let input = scheduler.scaleModelInput(guided ? Tensor.concatenate([latents, latents], axis: 0) : latents, step: i)
            let prediction = model.unet(input, timestep: t, context: context)
            let guidedPrediction = guided ? Self.guide(prediction, scale: request.guidance) : prediction
            latents = scheduler.step(modelOutput: guidedPrediction, step: i, sample: latents) { generator.randn($0) }
            progress(Progress(step: i + 1, steps: scheduler.timesteps.count,
                              secondsPerStep: Date().timeIntervalSince(start) / Double(i + 1)))
        }
        return RGBImage(decoded: model.vae.decode(latents.divided(by: model.vae.config.scalingFactor)))
    }

    /// The scheduler a request names, or the model's own.
    public func schedulerKind(for request: GenerationRequest) throws(PipelineError) -> SchedulerKind {
        if let chosen = request.scheduler { return chosen }
        do { return try schedulerConfig.ownKind() } catch { throw .scheduler(error) }
    }

    func scheduler(for request: GenerationRequest) throws(PipelineError) -> any Scheduler {
        let kind = try schedulerKind(for: request)
        do { return try makeScheduler(kind, config: schedulerConfig, steps: request.steps, eta: request.eta) } catch {
            throw .scheduler(error)
        }
    }

    /// Classifier-free guidance on a `[uncond; text]` batch: `uncond + scale·(text − uncond)`.
    static func guide(_ prediction: Tensor, scale: Float) -> Tensor {
        let half = prediction.count / 2
        var shape = prediction.shape
        shape[0] /= 2
        return prediction.withUnsafeBufferPointer { both in
            Tensor(shape: shape) { out in
                for i in 0..<half { out[i] = both[i] + scale * (both[half + i] - both[i]) }
            }
        }
    }
}
