/// The published configs of Stable Diffusion 1.5, 2.1 and SDXL base 1.0 (Hugging Face
/// `config.json` values), for building the full-size architectures with random weights in
/// benchmarks and shape checks, and for single files given without `--config`.
public enum PublishedArchitecture: String, CaseIterable, Sendable {
    case sd1, sd2, sdxl

    public var name: String {
        switch self {
        case .sd1: "Stable Diffusion 1.5"
        case .sd2: "Stable Diffusion 2.1"
        case .sdxl: "Stable Diffusion XL 1.0"
        }
    }

    public var textEncoder: CLIPTextConfig {
        switch self {
        case .sd1: CLIPTextConfig(vocabularySize: 49408, hiddenSize: 768, intermediateSize: 3072, layers: 12, heads: 12,
                                  maxPositions: 77, activation: .quickGELU)
        case .sd2: CLIPTextConfig(vocabularySize: 49408, hiddenSize: 1024, intermediateSize: 4096, layers: 23, heads: 16,
                                  maxPositions: 77, activation: .gelu)
        case .sdxl: CLIPTextConfig(vocabularySize: 49408, hiddenSize: 768, intermediateSize: 3072, layers: 12, heads: 12,
                                   maxPositions: 77, activation: .quickGELU, eosTokenId: 2, projectionDim: 768)
        }
    }

    /// SDXL's `text_encoder_2` (OpenCLIP ViT-bigG as `CLIPTextModelWithProjection`).
    public static let sdxlTextEncoder2 = CLIPTextConfig(vocabularySize: 49408, hiddenSize: 1280, intermediateSize: 5120, layers: 32,
                                                       heads: 20, maxPositions: 77, activation: .gelu, eosTokenId: 2, projectionDim: 1280)

    public var unet: UNetConfig {
        if self == .sdxl {
            return UNetConfig(sampleSize: 128, blockOutChannels: [320, 640, 1280], downBlocks: [.plain, .crossAttention, .crossAttention],
                              upBlocks: [.crossAttention, .crossAttention, .plain], layersPerBlock: [2, 2, 2],
                              transformerLayersPerBlock: [1, 2, 10], heads: [5, 10, 20], crossAttentionDim: [2048, 2048, 2048],
                              useLinearProjection: true, textTime: TextTimeEmbeddingConfig(timeEmbedDim: 256, inputDim: 2816))
        }
        let sd2 = self == .sd2
        return UNetConfig(sampleSize: sd2 ? 96 : 64, blockOutChannels: [320, 640, 1280, 1280],
                          downBlocks: [.crossAttention, .crossAttention, .crossAttention, .plain],
                          upBlocks: [.plain, .crossAttention, .crossAttention, .crossAttention],
                          layersPerBlock: [2, 2, 2, 2], heads: sd2 ? [5, 10, 20, 20] : [8, 8, 8, 8],
                          crossAttentionDim: Array(repeating: sd2 ? 1024 : 768, count: 4),
                          useLinearProjection: sd2)
    }

    public var vae: VAEConfig {
        VAEConfig(blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2, scalingFactor: self == .sdxl ? 0.13025 : 0.18215,
                  sampleSize: [.sd1: 512, .sd2: 768, .sdxl: 1024][self] ?? 512)
    }

    /// The published `scheduler/scheduler_config.json`: PNDM for SD 1.5, DDIM with v-prediction
    /// for SD 2.1, Euler for SDXL.
    public var schedulerConfig: SchedulerConfig {
        let common = #""beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "#
            + #""num_train_timesteps": 1000, "set_alpha_to_one": false, "steps_offset": 1"#
        let own = switch self {
        case .sd1: #""_class_name": "PNDMScheduler", "skip_prk_steps": true"#
        case .sd2: #""_class_name": "DDIMScheduler", "prediction_type": "v_prediction", "clip_sample": false"#
        case .sdxl: #""_class_name": "EulerDiscreteScheduler", "interpolation_type": "linear", "timestep_spacing": "leading""#
        }
        // Fixed, well-formed JSON whose values all have the types their readers expect.
        do { return try SchedulerConfig(json: "{\(common), \(own)}", name: "published \(rawValue) scheduler_config.json") } catch {
            preconditionFailure(error.description)
        }
    }
}
