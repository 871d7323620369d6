import ArgumentParser
import Tensors

/// The `--precision` value of generate, render and bench: its name, then whether this CPU runs it
/// (bf16 needs AVX512-BF16; there is no slow emulation).
enum PrecisionOption {
    static let help = ArgumentHelp("GEMM precision: float32 (default, diffusers' exact images) or bf16 (bfloat16 operands, "
                                   + "float32 sums; needs AVX512-BF16).", valueName: "float32|bf16")

    static func parse(_ text: String) throws(PrecisionError) -> Precision {
        guard let precision = Precision(rawValue: text) else { throw .unknown(text) }
        if let reason = precision.unsupportedReason { throw .unsupported(reason) }
        return precision
    }
}

enum PrecisionError: Error, CustomStringConvertible {
    case unknown(String)
    case unsupported(String)

    var description: String {
        switch self {
        case let .unknown(text): "--precision \(text): expected one of \(Precision.allNames)"
        case let .unsupported(reason): "--precision: \(reason)"
        }
    }
}
