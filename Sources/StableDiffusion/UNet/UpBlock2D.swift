import Tensors

/// diffusers' `CrossAttnUpBlock2D` (with `attentions`) and `UpBlock2D` (without).
// Each ResNet block takes the previous output concatenated with one skip state from the down
// path, optionally followed by a `Transformer2DModel`; all but the last block then upsample.
struct UpBlock2D: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let upsampler: Upsample2D?

    /// `i` counts up blocks from the bottom of the UNet; the config's per-block lists are
    /// read reversed, as diffusers does.
    init(_ p: Parameters, config: UNetConfig, index i: Int) throws(WeightsError) {
        let blocks = config.blockOutChannels.count
        let level = blocks - 1 - i
        let channels = config.blockOutChannels[level]
        let previous = config.blockOutChannels[min(level + 1, blocks - 1)]
        let skipSource = config.blockOutChannels[max(level - 1, 0)]
        let layers = config.layersPerBlock[level] + 1
        resnets = try (0..<layers).map { j throws(WeightsError) in
            let input = j == 0 ? previous : channels
            let skip = j == layers - 1 ? skipSource : channels
            return try config.resnet(p["resnets"][j], in: input + skip, out: channels)
        }
        attentions = config.upBlocks[i] == .plain ? [] : try (0..<layers).map { j throws(WeightsError) in
            try config.transformer(p["attentions"][j], level: level)
        }
        upsampler = i == blocks - 1 ? nil : try Upsample2D(p["upsamplers"][0], channels: channels)
    }

    var skipCount: Int { resnets.count }

    /// `skips` are this block's skip states in the order the down path made them; they are
    /// consumed last first. `size` is the next skip's spatial size when it is not exactly 2×.
    func callAsFunction(_ x: Tensor, skips: ArraySlice<Tensor>, timeEmbedding: Tensor, context: Tensor,
                        upsampleTo size: (height: Int, width: Int)?) -> Tensor {
        var h = x
        for (j, skip) in skips.reversed().enumerated() {
            h = resnets[j](Tensor.concatenate([h, skip], axis: 1), timeEmbedding: timeEmbedding)
            if !attentions.isEmpty { h = attentions[j](h, context: context) }
        }
        return upsampler.map { $0(h, size: size) } ?? h
    }
}
