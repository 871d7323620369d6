import Tensors

/// transformers' `CLIPEncoderLayer`: pre-norm causal self-attention and an MLP, each with a residual.
struct CLIPEncoderLayer: Sendable {
    let norm1, norm2: LayerNorm
    let attention: MultiHeadAttention
    let fc1, fc2: Linear
    let activation: HiddenActivation

    init(_ p: Parameters, config: CLIPTextConfig) throws(WeightsError) {
        let width = config.hiddenSize
        norm1 = try LayerNorm(p["layer_norm1"], width: width, eps: config.layerNormEps)
        attention = try MultiHeadAttention(p["self_attn"], width: width, heads: config.heads, projectionBias: true, names: .clip)
        norm2 = try LayerNorm(p["layer_norm2"], width: width, eps: config.layerNormEps)
        fc1 = try Linear(p["mlp"]["fc1"], in: width, out: config.intermediateSize)
        fc2 = try Linear(p["mlp"]["fc2"], in: config.intermediateSize, out: width)
        activation = config.activation
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = x + attention(norm1(x), causal: true)
        return h + fc2(activation(fc1(norm2(h))))
    }
}
