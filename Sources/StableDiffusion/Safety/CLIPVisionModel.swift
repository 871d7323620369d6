import Tensors

/// transformers' `CLIPVisionModel`: patch and class embeddings, a pre-norm, the shared
/// `CLIPEncoderLayer`s (not causal) and the post-norm of the class token, its `pooler_output`.
public struct CLIPVisionModel: Sendable {
    public let config: CLIPVisionConfig
    let classEmbedding, patchWeight, positionEmbedding: Tensor
    let preNorm, postNorm: LayerNorm
    let layers: [CLIPEncoderLayer]

    /// `parameters` is the vision tower's root (`vision_model.` in the safety checker).
    public init(config: CLIPVisionConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        let width = config.hiddenSize, e = p["embeddings"]
        classEmbedding = try e.tensor("class_embedding", [width])
        patchWeight = try e["patch_embedding"].tensor("weight", [width, 3, config.patchSize, config.patchSize])
        positionEmbedding = try e["position_embedding"].tensor("weight", [config.grid * config.grid + 1, width])
        // transformers spells the pre-norm "pre_layrnorm".
        preNorm = try LayerNorm(p["pre_layrnorm"], width: width, eps: config.layerNormEps)
        layers = try (0..<config.layers).map { i throws(WeightsError) in
            try CLIPEncoderLayer(p["encoder"]["layers"][i], width: width, heads: config.heads,
                                 intermediateSize: config.intermediateSize, activation: config.activation,
                                 layerNormEps: config.layerNormEps, causal: false)
        }
        postNorm = try LayerNorm(p["post_layernorm"], width: width, eps: config.layerNormEps)
    }

    /// The pooled output `[1, hidden]` of `pixels`, `[1, 3, imageSize, imageSize]`.
    public func pooledOutput(_ pixels: Tensor) -> Tensor {
        let width = config.hiddenSize, patches = config.grid * config.grid
        let patchEmbeds = pixels.conv2d(weight: patchWeight, stride: config.patchSize)
            .reshaped([1, width, patches]).transposingLastTwo()
        let tokens = Tensor.concatenate([classEmbedding.reshaped([1, 1, width]), patchEmbeds], axis: 1)
        var h = preNorm(tokens + positionEmbedding)
        for layer in layers { h = layer(h) }
        return postNorm(h.slice(axis: 1, 0..<1).reshaped([1, width]))
    }
}
