import Foundation
import Tensors

extension Tensor {
    /// diffusers' `StableDiffusionPipeline.get_guidance_scale_embedding` for one image: `w·1000`
    /// times VDM's frequencies `exp(−i·ln(10000)/(half − 1))`, sines then cosines (zero-padded
    /// to an odd `dim`), in float32 as torch computes it. `[1, dim]`.
    public static func guidanceScaleEmbedding(_ w: Float, dim: Int) -> Tensor {
        let half = dim / 2
        let exponent = logf(10000) / Float(half - 1)
        let scaled = w * 1000
        return Tensor(shape: [1, dim]) { out in
            out.initialize(repeating: 0)
            for i in 0..<half {
                let angle = scaled * expf(Float(i) * -exponent)
                out[i] = sinf(angle)
                out[half + i] = cosf(angle)
            }
        }
    }
}
