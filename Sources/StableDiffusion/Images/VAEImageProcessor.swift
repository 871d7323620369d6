import Tensors

/// diffusers' `VaeImageProcessor.preprocess` for one RGB image, as `StableDiffusionImg2ImgPipeline`
/// calls it: resized with Pillow's Lanczos filter (the processor's `resample` default) to the size
/// asked for, then bytes → `(x / 255) · 2 − 1` in float32 as `[1, 3, height, width]`.
public enum VAEImageProcessor {
    public static func preprocess(_ image: RGBImage, width: Int, height: Int) -> Tensor {
        // Pillow returns a copy when the size already matches.
        let sized = (image.width, image.height) == (width, height)
            ? image : PillowResampler(.lanczos).resize(image, width: width, height: height)
        let plane = width * height
        return sized.pixels.withUnsafeBufferPointer { bytes in
            Tensor(shape: [1, 3, height, width]) { out in
                for i in 0..<plane {
                    for c in 0..<3 { out[c * plane + i] = 2 * (Float(bytes[i * 3 + c]) / 255) - 1 }
                }
            }
        }
    }

    /// The size diffusers' `get_default_height_width` gives an image when none is asked for: its
    /// own, rounded down to a multiple of 8 (diffusers rounds to the VAE's scale factor, 8 in
    /// every released model; our sizes are multiples of 8 throughout).
    public static func defaultSize(of image: RGBImage) -> (width: Int, height: Int) {
        (image.width / 8 * 8, image.height / 8 * 8)
    }
}
