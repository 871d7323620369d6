/// diffusers' `AutoencoderKL` config.
public struct VAEConfig: Equatable, Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var latentChannels: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    public var normGroups: Int
    public var scalingFactor: Float
    public var sampleSize: Int
    public var midBlockAttention: Bool
    public var useQuantConv: Bool
    public var usePostQuantConv: Bool

    public init(inChannels: Int = 3, outChannels: Int = 3, latentChannels: Int = 4, blockOutChannels: [Int],
                layersPerBlock: Int, normGroups: Int = 32, scalingFactor: Float = 0.18215, sampleSize: Int,
                midBlockAttention: Bool = true, useQuantConv: Bool = true, usePostQuantConv: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normGroups = normGroups
        self.scalingFactor = scalingFactor
        self.sampleSize = sampleSize
        self.midBlockAttention = midBlockAttention
        self.useQuantConv = useQuantConv
        self.usePostQuantConv = usePostQuantConv
    }

    /// Pixels per latent pixel: each block but the last halves the image.
    public var scaleFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// Reads `vae/config.json`; defaults are diffusers' `AutoencoderKL` defaults.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let channels = try json.channels("block_out_channels", default: [64])
        _ = try json.blockTypes("down_block_types", count: channels.count, default: Array(repeating: "DownEncoderBlock2D", count: channels.count),
                                kinds: ["DownEncoderBlock2D": ()])
        _ = try json.blockTypes("up_block_types", count: channels.count, default: Array(repeating: "UpDecoderBlock2D", count: channels.count),
                                kinds: ["UpDecoderBlock2D": ()])
        for key in ["shift_factor", "latents_mean", "latents_std"] where json.has(key) {
            throw .unsupported(path: path, key: key, value: "\(json.raw(key) ?? "")", supported: "null")
        }
        let activation = try json.string("act_fn", default: "silu")
        guard activation == "silu" else { throw .unsupported(path: path, key: "act_fn", value: activation, supported: "silu") }
        self.init(inChannels: try json.positive("in_channels", default: 3),
                  outChannels: try json.positive("out_channels", default: 3),
                  latentChannels: try json.positive("latent_channels", default: 4),
                  blockOutChannels: channels,
                  layersPerBlock: try json.positive("layers_per_block", default: 1),
                  normGroups: try json.positive("norm_num_groups", default: 32),
                  scalingFactor: Float(try json.double("scaling_factor", default: 0.18215)),
                  sampleSize: try json.positive("sample_size", default: 32),
                  midBlockAttention: try json.bool("mid_block_add_attention", default: true),
                  useQuantConv: try json.bool("use_quant_conv", default: true),
                  usePostQuantConv: try json.bool("use_post_quant_conv", default: true))
        try json.checkGroups(normGroups, divide: channels)
    }
}
