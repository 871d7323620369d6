/// The messages of the render protocol, by MPI tag. Workers pull: each `ready` or `result`
/// asks rank 0 for the next task, answered by `task` or `stop`.
enum ClusterTag: Int32 {
    /// Worker → rank 0: first request for work; payload: the worker's host name.
    case ready = 1
    /// Worker → rank 0: a finished task (JSON `RenderResult`), which also asks for the next.
    case result = 2
    /// Worker → rank 0: the model did not load or a task failed; payload: the message.
    case failure = 3
    /// Rank 0 → worker: a task to render (JSON `RenderTask`).
    case task = 4
    /// Rank 0 → worker: no more tasks.
    case stop = 5
}
