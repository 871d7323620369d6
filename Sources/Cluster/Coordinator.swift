import Foundation
import Sweep
import Tensors

/// Rank 0: hands tasks to whichever rank asks (pull-based, so fast nodes take more), renders
/// too on a thread of its own, and writes every result. Any failure is reported with the rank
/// and host and ends the whole job through `MPI_Abort`; what was written stays complete.
public struct Coordinator {
    let mpi: MPIRuntime
    let output: JobOutput
    let log: (String) -> Void
    /// What rank 0's own renderer runs with.
    let compute: ComputeContext

    public init(mpi: MPIRuntime, output: JobOutput, compute: ComputeContext = ComputeContext(), log: @escaping (String) -> Void) {
        self.mpi = mpi
        self.output = output
        self.compute = compute
        self.log = log
    }

    /// Runs the job to its end. `recorded` hears of each result once it is written; `checkpoint`
    /// is called between messages on this (the main) thread and may end the process (Ctrl-C).
    public func run(recorded: (RenderResult) -> Void, checkpoint: () -> Void) throws(MPIError) {
        var queue = TaskQueue(output.pending)
        let host = mpi.processorName
        let local = LocalRenderThread(job: output.job, rank: 0, host: host, compute: compute)
        var hosts: [Int: String] = [0: host]
        // Tasks handed out and not yet back: the journal records each result with its task's provenance.
        var inFlight: [String: RenderTask] = [:]
        var stopped = 0
        while true {
            // First, before MPI can notice a worker that the same signal ended.
            checkpoint()
            var busy = false
            while let message = try mpi.poll() {
                busy = true
                switch ClusterTag(rawValue: message.tag) {
                case .ready:
                    hosts[message.source] = String(decoding: message.data, as: UTF8.self)
                case .result:
                    let results: [RenderResult]
                    do { results = try ClusterCodec.decode([RenderResult].self, from: message.data) } catch {
                        fail(rank: message.source, host: hosts[message.source], "sent a result rank 0 cannot read: \(error)")
                    }
                    for result in results { record(result, inFlight: &inFlight, recorded) }
                case .failure:
                    fail(rank: message.source, host: hosts[message.source], String(decoding: message.data, as: UTF8.self))
                default:
                    fail(rank: message.source, host: hosts[message.source], "sent an unexpected message (tag \(message.tag))")
                }
                let tasks = queue.next(for: message.source, count: output.job.batch)
                if !tasks.isEmpty {
                    let data: Data
                    do { data = try ClusterCodec.encode(tasks) } catch {
                        fail(rank: 0, host: host, "tasks \(tasks.map(\.id).joined(separator: ", ")) for rank \(message.source): \(error)")
                    }
                    for task in tasks { inFlight[task.id] = task }
                    try mpi.send(data, to: message.source, tag: ClusterTag.task.rawValue)
                } else {
                    try mpi.send(Data(), to: message.source, tag: ClusterTag.stop.rawValue)
                    stopped += 1
                }
            }
            let idle = local.isIdle
            // Taken after reading `isIdle`, so a task that finished just before is not missed.
            for outcome in local.takeOutcomes() {
                busy = true
                switch outcome {
                case let .finished(result): record(result, inFlight: &inFlight, recorded)
                case let .failed(message): fail(rank: 0, host: host, message)
                }
            }
            if idle {
                let tasks = queue.next(for: 0, count: output.job.batch)
                if !tasks.isEmpty {
                    for task in tasks { inFlight[task.id] = task }
                    local.give(tasks)
                } else if stopped == mpi.size - 1 {
                    local.stop()
                    return
                }
            }
            // Polling, not a blocking receive: Open MPI spins a core while it blocks, and this
            // rank's cores are rendering.
            if !busy { usleep(2_000) }
        }
    }

    private func record(_ result: RenderResult, inFlight: inout [String: RenderTask], _ recorded: (RenderResult) -> Void) {
        guard let task = inFlight.removeValue(forKey: result.taskID) else {
            fail(rank: result.rank, host: result.host, "sent a result for task \(result.taskID), which it was not given")
        }
        do { try output.record(result, of: task) } catch { fail(rank: 0, host: mpi.processorName, error.description) }
        recorded(result)
    }

    private func fail(rank: Int, host: String?, _ message: String) -> Never {
        log("Error: rank \(rank) (\(host ?? "unknown host")): \(message)")
        // Keep the CSV in step with the images already recorded before ending every rank.
        try? output.writeManifests()
        mpi.abort(code: 1)
    }
}
