/// diffusers' `AutoencoderTiny` config (TAESD): the decoder's side of it.
public struct AutoencoderTinyConfig: Equatable, Sendable {
    public var latentChannels: Int
    public var outChannels: Int
    /// `decoder_block_out_channels`: channels at each resolution, lowest first.
    public var blockOutChannels: [Int]
    /// `num_decoder_blocks`: `AutoencoderTinyBlock`s at each resolution.
    public var blocksPerLevel: [Int]
    public var scalingFactor: Float

    public init(latentChannels: Int = 4, outChannels: Int = 3, blockOutChannels: [Int] = [64, 64, 64, 64],
                blocksPerLevel: [Int] = [3, 3, 3, 1], scalingFactor: Float = 1) {
        self.latentChannels = latentChannels
        self.outChannels = outChannels
        self.blockOutChannels = blockOutChannels
        self.blocksPerLevel = blocksPerLevel
        self.scalingFactor = scalingFactor
    }

    /// Pixels per latent pixel: each level but the last doubles the image (diffusers'
    /// `vae_scale_factor`, from the `block_out_channels` it registers).
    public var scaleFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// Reads an `AutoencoderTiny` folder's `config.json`; defaults are diffusers'.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let className = try json.string("_class_name", default: "AutoencoderTiny")
        guard className == "AutoencoderTiny" else {
            throw .unsupported(path: path, key: "_class_name", value: className, supported: "AutoencoderTiny")
        }
        let channels = try json.channels("decoder_block_out_channels", default: [64, 64, 64, 64])
        let blocks = try json.ints("num_decoder_blocks", default: [3, 3, 3, 1])
        guard blocks.count == channels.count, blocks.allSatisfy({ $0 >= 0 }) else {
            throw .invalid(path: path, key: "num_decoder_blocks",
                           reason: "must list \(channels.count) block counts of 0 or more, one per decoder_block_out_channels entry")
        }
        for (key, value) in [("act_fn", "relu"), ("upsample_fn", "nearest")] {
            let actual = try json.string(key, default: value)
            guard actual == value else { throw .unsupported(path: path, key: key, value: actual, supported: value) }
        }
        let factor = try json.int("upsampling_scaling_factor", default: 2)
        guard factor == 2 else { throw .unsupported(path: path, key: "upsampling_scaling_factor", value: "\(factor)", supported: "2") }
        self.init(latentChannels: try json.positive("latent_channels", default: 4),
                  outChannels: try json.positive("out_channels", default: 3),
                  blockOutChannels: channels, blocksPerLevel: blocks,
                  scalingFactor: Float(try json.double("scaling_factor", default: 1)))
    }
}
