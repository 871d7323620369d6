import Tensors

/// `torch.nn.GroupNorm` with affine parameters.
struct GroupNorm: Sendable {
    let groups: Int
    let eps: Float
    let weight: Tensor
    let bias: Tensor

    init(_ p: Parameters, channels: Int, groups: Int, eps: Float) throws(WeightsError) {
        self.groups = groups
        self.eps = eps
        weight = try p.tensor("weight", [channels])
        bias = try p.tensor("bias", [channels])
    }

    func callAsFunction(_ x: Tensor) -> Tensor { x.groupNorm(groups: groups, eps: eps, weight: weight, bias: bias) }
}
