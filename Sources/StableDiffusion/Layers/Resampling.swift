import Tensors

/// diffusers' `Downsample2D` with a convolution: a stride-2 3×3 conv. The VAE encoder pads
/// only bottom and right (`padding=0` plus `F.pad(0, 1, 0, 1)`); the UNet pads 1 all round.
struct Downsample2D: Sendable {
    let conv: Conv2d

    init(_ p: Parameters, channels: Int, padding: Padding) throws(WeightsError) {
        conv = try Conv2d(p["conv"], in: channels, out: channels, kernel: 3, stride: 2, padding: padding)
    }

    func callAsFunction(_ x: Tensor) -> Tensor { conv(x) }
}

/// diffusers' `Upsample2D` with a convolution: nearest-neighbour 2× (or to the skip connection's
/// size when a latent side could not be halved evenly), then a 3×3 conv.
struct Upsample2D: Sendable {
    let conv: Conv2d

    init(_ p: Parameters, channels: Int) throws(WeightsError) {
        conv = try Conv2d(p["conv"], in: channels, out: channels, kernel: 3)
    }

    func callAsFunction(_ x: Tensor, size: (height: Int, width: Int)? = nil) -> Tensor {
        let size = size ?? (x.shape[2] * 2, x.shape[3] * 2)
        return conv(x.upsampleNearest(height: size.height, width: size.width))
    }
}
