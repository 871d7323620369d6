import Tensors

/// transformers' `BertLayer`: post-norm self-attention and an MLP, each added to its input
/// before its layer norm.
struct BertLayer: Sendable {
    static let attentionNames = MultiHeadAttention.Names(query: "self.query", key: "self.key", value: "self.value", out: "output.dense")

    let attention: MultiHeadAttention
    let attentionNorm, outputNorm: LayerNorm
    let intermediate, output: Linear
    let activation: HiddenActivation

    init(_ p: Parameters, config: BertConfig) throws(WeightsError) {
        let width = config.hiddenSize
        attention = try MultiHeadAttention(p["attention"], width: width, heads: config.heads, projectionBias: true, names: Self.attentionNames)
        attentionNorm = try LayerNorm(p["attention"]["output"]["LayerNorm"], width: width, eps: config.layerNormEps)
        intermediate = try Linear(p["intermediate"]["dense"], in: width, out: config.intermediateSize)
        output = try Linear(p["output"]["dense"], in: config.intermediateSize, out: width)
        outputNorm = try LayerNorm(p["output"]["LayerNorm"], width: width, eps: config.layerNormEps)
        activation = config.activation
    }

    /// `x` is `[1, L, width]`: one unpadded sequence, so no attention mask is needed.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = attentionNorm(x + attention(x))
        return outputNorm(h + output(activation(intermediate(h))))
    }
}
