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

    /// The algorithm for a convolution of this shape. It depends on the shape alone (never on
    /// threads or batch), so an image's bytes do not depend on how it was run.
    static func preferred(cin: Int, cout: Int, kernel: (Int, Int), stride: Int, outH: Int, outW: Int) -> Conv2DAlgorithm {
        guard kernel == (3, 3) && stride == 1 && winogradAvailable else { return .direct }
        if let forced { return forced }
        // Measured on Zen 5 (2 cores), F(4,3) against the direct convolution: 0.45–0.65× on the
        // VAE's maps (64² to 512²), 0.46× on the UNet's 64² maps, 0.8× on its 32² ones; with
        // fewer than 64 tiles per image (16² maps) the GEMMs are too narrow, and with a few
        // input channels (conv_in) the transforms cost more than the products they save.
        return outH * outW >= 32 * 32 && cin >= 16 ? .winograd4 : .direct
    }
}
