import CKernels
import Foundation

/// How a convolution is computed: unfolded into GEMMs (any kernel), or, for stride-1 3×3
/// kernels on CPUs with AVX-512 or AVX2 + FMA, by Winograd's F(2,3) or F(4,3) (`WinogradConv2D`).
public enum Conv2DAlgorithm: String, Sendable, CaseIterable {
    case direct
    case winograd2 = "winograd-f2"
    case winograd4 = "winograd-f4"

    /// Output tile side of the Winograd variants.
    var winogradTileSize: Int? {
        switch self {
        case .direct: nil
        case .winograd2: 2
        case .winograd4: 4
        }
    }

    /// Whether this CPU runs the Winograd transforms (AVX-512F, or AVX2 and FMA); checked once.
    static let winogradAvailable = ds_winograd_available() != 0

    /// `SWEEP_CONV=direct|winograd-f2|winograd-f4` forces one for every eligible convolution.
    static let forced: Conv2DAlgorithm? = ProcessInfo.processInfo.environment["SWEEP_CONV"]
        .flatMap { Conv2DAlgorithm(rawValue: $0.lowercased()) }

    /// The algorithm for a convolution of this shape on the GEMM kernel `gemm`. It depends on the
    /// shape and kernel alone (never on threads or batch), so an image's bytes do not depend on how
    /// it was run.
    static func preferred(cin: Int, cout: Int, kernel: (Int, Int), stride: Int, outH: Int, outW: Int,
                          gemm: GEMMKernel = ComputeContext.current.gemm) -> Conv2DAlgorithm {
        guard kernel == (3, 3) && stride == 1 && winogradAvailable else { return .direct }
        if let forced { return forced }
        // Measured on Zen 5 (2 cores), F(4,3) against the direct convolution: 0.45–0.65× on the
        // VAE's maps (64² to 512²), 0.46× on the UNet's 64² maps, 0.8× on its 32² ones, and
        // with a few input channels (conv_in) the transforms cost more than the products they save.
        // A map's tiles are the columns of its products: AVX2's 16-column register tile is full
        // from 16² maps on (16 tiles per image; Zen 3, 1280 channels at 16², batch 2: 52 ms against
        // 88 direct; at 8²: 32 against 25), AVX-512's 64-column one only from 32² maps on.
        let smallestMap = gemm == .avx2 ? 16 * 16 : 32 * 32
        return outH * outW >= smallestMap && cin >= 16 ? .winograd4 : .direct
    }
}
