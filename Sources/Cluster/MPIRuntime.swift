import CMPI
import Foundation

/// This process's place in an MPI job. Created once per process (MPI allows one init), it must
/// be finished before exit; ranks talk over `MPI_COMM_WORLD`. Only the thread that created it
/// may call it (`MPI_THREAD_FUNNELED`).
public final class MPIRuntime {
    public let rank: Int
    public let size: Int

    public init() throws(MPIError) {
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, swift_MPI_THREAD_FUNNELED(), &provided), "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(swift_MPI_COMM_WORLD(), &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(swift_MPI_COMM_WORLD(), &size), "MPI_Comm_size")
        (self.rank, self.size) = (Int(rank), Int(size))
    }

    /// Whether a launcher (mpirun, srun) started this process; otherwise `sweep` runs alone
    /// without initialising MPI at all.
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    /// This process's rank as its launcher set it (mpirun, srun), readable before MPI starts.
    public static var launchRank: Int? {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"].lazy.compactMap { environment[$0].flatMap(Int.init) }.first
    }

    /// The host this rank runs on, as MPI names it.
    public var processorName: String {
        var buffer = [CChar](repeating: 0, count: Int(swift_MPI_MAX_PROCESSOR_NAME()) + 1)
        var length: Int32 = 0
        MPI_Get_processor_name(&buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// How many ranks share this rank's node (its shared-memory domain).
    public func ranksOnThisNode() throws(MPIError) -> Int {
        var node: MPI_Comm?
        try check(MPI_Comm_split_type(swift_MPI_COMM_WORLD(), swift_MPI_COMM_TYPE_SHARED(), Int32(rank), swift_MPI_INFO_NULL(), &node),
                  "MPI_Comm_split_type")
        var count: Int32 = 1
        try check(MPI_Comm_size(node, &count), "MPI_Comm_size")
        try check(MPI_Comm_free(&node), "MPI_Comm_free")
        return Int(count)
    }

    /// The sum of `value` over every rank, returned on every rank.
    public func allReduceSum(_ value: Int64) throws(MPIError) -> Int64 {
        var input = value, output: Int64 = 0
        try check(MPI_Allreduce(&input, &output, 1, swift_MPI_INT64_T(), swift_MPI_SUM(), swift_MPI_COMM_WORLD()),
                  "MPI_Allreduce")
        return output
    }

    /// Rank 0's `data` on every rank (the argument is ignored elsewhere).
    public func broadcast(_ data: Data) throws(MPIError) -> Data {
        var count = Int64(data.count)
        try check(MPI_Bcast(&count, 1, swift_MPI_INT64_T(), 0, swift_MPI_COMM_WORLD()), "MPI_Bcast")
        var bytes = rank == 0 ? [UInt8](data) : [UInt8](repeating: 0, count: Int(count))
        try check(MPI_Bcast(&bytes, Int32(count), swift_MPI_BYTE(), 0, swift_MPI_COMM_WORLD()), "MPI_Bcast")
        return Data(bytes)
    }

    public func send(_ data: Data, to destination: Int, tag: Int32) throws(MPIError) {
        let bytes = [UInt8](data)
        try check(MPI_Send(bytes, Int32(bytes.count), swift_MPI_BYTE(), Int32(destination), tag, swift_MPI_COMM_WORLD()), "MPI_Send")
    }

    /// The next message from any rank, or nil when none is waiting (never blocks).
    public func poll() throws(MPIError) -> Message? {
        var flag: Int32 = 0
        var status = MPI_Status()
        try check(MPI_Iprobe(swift_MPI_ANY_SOURCE(), swift_MPI_ANY_TAG(), swift_MPI_COMM_WORLD(), &flag, &status), "MPI_Iprobe")
        guard flag != 0 else { return nil }
        return try receive(from: Int(status.MPI_SOURCE), tag: status.MPI_TAG)
    }

    /// Blocks for the next message from `source`, with any tag unless one is given.
    public func receive(from source: Int, tag: Int32? = nil) throws(MPIError) -> Message {
        var status = MPI_Status()
        try check(MPI_Probe(Int32(source), tag ?? swift_MPI_ANY_TAG(), swift_MPI_COMM_WORLD(), &status), "MPI_Probe")
        var count: Int32 = 0
        try check(MPI_Get_count(&status, swift_MPI_BYTE(), &count), "MPI_Get_count")
        var bytes = [UInt8](repeating: 0, count: Int(count))
        try check(MPI_Recv(&bytes, count, swift_MPI_BYTE(), status.MPI_SOURCE, status.MPI_TAG, swift_MPI_COMM_WORLD(),
                           swift_MPI_STATUS_IGNORE()), "MPI_Recv")
        return Message(source: Int(status.MPI_SOURCE), tag: status.MPI_TAG, data: Data(bytes))
    }

    public func barrier() throws(MPIError) {
        try check(MPI_Barrier(swift_MPI_COMM_WORLD()), "MPI_Barrier")
    }

    /// Ends every rank of the job at once with `code`, which mpirun or srun exits with.
    public func abort(code: Int32) -> Never {
        MPI_Abort(swift_MPI_COMM_WORLD(), code)
        exit(code)
    }

    public func finish() throws(MPIError) {
        try check(MPI_Finalize(), "MPI_Finalize")
    }

    /// One point-to-point message.
    public struct Message: Sendable {
        public let source: Int
        public let tag: Int32
        public let data: Data

        public init(source: Int, tag: Int32, data: Data) {
            self.source = source
            self.tag = tag
            self.data = data
        }
    }
}

public enum MPIError: Error, CustomStringConvertible {
    case failed(call: String, code: Int32)

    public var description: String {
        switch self {
        case let .failed(call, code): return "\(call) failed with MPI error code \(code)"
        }
    }
}

private func check(_ code: Int32, _ call: String) throws(MPIError) {
    guard code == swift_MPI_SUCCESS() else { throw .failed(call: call, code: code) }
}
