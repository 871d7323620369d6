import Foundation

/// Which single-threaded GEMM the parts of every product run on: our AVX-512 kernel where the
/// CPU has AVX-512F, else our AVX2+FMA one, else OpenBLAS's `sgemm`. Ours sum every element in
/// an order fixed by k alone, whatever the product's other sides and however C is split, and do
/// not depend on the OpenBLAS build or its `OPENBLAS_CORETYPE`. OpenBLAS's Zen kernel is 10–15%
/// faster than our AVX2 one on Zen 3, but its sums change with m and n (it has separate kernels
/// for small products): a Winograd convolution's products are as wide as the batch's tiles, so
/// with OpenBLAS an image's bytes would depend on the batch it was rendered in.
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

    /// The register tile (rows × columns of C) a product's parts are cut at.
    public var tile: (rows: Int, columns: Int) {
        switch self {
        case .avx512: (6, 64)
        case .avx2: (6, 16)
        case .openBLAS: (1, 1)
        }
    }

    /// Whether every element's sum is fixed by k alone, so an image rendered in a batch has the
    /// bytes it has alone; batches are rendered one image at a time on a kernel without it.
    public var sumsDependOnDepthOnly: Bool { self != .openBLAS }

    /// The fastest this CPU runs, the default of every `ComputeContext` (which carries the choice
    /// down to each product); `SWEEP_GEMM=avx512|avx2|openblas` makes another the default, e.g. to
    /// compare them, where the CPU runs it.
    public static let current: GEMMKernel = {
        let requested = ProcessInfo.processInfo.environment["SWEEP_GEMM"]?.lowercased()
        if let forced = allCases.first(where: { $0.name == requested }), forced.isSupported { return forced }
        return AVX512.available ? .avx512 : AVX2.available ? .avx2 : .openBLAS
    }()
}
