import Foundation
import Sweep

/// Rank 0: hands tasks to whichever rank asks (pull-based, so fast nodes take more), renders
/// too on a thread of its own, and writes every result. Any failure is reported with the rank
/// and host and ends the whole job through `MPI_Abort`; what was written stays complete.
public struct Coordinator {
    let mpi: MPIRuntime
    let output: JobOutput
    let log: (String) -> Void

    public init(mpi: MPIRuntime, output: JobOutput, log: @escaping (String) -> Void) {
        self.mpi = mpi
        self.output = output
        self.log = log
    }

    public func run(progress: inout ProgressLog) throws(MPIError) {
        var queue = TaskQueue(output.pending)
        let host = mpi.processorName
        let local = LocalRenderThread(job: output.job, rank: 0, host: host)
        var hosts: [Int: String] = [0: host]
        // Tasks handed out and not yet back: the journal records each result with its task's provenance.
        var inFlight: [String: RenderTask] = [:]
        var stopped = 0
        while true {
            var busy = false
            while let message = try mpi.poll() {
                busy = true
                switch ClusterTag(rawValue: message.tag) {
                case .ready:
                    hosts[message.source] = String(decoding: message.data, as: UTF8.self)
                case .result:
                    guard let results = ClusterCodec.decode([RenderResult].self, from: message.data) else {
                        fail(rank: message.source, host: hosts[message.source], "sent a result that does not decode")
                    }
                    for result in results { record(result, inFlight: &inFlight, progress: &progress) }
                case .failure:
                    fail(rank: message.source, host: hosts[message.source], String(decoding: message.data, as: UTF8.self))
                default:
                    fail(rank: message.source, host: hosts[message.source], "sent an unexpected message (tag \(message.tag))")
                }
                let tasks = queue.next(for: message.source, count: output.job.batch)
                if !tasks.isEmpty {
                    for task in tasks { inFlight[task.id] = task }
                    try mpi.send(ClusterCodec.encode(tasks), to: message.source, tag: ClusterTag.task.rawValue)
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
                case let .finished(result): record(result, inFlight: &inFlight, progress: &progress)
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

    private func record(_ result: RenderResult, inFlight: inout [String: RenderTask], progress: inout ProgressLog) {
        guard let task = inFlight.removeValue(forKey: result.taskID) else {
            fail(rank: result.rank, host: result.host, "sent a result for task \(result.taskID), which it was not given")
        }
        do { try output.record(result, of: task) } catch { fail(rank: 0, host: mpi.processorName, error.description) }
        log(progress.line(for: result))
    }

    private func fail(rank: Int, host: String?, _ message: String) -> Never {
        log("Error: rank \(rank) (\(host ?? "unknown host")): \(message)")
        // Keep the CSV in step with the images already recorded before ending every rank.
        try? output.writeManifests()
        mpi.abort(code: 1)
    }
}
