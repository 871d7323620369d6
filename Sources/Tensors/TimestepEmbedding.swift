import Foundation

extension Tensor {
    /// diffusers' `get_timestep_embedding`: sinusoids of each timestep at `dim/2` geometrically
    /// spaced frequencies, `[sin, cos]` (or `[cos, sin]` with `flipSinToCos`), computed in float32
    /// exactly as diffusers orders the operations. Result `[timesteps.count, dim]`.
    public static func timestepEmbedding(
        timesteps: [Float], dim: Int, flipSinToCos: Bool, downscaleFreqShift: Float,
        scale: Float = 1, maxPeriod: Float = 10000
    ) -> Tensor {
        let half = dim / 2
        let logPeriod = Float(-log(Double(maxPeriod)))
        let frequencies = (0..<half).map { i in expf(logPeriod * Float(i) / (Float(half) - downscaleFreqShift)) }
        return Tensor(shape: [timesteps.count, dim]) { out in
            out.initialize(repeating: 0)
            for (row, t) in timesteps.enumerated() {
                for i in 0..<half {
                    let angle = scale * (t * frequencies[i])
                    let (sinPart, cosPart) = flipSinToCos ? (half + i, i) : (i, half + i)
                    out[row * dim + sinPart] = sinf(angle)
                    out[row * dim + cosPart] = cosf(angle)
                }
            }
        }
    }
}
