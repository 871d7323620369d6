/// The tasks still to hand out, pulled from the job's task stream in manifest order. A rank
/// asking for work gets the next task with the prompt it rendered last when one is among the
/// next few, so its prompt-encoding cache is reused; only those few are held in memory.
public struct TaskQueue {
    private var upcoming: AnyIterator<RenderTask>
    private var window: [RenderTask] = []
    private var lastPrompt: [Int: String] = [:]

    /// How far ahead a rank looks for its prompt; tasks sharing a prompt are neighbours in the stream.
    static let lookahead = 64

    public init(_ tasks: some Sequence<RenderTask>) {
        upcoming = AnyIterator(tasks.makeIterator())
    }

    public mutating func next(for rank: Int) -> RenderTask? {
        while window.count < Self.lookahead, let task = upcoming.next() { window.append(task) }
        guard !window.isEmpty else { return nil }
        let index = lastPrompt[rank].flatMap { prompt in window.firstIndex { $0.prompt == prompt } } ?? 0
        let task = window.remove(at: index)
        lastPrompt[rank] = task.prompt
        return task
    }
}
