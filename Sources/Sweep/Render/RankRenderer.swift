import Foundation
import StableDiffusion
import Tensors

/// A rank's renderer: loads the model on its first task, so a rank with nothing to do never
/// reads the weights, and labels each result with the rank and host that made it.
public struct RankRenderer {
    let job: Job
    let rank: Int
    let host: String
    /// The threads and GEMM kernel its model renders with.
    let compute: ComputeContext
    private var renderer: TaskRenderer?

    public init(job: Job, rank: Int, host: String, compute: ComputeContext = ComputeContext()) {
        self.job = job
        self.rank = rank
        self.host = host
        self.compute = compute
    }

    /// Buffers the loaded model's activation pool has handed out so far (nil before the first task).
    public var poolUsage: BufferPool.Usage? { renderer?.pipeline.diffusion.pool.usage }

    /// `progress` hears of each denoising step.
    public mutating func render(_ task: RenderTask, progress: (TextToImagePipeline.Progress) -> Void = { _ in })
        throws(RenderError) -> RenderResult {
        try render([task], progress: progress)[0]
    }

    /// A batch from `TaskQueue.next(for:count:)`: one result per task, in order.
    public mutating func render(_ tasks: [RenderTask], progress: (TextToImagePipeline.Progress) -> Void = { _ in })
        throws(RenderError) -> [RenderResult] {
        let loaded: TaskRenderer
        if let renderer { loaded = renderer } else {
            loaded = try TaskRenderer(job: job, compute: compute)
            renderer = loaded
        }
        return zip(tasks, try loaded.render(tasks, progress: progress)).map { task, file in
            RenderResult(taskID: task.id, png: file.png, seconds: file.seconds, rank: rank, host: host, embedding: file.embedding,
                         safety: file.safety)
        }
    }
}
