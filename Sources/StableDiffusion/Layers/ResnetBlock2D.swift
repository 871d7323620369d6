import Tensors

/// diffusers' `ResnetBlock2D` with the default time-embedding shift and SiLU.
// Two norm–SiLU–conv stages, the time embedding added between them when the block has one, and
// a 1×1 shortcut when the channel count changes.
struct ResnetBlock2D: Sendable {
    let norm1, norm2: GroupNorm
    let conv1, conv2: Conv2d
    let timeProjection: Linear?
    let shortcut: Conv2d?

    init(_ p: Parameters, in inputs: Int, out outputs: Int, timeEmbedding: Int?, groups: Int, eps: Float) throws(WeightsError) {
        norm1 = try GroupNorm(p["norm1"], channels: inputs, groups: groups, eps: eps)
        conv1 = try Conv2d(p["conv1"], in: inputs, out: outputs, kernel: 3)
        timeProjection = try timeEmbedding.map { dim throws(WeightsError) in try Linear(p["time_emb_proj"], in: dim, out: outputs) }
        norm2 = try GroupNorm(p["norm2"], channels: outputs, groups: groups, eps: eps)
        conv2 = try Conv2d(p["conv2"], in: outputs, out: outputs, kernel: 3)
        shortcut = inputs == outputs ? nil : try Conv2d(p["conv_shortcut"], in: inputs, out: outputs, kernel: 1)
    }

    /// `x` is `[B, C, H, W]`; `timeEmbedding` is `[B, dim]` before its SiLU.
    /// A caller that gives `x` up (`consume`) lets a block with a shortcut normalise over x's own
    /// memory: the shortcut is taken first, and x is needed for nothing else.
    func callAsFunction(_ x: consuming Tensor, timeEmbedding: Tensor? = nil) -> Tensor {
        let residual: Tensor
        if let shortcut { residual = shortcut(x) } else { residual = copy x }
        var h = conv1(norm1.inPlace(consume x, silu: true))
        if let timeProjection, let timeEmbedding {
            let perChannel = timeProjection(timeEmbedding.silu())
            h = h + perChannel.reshaped([perChannel.shape[0], perChannel.shape[1], 1, 1])
        }
        h = conv2(norm2.inPlace(consume h, silu: true))
        return residual + h
    }
}
