import Tensors

/// `torch.nn.Linear`.
struct Linear: Sendable {
    let weight: Weight
    let bias: Tensor?

    init(_ p: Parameters, in inputs: Int, out outputs: Int, bias hasBias: Bool = true) throws(WeightsError) {
        weight = try p.weight("weight", [outputs, inputs])
        bias = hasBias ? try p.tensor("bias", [outputs]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }
}
