import Foundation

/// The `--threads` value every command takes: at least 1 and at most the cores of this machine,
/// since more threads than cores only slow each GEMM part down (and OpenBLAS takes an Int32).
enum ThreadCount {
    static var cores: Int { ProcessInfo.processInfo.processorCount }

    static func check(_ threads: Int?) throws(ThreadCountError) {
        guard let threads else { return }
        guard threads >= 1 else { throw .belowOne(threads) }
        guard threads <= cores else { throw .aboveCores(threads, cores: cores) }
    }
}

enum ThreadCountError: Error, CustomStringConvertible {
    case belowOne(Int)
    case aboveCores(Int, cores: Int)

    var description: String {
        switch self {
        case let .belowOne(count): "--threads \(count): expected at least 1"
        case let .aboveCores(count, cores): "--threads \(count): this machine has \(cores) core(s); expected 1 to \(cores)"
        }
    }
}
