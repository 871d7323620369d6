import Foundation

/// How tensor operations run: on how many threads, with which single-threaded GEMM, and at which
/// precision the GEMMs take their operands. It is a task-local value, installed by whoever owns
/// the work (a pipeline around its `render`, a benchmark around its timing) and read by every
/// kernel below, so two pipelines in one process can run side by side with their own settings.
/// Nothing process-wide changes: OpenBLAS, where it is used at all, always runs single-threaded
/// inside our own jobs.
public struct ComputeContext: Sendable, Equatable {
    /// Cores our loops and GEMM parts are spread over; 1 runs everything inline.
    public var threads: Int
    public var gemm: GEMMKernel
    public var precision: Precision

    /// By default: every core, the fastest GEMM this CPU runs, float32.
    public init(threads: Int = ProcessInfo.processInfo.processorCount, gemm: GEMMKernel = .current,
                precision: Precision = .float32) {
        self.threads = max(1, threads)
        self.gemm = gemm
        self.precision = precision
    }

    /// The context of the current task or thread; parallel jobs carry it onto their workers.
    @TaskLocal static var current = ComputeContext()

    /// Runs `body` with this context installed.
    public func run<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = ComputeContext.$current.withValue(self) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Whether products run on our AVX2 kernel in float32, which packs operands itself: it takes a
    /// half weight as it is (`GEMMOperand.half`), widening it while packing (elsewhere the weight is
    /// widened into scratch first), and operands packed once ahead (`PackedAttention`).
    var packsWithAVX2: Bool { gemm == .avx2 && precision == .float32 }

    /// This context with another thread count.
    public func with(threads: Int) -> ComputeContext {
        ComputeContext(threads: threads, gemm: gemm, precision: precision)
    }

    /// This context with another precision.
    public func with(precision: Precision) -> ComputeContext {
        ComputeContext(threads: threads, gemm: gemm, precision: precision)
    }
}
