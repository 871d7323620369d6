import Tensors

/// `torch.nn.LayerNorm` over the last dimension.
struct LayerNorm: Sendable {
    let eps: Float
    let weight: Tensor
    let bias: Tensor

    init(_ p: Parameters, width: Int, eps: Float) throws(WeightsError) {
        self.eps = eps
        weight = try p.tensor("weight", [width])
        bias = try p.tensor("bias", [width])
    }

    func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(eps: eps, weight: weight, bias: bias) }
}
