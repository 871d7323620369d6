import Tensors

/// transformers' `BertModel` without its pooler: the last hidden state sentence-transformers pools.
public struct BertModel: Sendable {
    public let config: BertConfig
    let wordEmbedding: Weight
    let positionEmbedding, tokenTypeEmbedding: Tensor
    let embeddingNorm: LayerNorm
    let layers: [BertLayer]

    /// `parameters` is the state dict root; checkpoints saved from `BertForPreTraining` and the
    /// like put everything under `bert.`, which `legacyNames` finds.
    public init(config: BertConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        let e = p["embeddings"], width = config.hiddenSize
        wordEmbedding = try e["word_embeddings"].weight("weight", [config.vocabularySize, width])
        positionEmbedding = try e["position_embeddings"].tensor("weight", [config.maxPositions, width])
        tokenTypeEmbedding = try e["token_type_embeddings"].tensor("weight", [config.tokenTypes, width])
        embeddingNorm = try LayerNorm(e["LayerNorm"], width: width, eps: config.layerNormEps)
        layers = try (0..<config.layers).map { i throws(WeightsError) in try BertLayer(p["encoder"]["layer"][i], config: config) }
    }

    public static func legacyNames(_ name: String) -> [String] { ["bert." + name] }

    /// The last hidden state `[1, L, hidden]` of one sequence of ids, all of token type 0.
    /// The caller keeps `ids` within the vocabulary and `maxPositions` (`SentenceEmbedder` checks both on loading).
    public func callAsFunction(_ ids: [Int]) -> Tensor {
        let length = ids.count, width = config.hiddenSize
        let tokens = wordEmbedding.gatherRows(ids).reshaped([1, length, width])
        let tokenType = tokenTypeEmbedding.slice(axis: 0, 0..<1).reshaped([width])
        var h = embeddingNorm(tokens + tokenType + positionEmbedding.slice(axis: 0, 0..<length))
        for layer in layers { h = layer(h) }
        return h
    }
}
