import Tensors

/// diffusers' `Upsample2D` with a convolution: nearest-neighbour 2×, then a 3×3 conv.
// When a latent side could not be halved evenly, it resizes to the skip connection's size instead.
struct Upsample2D: Sendable {
    let conv: Conv2d

    init(_ p: Parameters, channels: Int) throws(WeightsError) {
        conv = try Conv2d(p["conv"], in: channels, out: channels, kernel: 3)
    }

    /// A caller that gives `x` up (`consume`) frees it before the convolution.
    func callAsFunction(_ x: consuming Tensor, size: (height: Int, width: Int)? = nil) -> Tensor {
        let size = size ?? (x.shape[2] * 2, x.shape[3] * 2)
        let upsampled = x.upsampleNearest(height: size.height, width: size.width)
        _ = consume x
        return conv(upsampled)
    }
}
