import StableDiffusion

/// The tasks still to hand out, pulled from the job's task stream in manifest order. A rank
/// asking for work gets, among the next few, the next task with the LoRA set and prompt it
/// rendered last, else the next with its LoRA set, so its loaded model and prompt-encoding
/// cache are reused; only those few are held in memory. With a batch size above 1 it also gets
/// the next tasks of the window that can share its UNet calls.
public struct TaskQueue {
    private var upcoming: AnyIterator<RenderTask>
    private var window: [RenderTask] = []
    private var last: [Int: (loras: [LoRA], prompt: String)] = [:]

    /// How far ahead a rank looks; tasks sharing a LoRA set and a prompt are neighbours in the stream.
    static let lookahead = 64

    public init(_ tasks: some Sequence<RenderTask>) {
        upcoming = AnyIterator(tasks.makeIterator())
    }

    public mutating func next(for rank: Int) -> RenderTask? {
        fillWindow()
        guard !window.isEmpty else { return nil }
        let index = last[rank].flatMap { last in
            window.firstIndex { $0.loras == last.loras && $0.prompt == last.prompt } ?? window.firstIndex { $0.loras == last.loras }
        } ?? 0
        let task = window.remove(at: index)
        last[rank] = (task.loras, task.prompt)
        return task
    }

    /// Up to `count` tasks with one `batchKey`: the next task as `next(for:)` picks it, then
    /// the first tasks of the window that match it. Empty when none is left.
    public mutating func next(for rank: Int, count: Int) -> [RenderTask] {
        guard let first = next(for: rank) else { return [] }
        var batch = [first]
        while batch.count < count {
            fillWindow()
            guard let index = window.firstIndex(where: { $0.batchKey == first.batchKey }) else { break }
            batch.append(window.remove(at: index))
        }
        return batch
    }

    private mutating func fillWindow() {
        while window.count < Self.lookahead, let task = upcoming.next() { window.append(task) }
    }
}
