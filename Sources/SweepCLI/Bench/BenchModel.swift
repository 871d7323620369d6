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
    let textEncoder: CLIPTextModel
    let diffusion: LatentDiffusion
    let promptIDs: [Int]
    let negativeIDs: [Int]
    /// Bytes of float32 parameters held in memory; nil for a folder, whose F32 files are mapped.
    let weightBytes: Int?

    static let prompt = "a photograph of an astronaut riding a horse"

    /// The architecture with random weights; `guidanceEmbedding` gives its UNet the
    /// `time_cond_proj_dim` 256 of LCM-distilled SD 1.5 (guidance as an input, no guided batch).
    static func random(_ architecture: PublishedArchitecture, decoder: Decoder, guidanceEmbedding: Bool,
                       compute: ComputeContext) throws -> BenchModel {
        let source = CountingSource(RandomWeights(seed: 42))
        let p = Parameters(source)
        let textEncoder = try CLIPTextModel(config: architecture.textEncoder, parameters: p)
        var unet = architecture.unet
        if guidanceEmbedding { unet.timeCondProjDim = 256 }
        let diffusion = LatentDiffusion(unet: try UNet2DConditionModel(config: unet, parameters: p),
                                        decoder: try decoder.load(random: p) { try AutoencoderKL(config: architecture.vae, parameters: p) },
                                        schedulerConfig: architecture.schedulerConfig, compute: compute)
        // CLIP's start and end tokens around ten words, then end-token padding (the ids do not
        // change the arithmetic).
        let (start, end) = (49406, 49407)
        return BenchModel(description: "\(architecture.name), random weights", textEncoder: textEncoder, diffusion: diffusion,
                          promptIDs: [start] + Array(repeating: 320, count: 10) + Array(repeating: end, count: 66),
                          negativeIDs: [start] + Array(repeating: end, count: 76),
                          weightBytes: source.parameterCount * 4)
    }

    static func folder(_ directory: String, decoder: Decoder, compute: ComputeContext) throws -> BenchModel {
        let model = try StableDiffusionModel(directory: directory)
        let pipeline = try TextToImagePipeline(model: model, decoder: try decoder.load(random: Parameters(RandomWeights(seed: 42))) { model.vae },
                                               compute: compute)
        return BenchModel(description: directory, textEncoder: model.textEncoder, diffusion: pipeline.diffusion,
                          promptIDs: model.tokenizer.encode(prompt), negativeIDs: model.tokenizer.encode(""),
                          weightBytes: nil)
    }

    /// Last hidden states of the prompt and the negative prompt, each encoded on its own as diffusers does.
    /// In float32 whatever the benchmark's precision, as the pipeline encodes them.
    func encodePrompts() throws -> (prompt: Tensor, negative: Tensor) {
        try diffusion.compute.with(precision: .float32).run { () throws in
            (try textEncoder([promptIDs]).lastHiddenState, try textEncoder([negativeIDs]).lastHiddenState)
        }
    }

    /// What a whole image encodes: the negative prompt only when classifier-free guided, as
    /// diffusers' `encode_prompt` does.
    func encodePrompts(guided: Bool) throws -> (prompt: Tensor, negative: Tensor?) {
        guided ? try encodePrompts() : (try encodePrompts().prompt, nil)
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
