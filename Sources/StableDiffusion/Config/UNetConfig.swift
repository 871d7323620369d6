import Foundation

/// diffusers' `UNet2DConditionModel` config, resolved per block as its constructor resolves it.
public struct UNetConfig: Equatable, Sendable {
    /// Whether a down or up block carries `Transformer2DModel`s (`CrossAttn…Block2D`) or not.
    public enum BlockKind: Sendable { case crossAttention, plain }

    public var inChannels: Int
    public var outChannels: Int
    public var sampleSize: Int
    public var blockOutChannels: [Int]
    public var downBlocks: [BlockKind]
    public var upBlocks: [BlockKind]
    public var layersPerBlock: [Int]
    public var transformerLayersPerBlock: [Int]
    /// Attention heads per down block, read from diffusers' misnamed `attention_head_dim`: SD 1.x
    /// and 2.x configs store head counts there (diffusers rejects `num_attention_heads`).
    public var heads: [Int]
    public var crossAttentionDim: [Int]
    public var hasMidBlock: Bool
    public var normGroups: Int
    public var normEps: Float
    public var flipSinToCos: Bool
    public var freqShift: Float
    public var centerInputSample: Bool
    /// Conv (`false`) or linear (`true`) `proj_in`/`proj_out`; both compute the same per-pixel map.
    public var useLinearProjection: Bool
    /// The UNet's stride-2 convs pad this much all round; 0 means bottom and right only.
    public var downsamplePadding: Int
    public var timeEmbeddingDim: Int
    /// `time_cond_proj_dim`: the width of a guidance-scale embedding added to the timestep's
    /// (LCM-distilled UNets); such a UNet takes guidance as input instead of a classifier-free batch.
    public var timeCondProjDim: Int?
    /// SDXL's `addition_embed_type: "text_time"`; nil when the UNet has no added embedding.
    public var textTime: TextTimeEmbeddingConfig?

    public init(inChannels: Int = 4, outChannels: Int = 4, sampleSize: Int, blockOutChannels: [Int],
                downBlocks: [BlockKind], upBlocks: [BlockKind], layersPerBlock: [Int],
                transformerLayersPerBlock: [Int]? = nil, heads: [Int], crossAttentionDim: [Int],
                hasMidBlock: Bool = true, normGroups: Int = 32, normEps: Float = 1e-5, flipSinToCos: Bool = true,
                freqShift: Float = 0, centerInputSample: Bool = false, useLinearProjection: Bool = false,
                downsamplePadding: Int = 1, timeEmbeddingDim: Int? = nil, timeCondProjDim: Int? = nil,
                textTime: TextTimeEmbeddingConfig? = nil) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.sampleSize = sampleSize
        self.blockOutChannels = blockOutChannels
        self.downBlocks = downBlocks
        self.upBlocks = upBlocks
        self.layersPerBlock = layersPerBlock
        self.transformerLayersPerBlock = transformerLayersPerBlock ?? Array(repeating: 1, count: blockOutChannels.count)
        self.heads = heads
        self.crossAttentionDim = crossAttentionDim
        self.hasMidBlock = hasMidBlock
        self.normGroups = normGroups
        self.normEps = normEps
        self.flipSinToCos = flipSinToCos
        self.freqShift = freqShift
        self.centerInputSample = centerInputSample
        self.useLinearProjection = useLinearProjection
        self.downsamplePadding = downsamplePadding
        self.timeEmbeddingDim = timeEmbeddingDim ?? blockOutChannels[0] * 4
        self.timeCondProjDim = timeCondProjDim
        self.textTime = textTime
    }

    /// Reads `unet/config.json`. Options for other architectures (class embeddings, addition
    /// embeddings other than SDXL's text_time, nested transformer depths, …) are rejected rather
    /// than silently ignored.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let channels = try json.channels("block_out_channels", default: [320, 640, 1280, 1280])
        let count = channels.count
        let down = try json.blockTypes("down_block_types", count: count,
                                       default: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
                                       kinds: ["CrossAttnDownBlock2D": BlockKind.crossAttention, "DownBlock2D": .plain])
        let up = try json.blockTypes("up_block_types", count: count,
                                     default: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
                                     kinds: ["CrossAttnUpBlock2D": BlockKind.crossAttention, "UpBlock2D": .plain])
        if json.has("mid_block_type") {
            let midType = try json.string("mid_block_type")
            guard midType == "UNetMidBlock2DCrossAttn" else {
                throw .unsupported(path: path, key: "mid_block_type", value: midType, supported: "UNetMidBlock2DCrossAttn, null")
            }
        }
        try Self.rejectUnsupported(json)
        let padding = try json.int("downsample_padding", default: 1)
        guard padding >= 0 else { throw .invalid(path: path, key: "downsample_padding", reason: "must be 0 or more, got \(padding)") }
        self.init(inChannels: try json.positive("in_channels", default: 4),
                  outChannels: try json.positive("out_channels", default: 4),
                  sampleSize: try json.positive("sample_size", default: 64),
                  blockOutChannels: channels, downBlocks: down, upBlocks: up,
                  layersPerBlock: try json.perBlock("layers_per_block", blocks: count, default: 2, minimum: 1),
                  transformerLayersPerBlock: try json.perBlock("transformer_layers_per_block", blocks: count, default: 1, minimum: 1),
                  heads: try json.perBlock("attention_head_dim", blocks: count, default: 8, minimum: 1),
                  crossAttentionDim: try json.perBlock("cross_attention_dim", blocks: count, default: 1280, minimum: 1),
                  hasMidBlock: !json.isNull("mid_block_type"),
                  normGroups: try json.positive("norm_num_groups", default: 32),
                  normEps: Float(try json.double("norm_eps", default: 1e-5)),
                  flipSinToCos: try json.bool("flip_sin_to_cos", default: true),
                  freqShift: Float(try json.double("freq_shift", default: 0)),
                  centerInputSample: try json.bool("center_input_sample", default: false),
                  useLinearProjection: try json.bool("use_linear_projection", default: false),
                  downsamplePadding: padding,
                  timeEmbeddingDim: json.has("time_embedding_dim") ? try json.positive("time_embedding_dim") : nil,
                  timeCondProjDim: json.has("time_cond_proj_dim") ? try json.positive("time_cond_proj_dim") : nil,
                  textTime: try TextTimeEmbeddingConfig(json))
        for i in 0..<count {
            let attends = down[i] == .crossAttention || up[count - 1 - i] == .crossAttention || i == count - 1 && hasMidBlock
            guard !attends || channels[i] % heads[i] == 0 else {
                throw .invalid(path: path, key: "attention_head_dim", reason: "(\(heads[i])) must divide block \(i)'s \(channels[i]) channels")
            }
        }
        try json.checkGroups(normGroups, divide: channels)
    }

    private static func rejectUnsupported(_ json: JSONConfig) throws(ConfigError) {
        for key in ["num_attention_heads", "class_embed_type", "encoder_hid_dim", "encoder_hid_dim_type",
                    "num_class_embeds", "timestep_post_act", "time_embedding_act_fn",
                    "cross_attention_norm", "reverse_transformer_layers_per_block"]
            where json.has(key) {
            throw .unsupported(path: json.path, key: key, value: "\(json.raw(key) ?? "")", supported: "null")
        }
        for key in ["dual_cross_attention", "resnet_skip_time_act", "class_embeddings_concat"] where try json.bool(key, default: false) {
            throw .unsupported(path: json.path, key: key, value: "true", supported: "false")
        }
        let onlyCross = if let list = json.raw("only_cross_attention") as? [Any] {
            list.contains { ($0 as? NSNumber)?.boolValue != false }
        } else {
            try json.bool("only_cross_attention", default: false)
        }
        if onlyCross {
            throw .unsupported(path: json.path, key: "only_cross_attention", value: "true", supported: "false")
        }
        let fixed: [(String, String)] = [("act_fn", "silu"), ("resnet_time_scale_shift", "default"),
                                         ("time_embedding_type", "positional"), ("attention_type", "default")]
        for (key, value) in fixed {
            let actual = try json.string(key, default: value)
            guard actual == value else { throw .unsupported(path: json.path, key: key, value: actual, supported: value) }
        }
        for (key, value) in [("conv_in_kernel", 3), ("conv_out_kernel", 3)] {
            let actual = try json.int(key, default: value)
            guard actual == value else { throw .unsupported(path: json.path, key: key, value: "\(actual)", supported: "\(value)") }
        }
        let scale = try json.double("mid_block_scale_factor", default: 1)
        guard scale == 1 else { throw .unsupported(path: json.path, key: "mid_block_scale_factor", value: "\(scale)", supported: "1") }
        if let list = json.raw("transformer_layers_per_block") as? [Any], list.contains(where: { $0 is [Any] }) {
            throw .unsupported(path: json.path, key: "transformer_layers_per_block", value: "nested lists", supported: "an integer or one per block")
        }
    }
}
