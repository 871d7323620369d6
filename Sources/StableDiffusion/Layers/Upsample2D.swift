import Tensors

/// diffusers' `Upsample2D` with a convolution: nearest-neighbour 2×, then a 3×3 conv.
// When a latent side could not be halved evenly, it resizes to the skip connection's size instead.
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
