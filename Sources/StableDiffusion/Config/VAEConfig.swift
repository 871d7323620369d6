/// The settings of diffusers' `AutoencoderKL` config.
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
        let channels = try json.ints("block_out_channels", default: [64])
        guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else {
            throw .invalid(path: path, key: "block_out_channels", reason: "must list positive channel counts")
        }
        for (key, kind) in [("down_block_types", "DownEncoderBlock2D"), ("up_block_types", "UpDecoderBlock2D")] {
            let types = try json.strings(key, default: Array(repeating: kind, count: channels.count))
            guard types.count == channels.count else {
                throw .invalid(path: path, key: key, reason: "lists \(types.count) blocks but block_out_channels lists \(channels.count)")
            }
            if let other = types.first(where: { $0 != kind }) {
                throw .unsupported(path: path, key: key, value: other, supported: kind)
            }
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
        if let bad = channels.first(where: { $0 % normGroups != 0 }) {
            throw .invalid(path: path, key: "norm_num_groups", reason: "(\(normGroups)) must divide every block's channels, not \(bad)")
        }
    }
}
