import Tensors

/// transformers' `CLIPTextModel`; Stable Diffusion conditions the UNet on its last hidden state.
public struct CLIPTextModel: Sendable {
    /// The last hidden state (after the final layer norm) and every layer's hidden states,
    /// `hiddenStates[0]` being the embeddings, as transformers' `output_hidden_states=True`.
    public struct Output: Sendable {
        public let lastHiddenState: Tensor
        public let hiddenStates: [Tensor]
    }

    public let config: CLIPTextConfig
    /// The vocabulary's embeddings (49,408 rows; 250 MB as float32 for SDXL's second encoder) stay as stored.
    let tokenEmbedding: Weight
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalNorm: LayerNorm

    /// `parameters` is the text encoder's state dict root: the `text_model.` prefix that older
    /// transformers versions write is found through `legacyNames`.
    public init(config: CLIPTextConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        tokenEmbedding = try p["embeddings"]["token_embedding"].weight("weight", [config.vocabularySize, config.hiddenSize])
        positionEmbedding = try p["embeddings"]["position_embedding"].tensor("weight", [config.maxPositions, config.hiddenSize])
        layers = try (0..<config.layers).map { i throws(WeightsError) in
            try CLIPEncoderLayer(p["encoder"]["layers"][i], width: config.hiddenSize, heads: config.heads,
                                 intermediateSize: config.intermediateSize, activation: config.activation,
                                 layerNormEps: config.layerNormEps, causal: true)
        }
        finalNorm = try LayerNorm(p["final_layer_norm"], width: config.hiddenSize, eps: config.layerNormEps)
    }

    /// transformers ≥ 5 saves `CLIPTextModel` without the `text_model.` prefix; older files have it.
    public static func legacyNames(_ name: String) -> [String] { ["text_model." + name] }

    /// Encodes `batch` sequences of token ids (all the same length, at most `maxPositions`).
    public func callAsFunction(_ batch: [[Int]]) throws(TextEncoderError) -> Output {
        let hiddenStates = try run(batch, layers: layers.count)
        return Output(lastHiddenState: finalNorm(hiddenStates[layers.count]), hiddenStates: hiddenStates)
    }

    /// What Stable Diffusion conditions on with AUTOMATIC1111's clip skip `n` (1 ... layers): the
    /// last hidden state for 1; otherwise the output of the layer n − 1 before the last, through
    /// the final layer norm (diffusers' `clip_skip` counts from 0: its `clip_skip=1` is A1111's 2).
    /// The skipped layers are not run.
    public func context(_ batch: [[Int]], clipSkip: Int) throws(TextEncoderError) -> Tensor {
        guard (1...layers.count).contains(clipSkip) else { throw .badClipSkip(clipSkip, layers: layers.count) }
        let used = layers.count - (clipSkip - 1)
        return finalNorm(try run(batch, layers: used)[used])
    }

    /// The embeddings and the outputs of the first `count` layers.
    private func run(_ batch: [[Int]], layers count: Int) throws(TextEncoderError) -> [Tensor] {
        let length = batch.first?.count ?? 0
        guard batch.allSatisfy({ $0.count == length }), length > 0, length <= config.maxPositions else {
            throw .badSequenceLengths(batch.map(\.count), maxPositions: config.maxPositions)
        }
        if let bad = batch.joined().first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw .tokenOutOfRange(id: bad, vocabularySize: config.vocabularySize)
        }
        let width = config.hiddenSize
        let tokens = tokenEmbedding.gatherRows(Array(batch.joined())).reshaped([batch.count, length, width])
        var h = tokens + positionEmbedding.slice(axis: 0, 0..<length)
        var hiddenStates = [h]
        for layer in layers.prefix(count) {
            h = layer(h)
            hiddenStates.append(h)
        }
        return hiddenStates
    }
}
