import Tensors

/// transformers' `CLIPEncoderLayer`: pre-norm self-attention (causal in the text model) and an MLP,
/// each with a residual. The text and vision towers share it.
struct CLIPEncoderLayer: Sendable {
    let norm1, norm2: LayerNorm
    let attention: MultiHeadAttention
    let fc1, fc2: Linear
    let activation: HiddenActivation
    let causal: Bool

    init(_ p: Parameters, width: Int, heads: Int, intermediateSize: Int, activation: HiddenActivation,
         layerNormEps: Float, causal: Bool) throws(WeightsError) {
        norm1 = try LayerNorm(p["layer_norm1"], width: width, eps: layerNormEps)
        attention = try MultiHeadAttention(p["self_attn"], width: width, heads: heads, projectionBias: true, names: .clip)
        norm2 = try LayerNorm(p["layer_norm2"], width: width, eps: layerNormEps)
        fc1 = try Linear(p["mlp"]["fc1"], in: width, out: intermediateSize)
        fc2 = try Linear(p["mlp"]["fc2"], in: intermediateSize, out: width)
        self.activation = activation
        self.causal = causal
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = x + attention(norm1(x), causal: causal)
        return h + fc2(activation(fc1(norm2(h))))
    }
}
