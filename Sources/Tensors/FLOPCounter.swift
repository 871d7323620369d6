import Foundation

/// Counts the floating-point operations of the matrix products (`2·m·n·k` each, which is where
/// nearly all of a model's arithmetic happens) run while it is installed, so a benchmark can
/// report achieved GFLOP/s without a separate analytic model of every architecture.
public final class FLOPCounter: @unchecked Sendable {
    /// The counter of the current task or thread; `parallelJobs` carries it onto its workers.
    @TaskLocal static var current: FLOPCounter?

    private let lock = NSLock()
    private var total = 0.0

    public init() {}

    public var flops: Double { lock.withLock { total } }

    /// Runs `body` counting into this counter.
    public func counting<R>(_ body: () throws -> R) rethrows -> R {
        try FLOPCounter.$current.withValue(self, operation: body)
    }

    func add(_ flops: Double) { lock.withLock { total += flops } }
}
