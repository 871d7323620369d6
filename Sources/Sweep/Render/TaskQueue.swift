import StableDiffusion

/// The tasks still to hand out, in manifest order. A rank asking for work gets the next task
/// with the LoRA set and prompt it rendered last when one is left, else the next with its LoRA
/// set, so its loaded model and prompt-encoding cache are reused.
public struct TaskQueue {
    private var pending: [RenderTask]
    private var last: [Int: (loras: [LoRA], prompt: String)] = [:]

    public init(_ tasks: [RenderTask]) {
        pending = tasks
    }

    public var isEmpty: Bool { pending.isEmpty }
    public var count: Int { pending.count }

    public mutating func next(for rank: Int) -> RenderTask? {
        guard !pending.isEmpty else { return nil }
        let index = last[rank].flatMap { last in
            pending.firstIndex { $0.loras == last.loras && $0.prompt == last.prompt } ?? pending.firstIndex { $0.loras == last.loras }
        } ?? 0
        let task = pending.remove(at: index)
        last[rank] = (task.loras, task.prompt)
        return task
    }
}
