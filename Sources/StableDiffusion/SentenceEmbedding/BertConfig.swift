/// The settings of transformers' `BertConfig` that shape a `BertModel`.
public struct BertConfig: Equatable, Sendable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var maxPositions: Int
    public var tokenTypes: Int
    public var activation: HiddenActivation
    public var layerNormEps: Float

    /// Reads config.json; defaults are transformers' `BertConfig` defaults. Only `model_type`
    /// "bert" with absolute positions is accepted: RoBERTa-style models number positions differently.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let type = try json.string("model_type", default: "bert")
        guard type == "bert" else { throw .unsupported(path: path, key: "model_type", value: type, supported: "bert") }
        let positions = try json.string("position_embedding_type", default: "absolute")
        guard positions == "absolute" else {
            throw .unsupported(path: path, key: "position_embedding_type", value: positions, supported: "absolute")
        }
        let activation = try json.hiddenActivation(default: "gelu")
        vocabularySize = try json.positive("vocab_size", default: 30522)
        hiddenSize = try json.positive("hidden_size", default: 768)
        intermediateSize = try json.positive("intermediate_size", default: 3072)
        layers = try json.positive("num_hidden_layers", default: 12)
        heads = try json.positive("num_attention_heads", default: 12)
        maxPositions = try json.positive("max_position_embeddings", default: 512)
        tokenTypes = try json.positive("type_vocab_size", default: 2)
        self.activation = activation
        layerNormEps = Float(try json.double("layer_norm_eps", default: 1e-12))
        try json.checkHeads(heads, divide: hiddenSize)
    }
}
