import Foundation

/// Which single-threaded GEMM the parts of every product run on: our AVX-512 kernel where the
/// CPU has AVX-512F, else OpenBLAS's `sgemm` (its Haswell/Zen kernel measured 10–15% faster than
/// our AVX2 one on Zen 3, so ours is opt-in there). Our kernels do not depend on the OpenBLAS
/// build or its `OPENBLAS_CORETYPE`. All give sums that do not depend on how C is split between threads.
public enum GEMMKernel: String, Sendable, CaseIterable {
    case avx512 = "AVX-512 (ours, 6×64 tile)"
    case avx2 = "AVX2+FMA (ours, 6×16 tile)"
    case openBLAS = "OpenBLAS sgemm"

    /// The name `SWEEP_GEMM` takes.
    public var name: String {
        switch self {
        case .avx512: "avx512"
        case .avx2: "avx2"
        case .openBLAS: "openblas"
        }
    }

    /// Whether this CPU runs the kernel.
    public var isSupported: Bool {
        switch self {
        case .avx512: AVX512.available
        case .avx2: AVX2.available
        case .openBLAS: true
        }
    }

    /// The fastest this CPU runs, the default of every `ComputeContext` (which carries the choice
    /// down to each product); `SWEEP_GEMM=avx512|avx2|openblas` makes another the default, e.g. to
    /// compare them, where the CPU runs it.
    public static let current: GEMMKernel = {
        let requested = ProcessInfo.processInfo.environment["SWEEP_GEMM"]?.lowercased()
        if let forced = allCases.first(where: { $0.name == requested }), forced.isSupported { return forced }
        return AVX512.available ? .avx512 : .openBLAS
    }()
}
