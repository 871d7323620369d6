import ArgumentParser
import Cluster

/// Proves an MPI launch works end to end: every rank reports in and a sum crosses all of them.
struct MPICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi-check",
        abstract: "Check that MPI starts on every rank and ranks can talk (run under mpirun or srun)."
    )

    func run() throws {
        let mpi = try MPIRuntime()
        let sum = try mpi.allReduceSum(Int64(mpi.rank + 1))
        print("rank \(mpi.rank) of \(mpi.size) on \(mpi.processorName): sum of rank+1 over ranks = \(sum)")
        try mpi.barrier()
        let expected = Int64(mpi.size * (mpi.size + 1) / 2)
        try mpi.finish()
        guard sum == expected else {
            throw ValidationError("MPI all-reduce gave \(sum), expected \(expected)")
        }
    }
}
