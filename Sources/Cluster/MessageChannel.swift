import Foundation

/// The point-to-point messaging a worker needs, so its protocol can be driven without MPI
/// (tests feed it messages a real rank 0 never sends). `MPIRuntime` is the real one.
public protocol MessageChannel {
    var rank: Int { get }
    /// The host this rank runs on.
    var processorName: String { get }
    func send(_ data: Data, to destination: Int, tag: Int32) throws(MPIError)
    /// Blocks for the next message from `source`, with any tag unless one is given.
    func receive(from source: Int, tag: Int32?) throws(MPIError) -> MPIRuntime.Message
}

extension MPIRuntime: MessageChannel {}
