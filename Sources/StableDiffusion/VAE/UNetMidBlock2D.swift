import Tensors

/// diffusers' `UNetMidBlock2D` as the VAE uses it: ResNet, optional attention, ResNet, no time embedding.
struct UNetMidBlock2D: Sendable {
    let first, second: ResnetBlock2D
    let attention: SpatialSelfAttention?

    init(_ p: Parameters, channels: Int, config: VAEConfig) throws(WeightsError) {
        first = try ResnetBlock2D(p["resnets"][0], in: channels, out: channels, timeEmbedding: nil,
                                  groups: config.normGroups, eps: 1e-6)
        attention = config.midBlockAttention
            ? try SpatialSelfAttention(p["attentions"][0], channels: channels, groups: config.normGroups) : nil
        second = try ResnetBlock2D(p["resnets"][1], in: channels, out: channels, timeEmbedding: nil,
                                   groups: config.normGroups, eps: 1e-6)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = first(x)
        return second(attention?(h) ?? h)
    }
}
