import Tensors

/// diffusers' `Encoder` of `AutoencoderKL`: image `[B, 3, H, W]` → moments `[B, 2·latent, H/f, W/f]`.
struct VAEEncoder: Sendable {
    let convIn, convOut: Conv2d
    let blocks: [(resnets: [ResnetBlock2D], downsampler: Downsample2D?)]
    let mid: UNetMidBlock2D
    let normOut: GroupNorm

    init(_ p: Parameters, config: VAEConfig) throws(WeightsError) {
        let channels = config.blockOutChannels, last = channels.count - 1
        convIn = try Conv2d(p["conv_in"], in: config.inChannels, out: channels[0], kernel: 3)
        blocks = try channels.indices.map { i throws(WeightsError) in
            let block = p["down_blocks"][i]
            let resnets = try (0..<config.layersPerBlock).map { j throws(WeightsError) in
                try ResnetBlock2D(block["resnets"][j], in: j == 0 ? channels[max(i - 1, 0)] : channels[i], out: channels[i],
                                  timeEmbedding: nil, groups: config.normGroups, eps: 1e-6)
            }
            let downsampler = i == last ? nil : try Downsample2D(block["downsamplers"][0], channels: channels[i],
                                                                 padding: Padding(top: 0, left: 0, bottom: 1, right: 1))
            return (resnets, downsampler)
        }
        mid = try UNetMidBlock2D(p["mid_block"], channels: channels[last], config: config)
        normOut = try GroupNorm(p["conv_norm_out"], channels: channels[last], groups: config.normGroups, eps: 1e-6)
        convOut = try Conv2d(p["conv_out"], in: channels[last], out: 2 * config.latentChannels, kernel: 3)
    }

    func callAsFunction(_ image: Tensor) -> Tensor {
        // Activations are handed on (`consume`), as in the decoder.
        var h = convIn(image)
        for block in blocks {
            for resnet in block.resnets { h = resnet(consume h) }
            if let downsampler = block.downsampler { h = downsampler(consume h) }
        }
        return convOut(normOut.inPlace(mid(h), silu: true))
    }
}
