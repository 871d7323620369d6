import Foundation
import Sweep

/// A rank other than 0: asks rank 0 for tasks until told to stop, and sends back each PNG. It
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
            guard message.tag == ClusterTag.task.rawValue, let task = ClusterCodec.decode(RenderTask.self, from: message.data) else {
                return
            }
            let result: RenderResult
            do { result = try renderer.render(task) } catch {
                // Rank 0 reports it and ends the job; this rank waits to be ended with it.
                try mpi.send(Data(error.description.utf8), to: 0, tag: ClusterTag.failure.rawValue)
                _ = try mpi.receive(from: 0, tag: ClusterTag.stop.rawValue)
                return
            }
            try mpi.send(ClusterCodec.encode(result), to: 0, tag: ClusterTag.result.rawValue)
        }
    }
}
