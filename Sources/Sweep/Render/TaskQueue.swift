/// The tasks still to hand out, in manifest order. A rank asking for work gets the next task
/// with the prompt it rendered last when one is left, so its prompt-encoding cache is reused.
public struct TaskQueue {
    private var pending: [RenderTask]
    private var lastPrompt: [Int: String] = [:]

    public init(_ tasks: [RenderTask]) {
        pending = tasks
    }

    public var isEmpty: Bool { pending.isEmpty }
    public var count: Int { pending.count }

    public mutating func next(for rank: Int) -> RenderTask? {
        guard !pending.isEmpty else { return nil }
        let index = lastPrompt[rank].flatMap { prompt in pending.firstIndex { $0.prompt == prompt } } ?? 0
        let task = pending.remove(at: index)
        lastPrompt[rank] = task.prompt
        return task
    }
}
