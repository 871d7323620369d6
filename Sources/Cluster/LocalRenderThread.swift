import Foundation
import Sweep
import Tensors

/// Rank 0's own renderer, on a thread of its own so the main thread stays free to answer
/// workers (all MPI calls stay on the main thread, as `MPI_THREAD_FUNNELED` requires).
final class LocalRenderThread: @unchecked Sendable {
    enum Outcome {
        case finished(RenderResult)
        case failed(String)
    }

    // Every field below is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var next: [RenderTask]?
    private var busy = false
    private var stopping = false
    private var outcomes: [Outcome] = []

    init(job: Job, rank: Int, host: String, compute: ComputeContext) {
        let thread = Thread { [self] in run(job: job, rank: rank, host: host, compute: compute) }
        thread.start()
    }

    /// Whether it can take a task now.
    var isIdle: Bool { condition.withLock { !busy && next == nil } }

    func give(_ tasks: [RenderTask]) {
        condition.withLock {
            next = tasks
            condition.signal()
        }
    }

    /// What finished since the last call.
    func takeOutcomes() -> [Outcome] {
        condition.withLock {
            defer { outcomes = [] }
            return outcomes
        }
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    private func run(job: Job, rank: Int, host: String, compute: ComputeContext) {
        var renderer = RankRenderer(job: job, rank: rank, host: host, compute: compute)
        while true {
            let tasks: [RenderTask]? = condition.withLock {
                while next == nil && !stopping { condition.wait() }
                defer { next = nil }
                busy = next != nil
                return next
            }
            guard let tasks else { return }
            let finished: [Outcome]
            do { finished = try renderer.render(tasks).map { .finished($0) } } catch { finished = [.failed(error.description)] }
            condition.withLock {
                outcomes += finished
                busy = false
            }
        }
    }
}
