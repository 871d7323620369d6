import Tensors

/// An 8-bit RGB image, row-major `width × height × 3` bytes.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// diffusers' `VaeImageProcessor.postprocess` to PIL: `(x·0.5 + 0.5)` clamped to [0, 1], then
    /// `(v·255).round()` (half to even, as numpy) to bytes. `decoded` is `[1, 3, H, W]`.
    public init(decoded: Tensor) {
        let (height, width) = (decoded.shape[2], decoded.shape[3])
        let plane = height * width
        let values = decoded.scalars
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        for i in 0..<plane {
            for c in 0..<3 {
                let value = values[c * plane + i]
                // The pipeline stops before a NaN gets here; mapping it to 0 keeps UInt8() from trapping.
                let unit = value.isNaN ? 0 : Swift.min(Swift.max(value * 0.5 + 0.5, 0), 1)
                pixels[i * 3 + c] = UInt8((unit * 255).rounded(.toNearestOrEven))
            }
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

extension RGBImage {
    /// An image from `width × height × 3` row-major bytes; the caller keeps the count right.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
