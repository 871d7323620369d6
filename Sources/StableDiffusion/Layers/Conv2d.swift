import Tensors

/// `torch.nn.Conv2d` with a square kernel.
struct Conv2d: Sendable {
    let weight: Weight
    let bias: Tensor?
    let stride: Int
    let padding: Padding

    init(_ p: Parameters, in inputs: Int, out outputs: Int, kernel: Int, stride: Int = 1,
         padding: Padding? = nil, bias hasBias: Bool = true) throws(WeightsError) {
        weight = try p.weight("weight", [outputs, inputs, kernel, kernel])
        bias = hasBias ? try p.tensor("bias", [outputs]) : nil
        self.stride = stride
        self.padding = padding ?? .all(kernel / 2)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
