import StableDiffusion
import Tensors

/// The text side of a benchmark: a published architecture's encoders with random weights (CLIP,
/// plus SDXL's `CLIPTextModelWithProjection`), or a model folder's, with the token ids of the
/// prompt and of the empty negative prompt.
struct BenchTextEncoders {
    let encode: (_ negative: Bool) throws -> Conditioning
    /// Whether the negative side is zero embeddings rather than an encoding (SDXL without a negative prompt).
    let zeroNegative: Bool

    /// CLIP's start and end tokens around ten words, then end-token padding (the ids do not change the arithmetic).
    static let promptIDs = [49406] + Array(repeating: 320, count: 10) + Array(repeating: 49407, count: 66)
    static let negativeIDs = [49406] + Array(repeating: 49407, count: 76)

    init(random architecture: PublishedArchitecture, parameters p: Parameters) throws {
        let first = try CLIPTextModel(config: architecture.textEncoder, parameters: p)
        if architecture == .sdxl {
            let second = try CLIPTextModelWithProjection(config: PublishedArchitecture.sdxlTextEncoder2, parameters: p["text_encoder_2"])
            encode = { negative in
                let ids = negative ? Self.negativeIDs : Self.promptIDs
                return try StableDiffusionXLModel.conditioning(first, ids, second, ids)
            }
        } else {
            encode = { negative in Conditioning(context: try first([negative ? Self.negativeIDs : Self.promptIDs]).lastHiddenState) }
        }
        zeroNegative = architecture == .sdxl
    }

    init(_ pipeline: TextToImagePipeline) {
        let request = GenerationRequest(prompt: BenchModel.prompt)
        encode = { negative in try pipeline.encode(negative ? PromptTexts("") : pipeline.promptTexts(request)) }
        zeroNegative = pipeline.negativeTexts(request) == nil
    }

    /// The prompt's conditioning and the negative one (encoded, or zeros), as diffusers' `encode_prompt` makes them.
    func encodePrompts() throws -> (prompt: Conditioning, negative: Conditioning) {
        let prompt = try encode(false)
        return (prompt, zeroNegative ? prompt.zeros : try encode(true))
    }

    /// What a whole image encodes: the negative side only when classifier-free guided.
    func encodePrompts(guided: Bool) throws -> (prompt: Conditioning, negative: Conditioning?) {
        guided ? try encodePrompts() : (try encode(false), nil)
    }
}
