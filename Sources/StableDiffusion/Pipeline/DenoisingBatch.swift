import Tensors

/// The denoising state of images rendered together: each keeps its own scheduler, generator and
/// latents, so its noise draws and steps are those it would have alone; only the UNet call is
/// shared, laid out as diffusers batches prompts (`[negatives…; prompts…]` when guided).
struct DenoisingBatch {
    private(set) var latents: [Tensor]
    private var schedulers: [any Scheduler]
    private var generators: [TorchGenerator]
    private let guidanceScales: [Float]
    private let guidanceRescales: [Float]
    private let guided: Bool
    private let context: Tensor
    /// SDXL's pooled text and `add_time_ids`, laid out as `context` is.
    private let textTime: TextTimeConditioning?
    /// The guidance-scale embeddings of a UNet with `time_cond_proj_dim`, one row per image.
    private let timestepCondition: Tensor?

    var timesteps: [Float] { schedulers[0].timesteps }
    var evaluationsPerStep: Int { schedulers[0].evaluationsPerStep }
    /// The first evaluation: 0, or where image-to-image's strength cuts the schedule.
    private(set) var beginIndex = 0

    /// Whether evaluation `index` finishes one of the `steps` asked for (see `Scheduler.finishesStep`).
    func finishesStep(_ index: Int, of steps: Int) -> Bool { schedulers[0].finishesStep(index, of: steps, begin: beginIndex) }

    init(_ diffusion: LatentDiffusion, _ requests: [GenerationRequest], prompts: [Conditioning],
         negativePrompts: [Conditioning?]) throws(PipelineError) {
        guided = diffusion.usesClassifierFreeGuidance(requests[0])
        var rows = prompts
        if guided {
            var negatives: [Conditioning] = []
            for negative in negativePrompts {
                guard let negative else { throw .missingNegativeEncoding }
                negatives.append(negative)
            }
            rows = negatives + prompts
        }
        context = Tensor.concatenate(rows.map(\.context), axis: 0)
        let unet = diffusion.unet.config
        let (width, height) = try diffusion.size(of: requests[0])
        if unet.textTime != nil {
            // diffusers' negative time ids are the prompt's (no negative_original_size here).
            let ids = requests.map { $0.microConditioning.timeIDs(width: width, height: height) }
            textTime = try TextTimeConditioning(rows: rows, timeIDs: guided ? ids + ids : ids)
        } else {
            textTime = nil
        }
        timestepCondition = unet.timeCondProjDim.map { width in
            Tensor.concatenate(requests.map { Tensor.guidanceScaleEmbedding(Float(Double($0.guidance) - 1), dim: width) }, axis: 0)
        }
        guidanceScales = requests.map(\.guidance)
        guidanceRescales = requests.map(\.guidanceRescale)
        schedulers = []
        generators = []
        latents = []
        let factor = diffusion.decoder.scaleFactor
        for request in requests {
            var scheduler = try diffusion.scheduler(for: request)
            var generator = TorchGenerator(seed: request.seed)
            if let image = request.initImage {
                beginIndex = scheduler.beginIndex(steps: request.steps, strength: request.strength)
                scheduler.setBeginIndex(beginIndex)
                latents.append(try diffusion.imageToImageLatents(image, width: width, height: height, scheduler: scheduler,
                                                                 begin: beginIndex, generator: &generator))
            } else {
                latents.append(generator.randn([1, unet.inChannels, height / factor, width / factor]).scaled(by: scheduler.initNoiseSigma))
            }
            schedulers.append(scheduler)
            generators.append(generator)
        }
    }

    /// One UNet call for every image, then each image's own scheduler step; the first stage to
    /// make a NaN or infinity is named rather than carried on to the image.
    mutating func step(_ index: Int, unet: UNet2DConditionModel) throws(PipelineError) {
        let count = latents.count
        let input = schedulers[0].scaleModelInput(Tensor.concatenate(guided ? latents + latents : latents, axis: 0), step: index)
        let prediction = unet(input, timestep: timesteps[index], context: context, timestepCondition: timestepCondition,
                              textTime: textTime)
        try prediction.checkFinite(after: "the UNet at step \(index + 1)")
        for image in 0..<count {
            var own = prediction.slice(axis: 0, image..<(image + 1))
            if guided {
                let text = prediction.slice(axis: 0, (count + image)..<(count + image + 1))
                own = LatentDiffusion.guide(Tensor.concatenate([own, text], axis: 0), scale: guidanceScales[image])
                if guidanceRescales[image] > 0 { own = LatentDiffusion.rescale(own, text: text, phi: guidanceRescales[image]) }
            }
            try own.checkFinite(after: "guidance (scale \(guidanceScales[image])) at step \(index + 1)")
            latents[image] = schedulers[image].step(modelOutput: own, step: index, sample: latents[image]) { generators[image].randn($0) }
            try latents[image].checkFinite(after: "the scheduler at step \(index + 1)")
        }
    }
}
