/// The settings of transformers' `CLIPTextConfig` that shape a `CLIPTextModel`.
public struct CLIPTextConfig: Equatable, Sendable {
    public typealias Activation = HiddenActivation

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var maxPositions: Int
    public var activation: Activation
    public var layerNormEps: Float
    /// How the pooled output finds the end token: 2 (the value of configs older than
    /// transformers PR #24773, SDXL's among them) means the largest id; otherwise this id's first place.
    public var eosTokenId: Int
    /// `CLIPTextModelWithProjection`'s `text_projection` width.
    public var projectionDim: Int

    public init(vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, layers: Int, heads: Int,
                maxPositions: Int, activation: Activation, layerNormEps: Float = 1e-5, eosTokenId: Int = 49407,
                projectionDim: Int = 512) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layers = layers
        self.heads = heads
        self.maxPositions = maxPositions
        self.activation = activation
        self.layerNormEps = layerNormEps
        self.eosTokenId = eosTokenId
        self.projectionDim = projectionDim
    }

    /// Reads `text_encoder/config.json`; defaults are transformers' `CLIPTextConfig` defaults.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let activation = try json.hiddenActivation(default: "quick_gelu")
        self.init(vocabularySize: try json.positive("vocab_size", default: 49408),
                  hiddenSize: try json.positive("hidden_size", default: 512),
                  intermediateSize: try json.positive("intermediate_size", default: 2048),
                  layers: try json.positive("num_hidden_layers", default: 12),
                  heads: try json.positive("num_attention_heads", default: 8),
                  maxPositions: try json.positive("max_position_embeddings", default: 77),
                  activation: activation,
                  layerNormEps: Float(try json.double("layer_norm_eps", default: 1e-5)),
                  eosTokenId: try json.int("eos_token_id", default: 49407),
                  projectionDim: try json.positive("projection_dim", default: 512))
        try json.checkHeads(heads, divide: hiddenSize)
    }
}
