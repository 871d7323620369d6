import Foundation
import StableDiffusion
import Tensors

/// Renders a job's tasks with one loaded model, encoding each distinct prompt text once. The
/// model is loaded again only when a task asks for another LoRA set (tasks come grouped by set).
public final class TaskRenderer {
    public private(set) var pipeline: TextToImagePipeline
    let job: Job
    let modelName: String
    private var loras: [LoRA] = []
    private var loraInfos: [LoRAInfo] = []
    let vaeName: String?
    /// Tasks arrive grouped by prompt, so a small cache catches nearly every reuse while a
    /// dataset of thousands of prompts does not keep thousands of encodings.
    private var encodings: [String: Tensor] = [:]
    private static let cacheLimit = 64

    /// Loads the model with the job's first LoRA set.
    public init(job: Job) throws(RenderError) {
        self.job = job
        modelName = job.modelName
        vaeName = job.vaeName
        loras = job.loraSets.first ?? []
        (pipeline, loraInfos) = try Self.load(job, loras: loras)
    }

    private static func load(_ job: Job, loras: [LoRA]) throws(RenderError) -> (TextToImagePipeline, [LoRAInfo]) {
        let pipeline: TextToImagePipeline
        do { pipeline = try TextToImagePipeline(model: StableDiffusionModel(source: job.modelSource(), loras: loras)) } catch { throw .model(error) }
        do { return (pipeline, try loras.map { lora throws(LoRAError) in try LoRAInfo(lora) }) } catch { throw .model(.lora(error)) }
    }

    /// The model with `loras` merged in, loaded unless it already is; prompt encodings depend on
    /// the text encoder, so they go with it.
    private func use(_ loras: [LoRA]) throws(RenderError) {
        guard loras != self.loras else { return }
        (pipeline, loraInfos) = try Self.load(job, loras: loras)
        self.loras = loras
        encodings.removeAll()
    }

    /// The task's PNG file, with its A1111 `parameters` text, and how long it took.
    public func render(_ task: RenderTask, progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(RenderError)
        -> (png: Data, seconds: Double) {
        let start = Date()
        try use(task.loras)
        let request = task.request
        let image: RGBImage
        do {
            let prompt = try encoding(of: request.prompt)
            let negative = request.guidance > 1 ? try encoding(of: request.negativePrompt) : nil
            image = try pipeline.generate(request, prompt: prompt, negativePrompt: negative, progress: progress)
        } catch { throw .pipeline(task: task.id, error) }
        let parameters = GenerationParameters(request: request, scheduler: task.scheduler, image: image, model: modelName, vae: vaeName,
                                              loras: loraInfos)
        do { return (try parameters.png(of: image), Date().timeIntervalSince(start)) } catch { throw .png(task: task.id, error) }
    }

    private func encoding(of text: String) throws(PipelineError) -> Tensor {
        if let cached = encodings[text] { return cached }
        let encoded = try pipeline.encode(text)
        if encodings.count >= Self.cacheLimit { encodings.removeAll(keepingCapacity: true) }
        encodings[text] = encoded
        return encoded
    }
}
