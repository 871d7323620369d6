import Foundation

/// The settings of diffusers' `UNet2DConditionModel` config, resolved per block the way
/// diffusers' constructor resolves them (ints spread over blocks, up blocks reversed).
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
    /// Attention heads per down block. diffusers reads `num_attention_heads`, and when that is
    /// absent its misnamed `attention_head_dim`, which SD 1.x/2.x configs use for the head count.
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

    public init(inChannels: Int = 4, outChannels: Int = 4, sampleSize: Int, blockOutChannels: [Int],
                downBlocks: [BlockKind], upBlocks: [BlockKind], layersPerBlock: [Int],
                transformerLayersPerBlock: [Int]? = nil, heads: [Int], crossAttentionDim: [Int],
                hasMidBlock: Bool = true, normGroups: Int = 32, normEps: Float = 1e-5, flipSinToCos: Bool = true,
                freqShift: Float = 0, centerInputSample: Bool = false, useLinearProjection: Bool = false) {
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
    }

    public var timeEmbeddingDim: Int { blockOutChannels[0] * 4 }

    /// Reads `unet/config.json`. Options for other architectures (class or addition embeddings,
    /// SDXL-style nested transformer depths, …) are rejected rather than silently ignored.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let channels = try json.ints("block_out_channels", default: [320, 640, 1280, 1280])
        let count = channels.count
        guard count > 0, channels.allSatisfy({ $0 > 0 }) else {
            throw .invalid(path: path, key: "block_out_channels", reason: "must list positive channel counts")
        }
        let down = try Self.kinds(json, "down_block_types", count: count,
                                  default: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
                                  crossAttention: "CrossAttnDownBlock2D", plain: "DownBlock2D")
        let up = try Self.kinds(json, "up_block_types", count: count,
                                default: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
                                crossAttention: "CrossAttnUpBlock2D", plain: "UpBlock2D")
        let midType = json.has("mid_block_type") ? try json.string("mid_block_type") : nil
        if let midType, midType != "UNetMidBlock2DCrossAttn" {
            throw .unsupported(path: path, key: "mid_block_type", value: midType, supported: "UNetMidBlock2DCrossAttn, null")
        }
        try Self.rejectUnsupported(json)
        let headsKey = json.has("num_attention_heads") ? "num_attention_heads" : "attention_head_dim"
        self.init(inChannels: try json.positive("in_channels", default: 4),
                  outChannels: try json.positive("out_channels", default: 4),
                  sampleSize: try json.positive("sample_size", default: 64),
                  blockOutChannels: channels, downBlocks: down, upBlocks: up,
                  layersPerBlock: try json.perBlock("layers_per_block", blocks: count, default: 2),
                  transformerLayersPerBlock: try json.perBlock("transformer_layers_per_block", blocks: count, default: 1),
                  heads: try json.perBlock(headsKey, blocks: count, default: 8),
                  crossAttentionDim: try json.perBlock("cross_attention_dim", blocks: count, default: 1280),
                  hasMidBlock: !json.isNull("mid_block_type"),
                  normGroups: try json.positive("norm_num_groups", default: 32),
                  normEps: Float(try json.double("norm_eps", default: 1e-5)),
                  flipSinToCos: try json.bool("flip_sin_to_cos", default: true),
                  freqShift: Float(try json.double("freq_shift", default: 0)),
                  centerInputSample: try json.bool("center_input_sample", default: false),
                  useLinearProjection: try json.bool("use_linear_projection", default: false))
        for (i, c) in channels.enumerated() where down[i] == .crossAttention || up[count - 1 - i] == .crossAttention {
            guard c % heads[i] == 0 else {
                throw .invalid(path: path, key: headsKey, reason: "(\(heads[i])) must divide block \(i)'s \(c) channels")
            }
        }
        if let bad = channels.first(where: { $0 % normGroups != 0 }) {
            throw .invalid(path: path, key: "norm_num_groups", reason: "(\(normGroups)) must divide every block's channels, not \(bad)")
        }
    }

    private static func kinds(_ json: JSONConfig, _ key: String, count: Int, default fallback: [String],
                              crossAttention: String, plain: String) throws(ConfigError) -> [BlockKind] {
        let names = try json.strings(key, default: fallback)
        guard names.count == count else {
            throw .invalid(path: json.path, key: key, reason: "lists \(names.count) blocks but block_out_channels lists \(count)")
        }
        var kinds: [BlockKind] = []
        for name in names {
            switch name {
            case crossAttention: kinds.append(.crossAttention)
            case plain: kinds.append(.plain)
            default: throw .unsupported(path: json.path, key: key, value: name, supported: "\(crossAttention), \(plain)")
            }
        }
        return kinds
    }

    private static func rejectUnsupported(_ json: JSONConfig) throws(ConfigError) {
        for key in ["class_embed_type", "addition_embed_type", "encoder_hid_dim", "time_cond_proj_dim",
                    "num_class_embeds", "timestep_post_act", "projection_class_embeddings_input_dim"] where json.has(key) {
            throw .unsupported(path: json.path, key: key, value: "\(json.raw(key) ?? "")", supported: "null")
        }
        for key in ["dual_cross_attention", "resnet_skip_time_act"] where try json.bool(key, default: false) {
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
        for key in ["conv_in_kernel", "conv_out_kernel"] {
            let kernel = try json.int(key, default: 3)
            guard kernel == 3 else { throw .unsupported(path: json.path, key: key, value: "\(kernel)", supported: "3") }
        }
        if json.has("transformer_layers_per_block"), let list = json.raw("transformer_layers_per_block") as? [Any],
           list.contains(where: { $0 is [Any] }) {
            throw .unsupported(path: json.path, key: "transformer_layers_per_block", value: "nested lists", supported: "an integer or one per block")
        }
    }
}
