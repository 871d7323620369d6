import CMPI

/// This process's place in an MPI job. Created once per process (MPI allows one init), it must
/// be finished before exit; ranks talk over `MPI_COMM_WORLD`.
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

    /// The host this rank runs on, as MPI names it.
    public var processorName: String {
        var buffer = [CChar](repeating: 0, count: Int(swift_MPI_MAX_PROCESSOR_NAME()) + 1)
        var length: Int32 = 0
        MPI_Get_processor_name(&buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The sum of `value` over every rank, returned on every rank.
    public func allReduceSum(_ value: Int64) throws(MPIError) -> Int64 {
        var input = value, output: Int64 = 0
        try check(MPI_Allreduce(&input, &output, 1, swift_MPI_INT64_T(), swift_MPI_SUM(), swift_MPI_COMM_WORLD()),
                  "MPI_Allreduce")
        return output
    }

    public func barrier() throws(MPIError) {
        try check(MPI_Barrier(swift_MPI_COMM_WORLD()), "MPI_Barrier")
    }

    public func finish() throws(MPIError) {
        try check(MPI_Finalize(), "MPI_Finalize")
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
