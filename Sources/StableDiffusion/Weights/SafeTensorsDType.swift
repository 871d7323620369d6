/// The element types the safetensors format defines. Only the floating ones convert to float32;
/// the rest are still recognised so files holding them (e.g. int64 `position_ids`) open fine.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .f8e4m3, .f8e5m2, .i8, .u8, .bool: return 1
        }
    }

    /// Whether `SafeTensorsFile.tensor` reads it as float32.
    public var convertsToFloat32: Bool { [.f32, .f16, .bf16].contains(self) }

    static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
