import Foundation
import Tensors

/// The part of text-to-image after the prompts are encoded: denoising with the UNet and a
/// scheduler, then decoding with the VAE. `TextToImagePipeline` wraps it with a model folder and
/// its tokenizer; benchmarks build it directly around randomly initialised components.
public struct LatentDiffusion: Sendable {
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    public let schedulerConfig: SchedulerConfig
    /// Activation memory shared by the UNet and the VAE and kept from one image to the next, so
    /// a rank rendering many images stops faulting in fresh pages after the first.
    public let pool = BufferPool()

    public init(unet: UNet2DConditionModel, vae: AutoencoderKL, schedulerConfig: SchedulerConfig) {
        self.unet = unet
        self.vae = vae
        self.schedulerConfig = schedulerConfig
    }

    /// Native image size: the UNet's sample size in pixels.
    public var defaultImageSize: Int { unet.config.sampleSize * vae.config.scaleFactor }

    /// The image size a request asks for, checked as diffusers' `check_inputs` does.
    public func size(of request: GenerationRequest) throws(PipelineError) -> (width: Int, height: Int) {
        let (width, height) = (request.width ?? defaultImageSize, request.height ?? defaultImageSize)
        try GenerationRequest.checkDimension("width", width)
        try GenerationRequest.checkDimension("height", height)
        return (width, height)
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

    /// diffusers' denoising loop and decode for prompt encodings already made (`[1, tokens, width]`;
    /// the negative one is needed when guidance is above 1).
    public func render(_ request: GenerationRequest, prompt: Tensor, negativePrompt: Tensor?,
                       progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        // Each step, the decode and the next image reuse the memory of the last.
        try BufferPool.scoped(in: pool) { () throws(PipelineError) in
            try denoiseAndDecode(request, prompt: prompt, negativePrompt: negativePrompt, progress: progress)
        }
    }

    private func denoiseAndDecode(_ request: GenerationRequest, prompt: Tensor, negativePrompt: Tensor?,
                                  progress: (TextToImagePipeline.Progress) -> Void) throws(PipelineError) -> RGBImage {
        try request.validate()
        let (width, height) = try size(of: request)
        var scheduler = try scheduler(for: request)
        // Guidance ≤ 1 runs one unguided UNet call per step, as diffusers does.
        let guided = request.guidance > 1
        try prompt.checkFinite(after: "the text encoder (prompt)")
        try negativePrompt?.checkFinite(after: "the text encoder (negative prompt)")
        let context: Tensor
        if guided {
            guard let negativePrompt else { throw .missingNegativeEncoding }
            context = Tensor.concatenate([negativePrompt, prompt], axis: 0)
        } else {
            context = prompt
        }

        var generator = TorchGenerator(seed: request.seed)
        let factor = vae.config.scaleFactor
        let noise = generator.randn([1, unet.config.inChannels, height / factor, width / factor])
        var latents = noise.scaled(by: scheduler.initNoiseSigma)

        let start = Date()
        for (i, t) in scheduler.timesteps.enumerated() {
            let input = scheduler.scaleModelInput(guided ? Tensor.concatenate([latents, latents], axis: 0) : latents, step: i)
            let prediction = unet(input, timestep: t, context: context)
            try prediction.checkFinite(after: "the UNet at step \(i + 1)")
            let guidedPrediction = guided ? Self.guide(prediction, scale: request.guidance) : prediction
            try guidedPrediction.checkFinite(after: "guidance (scale \(request.guidance)) at step \(i + 1)")
            latents = scheduler.step(modelOutput: guidedPrediction, step: i, sample: latents) { generator.randn($0) }
            try latents.checkFinite(after: "the scheduler at step \(i + 1)")
            progress(.init(step: i + 1, steps: scheduler.timesteps.count,
                           secondsPerStep: Date().timeIntervalSince(start) / Double(i + 1)))
        }
        let decoded = vae.decode(latents.divided(by: vae.config.scalingFactor))
        try decoded.checkFinite(after: "the VAE decoder")
        return RGBImage(decoded: decoded)
    }

    /// Classifier-free guidance on a `[uncond; text]` batch: `uncond + scale·(text − uncond)`.
    public static func guide(_ prediction: Tensor, scale: Float) -> Tensor {
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
