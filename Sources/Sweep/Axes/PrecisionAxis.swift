import StableDiffusion
import Tensors

extension SweepAxis {
    /// The GEMMs' precision: float32 (diffusers' images) or bf16.
    public static let precision = SweepAxis(rawValue: "precision")
}

extension AxisDeclaration {
    /// `float32` (the default, exact) or `bf16` (bfloat16 GEMM operands, float32 sums; needs a CPU
    /// with AVX512-BF16, checked when the manifest is read). `GenerationParameters` writes it into
    /// the PNG text itself, so `sweep generate --precision` records it the same way.
    public static let precision = AxisDeclaration(
        axis: .precision, expects: "float32 or bf16", defaultValue: { _ in Precision.float32.rawValue },
        parse: { text, _ in
            guard let precision = Precision(rawValue: text.lowercased()) else {
                return .failure(AxisValueError("precision '\(text)': expected one of \(Precision.allNames)"))
            }
            if let reason = precision.unsupportedReason { return .failure(AxisValueError(reason)) }
            return .success(precision.rawValue)
        },
        apply: { value, request in request.precision = Precision(rawValue: value) ?? .float32 },
        label: { "Precision: \($0)" }, csvColumn: "precision", identity: .whenNotDefault(key: "precision"))
}
