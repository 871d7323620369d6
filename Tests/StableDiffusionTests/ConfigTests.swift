import Foundation
import StableDiffusion
import Testing

/// Writes `json` to `name` in a fresh temporary folder and returns its path.
func writeTemporary(_ json: String, named name: String = "config.json") throws -> String {
    let url = try temporaryFolder().appendingPathComponent(name)
    try Data(json.utf8).write(to: url)
    return url.path
}

@Suite struct ConfigTests {
    @Test func sd1FixtureConfigsResolvePerBlock() throws {
        let folder = ModelFixtures.model("sd1-tiny")
        let unet = try UNetConfig(path: folder + "/unet/config.json")
        #expect(unet.blockOutChannels == [32, 64, 64])
        #expect(unet.downBlocks == [.crossAttention, .crossAttention, .plain])
        #expect(unet.upBlocks == [.plain, .crossAttention, .crossAttention])
        #expect(unet.heads == [8, 8, 8])  // attention_head_dim 8 means 8 heads in diffusers
        #expect(unet.layersPerBlock == [2, 2, 2] && unet.crossAttentionDim == [32, 32, 32])
        #expect(!unet.useLinearProjection && unet.hasMidBlock && unet.timeEmbeddingDim == 128)
        let text = try CLIPTextConfig(path: folder + "/text_encoder/config.json")
        #expect(text.activation == .quickGELU && text.layers == 3 && text.hiddenSize == 32)
        let vae = try VAEConfig(path: folder + "/vae/config.json")
        #expect(vae.scaleFactor == 2 && vae.scalingFactor == 0.18215 && vae.latentChannels == 4)
    }

    @Test func sd2FixtureConfigsReadListsAndGELU() throws {
        let folder = ModelFixtures.model("sd2-tiny")
        let unet = try UNetConfig(path: folder + "/unet/config.json")
        #expect(unet.heads == [2, 4, 4] && unet.useLinearProjection)
        let text = try CLIPTextConfig(path: folder + "/text_encoder/config.json")
        #expect(text.activation == .gelu && text.layers == 2)
    }

    @Test func contradictoryAndUnsupportedUNetConfigsAreRejected() throws {
        let cases: [(String, String)] = [
            (#"{"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D"]}"#, "\"down_block_types\" lists 1 blocks"),
            (#"{"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "UpBlock2D"], "layers_per_block": [1, 2, 3]}"#, "\"layers_per_block\" lists 3 values for 2 blocks"),
            (#"{"block_out_channels": "wide"}"#, "\"block_out_channels\" must be a list of integers"),
            (#"{"block_out_channels": [32, 64], "attention_head_dim": 5, "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]}"#,
             "must divide block 0's 32 channels"),
            (#"{"class_embed_type": "timestep"}"#, "\"class_embed_type\" is timestep; supported: null"),
            (#"{"down_block_types": ["SimpleDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"]}"#,
             "\"down_block_types\" is SimpleDownBlock2D"),
            (#"{"use_linear_projection": "yes"}"#, "\"use_linear_projection\" must be true or false"),
            (#"{"transformer_layers_per_block": [[1, 2], 1, 1, 1]}"#, "nested lists"),
            (#"{"num_attention_heads": 8}"#, "\"num_attention_heads\" is 8; supported: null"),
            (#"{"attention_head_dim": 0}"#, "\"attention_head_dim\" must be at least 1, got 0"),
            (#"{"layers_per_block": [2, 2, -1, 2]}"#, "\"layers_per_block\" must be at least 1, got -1"),
            (#"{"attention_head_dim": [8, 8, 8, 12]}"#, "(12) must divide block 3's 1280 channels"),
            (#"{"mid_block_scale_factor": 2}"#, "\"mid_block_scale_factor\" is 2.0; supported: 1"),
            (#"{"cross_attention_dim": "big"}"#, "\"cross_attention_dim\" must be an integer or a list of one integer per block"),
        ]
        for (json, message) in cases {
            let path = try writeTemporary(json)
            let error = try #require(throws: ConfigError.self) { try UNetConfig(path: path) }
            #expect(error.description.hasPrefix(path) && error.description.contains(message) && !error.description.contains("\n"),
                    "\(json) gave: \(error)")
        }
    }

    @Test func defaultsAreDiffusersDefaults() throws {
        let unet = try UNetConfig(path: try writeTemporary("{}"))
        #expect(unet.blockOutChannels == [320, 640, 1280, 1280] && unet.heads == [8, 8, 8, 8] && unet.crossAttentionDim == [1280, 1280, 1280, 1280])
        let noMid = try UNetConfig(path: try writeTemporary(#"{"mid_block_type": null}"#))
        #expect(!noMid.hasMidBlock)
    }

    @Test func textAndVAEConfigErrors() throws {
        let gelu = try writeTemporary(#"{"hidden_act": "relu"}"#)
        #expect(throws: ConfigError.unsupported(path: gelu, key: "hidden_act", value: "relu",
                                                supported: "quick_gelu, gelu, gelu_new, gelu_pytorch_tanh")) {
            try CLIPTextConfig(path: gelu)
        }
        let heads = try writeTemporary(#"{"hidden_size": 30, "num_attention_heads": 4}"#)
        #expect(throws: ConfigError.invalid(path: heads, key: "num_attention_heads", reason: "(4) must divide hidden_size (30)")) {
            try CLIPTextConfig(path: heads)
        }
        let groups = try writeTemporary(#"{"block_out_channels": [48], "norm_num_groups": 32}"#)
        #expect(throws: ConfigError.invalid(path: groups, key: "norm_num_groups", reason: "(32) must divide every block's channels, not 48")) {
            try VAEConfig(path: groups)
        }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("nowhere-\(UUID().uuidString).json").path
        #expect(throws: ConfigError.unreadable(path: missing, reason: "no such file")) { try VAEConfig(path: missing) }
        let list = try writeTemporary("[1, 2]")
        #expect(throws: ConfigError.notJSONObject(path: list)) { try VAEConfig(path: list) }
    }

    @Test func modelIndexNeedsEveryComponent() throws {
        let index = try ModelIndex(path: ModelFixtures.model("sd2-tiny") + "/model_index.json")
        #expect(index.components["scheduler"]?.className == "DDIMScheduler")
        #expect(index.components["unet"]?.library == "diffusers")
        let noUNet = try writeTemporary(#"{"tokenizer": ["transformers", "CLIPTokenizer"], "text_encoder": ["transformers", "CLIPTextModel"], "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "PNDMScheduler"]}"#,
                                        named: "model_index.json")
        #expect(throws: ConfigError.missingKey(path: noUNet, key: "unet")) { try ModelIndex(path: noUNet) }
        let sdxl = try writeTemporary(#"{"tokenizer": ["transformers", "CLIPTokenizer"], "text_encoder": ["transformers", "CLIPTextModelWithProjection"], "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "PNDMScheduler"]}"#,
                                      named: "model_index.json")
        #expect(throws: ConfigError.unsupported(path: sdxl, key: "text_encoder", value: "CLIPTextModelWithProjection", supported: "CLIPTextModel")) {
            try ModelIndex(path: sdxl)
        }
    }
}

/// What diffusers accepts in configs and strict JSON would not (issue 14, item 6).
@Suite struct ConfigLeniencyTests {
    static let sd15 = #""beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1"#

    @Test func pythonsNonFiniteNumbersAreRead() throws {
        // As diffusers saves DPMSolverMultistepScheduler: a bare -Infinity, and words inside strings left alone.
        let json = #"{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "note": "NaN -Infinity \"Infinity\"", "#
            + #""unused": [NaN, Infinity], \#(Self.sd15)}"#
        let config = try SchedulerConfig(json: json, name: "dpm.json")
        #expect(try config.ownKind() == .dpmSolverMultistep)
        _ = try makeScheduler(.dpmSolverMultistep, config: config, steps: 5, eta: 0)
        let clipped = try SchedulerConfig(json: #"{"lambda_min_clipped": -5.1, \#(Self.sd15)}"#, name: "dpm.json")
        #expect(throws: ConfigError.unsupported(path: "dpm.json", key: "lambda_min_clipped", value: "-5.1", supported: "-Infinity")) {
            try makeScheduler(.dpmSolverMultistep, config: clipped, steps: 5, eta: 0)
        }
    }

    @Test func zeroSNRIsIgnoredWhereTheClassIgnoresIt() throws {
        let config = try SchedulerConfig(json: #"{"rescale_betas_zero_snr": true, \#(Self.sd15)}"#, name: "s.json")
        for kind in [SchedulerKind.pndm, .lms, .heun] { _ = try makeScheduler(kind, config: config, steps: 5, eta: 0) }
        for kind in [SchedulerKind.ddim, .euler, .eulerAncestral, .dpmSolverMultistep, .unipc] {
            #expect(throws: ConfigError.unsupported(path: "s.json", key: "rescale_betas_zero_snr", value: "true", supported: "false")) {
                try makeScheduler(kind, config: config, steps: 5, eta: 0)
            }
        }
    }

    @Test func classNameVariantsNameTheSameScheduler() throws {
        #expect(try SchedulerConfig(json: #"{"_class_name": "FlaxDDIMScheduler"}"#, name: "s.json").ownKind() == .ddim)
        let path = try writeTemporary(#"{"_class_name": "PNDMSchedulerLegacy"}"#)
        #expect(try SchedulerConfig(path: path, pipelineClassName: "EulerDiscreteScheduler").ownKind() == .euler)
        #expect(throws: ConfigError.self) { try SchedulerConfig(path: path).ownKind() }
    }
}
