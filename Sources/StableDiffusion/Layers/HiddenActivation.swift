import Tensors

/// transformers' `hidden_act` values (`ACT2FN`) that its CLIP and BERT MLPs use.
public enum HiddenActivation: String, Sendable {
    case quickGELU = "quick_gelu", gelu = "gelu", tanhGELU = "gelu_new", pytorchTanhGELU = "gelu_pytorch_tanh"

    static let supported = "quick_gelu, gelu, gelu_new, gelu_pytorch_tanh"

    func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .quickGELU: x.quickGELU()
        case .gelu: x.gelu()
        case .tanhGELU, .pytorchTanhGELU: x.tanhGELU()
        }
    }
}
