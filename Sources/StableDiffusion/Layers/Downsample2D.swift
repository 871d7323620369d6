import Tensors

/// diffusers' `Downsample2D` with a convolution: a stride-2 3×3 conv.
// diffusers' `padding=0` means `F.pad(0, 1, 0, 1)`: bottom and right only (the VAE encoder).
struct Downsample2D: Sendable {
    let conv: Conv2d

    init(_ p: Parameters, channels: Int, padding: Padding) throws(WeightsError) {
        conv = try Conv2d(p["conv"], in: channels, out: channels, kernel: 3, stride: 2, padding: padding)
    }

    func callAsFunction(_ x: Tensor) -> Tensor { conv(x) }
}
