import CKernels

/// The precision of the GEMMs' operands. float32 is the default and matches diffusers' float32
/// images; bf16 rounds both operands of every matrix product to bfloat16 and accumulates in
/// float32 (AVX512-BF16's `vdpbf16ps`), as `torch.autocast("cpu", dtype=torch.bfloat16)` does for
/// linear and convolution layers. Element-wise work, normalisation and softmax stay float32.
public enum Precision: String, Sendable, CaseIterable, Codable {
    case float32
    case bf16

    /// Every value a user may write, for error messages.
    public static let allNames = allCases.map(\.rawValue).joined(separator: ", ")

    /// Whether this CPU runs the precision's kernels (bf16 needs AVX512-BF16; nothing emulates it).
    public var isSupported: Bool {
        switch self {
        case .float32: true
        case .bf16: BF16.available
        }
    }

    /// The one-line reason this CPU cannot run the precision, or nil.
    public var unsupportedReason: String? {
        isSupported ? nil : "precision \(rawValue) needs a CPU with AVX512-BF16 instructions (vdpbf16ps), which this one lacks; use float32"
    }
}

/// Whether this CPU runs the bfloat16 GEMM of CKernels; checked once.
enum BF16 {
    static let available = ds_bf16_available() != 0
}
