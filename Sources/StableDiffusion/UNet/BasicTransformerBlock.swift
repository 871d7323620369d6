import Tensors

/// diffusers' `BasicTransformerBlock` as Stable Diffusion configures it.
// Pre-norm self-attention, cross-attention on the text context, and a GEGLU feed-forward, each
// with a residual.
struct BasicTransformerBlock: Sendable {
    let norm1, norm2, norm3: LayerNorm
    let selfAttention, crossAttention: MultiHeadAttention
    let feedForwardIn, feedForwardOut: Linear

    init(_ p: Parameters, width: Int, heads: Int, contextWidth: Int) throws(WeightsError) {
        norm1 = try LayerNorm(p["norm1"], width: width, eps: 1e-5)
        selfAttention = try MultiHeadAttention(p["attn1"], width: width, heads: heads, projectionBias: false)
        norm2 = try LayerNorm(p["norm2"], width: width, eps: 1e-5)
        crossAttention = try MultiHeadAttention(p["attn2"], width: width, contextWidth: contextWidth, heads: heads,
                                                projectionBias: false)
        norm3 = try LayerNorm(p["norm3"], width: width, eps: 1e-5)
        // diffusers' `FeedForward`: `net.0` is GEGLU's projection to twice the inner width.
        let inner = width * 4
        feedForwardIn = try Linear(p["ff"]["net"][0]["proj"], in: width, out: inner * 2)
        feedForwardOut = try Linear(p["ff"]["net"][2], in: inner, out: width)
    }

    /// `x` is `[B, tokens, width]`, `context` is `[B, contextTokens, contextWidth]`.
    func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        var h = x + selfAttention(norm1(x))
        h = h + crossAttention(norm2(h), context: context)
        return h + feedForwardOut(feedForwardIn(norm3(h)).geglu())
    }
}
