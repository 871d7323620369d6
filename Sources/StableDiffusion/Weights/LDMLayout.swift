/// The original CompVis/Stability (LDM) names of a Stable Diffusion checkpoint, as A1111 and
/// diffusers' `from_single_file` read them, mapped to diffusers' names: one table per component,
/// built from the names actually in the file (the inverse of diffusers' `convert_ldm_unet_checkpoint`,
/// `convert_ldm_vae_checkpoint`, `convert_ldm_clip_checkpoint` and `convert_open_clip_checkpoint`).
/// Tensors no component asks for (EMA copies, `betas`, OpenCLIP's last resblock) are simply never read.
public enum LDMLayout {
    public static let unetPrefix = "model.diffusion_model."
    public static let vaePrefixes = ["first_stage_model.", "vae."]
    public static let clipPrefix = "cond_stage_model.transformer."
    public static let openCLIPPrefix = "cond_stage_model.model."
    public static let sdxlCLIPPrefix = "conditioner.embedders.0.transformer."
    public static let sdxlOpenCLIPPrefix = "conditioner.embedders.1.model."

    typealias Table = [String: RenamedWeights.Stored]

    /// UNet2DConditionModel names for the `model.diffusion_model.*` tensors of `names`.
    static func unet(_ names: [String], config: UNetConfig) -> Table {
        let resnet = ["in_layers.0": "norm1", "in_layers.2": "conv1", "out_layers.0": "norm2", "out_layers.3": "conv2",
                      "emb_layers.1": "time_emb_proj", "skip_connection": "conv_shortcut"]
        // LDM module prefix → (diffusers prefix, renames of the first name parts inside it).
        var modules: [String: (String, [String: String])] = [
            "time_embed.0": ("time_embedding.linear_1", [:]), "time_embed.2": ("time_embedding.linear_2", [:]),
            "label_emb.0.0": ("add_embedding.linear_1", [:]), "label_emb.0.2": ("add_embedding.linear_2", [:]),
            "input_blocks.0.0": ("conv_in", [:]), "out.0": ("conv_norm_out", [:]), "out.2": ("conv_out", [:]),
            "middle_block.0": ("mid_block.resnets.0", resnet), "middle_block.1": ("mid_block.attentions.0", [:]),
            "middle_block.2": ("mid_block.resnets.1", resnet),
        ]
        let blocks = config.blockOutChannels.count
        var index = 1
        for block in 0..<blocks {
            for layer in 0..<config.layersPerBlock[block] {
                modules["input_blocks.\(index).0"] = ("down_blocks.\(block).resnets.\(layer)", resnet)
                modules["input_blocks.\(index).1"] = ("down_blocks.\(block).attentions.\(layer)", [:])
                index += 1
            }
            if block < blocks - 1 {
                modules["input_blocks.\(index).0.op"] = ("down_blocks.\(block).downsamplers.0.conv", [:])
                index += 1
            }
        }
        index = 0
        for block in 0..<blocks {
            let layers = config.layersPerBlock[blocks - 1 - block] + 1
            for layer in 0..<layers {
                modules["output_blocks.\(index).0"] = ("up_blocks.\(block).resnets.\(layer)", resnet)
                modules["output_blocks.\(index).1"] = ("up_blocks.\(block).attentions.\(layer)", [:])
                if layer == layers - 1, block < blocks - 1 {
                    let slot = config.upBlocks[block] == .crossAttention ? 2 : 1
                    modules["output_blocks.\(index).\(slot).conv"] = ("up_blocks.\(block).upsamplers.0.conv", [:])
                }
                index += 1
            }
        }
        var table: Table = [:]
        for name in names where name.hasPrefix(unetPrefix) {
            if let renamed = rename(String(name.dropFirst(unetPrefix.count)), modules: modules) { table[renamed] = .init(name: name) }
        }
        return table
    }

    /// AutoencoderKL names for LDM-layout VAE tensors under `prefix` ("first_stage_model.", or ""
    /// for a lone VAE file such as vae-ft-mse-840000-ema-pruned.safetensors).
    static func vae(_ names: [String], prefix: String, blocks: Int) -> Table {
        let resnet = ["nin_shortcut": "conv_shortcut"]
        let attention = ["norm": "group_norm", "q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0"]
        var modules: [String: (String, [String: String])] = ["quant_conv": ("quant_conv", [:]), "post_quant_conv": ("post_quant_conv", [:])]
        for part in ["encoder", "decoder"] {
            for same in ["conv_in", "conv_out"] { modules["\(part).\(same)"] = ("\(part).\(same)", [:]) }
            modules["\(part).norm_out"] = ("\(part).conv_norm_out", [:])
            modules["\(part).mid.block_1"] = ("\(part).mid_block.resnets.0", resnet)
            modules["\(part).mid.block_2"] = ("\(part).mid_block.resnets.1", resnet)
            modules["\(part).mid.attn_1"] = ("\(part).mid_block.attentions.0", attention)
        }
        for block in 0..<blocks {
            // The decoder's up blocks are numbered from the lowest resolution in LDM, from the highest in diffusers.
            let up = blocks - 1 - block
            modules["encoder.down.\(block).downsample.conv"] = ("encoder.down_blocks.\(block).downsamplers.0.conv", [:])
            modules["decoder.up.\(up).upsample.conv"] = ("decoder.up_blocks.\(block).upsamplers.0.conv", [:])
            for layer in 0..<8 {
                modules["encoder.down.\(block).block.\(layer)"] = ("encoder.down_blocks.\(block).resnets.\(layer)", resnet)
                modules["decoder.up.\(up).block.\(layer)"] = ("decoder.up_blocks.\(block).resnets.\(layer)", resnet)
            }
        }
        var table: Table = [:]
        for name in names where name.hasPrefix(prefix) {
            if let renamed = rename(String(name.dropFirst(prefix.count)), modules: modules) { table[renamed] = .init(name: name) }
        }
        return table
    }

    /// CLIPTextModel names for SD 1.x's `cond_stage_model.transformer.*` or SDXL's
    /// `conditioner.embedders.0.transformer.*` (transformers' own names under a prefix, with or without `text_model.`).
    static func clip(_ names: [String], prefix: String = clipPrefix) -> Table {
        var table: Table = [:]
        for name in names where name.hasPrefix(prefix) {
            var rest = name.dropFirst(prefix.count)
            if rest.hasPrefix("text_model.") { rest = rest.dropFirst("text_model.".count) }
            table[String(rest)] = .init(name: name)
        }
        return table
    }

    /// CLIPTextModel(WithProjection) names for SD 2.x's OpenCLIP `cond_stage_model.model.*` or
    /// SDXL's `conditioner.embedders.1.model.*`: the fused attention projection splits into q, k,
    /// v row slices; `text_projection` (multiplied from the right in OpenCLIP) is `nn.Linear`'s transpose.
    static func openCLIP(_ names: [String], prefix openCLIPPrefix: String = openCLIPPrefix, projection: Bool = false) -> Table {
        let layer = ["ln_1": "layer_norm1", "ln_2": "layer_norm2", "mlp.c_fc": "mlp.fc1", "mlp.c_proj": "mlp.fc2",
                     "attn.out_proj": "self_attn.out_proj"]
        var table: Table = [:]
        for name in names where name.hasPrefix(openCLIPPrefix) {
            let rest = String(name.dropFirst(openCLIPPrefix.count))
            switch rest {
            case "token_embedding.weight": table["embeddings.token_embedding.weight"] = .init(name: name)
            case "positional_embedding": table["embeddings.position_embedding.weight"] = .init(name: name)
            case "text_projection" where projection: table["text_projection.weight"] = .init(name: name, transposed: true)
            case "ln_final.weight", "ln_final.bias": table["final_layer_norm." + rest.dropFirst("ln_final.".count)] = .init(name: name)
            default:
                let parts = rest.split(separator: ".", maxSplits: 3).map(String.init)
                guard parts.count == 4, parts[0] == "transformer", parts[1] == "resblocks", Int(parts[2]) != nil else { continue }
                let target = "encoder.layers.\(parts[2])."
                if parts[3] == "attn.in_proj_weight" || parts[3] == "attn.in_proj_bias" {
                    let kind = parts[3].hasSuffix("weight") ? "weight" : "bias"
                    for (part, projection) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                        table[target + "self_attn.\(projection).\(kind)"] = .init(name: name, part: part, parts: 3)
                    }
                } else if let renamed = rename(parts[3], modules: layer.mapValues { ($0, [:]) }) {
                    table[target + renamed] = .init(name: name)
                }
            }
        }
        return table
    }

    /// `name` with its longest listed module prefix replaced, then the first parts inside it renamed.
    private static func rename(_ name: String, modules: [String: (String, [String: String])]) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        for length in stride(from: parts.count - 1, through: 1, by: -1) {
            guard let (target, inner) = modules[parts[..<length].joined(separator: ".")] else { continue }
            let rest = parts[length...]
            for innerLength in stride(from: min(2, rest.count - 1), through: 1, by: -1) {
                if let renamed = inner[rest.prefix(innerLength).joined(separator: ".")] {
                    return ([target, renamed] + rest.dropFirst(innerLength).map(String.init)).joined(separator: ".")
                }
            }
            return ([target] + rest.map(String.init)).joined(separator: ".")
        }
        return nil
    }
}
