import Tensors

/// diffusers' `UNetMidBlock2DCrossAttn`: ResNet, `Transformer2DModel`, ResNet at the bottom of the UNet.
struct UNetMidBlock2DCrossAttn: Sendable {
    let first, second: ResnetBlock2D
    let attention: Transformer2DModel

    init(_ p: Parameters, config: UNetConfig) throws(WeightsError) {
        let last = config.blockOutChannels.count - 1
        let channels = config.blockOutChannels[last]
        first = try ResnetBlock2D(p["resnets"][0], in: channels, out: channels, timeEmbedding: config.timeEmbeddingDim,
                                  groups: config.normGroups, eps: config.normEps)
        attention = try Transformer2DModel(p["attentions"][0], channels: channels, heads: config.heads[last],
                                           contextWidth: config.crossAttentionDim[last],
                                           layers: config.transformerLayersPerBlock[last], groups: config.normGroups)
        second = try ResnetBlock2D(p["resnets"][1], in: channels, out: channels, timeEmbedding: config.timeEmbeddingDim,
                                   groups: config.normGroups, eps: config.normEps)
    }

    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor) -> Tensor {
        second(attention(first(x, timeEmbedding: timeEmbedding), context: context), timeEmbedding: timeEmbedding)
    }
}
