import Foundation
import Sweep

/// A rank other than 0: asks rank 0 for tasks (a batch at a time) until told to stop, and sends back each PNG. It
/// never touches the output folder, so nodes need no shared filesystem.
public struct Worker {
    let mpi: MPIRuntime
    let job: Job

    public init(mpi: MPIRuntime, job: Job) {
        self.mpi = mpi
        self.job = job
    }

    public func run() throws(MPIError) {
        let host = mpi.processorName
        try mpi.send(Data(host.utf8), to: 0, tag: ClusterTag.ready.rawValue)
        var renderer = RankRenderer(job: job, rank: mpi.rank, host: host)
        while true {
            let message = try mpi.receive(from: 0)
            guard message.tag == ClusterTag.task.rawValue, let tasks = ClusterCodec.decode([RenderTask].self, from: message.data) else {
                return
            }
            let results: [RenderResult]
            do { results = try renderer.render(tasks) } catch {
                // Rank 0 reports it and ends the job; this rank waits to be ended with it.
                try mpi.send(Data(error.description.utf8), to: 0, tag: ClusterTag.failure.rawValue)
                _ = try mpi.receive(from: 0, tag: ClusterTag.stop.rawValue)
                return
            }
            // The batch's results in one message: rank 0 answers each message with the next batch.
            try mpi.send(ClusterCodec.encode(results), to: 0, tag: ClusterTag.result.rawValue)
        }
    }
}
