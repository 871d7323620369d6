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

    /// With `silu`, `silu(norm(x))` in one pass, as every ResNet block and output head applies it.
    func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        x.groupNorm(groups: groups, eps: eps, weight: weight, bias: bias, silu: silu)
    }

    /// The same, over `x`'s own memory when the caller gave it up (`consume`) and holds no other copy.
    func inPlace(_ x: consuming Tensor, silu: Bool = false) -> Tensor {
        x.groupNormInPlace(groups: groups, eps: eps, weight: weight, bias: bias, silu: silu)
    }
}
