/// The published configs of Stable Diffusion 1.5 and 2.1 (Hugging Face `config.json` values),
/// for building the full-size architectures with random weights in benchmarks and shape checks.
public enum PublishedArchitecture: String, CaseIterable, Sendable {
    case sd1, sd2

    public var name: String { self == .sd1 ? "Stable Diffusion 1.5" : "Stable Diffusion 2.1" }

    public var textEncoder: CLIPTextConfig {
        switch self {
        case .sd1: CLIPTextConfig(vocabularySize: 49408, hiddenSize: 768, intermediateSize: 3072, layers: 12, heads: 12,
                                  maxPositions: 77, activation: .quickGELU)
        case .sd2: CLIPTextConfig(vocabularySize: 49408, hiddenSize: 1024, intermediateSize: 4096, layers: 23, heads: 16,
                                  maxPositions: 77, activation: .gelu)
        }
    }

    public var unet: UNetConfig {
        let sd2 = self == .sd2
        return UNetConfig(sampleSize: sd2 ? 96 : 64, blockOutChannels: [320, 640, 1280, 1280],
                          downBlocks: [.crossAttention, .crossAttention, .crossAttention, .plain],
                          upBlocks: [.plain, .crossAttention, .crossAttention, .crossAttention],
                          layersPerBlock: [2, 2, 2, 2], heads: sd2 ? [5, 10, 20, 20] : [8, 8, 8, 8],
                          crossAttentionDim: Array(repeating: sd2 ? 1024 : 768, count: 4),
                          useLinearProjection: sd2)
    }

    public var vae: VAEConfig {
        VAEConfig(blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2, sampleSize: self == .sd2 ? 768 : 512)
    }

    /// The published `scheduler/scheduler_config.json`: PNDM for SD 1.5, DDIM with v-prediction for SD 2.1.
    public var schedulerConfig: SchedulerConfig {
        let common = #""beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "#
            + #""num_train_timesteps": 1000, "set_alpha_to_one": false, "steps_offset": 1"#
        let own = switch self {
        case .sd1: #""_class_name": "PNDMScheduler", "skip_prk_steps": true"#
        case .sd2: #""_class_name": "DDIMScheduler", "prediction_type": "v_prediction", "clip_sample": false"#
        }
        // Fixed, well-formed JSON whose values all have the types their readers expect.
        do { return try SchedulerConfig(json: "{\(common), \(own)}", name: "published \(rawValue) scheduler_config.json") } catch {
            preconditionFailure(error.description)
        }
    }
}
