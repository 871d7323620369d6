import CKernels

/// A product's right-hand matrix B: float32 values, or a half weight's F16/BF16 values, which a
/// kernel that can (`ComputeContext.packsWithAVX2`) widens exactly as it packs them, with no
/// float32 copy of the whole weight and the same bytes as over one.
enum GEMMOperand {
    case float32(UnsafePointer<Float>)
    case half(UnsafePointer<UInt16>, HalfFormat)

    /// The operand from element `elements` on (a part's first row or column).
    func advanced(by elements: Int) -> GEMMOperand {
        switch self {
        case let .float32(values): .float32(values + elements)
        case let .half(values, format): .half(values + elements, format)
        }
    }
}

extension HalfFormat {
    /// The format's code in the C kernels' interface (`DS_F16`, `DS_BF16`).
    var kernelCode: Int32 {
        switch self {
        case .f16: Int32(DS_F16)
        case .bf16: Int32(DS_BF16)
        }
    }
}
