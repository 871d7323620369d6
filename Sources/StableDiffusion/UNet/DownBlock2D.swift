import Tensors

/// diffusers' `CrossAttnDownBlock2D` (with `attentions`) and `DownBlock2D` (without).
// ResNet blocks, each optionally followed by a `Transformer2DModel`, then a stride-2 downsampler
// except in the last block; every intermediate result is kept for the up path's skips.
struct DownBlock2D: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let downsampler: Downsample2D?

    init(_ p: Parameters, config: UNetConfig, index i: Int, inChannels: Int) throws(WeightsError) {
        let channels = config.blockOutChannels[i]
        resnets = try (0..<config.layersPerBlock[i]).map { j throws(WeightsError) in
            try config.resnet(p["resnets"][j], in: j == 0 ? inChannels : channels, out: channels)
        }
        attentions = config.downBlocks[i] == .plain ? [] : try (0..<config.layersPerBlock[i]).map { j throws(WeightsError) in
            try config.transformer(p["attentions"][j], level: i)
        }
        let isLast = i == config.blockOutChannels.count - 1
        let padding = config.downsamplePadding == 0 ? Padding(top: 0, left: 0, bottom: 1, right: 1) : .all(config.downsamplePadding)
        downsampler = isLast ? nil : try Downsample2D(p["downsamplers"][0], channels: channels, padding: padding)
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
