import Tensors

/// diffusers' `CrossAttnDownBlock2D` (with `attentions`) and `DownBlock2D` (without): ResNet
/// blocks, each optionally followed by a `Transformer2DModel`, then a stride-2 downsampler
/// except in the last block. Every intermediate result is kept for the up path's skips.
struct DownBlock2D: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let downsampler: Downsample2D?

    init(_ p: Parameters, config: UNetConfig, index i: Int, inChannels: Int) throws(WeightsError) {
        let channels = config.blockOutChannels[i]
        resnets = try (0..<config.layersPerBlock[i]).map { j throws(WeightsError) in
            try ResnetBlock2D(p["resnets"][j], in: j == 0 ? inChannels : channels, out: channels,
                              timeEmbedding: config.timeEmbeddingDim, groups: config.normGroups, eps: config.normEps)
        }
        attentions = config.downBlocks[i] == .plain ? [] : try (0..<config.layersPerBlock[i]).map { j throws(WeightsError) in
            try Transformer2DModel(p["attentions"][j], channels: channels, heads: config.heads[i],
                                   contextWidth: config.crossAttentionDim[i],
                                   layers: config.transformerLayersPerBlock[i], groups: config.normGroups)
        }
        let isLast = i == config.blockOutChannels.count - 1
        downsampler = isLast ? nil : try Downsample2D(p["downsamplers"][0], channels: channels, padding: .all(1))
    }

    /// Returns the block's output and the states the matching up block concatenates back.
    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor) -> (Tensor, skips: [Tensor]) {
        var h = x
        var skips: [Tensor] = []
        for (j, resnet) in resnets.enumerated() {
            h = resnet(h, timeEmbedding: timeEmbedding)
            if !attentions.isEmpty { h = attentions[j](h, context: context) }
            skips.append(h)
        }
        if let downsampler {
            h = downsampler(h)
            skips.append(h)
        }
        return (h, skips)
    }
}
