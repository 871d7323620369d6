/// The tasks still to hand out, in manifest order. A rank asking for work gets the next task
/// with the prompt it rendered last when one is left, so its prompt-encoding cache is reused,
/// and with a batch size above 1 the next tasks that can share its UNet calls.
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

    /// Up to `count` tasks with one `batchKey`: the next task as `next(for:)` picks it, then
    /// the first pending tasks that match it. Empty when none is left.
    public mutating func next(for rank: Int, count: Int) -> [RenderTask] {
        guard let first = next(for: rank) else { return [] }
        var batch = [first]
        while batch.count < count, let index = pending.firstIndex(where: { $0.batchKey == first.batchKey }) {
            batch.append(pending.remove(at: index))
        }
        return batch
    }
}
