import Foundation
import StableDiffusion
import Tensors
import Testing

/// One image diffusers' `StableDiffusionXLPipeline` rendered from Tests/Fixtures/sdxl/sdxl-tiny
/// (or, for "single-file", from sdxl.safetensors with `from_single_file(..., config=sdxl-tiny)`).
struct SDXLCase: Decodable, CustomStringConvertible, Sendable {
    let name, prompt: String
    let negative_prompt, prompt_2, negative_prompt_2, scheduler: String?
    let seed: UInt64
    let steps: Int
    let guidance: Float
    let width, height: Int?
    let original_size, crops_coords_top_left, target_size: [Int]?

    var description: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/sdxl").standardized
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    static let folder = path("sdxl-tiny")

    static let all: [SDXLCase] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")) else { return [] }
        return (try? JSONDecoder().decode([SDXLCase].self, from: data)) ?? []
    }()

    static func named(_ name: String) throws -> SDXLCase { try #require(all.first { $0.name == name }) }

    /// diffusers' tuples are (height, width) and (top, left).
    var request: GenerationRequest {
        let size = { (pair: [Int]?) in pair.map { MicroConditioning.Size(width: $0[1], height: $0[0]) } }
        return GenerationRequest(prompt: prompt, negativePrompt: negative_prompt, seed: seed, steps: steps, guidance: guidance,
                                 scheduler: scheduler.flatMap(SchedulerKind.init(rawValue:)), width: width, height: height, prompt2: prompt_2,
                                 negativePrompt2: negative_prompt_2,
                                 microConditioning: MicroConditioning(originalSize: size(original_size),
                                                                      cropTopLeft: crops_coords_top_left.map { .init(top: $0[0], left: $0[1]) },
                                                                      targetSize: size(target_size)))
    }

    func expectedPixels() throws -> [UInt8] {
        try SafeTensorsFile(path: Self.path("images.safetensors")).tensor(name).scalars.map { UInt8($0) }
    }

    /// The largest difference in 0...255 levels between our image and diffusers'.
    func worstPixel(_ source: ModelSource) throws -> Int {
        let image = try TextToImagePipeline(model: source.loadModel()).generate(request)
        let expected = try expectedPixels()
        #expect(image.pixels.count == expected.count)
        return zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255
    }
}

@Suite struct SDXLTests {
    static func fileSource() throws -> ModelSource { try ModelSource(model: SDXLCase.path("sdxl.safetensors"), config: SDXLCase.folder) }

    @Test func theFixtureCoversEveryCase() {
        #expect(Set(SDXLCase.all.map(\.name)) == ["default", "negative", "empty-negative", "prompt-2", "negative-2", "non-square",
                                                  "micro-conditioning", "euler-a", "dpm++2m-karras", "unguided", "single-file"])
    }

    @Test(arguments: SDXLCase.all.filter { $0.name != "single-file" })
    func folderImageMatchesDiffusers(_ testCase: SDXLCase) throws {
        #expect(try testCase.worstPixel(ModelSource(model: SDXLCase.folder)) <= 1, "\(testCase)")
    }

    /// diffusers' `from_single_file(sdxl.safetensors, config=sdxl-tiny)` rendered the folder's image;
    /// so must we, and the two loads must agree with each other exactly.
    @Test func singleFileGivesTheFolderImage() throws {
        let testCase = try SDXLCase.named("single-file")
        #expect(try testCase.worstPixel(Self.fileSource()) <= 1)
        let fromFile = try TextToImagePipeline(model: Self.fileSource().loadModel()).generate(testCase.request)
        let fromFolder = try TextToImagePipeline(model: ModelSource(model: SDXLCase.folder).loadModel()).generate(testCase.request)
        #expect(fromFile.pixels == fromFolder.pixels)
    }

    @Test func familyIsDetectedFromTheFolderAndTheFile() throws {
        #expect(try ModelSource(model: SDXLCase.folder).family() == .sdxl)
        #expect(try Self.fileSource().family() == .sdxl)
        let checkpoint = try SingleFileCheckpoint(path: SDXLCase.path("sdxl.safetensors"))
        #expect(checkpoint.textEncoderLayout == .sdxl)
        #expect(try ModelSource(model: ModelFixtures.model("sd1-tiny")).family() == .sd)
        // An SDXL file with an SD 1.x config folder is refused, not half loaded.
        #expect(throws: ModelError.self) {
            try ModelSource(model: SDXLCase.path("sdxl.safetensors"), config: ModelFixtures.model("sd1-tiny")).family()
        }
    }

    @Test func modelReadsBothEncodersAndTheTextTimeUNet() throws {
        let model = try #require(try ModelSource(model: SDXLCase.folder).loadModel() as? StableDiffusionXLModel)
        #expect(model.textEncoder.config.hiddenSize == 8 && model.textEncoder2.config.hiddenSize == 12)
        #expect(model.textEncoder2.config.eosTokenId == 2 && model.textEncoder2.config.projectionDim == 10)
        #expect(model.unet.config.textTime == TextTimeEmbeddingConfig(timeEmbedDim: 8, inputDim: 58))
        #expect(model.unet.config.transformerLayersPerBlock == [1, 1, 2])
        #expect(model.tokenizer.padID != model.tokenizer2.padID)
        #expect(model.forceZerosForEmptyPrompt)
        let conditioning = try model.encode(PromptTexts("a cat"), syntax: .plain, clipSkip: 1)
        #expect(conditioning.context.shape == [1, 77, 20])
        #expect(conditioning.pooled?.shape == [1, 10])
    }

    /// diffusers: `negative_prompt=None` gives zeros, `""` is encoded; `prompt_2 or prompt`.
    @Test func negativeTextsFollowDiffusers() throws {
        let model = try ModelSource(model: SDXLCase.folder).loadModel()
        #expect(model.negativeTexts(GenerationRequest(prompt: "x")) == nil)
        #expect(model.negativeTexts(GenerationRequest(prompt: "x", negativePrompt: "")) == PromptTexts(""))
        #expect(model.negativeTexts(GenerationRequest(prompt: "x", negativePrompt: "a", negativePrompt2: "b")) == PromptTexts("a", "b"))
        #expect(model.promptTexts(GenerationRequest(prompt: "x", prompt2: "")) == PromptTexts("x", "x"))
        let sd = try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"))
        #expect(sd.negativeTexts(GenerationRequest(prompt: "x")) == PromptTexts(""))
    }

    @Test func sdxlSettingsAreRefusedForSDModels() throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        #expect(throws: PipelineError.unsupportedSetting("prompt_2", family: .sd)) {
            try pipeline.validate(GenerationRequest(prompt: "x", prompt2: "y"))
        }
        let micro = MicroConditioning(cropTopLeft: .init(top: 4, left: 0))
        #expect(throws: PipelineError.unsupportedSetting("crops_coords_top_left", family: .sd)) {
            try pipeline.generate(GenerationRequest(prompt: "x", steps: 1, microConditioning: micro))
        }
        #expect(throws: PipelineError.badMicroConditioning(name: "original_size", value: 0)) {
            try GenerationRequest(prompt: "x", microConditioning: .init(originalSize: .init(width: 0, height: 8))).validate()
        }
    }

    @Test func microConditioningDefaultsToTheImageSize() {
        #expect(MicroConditioning().timeIDs(width: 48, height: 32) == [32, 48, 0, 0, 32, 48])
        let set = MicroConditioning(originalSize: .init(width: 48, height: 64), cropTopLeft: .init(top: 8, left: 4),
                                    targetSize: .init(width: 24, height: 40))
        #expect(set.timeIDs(width: 16, height: 16) == [64, 48, 8, 4, 40, 24])
        #expect(MicroConditioning.Crop("16, 32") == .init(top: 16, left: 32))
        #expect(MicroConditioning.Crop("16") == nil && MicroConditioning.Crop("a,b") == nil)
    }

    /// A1111 syntax, clip skip and interpolation are SD-only: refused, not ignored; a plain prompt
    /// under the default a1111 syntax reads as diffusers reads it.
    @Test func promptFeaturesOfOneEncoderAreRefused() throws {
        let pipeline = try TextToImagePipeline(model: ModelSource(model: SDXLCase.folder).loadModel())
        var request = GenerationRequest(prompt: "a (cat:1.2)")
        #expect(throws: PipelineError.unsupportedSetting("A1111 prompt syntax (weights, BREAK)", family: .sdxl)) { try pipeline.validate(request) }
        request.promptSyntax = .plain
        try pipeline.validate(request)
        request.clipSkip = 2
        #expect(throws: PipelineError.unsupportedSetting("clip_skip 2", family: .sdxl)) { try pipeline.validate(request) }
        try pipeline.validate(GenerationRequest(prompt: "a cat, photo"))
    }

    @Test func loRAsOnSDXLAreRefused() throws {
        #expect(throws: ModelError.self) {
            try ModelSource(model: SDXLCase.folder).loadModel(loras: [LoRA(path: "/nonexistent.safetensors")])
        }
    }

    @Test func batchedSDXLImagesAreTheBytesTheyHaveAlone() throws {
        let pipeline = try TextToImagePipeline(model: ModelSource(model: SDXLCase.folder).loadModel())
        let requests = [GenerationRequest(prompt: "a lighthouse", seed: 1, steps: 2, guidance: 5),
                        GenerationRequest(prompt: "a fox", negativePrompt: "blurry", seed: 2, steps: 2, guidance: 7,
                                          microConditioning: .init(cropTopLeft: .init(top: 8, left: 0)))]
        let both = try requests.map { request in
            try pipeline.conditioning(for: request) { texts throws(PipelineError) in try pipeline.encode(texts) }
        }
        let (prompts, negatives) = (both.map(\.prompt), both.map(\.negative))
        #expect(negatives[0]?.context.scalars.allSatisfy { $0 == 0 } == true && negatives[1]?.context.scalars.contains { $0 != 0 } == true)
        let batched = try pipeline.diffusion.render(requests, prompts: prompts, negativePrompts: negatives)
        for (index, request) in requests.enumerated() {
            #expect(batched[index].pixels == (try pipeline.generate(request)).pixels)
        }
    }
}

extension SDXLTests {
    /// `sweep inspect`: both encoders and tokenizers, the text_time UNet, the same parameter counts from the folder and the file.
    @Test func inspectionDescribesBothLayoutsAlike() throws {
        let folder = ModelInspection(path: SDXLCase.folder)
        let file = ModelInspection(path: SDXLCase.path("sdxl.safetensors"), config: SDXLCase.folder)
        for inspection in [folder, file] {
            #expect(inspection.renderable, "\(inspection.problems)")
            #expect(inspection.family == "SDXL" && inspection.nativeSize == 32)
            #expect(inspection.components.first { $0.name == "unet" }?.note?.contains("text_time") == true)
            #expect(inspection.components.contains { $0.name == "tokenizer_2" })
        }
        for component in ["text_encoder", "text_encoder_2", "unet", "vae"] {
            let count = { (inspection: ModelInspection) in inspection.components.first { $0.name == component }?.parameters }
            #expect(count(folder) != nil && count(folder) == count(file), "\(component)")
        }
        // CLIPTextModelWithProjection(width 12, 3 layers, 17 inner, projection 10): as torch counts it.
        #expect(folder.components.first { $0.name == "text_encoder_2" }?.parameters == 49408 * 12 + 77 * 12 + 3 * (4 * (12 * 12 + 12)
            + 2 * 2 * 12 + 12 * 17 + 17 + 17 * 12 + 12) + 2 * 12 + 12 * 10)
    }
}
