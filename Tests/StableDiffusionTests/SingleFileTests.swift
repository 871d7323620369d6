import Foundation
import StableDiffusion
import Tensors
import Testing

/// One image diffusers rendered from an LDM-layout checkpoint with `from_single_file(path, config=…)`
/// (Tests/Fixtures/singlefile/make_singlefile_fixtures.py).
struct SingleFileCase: Decodable, CustomStringConvertible, Sendable {
    let name, model, config, prompt: String
    let vae, negative_prompt, scheduler: String?
    let seed: UInt64
    let steps: Int
    let guidance: Float

    var description: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/singlefile").standardized
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static let all: [SingleFileCase] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")) else { return [] }
        return (try? JSONDecoder().decode([SingleFileCase].self, from: data)) ?? []
    }()

    var request: GenerationRequest {
        GenerationRequest(prompt: prompt, negativePrompt: negative_prompt ?? "", seed: seed, steps: steps, guidance: guidance,
                          scheduler: scheduler.flatMap(SchedulerKind.init(rawValue:)))
    }

    func expectedPixels() throws -> [UInt8] {
        try SafeTensorsFile(path: Self.path("images.safetensors")).tensor(name).scalars.map { UInt8($0) }
    }
}

@Suite struct SingleFileTests {
    static func source(_ model: String, config: String? = nil, vae: String? = nil) throws -> ModelSource {
        try ModelSource(model: SingleFileCase.path(model), config: config.map(SingleFileCase.path), vae: vae.map(SingleFileCase.path))
    }

    static func worstPixel(_ source: ModelSource, _ testCase: SingleFileCase) throws -> Int {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(source: source))
        let image = try pipeline.generate(testCase.request)
        let expected = try testCase.expectedPixels()
        #expect(image.pixels.count == expected.count)
        return zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255
    }

    /// sd1: UNet F16 + F32, VAE BF16, CLIP F16, with EMA copies, betas and int64 position_ids to skip;
    /// sd2: OpenCLIP with a fused in_proj and an extra last resblock; vae-swap: a replacement VAE.
    @Test(arguments: SingleFileCase.all)
    func imageMatchesDiffusersFromSingleFile(_ testCase: SingleFileCase) throws {
        let source = try Self.source(testCase.model + ".safetensors", config: testCase.config, vae: testCase.vae)
        #expect(try Self.worstPixel(source, testCase) <= 1, "\(testCase)")
    }

    @Test func aLoneLDMVAEFileGivesTheFolderImage() throws {
        let testCase = try #require(SingleFileCase.all.first { $0.vae != nil })
        let source = try Self.source("sd1.safetensors", config: "sd1-config", vae: "vae-swap.safetensors")
        #expect(source.vae?.name == "vae-swap.safetensors")
        #expect(try Self.worstPixel(source, testCase) <= 1)
    }

    @Test func float32TensorsStayMapped() throws {
        let source = try Self.source("sd1.safetensors", config: "sd1-config")
        let weights = try source.unetWeights(source.unetConfig())
        let first = try weights.tensor("conv_in.weight", shape: [8, 4, 3, 3])
        let again = try weights.tensor("conv_in.weight", shape: [8, 4, 3, 3])
        #expect(first.withUnsafeBufferPointer { $0.baseAddress } == again.withUnsafeBufferPointer { $0.baseAddress })
    }

    @Test func tokenizerAndSchedulerComeFromTheConfigFolder() throws {
        let sd2 = try Self.source("sd2.safetensors", config: "sd2-config")
        #expect(try sd2.tokenizer().padID == 0)
        #expect(try sd2.schedulerConfig().ownKind() == .ddim)
        #expect(try ModelDescription(source: sd2) == ModelDescription(source: Self.source("sd2.safetensors", config: "sd2-config")))
        #expect(try ModelDescription(source: Self.source("sd1.safetensors", config: "sd1-config")).nativeImageSize == 16)
    }

    @Test func shippedVocabularyTokenizesLikeTheTinyModelsTokenizers() throws {
        let data = try Data(contentsOf: CLIPTokenizerTests.models.appendingPathComponent("tokens.json"))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let prompts = try #require(fixture["prompts"] as? [String])
        for (pad, model) in [("<|endoftext|>", "sd1-tiny"), ("!", "sd2-tiny")] {
            let tokenizer = try ShippedCLIPVocabulary.tokenizer(pad: pad)
            let expected = try #require(fixture[model] as? [[Int]])
            let differing = zip(prompts, expected).filter { tokenizer.encode($0) != $1 }.map(\.0)
            #expect(differing.isEmpty, "\(model): \(differing.count) prompts differ, first \(differing.first ?? "")")
        }
    }

    // MARK: - Files that must be refused, each with a one-line error naming the file.

    @Test(arguments: ["model.ckpt", "model.pt", "weights.bin", "x.pth"])
    func picklesAreRefusedUnopened(name: String) throws {
        // Named like a pickle but holding garbage: refused by name, never parsed.
        let path = try writeTemporary("not really a pickle", named: name)
        let error = try #require(throws: ModelError.self) { try ModelSource(model: path) }
        #expect(error.description.hasPrefix("\(path): a PyTorch pickle, which can run arbitrary code"), "\(error)")
        #expect(error.description.contains("safetensors") && !error.description.contains("\n"))
        #expect(throws: ModelError.self) { try ModelSource(model: SingleFileCase.path("sd1.safetensors"), vae: path) }
        #expect(throws: ModelError.self) { try ModelSource(model: SingleFileCase.path("bad/model.ckpt")) }
    }

    @Test func folderWithOnlyBinWeightsGetsThePickleMessage() throws {
        let folder = try temporaryFolder()
        for part in ["model_index.json", "scheduler", "text_encoder", "tokenizer", "vae"] {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(part),
                                                       withDestinationURL: URL(fileURLWithPath: ModelFixtures.model("sd1-tiny") + "/" + part))
        }
        let unet = folder.appendingPathComponent("unet")
        try FileManager.default.createDirectory(at: unet, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixtures.model("sd1-tiny") + "/unet/config.json", toPath: unet.path + "/config.json")
        try Data("pickle".utf8).write(to: unet.appendingPathComponent("diffusion_pytorch_model.bin"))
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel(directory: folder.path) }
        #expect(error.description.hasPrefix(unet.path + "/diffusion_pytorch_model.bin: a PyTorch pickle"), "\(error)")
        #expect(error.description.contains("save_pretrained"))
    }

    @Test func truncatedFileNamesTheFileAndTheTensor() throws {
        let path = SingleFileCase.path("bad/truncated.safetensors")
        let error = try #require(throws: ModelError.self) { try ModelSource(model: path) }
        #expect(error.description.hasPrefix(path + ": tensor '") && error.description.contains("(file truncated?)"), "\(error)")
    }

    @Test func unknownKeysListWhatWasFound() throws {
        let path = SingleFileCase.path("bad/unknown.safetensors")
        let error = try #require(throws: ModelError.self) { try ModelSource(model: path) }
        #expect(error.description == "\(path): not a Stable Diffusion 1.x/2.x or SDXL checkpoint: found lm_head.weight (1), "
            + "model.embed_tokens.* (1), model.layers.* (1); expected model.diffusion_model.*, first_stage_model.* and "
            + "cond_stage_model.transformer.* (SD 1.x), cond_stage_model.model.* (SD 2.x) or conditioner.embedders.0/1.* (SDXL)")
    }

    @Test func tinyFileWithoutConfigIsNoPublishedArchitecture() throws {
        let error = try #require(throws: ModelError.self) { try ModelSource(model: SingleFileCase.path("sd1.safetensors")) }
        #expect(error.description.contains("cross-attention width 8") && error.description.contains("--config"), "\(error)")
    }

    @Test func configThatDisagreesNamesTheFirstTensor() throws {
        let source = try Self.source("sd1.safetensors", config: "bad/sd1-config-wrong")
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel(source: source) }
        #expect(error.description == "\(SingleFileCase.path("sd1.safetensors")): tensor 'model.diffusion_model.time_embed.0.weight' "
            + "has shape [32, 8] but the model config expects [64, 16]", "\(error)")
    }

    @Test func fusedProjectionSlicesAreViewsOfTheMappedFile() throws {
        let header = SafeTensorsBuilder.header(#"{"qkv":{"dtype":"F32","shape":[6,2],"data_offsets":[0,48]}}"#, dataStartingAt: 0)
        let path = try SafeTensorsBuilder(header, data: floatBytes((0..<12).map(Float.init))).write()
        let file = try SafeTensorsFile(path: path)
        let parts = try (0..<3).map { try file.tensor("qkv", part: $0, of: 3) }
        #expect(parts.map(\.scalars) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] && parts[0].shape == [2, 2])
        let base = try file.tensor("qkv").withUnsafeBufferPointer { $0.baseAddress! }
        #expect(parts[2].withUnsafeBufferPointer { $0.baseAddress! } == base + 8)
        #expect(throws: WeightsError.self) { try file.tensor("qkv", part: 0, of: 4) }
    }
}

/// Telling SD 1.x from 2.x in a lone file, as diffusers' `infer_diffusers_model_type` does, on
/// files holding only the tensors detection reads (zeros; no weights are loaded).
@Suite struct ArchitectureDetectionTests {
    static let crossAttentionKey = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
    static let projectionKey = "model.diffusion_model.input_blocks.1.1.proj_in.weight"

    /// A file of F16 zeros with these names and shapes.
    static func file(_ tensors: [(String, [Int])]) throws -> String {
        var offset = 0
        let entries = tensors.map { name, shape in
            let bytes = shape.reduce(2, *)
            defer { offset += bytes }
            return "\"\(name)\":{\"dtype\":\"F16\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]}"
        }
        return try SafeTensorsBuilder("{" + entries.joined(separator: ",") + "}", data: Array(repeating: 0, count: offset))
            .write(named: "model.safetensors")
    }

    static func checkpoint(context: Int, textPrefix: String, projection: [Int]) throws -> String {
        try file([(crossAttentionKey, [320, context]), (projectionKey, projection), ("first_stage_model.decoder.conv_in.bias", [512]),
                  (textPrefix + "x", [1])])
    }

    @Test func sd1FileGetsSD15ConfigsAndTheShippedTokenizer() throws {
        let source = try ModelSource(model: Self.checkpoint(context: 768, textPrefix: LDMLayout.clipPrefix, projection: [320, 320, 1, 1]))
        guard case .published(.sd1) = source.configs else { Issue.record("\(source.configs)"); return }
        #expect(try !source.unetConfig().useLinearProjection)
        let description = try ModelDescription(source: source)
        #expect(description.nativeImageSize == 512 && description.ownScheduler == .pndm)
        let tokenizer = try source.tokenizer()
        #expect(tokenizer.encode("a cat!").prefix(6) == [49406, 320, 2368, 256, 49407, 49407])
    }

    @Test func sd2FileIsVPredictionUnlessOverridden() throws {
        let path = try Self.checkpoint(context: 1024, textPrefix: LDMLayout.openCLIPPrefix, projection: [320, 320])
        let source = try ModelSource(model: path)
        guard case .published(.sd2) = source.configs else { Issue.record("\(source.configs)"); return }
        #expect(try source.unetConfig().useLinearProjection)
        let description = try ModelDescription(source: source)
        #expect(description.nativeImageSize == 768 && description.ownScheduler == .ddim)
        #expect(try source.tokenizer().encode("a cat!").prefix(6) == [49406, 320, 2368, 0, 49407, 0])
        #expect(try source.schedulerConfig().predictionType == "v_prediction")
        #expect(try ModelSource(model: path, predictionType: "epsilon").schedulerConfig().predictionType == "epsilon")
    }

    @Test func aWidthOrTextEncoderOfNoKnownFamilyIsNamed() throws {
        let path = try Self.checkpoint(context: 1024, textPrefix: LDMLayout.clipPrefix, projection: [320, 320])
        let error = try #require(throws: ModelError.self) { try ModelSource(model: path) }
        #expect(error.description == "\(path): not a Stable Diffusion 1.x/2.x or SDXL checkpoint: a CLIP text encoder and "
            + "cross-attention width 1024, not SD 1.x (CLIP, 768), SD 2.x (OpenCLIP, 1024) or SDXL (CLIP + OpenCLIP bigG, 2048); "
            + "give --config with the model's diffusers configs")
    }
}

extension SingleFileTests {
    @Test func configWithMoreLayersThanTheFileNamesTheMissingParameter() throws {
        let folder = try temporaryFolder()
        for part in ["model_index.json", "scheduler", "text_encoder", "tokenizer", "vae"] {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(part),
                                                       withDestinationURL: URL(fileURLWithPath: SingleFileCase.path("sd1-config/" + part)))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("unet"), withIntermediateDirectories: true)
        let config = try String(contentsOfFile: SingleFileCase.path("sd1-config/unet/config.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"layers_per_block\": 2", with: "\"layers_per_block\": 3")
        try config.write(to: folder.appendingPathComponent("unet/config.json"), atomically: true, encoding: .utf8)
        let source = try ModelSource(model: SingleFileCase.path("sd1.safetensors"), config: folder.path)
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel(source: source) }
        #expect(error.description == "\(SingleFileCase.path("sd1.safetensors")): no tensor for the UNet's down_blocks.0.resnets.2.norm1.weight, "
            + "which its config asks for (a config of another architecture?)")
    }
}
