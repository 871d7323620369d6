import Foundation
import Tensors

/// The part of text-to-image after the prompts are encoded: denoising with the UNet and a
/// scheduler, then decoding with the VAE or another `ImageDecoder` (TAESD). `TextToImagePipeline`
/// wraps it with a model folder and its tokenizer; benchmarks build it directly around randomly
/// initialised components.
public struct LatentDiffusion: Sendable {
    public let unet: UNet2DConditionModel
    public let decoder: any ImageDecoder
    /// The VAE that encodes init images (image-to-image); nil when the decoder is not the model's
    /// VAE, whose latent space an init image must be encoded into.
    public let encoder: AutoencoderKL?
    public let schedulerConfig: SchedulerConfig
    /// Activation memory shared by the UNet and the VAE and kept from one image to the next, so
    /// a rank rendering many images stops faulting in fresh pages after the first.
    public let pool: BufferPool
    /// The threads and GEMM kernel it renders with, whatever other pipelines in the process use;
    /// the precision is each request's own.
    public let compute: ComputeContext

    /// `pool`: another pipeline's, to share its memory (the same model with another decoder).
    public init(unet: UNet2DConditionModel, decoder: any ImageDecoder, schedulerConfig: SchedulerConfig,
                pool: BufferPool = BufferPool(), compute: ComputeContext = ComputeContext()) {
        self.unet = unet
        self.decoder = decoder
        encoder = decoder as? AutoencoderKL
        self.schedulerConfig = schedulerConfig
        self.pool = pool
        self.compute = compute
    }

    /// Native image size: the UNet's sample size in pixels.
    public var defaultImageSize: Int { unet.config.sampleSize * decoder.scaleFactor }

    /// Whether a request runs the classifier-free `[negative; prompt]` batch: guidance above 1 on
    /// a UNet without `time_cond_proj_dim` (diffusers' `do_classifier_free_guidance`); otherwise
    /// one unguided call per step and the negative prompt is unused.
    public func usesClassifierFreeGuidance(_ request: GenerationRequest) -> Bool {
        request.guidance > 1 && unet.config.timeCondProjDim == nil
    }

    /// Runs text encoders (`body`) as every pipeline and benchmark does: in float32 whatever a
    /// request's precision, and in this pipeline's pool, so their activations and widened weights
    /// reuse memory instead of faulting in fresh pages for every layer.
    public func encodingText<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try compute.with(precision: .float32).run { () throws(E) in try BufferPool.scoped(in: pool, body) }
    }

    /// The image size a request asks for, checked as diffusers' `check_inputs` does.
    public func size(of request: GenerationRequest) throws(PipelineError) -> (width: Int, height: Int) {
        let own = request.initImage.map(VAEImageProcessor.defaultSize(of:)) ?? (width: defaultImageSize, height: defaultImageSize)
        let (width, height) = (request.width ?? own.width, request.height ?? own.height)
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

    /// diffusers' denoising loop and decode for prompt encodings already made (the negative one
    /// is needed when `usesClassifierFreeGuidance(request)`).
    public func render(_ request: GenerationRequest, prompt: Conditioning, negativePrompt: Conditioning?,
                       progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(PipelineError) -> RGBImage {
        try render([request], prompts: [prompt], negativePrompts: [negativePrompt], progress: progress)[0]
    }

    /// Renders requests that share size, steps, scheduler (and eta), guidance mode and, for
    /// image-to-image, strength with one UNet call per step for all of them; each image is
    /// byte-identical to rendering it alone.
    public func render(_ requests: [GenerationRequest], prompts: [Conditioning], negativePrompts: [Conditioning?],
                       progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(PipelineError) -> [RGBImage] {
        guard let first = requests.first, prompts.count == requests.count, negativePrompts.count == requests.count else {
            throw .incompatibleBatch("expected one prompt and one negative prompt encoding per request")
        }
        for request in requests {
            try request.validate()
            guard try size(of: request) == size(of: first), request.steps == first.steps, request.eta == first.eta,
                  try schedulerKind(for: request) == schedulerKind(for: first), request.precision == first.precision,
                  usesClassifierFreeGuidance(request) == usesClassifierFreeGuidance(first),
                  (request.initImage == nil) == (first.initImage == nil), request.initImage == nil || request.strength == first.strength else {
                throw .incompatibleBatch("requests in one batch must share size, steps, scheduler, eta, guidance mode, precision and img2img strength")
            }
        }
        let shape = prompts[0].context.shape
        guard prompts.allSatisfy({ $0.context.shape == shape }), negativePrompts.allSatisfy({ $0 == nil || $0?.context.shape == shape }) else {
            throw .incompatibleBatch("prompt and negative prompt encodings must have one length (pad them with PromptEncoder.equalised)")
        }
        if requests.count > 1 && !compute.gemm.sumsDependOnDepthOnly {
            var images: [RGBImage] = []
            for index in requests.indices {
                images += try render([requests[index]], prompts: [prompts[index]], negativePrompts: [negativePrompts[index]], progress: progress)
            }
            return images
        }
        for prompt in prompts { try prompt.checkFinite(after: "the text encoder (prompt)") }
        for negative in negativePrompts { try negative?.checkFinite(after: "the text encoder (negative prompt)") }
        // Each step, the decode and the next image reuse the memory of the last.
        return try compute.with(precision: first.precision).run { () throws(PipelineError) in try BufferPool.scoped(in: pool) { () throws(PipelineError) in
            var batch = try DenoisingBatch(self, requests, prompts: prompts, negativePrompts: negativePrompts)
            let start = Date()
            var finished = 0
            // Image-to-image runs the last `int(steps × strength)` of them.
            let stepsRun = first.steps - batch.beginIndex / batch.evaluationsPerStep
            for step in batch.beginIndex..<batch.timesteps.count {
                try batch.step(step, unet: unet)
                // Reported in the steps the user asked for, not in UNet evaluations.
                if batch.finishesStep(step, of: first.steps) {
                    finished = min(finished + 1, stepsRun)
                    progress(.init(step: finished, steps: stepsRun,
                                   secondsPerStep: Date().timeIntervalSince(start) / Double(finished)))
                }
            }
            var images: [RGBImage] = []
            for latents in batch.latents {
                let decoded = decoder.decode(latents.divided(by: decoder.scalingFactor))
                try decoded.checkFinite(after: decoder is AutoencoderKL ? "the VAE decoder" : "the decoder")
                images.append(RGBImage(decoded: decoded))
            }
            return images
        } }
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

    /// diffusers' `rescale_noise_cfg`: the guided prediction scaled to the standard deviation of
    /// the text-conditioned one, mixed with itself by `phi` (0 leaves it, 1 rescales fully).
    public static func rescale(_ guided: Tensor, text: Tensor, phi: Float) -> Tensor {
        // torch's `std` with Bessel's correction, over everything but the batch dimension (one image here).
        func std(_ t: Tensor) -> Double {
            t.withUnsafeBufferPointer { x in
                let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
                return (x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(x.count - 1)).squareRoot()
            }
        }
        let ratio = Float(std(text) / std(guided))
        return guided.withUnsafeBufferPointer { x in
            Tensor(shape: guided.shape) { out in
                for i in 0..<x.count { out[i] = phi * (x[i] * ratio) + (1 - phi) * x[i] }
            }
        }
    }
}
