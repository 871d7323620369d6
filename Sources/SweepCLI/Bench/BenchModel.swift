import StableDiffusion
import Tensors

/// What a pipeline benchmark runs: a published architecture with random weights, or a model folder,
/// with the token ids of a prompt and an empty negative prompt.
struct BenchModel {
    /// `--decoder`: the model's VAE, a full-size TAESD with random weights, or a TAESD folder.
    enum Decoder: Equatable {
        case vae, randomTiny
        case folder(String)

        init(argument: String) {
            self = switch argument {
            case "vae": .vae
            case "taesd": .randomTiny
            default: .folder(argument)
            }
        }

        /// The decode item's name in the table (bench/torch_bench.py names it the same).
        var itemName: String { self == .vae ? "VAE decode" : "TAESD decode" }
    }

    let description: String
    let text: BenchTextEncoders
    let diffusion: LatentDiffusion
    /// Bytes of parameters held in memory (4 per float32 value, 2 per F16/BF16); nil for a folder, whose files are mapped.
    let weightBytes: Int?

    static let prompt = "a photograph of an astronaut riding a horse"

    /// The architecture with random weights; `guidanceEmbedding` gives its UNet the
    /// `time_cond_proj_dim` 256 of LCM-distilled SD 1.5 (guidance as an input, no guided batch).
    static func random(_ architecture: PublishedArchitecture, weights: BenchWeights, decoder: Decoder, guidanceEmbedding: Bool,
                       compute: ComputeContext) throws -> BenchModel {
        let source = weights.source(seed: 42)
        let p = Parameters(source)
        let text = try BenchTextEncoders(random: architecture, parameters: p)
        var unet = architecture.unet
        if guidanceEmbedding { unet.timeCondProjDim = 256 }
        let diffusion = LatentDiffusion(unet: try UNet2DConditionModel(config: unet, parameters: p),
                                        decoder: try decoder.load(random: p) { try AutoencoderKL(config: architecture.vae, parameters: p) },
                                        schedulerConfig: architecture.schedulerConfig, compute: compute)
        return BenchModel(description: "\(architecture.name), random \(weights.rawValue) weights", text: text, diffusion: diffusion,
                          weightBytes: source.byteCount)
    }

    static func folder(_ directory: String, decoder: Decoder, compute: ComputeContext) throws -> BenchModel {
        let model = try ModelSource(model: directory).loadModel()
        let pipeline = try TextToImagePipeline(model: model, decoder: try decoder.load(random: Parameters(RandomWeights(seed: 42))) { model.vae },
                                               compute: compute)
        return BenchModel(description: directory, text: BenchTextEncoders(pipeline), diffusion: pipeline.diffusion, weightBytes: nil)
    }

    /// The prompt's and the negative side's conditioning, as the pipeline encodes them
    /// (`LatentDiffusion.encodingText`: float32 whatever the benchmark's precision, in its pool).
    func encodePrompts() throws -> (prompt: Conditioning, negative: Conditioning) {
        try diffusion.encodingText { () throws in try text.encodePrompts() }
    }

    func encodePrompts(guided: Bool) throws -> (prompt: Conditioning, negative: Conditioning?) {
        try diffusion.encodingText { () throws in try text.encodePrompts(guided: guided) }
    }

    /// The UNet's added conditions (SDXL) for a batch of `rows`, at the image size `size`; nil for other UNets.
    func textTime(_ rows: [Conditioning], size: Int) throws -> TextTimeConditioning? {
        guard diffusion.unet.config.textTime != nil else { return nil }
        let ids = MicroConditioning().timeIDs(width: size, height: size)
        return try TextTimeConditioning(rows: rows, timeIDs: Array(repeating: ids, count: rows.count))
    }
}

extension BenchModel.Decoder {
    /// The decoder: `vae()`, TAESD's default (full-size) architecture with weights from `random`, or a folder's.
    func load(random: Parameters, vae: () throws -> any ImageDecoder) throws -> any ImageDecoder {
        switch self {
        case .vae: try vae()
        case .randomTiny: try AutoencoderTiny(config: AutoencoderTinyConfig(), parameters: random)
        case let .folder(directory): try AutoencoderTiny(directory: directory)
        }
    }
}
