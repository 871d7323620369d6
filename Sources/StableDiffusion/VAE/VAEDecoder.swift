import Tensors

/// diffusers' `Decoder` of `AutoencoderKL`: latents `[B, latent, h, w]` → image `[B, 3, h·f, w·f]`.
struct VAEDecoder: Sendable {
    let convIn, convOut: Conv2d
    let mid: UNetMidBlock2D
    let blocks: [(resnets: [ResnetBlock2D], upsampler: Upsample2D?)]
    let normOut: GroupNorm

    init(_ p: Parameters, config: VAEConfig) throws(WeightsError) {
        let reversed = Array(config.blockOutChannels.reversed())
        convIn = try Conv2d(p["conv_in"], in: config.latentChannels, out: reversed[0], kernel: 3)
        mid = try UNetMidBlock2D(p["mid_block"], channels: reversed[0], config: config)
        blocks = try reversed.indices.map { i throws(WeightsError) in
            let block = p["up_blocks"][i]
            let resnets = try (0...config.layersPerBlock).map { j throws(WeightsError) in
                try ResnetBlock2D(block["resnets"][j], in: j == 0 ? reversed[max(i - 1, 0)] : reversed[i], out: reversed[i],
                                  timeEmbedding: nil, groups: config.normGroups, eps: 1e-6)
            }
            let upsampler = i == reversed.count - 1 ? nil : try Upsample2D(block["upsamplers"][0], channels: reversed[i])
            return (resnets, upsampler)
        }
        let first = config.blockOutChannels[0]
        normOut = try GroupNorm(p["conv_norm_out"], channels: first, groups: config.normGroups, eps: 1e-6)
        convOut = try Conv2d(p["conv_out"], in: first, out: config.outChannels, kernel: 3)
    }

    func callAsFunction(_ latents: Tensor) -> Tensor {
        // Each activation is handed on (`consume`), so a layer can free or overwrite it: at a
        // 1024² decode they are 0.5–1 GiB each.
        var h = mid(convIn(latents))
        for block in blocks {
            for resnet in block.resnets { h = resnet(consume h) }
            if let upsampler = block.upsampler { h = upsampler(consume h) }
        }
        return convOut(normOut.inPlace(consume h, silu: true))
    }
}
