import Foundation
import StableDiffusion
import Tensors
import Testing

/// Settings of one image diffusers rendered (Tests/Fixtures/pipeline/make_pipeline_fixtures.py,
/// the few-step models of Tests/Fixtures/fewstep/make_fewstep_fixtures.py, and image-to-image in
/// Tests/Fixtures/img2img/make_img2img_fixtures.py).
struct PipelineCase: Decodable, CustomStringConvertible, Sendable {
    let name, model, prompt: String
    let negative_prompt: String?
    let seed: UInt64
    let steps: Int
    let guidance: Float
    let scheduler: String?
    let eta: Float
    let width, height: Int?
    /// An AutoencoderTiny folder beside the cases (`--decoder`); nil: the model's VAE.
    let decoder: String?
    /// Tests/Fixtures/prompts/make_prompt_fixtures.py's settings; nil: the request's defaults
    /// (a1111 syntax, which reads these prompts as diffusers does).
    let prompt_syntax: String?
    let clip_skip: Int?
    let guidance_rescale: Float?
    let interpolate_to: String?
    let interpolate_fraction: Double?
    let interpolate_method: String?
    /// Image-to-image: the init image's file (its pixels are in `resize.safetensors` beside the cases) and strength.
    let init_image: String?
    let strength: Double?
    /// The fixture folder holding `cases.json` and `images.safetensors`.
    private(set) var directory = Self.fixtures.appendingPathComponent("pipeline")

    private enum CodingKeys: String, CodingKey {
        case name, model, prompt, negative_prompt, seed, steps, guidance, scheduler, eta, width, height, decoder
        case prompt_syntax, clip_skip, guidance_rescale, interpolate_to, interpolate_fraction, interpolate_method
        case init_image, strength
    }

    var description: String { name }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized

    static let all: [PipelineCase] = ["pipeline", "fewstep", "prompts", "img2img"].flatMap { folder in
        let directory = fixtures.appendingPathComponent(folder)
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")),
              let cases = try? JSONDecoder().decode([PipelineCase].self, from: data) else { return [PipelineCase]() }
        return cases.map { var c = $0; c.directory = directory; return c }
    }

    /// The case's model folder: one beside its cases, or a shared tiny model.
    var modelDirectory: String {
        let own = directory.appendingPathComponent(model).path
        return FileManager.default.fileExists(atPath: own) ? own : ModelFixtures.model(model)
    }

    /// The pipeline diffusers rendered the case with (its `vae=AutoencoderTiny` when it names a decoder).
    func pipeline() throws -> TextToImagePipeline {
        let tiny = try decoder.map { try AutoencoderTiny(directory: directory.appendingPathComponent($0).path) }
        return try TextToImagePipeline(model: StableDiffusionModel(directory: modelDirectory), decoder: tiny)
    }

    var request: GenerationRequest {
        get throws {
            var request = GenerationRequest(prompt: prompt, negativePrompt: negative_prompt ?? "", seed: seed, steps: steps, guidance: guidance,
                                            scheduler: scheduler.flatMap(SchedulerKind.init(rawValue:)), eta: eta, width: width, height: height,
                                            initImage: try init_image.map { try Self.pixels($0, in: directory) }, strength: strength ?? 0.8)
            request.promptSyntax = prompt_syntax.flatMap(PromptSyntax.init(rawValue:)) ?? .a1111
            request.clipSkip = clip_skip ?? 1
            request.guidanceRescale = guidance_rescale ?? 0
            if let interpolate_to, let interpolate_fraction, let method = interpolate_method.flatMap(PromptInterpolation.Method.init(rawValue:)) {
                request.interpolation = PromptInterpolation(target: interpolate_to, fraction: interpolate_fraction, method: method)
            }
            return request
        }
    }

    /// An 8-bit RGB image stored as float32 `[height, width, 3]` under `name` in `resize.safetensors`.
    static func pixels(_ name: String, in directory: URL) throws -> RGBImage {
        let tensor = try SafeTensorsFile(path: directory.appendingPathComponent("resize.safetensors").path).tensor(name)
        return RGBImage(width: tensor.shape[1], height: tensor.shape[0], pixels: tensor.scalars.map { UInt8($0) })
    }

    /// diffusers' 8-bit RGB pixels for this case.
    func expectedPixels() throws -> [UInt8] {
        let file = try SafeTensorsFile(path: directory.appendingPathComponent("images.safetensors").path)
        return try file.tensor(name).scalars.map { UInt8($0) }
    }
}

/// Same settings, same seed: every pixel within 1 level of diffusers' image, for every scheduler,
/// guided and not, negative prompts, non-square and uneven sizes, DDIM eta, long prompts, big seeds,
/// the SD 2.x-like v-prediction model, and the few-step kinds: SD-Turbo-like (trailing Euler,
/// guidance 0), LCM (a UNet with a guidance embedding) and TAESD decoding.
@Suite struct PipelineParityTests {
    @Test func everySchedulerHasACase() {
        let covered = Set(PipelineCase.all.compactMap(\.scheduler))
        #expect(covered == Set(SchedulerKind.allCases.map(\.rawValue)))
    }

    @Test(arguments: PipelineCase.all)
    func imageMatchesDiffusers(_ testCase: PipelineCase) throws {
        let image = try testCase.pipeline().generate(try testCase.request)
        let expected = try testCase.expectedPixels()
        #expect(image.pixels.count == expected.count, "\(testCase): \(image.width)×\(image.height)")
        let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "\(testCase): a pixel is \(worst) levels off")
    }

    @Test func invalidRequestsAreRejectedBeforeRendering() throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        #expect(throws: PipelineError.badDimension(name: "width", value: 500)) {
            try pipeline.validate(GenerationRequest(prompt: "x", width: 500, height: 512))
        }
        #expect(throws: PipelineError.badSteps(0)) { try pipeline.validate(GenerationRequest(prompt: "x", steps: 0)) }
        #expect(throws: PipelineError.badEta(2)) { try pipeline.validate(GenerationRequest(prompt: "x", eta: 2)) }
    }
}
