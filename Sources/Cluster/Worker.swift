import Foundation
import Sweep
import Tensors

/// A rank other than 0: asks rank 0 for tasks (a batch at a time) until told to stop, and sends back each PNG. It
/// never touches the output folder, so nodes need no shared filesystem. Anything it cannot do
/// (a task that does not decode, a render or a result that fails) goes to rank 0 as a `failure`
/// message, which rank 0 reports with this rank and host before ending the job.
public struct Worker {
    let channel: any MessageChannel
    let job: Job
    let compute: ComputeContext

    public init(channel: any MessageChannel, job: Job, compute: ComputeContext = ComputeContext()) {
        self.channel = channel
        self.job = job
        self.compute = compute
    }

    /// `interrupted` is asked between tasks: a signal meant for the whole job reaches rank 0 too,
    /// which reports it; one sent to this rank alone ends the job through rank 0 as a failure.
    public func run(interrupted: () -> Bool = { false }) throws(MPIError) {
        let host = channel.processorName
        try channel.send(Data(host.utf8), to: 0, tag: ClusterTag.ready.rawValue)
        var renderer = RankRenderer(job: job, rank: channel.rank, host: host, compute: compute)
        while true {
            let message = try channel.receive(from: 0, tag: nil)
            switch ClusterTag(rawValue: message.tag) {
            case .stop:
                return
            case .task:
                // The batch's results in one message: rank 0 answers each message with the next batch.
                let reply: Data
                do {
                    let tasks = try ClusterCodec.decode([RenderTask].self, from: message.data)
                    reply = try ClusterCodec.encode(try renderer.render(tasks))
                } catch {
                    return try fail(String(describing: error))
                }
                guard !interrupted() else { return try fail("interrupted (SIGINT or SIGTERM)") }
                try channel.send(reply, to: 0, tag: ClusterTag.result.rawValue)
            default:
                return try fail("rank 0 sent an unexpected message (tag \(message.tag))")
            }
        }
    }

    /// Rank 0 reports it and ends the job; this rank waits to be ended with it.
    private func fail(_ reason: String) throws(MPIError) {
        try channel.send(Data(reason.utf8), to: 0, tag: ClusterTag.failure.rawValue)
        _ = try channel.receive(from: 0, tag: ClusterTag.stop.rawValue)
    }
}
