import Tensors

/// transformers' `CLIPTextModelWithProjection`: the text model plus `text_projection` of its
/// pooled output (the end token's final hidden state), SDXL's second text encoder.
public struct CLIPTextModelWithProjection: Sendable {
    public let text: CLIPTextModel
    let projection: Linear

    public var config: CLIPTextConfig { text.config }

    /// `parameters` is the state dict root: `text_model.*` (found with or without the prefix, as
    /// for `CLIPTextModel`) and `text_projection.weight`.
    public init(config: CLIPTextConfig, parameters p: Parameters) throws(WeightsError) {
        text = try CLIPTextModel(config: config, parameters: p)
        projection = try Linear(p["text_projection"], in: config.hiddenSize, out: config.projectionDim, bias: false)
    }

    /// The text model's outputs and `text_embeds`, `[batch, projectionDim]`.
    public func callAsFunction(_ batch: [[Int]]) throws(TextEncoderError) -> (output: CLIPTextModel.Output, textEmbeds: Tensor) {
        let output = try text(batch)
        let width = config.hiddenSize
        let pooled = Tensor.concatenate(batch.enumerated().map { row, ids in
            output.lastHiddenState.slice(axis: 0, row..<(row + 1)).reshaped([ids.count, width])
                .slice(axis: 0, endPosition(ids)..<(endPosition(ids) + 1))
        }, axis: 0)
        return (output, projection(pooled))
    }

    /// transformers' pooling position: the first largest id for `eos_token_id` 2, else the
    /// first `eos_token_id` (position 0 when there is none, as `argmax` of all zeros).
    func endPosition(_ ids: [Int]) -> Int {
        if config.eosTokenId == 2 {
            let largest = ids.max() ?? 0
            return ids.firstIndex(of: largest) ?? 0
        }
        return ids.firstIndex(of: config.eosTokenId) ?? 0
    }
}
