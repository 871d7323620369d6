import Tensors

/// diffusers' `UNet2DConditionModel` as Stable Diffusion 1.x/2.x configure it.
// Predicts the noise (or velocity) in `sample` at `timestep`, conditioned on text embeddings
// through cross-attention.
public struct UNet2DConditionModel: Sendable {
    public let config: UNetConfig
    let timeLinear1, timeLinear2: Linear
    /// `time_embedding.cond_proj`, when the config has `time_cond_proj_dim`.
    let timeConditionProjection: Linear?
    let convIn, convOut: Conv2d
    let normOut: GroupNorm
    let downBlocks: [DownBlock2D]
    let midBlock: UNetMidBlock2DCrossAttn?
    let upBlocks: [UpBlock2D]

    public init(config: UNetConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        let base = config.blockOutChannels[0], blocks = config.blockOutChannels.count
        timeLinear1 = try Linear(p["time_embedding"]["linear_1"], in: base, out: config.timeEmbeddingDim)
        timeLinear2 = try Linear(p["time_embedding"]["linear_2"], in: config.timeEmbeddingDim, out: config.timeEmbeddingDim)
        timeConditionProjection = try config.timeCondProjDim.map { width throws(WeightsError) in
            try Linear(p["time_embedding"]["cond_proj"], in: width, out: base, bias: false)
        }
        convIn = try Conv2d(p["conv_in"], in: config.inChannels, out: base, kernel: 3)
        downBlocks = try (0..<blocks).map { i throws(WeightsError) in
            try DownBlock2D(p["down_blocks"][i], config: config, index: i,
                            inChannels: config.blockOutChannels[max(i - 1, 0)])
        }
        midBlock = config.hasMidBlock ? try UNetMidBlock2DCrossAttn(p["mid_block"], config: config) : nil
        upBlocks = try (0..<blocks).map { i throws(WeightsError) in try UpBlock2D(p["up_blocks"][i], config: config, index: i) }
        normOut = try GroupNorm(p["conv_norm_out"], channels: base, groups: config.normGroups, eps: config.normEps)
        convOut = try Conv2d(p["conv_out"], in: base, out: config.outChannels, kernel: 3)
    }

    /// `sample` is `[B, inChannels, h, w]` latents, `context` is `[B, tokens, crossAttentionDim]`;
    /// the same `timestep` applies to the whole batch. Returns `[B, outChannels, h, w]`.
    /// `timestepCondition` (`[B, timeCondProjDim]`, diffusers' `timestep_cond`) is added to the
    /// timestep's sinusoids through `cond_proj`; UNets without `time_cond_proj_dim` ignore it.
    public func callAsFunction(_ sample: Tensor, timestep: Float, context: Tensor, timestepCondition: Tensor? = nil) -> Tensor {
        BufferPool.scoped { forward(sample, timestep: timestep, context: context, timestepCondition: timestepCondition) }
    }

    private func forward(_ sample: Tensor, timestep: Float, context: Tensor, timestepCondition: Tensor?) -> Tensor {
        let batch = sample.shape[0]
        var sinusoids = Tensor.timestepEmbedding(timesteps: Array(repeating: timestep, count: batch),
                                                 dim: config.blockOutChannels[0], flipSinToCos: config.flipSinToCos,
                                                 downscaleFreqShift: config.freqShift)
        if let timeConditionProjection, let timestepCondition { sinusoids = sinusoids + timeConditionProjection(timestepCondition) }
        let time = timeLinear2(timeLinear1(sinusoids).silu())

        var h = convIn(config.centerInputSample ? sample.scaled(by: 2).adding(Tensor(shape: [1], scalars: [-1])) : sample)
        var skips = [h]
        for block in downBlocks {
            let (out, blockSkips) = block(h, timeEmbedding: time, context: context)
            h = out
            skips += blockSkips
        }
        if let midBlock { h = midBlock(h, timeEmbedding: time, context: context) }

        // A side the down path could not halve evenly (e.g. 75 latent pixels) is brought back
        // to the skip connection's exact size instead of doubled, as diffusers does.
        let factor = 1 << (downBlocks.count - 1)
        let uneven = sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0
        for block in upBlocks {
            let mine = skips.suffix(block.skipCount)
            skips.removeLast(block.skipCount)
            let size = uneven ? skips.last.map { ($0.shape[2], $0.shape[3]) } : nil
            h = block(h, skips: mine, timeEmbedding: time, context: context, upsampleTo: size)
        }
        return convOut(normOut(h, silu: true))
    }
}
