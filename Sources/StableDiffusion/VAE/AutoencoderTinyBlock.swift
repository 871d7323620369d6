import Tensors

/// diffusers' `AutoencoderTinyBlock` as TAESD's decoder has it (same channels in and out, so the
/// skip is the identity): `relu(conv(relu(conv(relu(conv(x))))) + x)`.
struct AutoencoderTinyBlock: Sendable {
    let convs: [Conv2d]

    init(_ p: Parameters, channels: Int) throws(WeightsError) {
        var convs: [Conv2d] = []
        for index in [0, 2, 4] { convs.append(try Conv2d(p["conv"][index], in: channels, out: channels, kernel: 3)) }
        self.convs = convs
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convs[2](convs[1](convs[0](x).relu()).relu())
        return (h + x).relu()
    }
}
