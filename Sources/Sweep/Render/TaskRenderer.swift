import Foundation
import StableDiffusion
import Tensors

/// Renders a job's tasks with one loaded model, encoding each distinct prompt text once. The
/// model is loaded again only when a task asks for another LoRA set (tasks come grouped by set).
public final class TaskRenderer {
    /// The model with its own VAE; it also encodes the prompts.
    public private(set) var pipeline: TextToImagePipeline
    /// The model with each AutoencoderTiny folder the tasks have named so far, sharing its memory.
    private var decoding: [String: TextToImagePipeline] = [:]
    let job: Job
    let modelName: String
    private var loras: [LoRA] = []
    private var loraInfos: [LoRAInfo] = []
    let vaeName: String?
    /// The threads and GEMM kernel every model it loads renders with.
    let compute: ComputeContext
    /// Tasks arrive grouped by prompt, so a small cache catches nearly every reuse while a
    /// dataset of thousands of prompts does not keep thousands of encodings.
    private var encodings: [EncodingKey: Conditioning] = [:]
    private static let cacheLimit = 64
    /// Init images by file, read once each (a sweep over strengths reuses one image).
    private var initImages: [String: InitImage] = [:]
    /// What a dataset job adds to each image: the prompt's embedding and the safety verdict.
    private var extras: DatasetExtras

    /// Loads the model with the job's first LoRA set.
    public init(job: Job, compute: ComputeContext = ComputeContext()) throws(RenderError) {
        self.job = job
        self.compute = compute
        modelName = job.modelName
        vaeName = job.vaeName
        loras = job.loraSets.first ?? []
        extras = try DatasetExtras(job: job)
        (pipeline, loraInfos) = try Self.load(job, loras: loras, compute: compute)
    }

    private static func load(_ job: Job, loras: [LoRA], compute: ComputeContext) throws(RenderError) -> (TextToImagePipeline, [LoRAInfo]) {
        let pipeline: TextToImagePipeline
        do {
            pipeline = try TextToImagePipeline(model: job.modelSource().loadModel(loras: loras), compute: compute)
        } catch { throw .model(error) }
        do { return (pipeline, try loras.map { lora throws(LoRAError) in try LoRAInfo(lora) }) } catch { throw .model(.lora(error)) }
    }

    /// The model with `loras` merged in, loaded unless it already is; prompt encodings depend on
    /// the text encoder, so they go with it, as do the TAESD pipelines built on its UNet.
    private func use(_ loras: [LoRA]) throws(RenderError) {
        guard loras != self.loras else { return }
        (pipeline, loraInfos) = try Self.load(job, loras: loras, compute: compute)
        self.loras = loras
        encodings.removeAll()
        decoding.removeAll()
    }

    /// The task's PNG file, with its A1111 `parameters` text, and how long it took.
    public func render(_ task: RenderTask, progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(RenderError)
        -> RenderedImage {
        try render([task], progress: progress)[0]
    }

    /// Tasks with one `batchKey`, rendered with one UNet call per step (each image the bytes it
    /// has alone); each is reported with an equal share of the batch's time.
    public func render(_ tasks: [RenderTask], progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(RenderError)
        -> [RenderedImage] {
        guard let first = tasks.first else { return [] }
        let start = Date()
        try use(first.loras)
        var requests = tasks.map(\.request)
        let starts = try tasks.map { task throws(RenderError) in try initImage(of: task) }
        for index in requests.indices { requests[index].initImage = starts[index]?.image }
        let pipeline = try pipeline(decoding: first.decoder)
        let images: [RGBImage]
        do {
            var prompts: [Conditioning] = [], negatives: [Conditioning?] = []
            for request in requests {
                let (prompt, negative) = try pipeline.conditioning(for: request) { texts throws(PipelineError) in
                    try encoding(of: EncodingKey(texts: texts, syntax: request.promptSyntax, clipSkip: request.clipSkip))
                }
                prompts.append(prompt)
                negatives.append(negative)
            }
            // One UNet call takes contexts of one length: prompts of more 75-token chunks than
            // others render in a call of their own.
            var rendered = [RGBImage?](repeating: nil, count: requests.count)
            for length in Set(prompts.map { $0.context.shape[1] }).sorted() {
                let members = prompts.indices.filter { prompts[$0].context.shape[1] == length }
                let group = try pipeline.diffusion.render(members.map { requests[$0] }, prompts: members.map { prompts[$0] },
                                                          negativePrompts: members.map { negatives[$0] }, progress: progress)
                for (index, image) in zip(members, group) { rendered[index] = image }
            }
            images = rendered.compactMap { $0 }
        } catch { throw .pipeline(task: tasks.map(\.id).joined(separator: ", "), error) }
        var files: [RenderedImage] = []
        for (task, (rendered, start)) in zip(tasks, zip(images, starts)) {
            let safety = try extras.safety(of: rendered, task: task.id)
            let image = safety?.nsfw == true && job.safety == .blank ? rendered.blackened : rendered
            // A replacement AutoencoderKL on the decoder axis is A1111's "VAE"; TAESD is ours, "Decoder".
            let replacesVAE = task.decoder.map { DecoderKind($0) == .replacementVAE } ?? false
            var parameters = GenerationParameters(request: task.request, scheduler: task.scheduler, image: image, model: modelName,
                                                  vae: replacesVAE ? task.decoderName : vaeName, decoder: replacesVAE ? nil : task.decoderName,
                                                  loras: loraInfos, imageToImage: start.map { ImageToImageInfo($0, strength: task.strength) })
            parameters.modelHash = job.modelShortHash
            parameters.extras = task.parameterEntries.map { "\($0.key): \($0.value)" }
            let png: Data
            do { png = try parameters.png(of: image) } catch { throw .png(task: task.id, error) }
            files.append(RenderedImage(png: png, seconds: 0, embedding: try extras.embedding(of: task.prompt, task: task.id), safety: safety))
        }
        let seconds = Date().timeIntervalSince(start) / Double(tasks.count)
        return files.map { var file = $0; file.seconds = seconds; return file }
    }

    private func pipeline(decoding decoder: String?) throws(RenderError) -> TextToImagePipeline {
        guard let decoder else { return pipeline }
        if let loaded = decoding[decoder] { return loaded }
        let loaded: TextToImagePipeline
        do {
            loaded = DecoderKind(decoder) == .tiny ? try pipeline.decoding(with: AutoencoderTiny(directory: decoder))
                : try pipeline.decoding(with: StableDiffusionModel.vae(ModelSource(model: job.model, config: job.config, vae: decoder)))
        } catch { throw .model(error) }
        decoding[decoder] = loaded
        return loaded
    }

    private func initImage(of task: RenderTask) throws(RenderError) -> InitImage? {
        guard let value = task.initImageValue else { return nil }
        if let loaded = initImages[value.text] { return loaded }
        let loaded: InitImage?
        do { loaded = try task.loadInitImage() } catch { throw .initImage(task: task.id, error) }
        if initImages.count >= Self.cacheLimit { initImages.removeAll(keepingCapacity: true) }
        initImages[value.text] = loaded
        return loaded
    }

    /// Texts as the text encoders read them under one syntax and clip skip.
    private struct EncodingKey: Hashable {
        let texts: PromptTexts
        let syntax: PromptSyntax
        let clipSkip: Int
    }

    private func encoding(of key: EncodingKey) throws(PipelineError) -> Conditioning {
        if let cached = encodings[key] { return cached }
        let encoded = try pipeline.encode(key.texts, syntax: key.syntax, clipSkip: key.clipSkip)
        if encodings.count >= Self.cacheLimit { encodings.removeAll(keepingCapacity: true) }
        encodings[key] = encoded
        return encoded
    }
}
