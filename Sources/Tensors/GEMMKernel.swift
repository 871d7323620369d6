import Foundation

/// Which single-threaded GEMM the parts of every product run on: our AVX-512 kernel where the
/// CPU has AVX-512F (it does not depend on the OpenBLAS build or its `OPENBLAS_CORETYPE`), else
/// OpenBLAS's `sgemm`. Both give sums that do not depend on how C is split between threads.
public enum GEMMKernel: String, Sendable {
    case avx512 = "AVX-512 (ours, 6×64 tile)"
    case openBLAS = "OpenBLAS sgemm"

    /// The fastest this CPU runs, the default of every `ComputeContext` (which carries the choice
    /// down to each product); `SWEEP_GEMM=openblas` makes OpenBLAS the default, e.g. to compare the two.
    public static let current: GEMMKernel = {
        if ProcessInfo.processInfo.environment["SWEEP_GEMM"]?.lowercased() == "openblas" { return .openBLAS }
        return AVX512.available ? .avx512 : .openBLAS
    }()
}
