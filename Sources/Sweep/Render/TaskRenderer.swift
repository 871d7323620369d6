import Foundation
import StableDiffusion
import Tensors

/// Renders a job's tasks with one loaded model, encoding each distinct prompt text once.
public final class TaskRenderer {
    public let pipeline: TextToImagePipeline
    let modelName: String
    let vaeName: String?
    /// Tasks arrive grouped by prompt, so a small cache catches nearly every reuse while a
    /// dataset of thousands of prompts does not keep thousands of encodings.
    private var encodings: [String: Tensor] = [:]
    private static let cacheLimit = 64

    public init(job: Job) throws(RenderError) {
        do { pipeline = try TextToImagePipeline(model: StableDiffusionModel(source: job.modelSource())) } catch { throw .model(error) }
        modelName = job.modelName
        vaeName = job.vaeName
    }

    /// The task's PNG file, with its A1111 `parameters` text, and how long it took.
    public func render(_ task: RenderTask, progress: (TextToImagePipeline.Progress) -> Void = { _ in }) throws(RenderError)
        -> (png: Data, seconds: Double) {
        let start = Date()
        let request = task.request
        let image: RGBImage
        do {
            let prompt = try encoding(of: request.prompt)
            let negative = request.guidance > 1 ? try encoding(of: request.negativePrompt) : nil
            image = try pipeline.generate(request, prompt: prompt, negativePrompt: negative, progress: progress)
        } catch { throw .pipeline(task: task.id, error) }
        let parameters = GenerationParameters(request: request, scheduler: task.scheduler, image: image, model: modelName, vae: vaeName)
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
