import StableDiffusion
import Tensors

/// What a pipeline benchmark runs: a published architecture with random weights, or a model folder,
/// with the token ids of a prompt and an empty negative prompt.
struct BenchModel {
    let description: String
    let textEncoder: CLIPTextModel
    let diffusion: LatentDiffusion
    let promptIDs: [Int]
    let negativeIDs: [Int]
    /// Bytes of float32 parameters held in memory; nil for a folder, whose F32 files are mapped.
    let weightBytes: Int?

    static let prompt = "a photograph of an astronaut riding a horse"

    static func random(_ architecture: PublishedArchitecture) throws -> BenchModel {
        let source = CountingSource(RandomWeights(seed: 42))
        let p = Parameters(source)
        let textEncoder = try CLIPTextModel(config: architecture.textEncoder, parameters: p)
        let diffusion = LatentDiffusion(unet: try UNet2DConditionModel(config: architecture.unet, parameters: p),
                                        vae: try AutoencoderKL(config: architecture.vae, parameters: p),
                                        schedulerConfig: architecture.schedulerConfig)
        // CLIP's start and end tokens around ten words, then end-token padding (the ids do not
        // change the arithmetic).
        let (start, end) = (49406, 49407)
        return BenchModel(description: "\(architecture.name), random weights", textEncoder: textEncoder, diffusion: diffusion,
                          promptIDs: [start] + Array(repeating: 320, count: 10) + Array(repeating: end, count: 66),
                          negativeIDs: [start] + Array(repeating: end, count: 76),
                          weightBytes: source.parameterCount * 4)
    }

    static func folder(_ directory: String) throws -> BenchModel {
        let model = try StableDiffusionModel(directory: directory)
        let pipeline = try TextToImagePipeline(model: model)
        return BenchModel(description: directory, textEncoder: model.textEncoder, diffusion: pipeline.diffusion,
                          promptIDs: model.tokenizer.encode(prompt), negativeIDs: model.tokenizer.encode(""),
                          weightBytes: nil)
    }

    /// Last hidden states of the prompt and the negative prompt, each encoded on its own as diffusers does.
    func encodePrompts() throws -> (prompt: Tensor, negative: Tensor) {
        (try textEncoder([promptIDs]).lastHiddenState, try textEncoder([negativeIDs]).lastHiddenState)
    }
}
