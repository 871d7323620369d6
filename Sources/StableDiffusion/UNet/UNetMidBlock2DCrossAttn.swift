import Tensors

/// diffusers' `UNetMidBlock2DCrossAttn`: ResNet, `Transformer2DModel`, ResNet at the bottom of the UNet.
struct UNetMidBlock2DCrossAttn: Sendable {
    let first, second: ResnetBlock2D
    let attention: Transformer2DModel

    init(_ p: Parameters, config: UNetConfig) throws(WeightsError) {
        let last = config.blockOutChannels.count - 1
        let channels = config.blockOutChannels[last]
        first = try config.resnet(p["resnets"][0], in: channels, out: channels)
        attention = try config.transformer(p["attentions"][0], level: last)
        second = try config.resnet(p["resnets"][1], in: channels, out: channels)
    }

    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor) -> Tensor {
        second(attention(first(x, timeEmbedding: timeEmbedding), context: context), timeEmbedding: timeEmbedding)
    }
}
