import Foundation
import StableDiffusion
import Testing

/// LoRAs and diffusers' images with them fused (Tests/Fixtures/lora/make_lora_fixtures.py).
enum LoRAFixtures {
    struct Settings: Decodable {
        let model, prompt, scheduler: String
        let seed: UInt64
        let steps: Int
        let guidance: Float
    }

    struct Case: Decodable, CustomStringConvertible, Sendable {
        let name: String
        /// A single-file checkpoint under Tests/Fixtures (its configs beside it); sd1-tiny when nil.
        let model: String?
        let loras: [[LoRAValue]]
        var description: String { name }

        var list: [LoRA] {
            loras.compactMap { pair in
                guard case let .file(file) = pair.first, case let .scale(scale) = pair.last else { return nil }
                return LoRA(path: LoRAFixtures.path(file), scale: scale)
            }
        }
    }

    enum LoRAValue: Decodable {
        case file(String), scale(Float)
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let text = try? value.decode(String.self) { self = .file(text) } else { self = .scale(try value.decode(Float.self)) }
        }
    }

    struct Cases: Decodable {
        let settings: Settings
        let cases: [Case]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/lora").standardized.path

    static func path(_ file: String) -> String { directory + "/" + file }

    static let all: Cases? = {
        guard let data = FileManager.default.contents(atPath: path("cases.json")) else { return nil }
        return try? JSONDecoder().decode(Cases.self, from: data)
    }()

    static func render(_ loras: [LoRA], singleFile: String? = nil) throws -> [UInt8] {
        let settings = try #require(all?.settings)
        let source = try singleFile.map { file in
            let path = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent(file).path
            return try ModelSource(model: path, config: path.replacingOccurrences(of: ".safetensors", with: "-config"))
        } ?? ModelSource(model: ModelFixtures.model(settings.model))
        let model = try StableDiffusionModel(source: source, loras: loras)
        let request = GenerationRequest(prompt: settings.prompt, seed: settings.seed, steps: settings.steps, guidance: settings.guidance,
                                        scheduler: SchedulerKind(rawValue: settings.scheduler))
        return try TextToImagePipeline(model: model).generate(request).pixels
    }

    static func expected(_ name: String) throws -> [UInt8] {
        try SafeTensorsFile(path: path("images.safetensors")).tensor(name).scalars.map { UInt8($0) }
    }
}

@Suite struct LoRATests {
    /// kohya (conv LoRA, text encoder, per-module alphas) and diffusers/PEFT LoRAs at two scales,
    /// both together, and a LoRA on a single-file checkpoint: every pixel within 1 level of
    /// diffusers' `load_lora_weights` + `fuse_lora`.
    @Test(arguments: LoRAFixtures.all?.cases ?? [])
    func imageMatchesDiffusersFused(_ testCase: LoRAFixtures.Case) throws {
        let image = try LoRAFixtures.render(testCase.list, singleFile: testCase.model)
        let expected = try LoRAFixtures.expected(testCase.name)
        #expect(image.count == expected.count)
        let worst = zip(image, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "\(testCase): a pixel is \(worst) levels off")
    }

    /// Scale 0 changes nothing: the image diffusers gives without a LoRA.
    @Test func zeroScaleIsTheBaseModel() throws {
        let image = try LoRAFixtures.render([LoRA(path: LoRAFixtures.path("kohya.safetensors"), scale: 0)])
        let worst = zip(image, try LoRAFixtures.expected("none")).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1)
    }

    @Test func unmatchedKeyIsNamed() {
        let path = LoRAFixtures.path("unmatched.safetensors")
        #expect(throws: ModelError.self) { try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"), loras: [LoRA(path: path)]) }
        let error = ModelError.lora(.unmatched(file: path, key: "lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight",
                                               component: "unet"))
        #expect(message { try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"), loras: [LoRA(path: path)]) }
                == error.description)
    }

    @Test func wrongShapeIsNamed() {
        let path = LoRAFixtures.path("badshape.safetensors")
        let text = message { try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"), loras: [LoRA(path: path)]) }
        #expect(text?.contains("'lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight' (down [4, 40], up [32, 4])") == true,
                "\(text ?? "no error")")
        #expect(text?.contains("'up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight' of shape [64, 32]") == true)
    }

    @Test func modelWeightsAreNotALoRA() {
        let path = ModelFixtures.model("sd1-tiny") + "/vae/diffusion_pytorch_model.safetensors"
        #expect(message { try LoRAFile(path: path) }?.hasPrefix("\(path): not a LoRA") == true)
        #expect(throws: LoRAError.weights(.pickle(file: "style.ckpt", inFolder: false))) { try LoRAFile(path: "style.ckpt") }
    }

    @Test func formatsAndScalesAreRead() throws {
        let kohya = try LoRAFile(path: LoRAFixtures.path("kohya.safetensors"))
        #expect(kohya.format == .kohya)
        let conv = try #require(kohya.modules.first { $0.key.hasPrefix("lora_unet_down_blocks_0_resnets_0_conv1.") })
        #expect(conv.downShape == [4, 32, 3, 3] && conv.upShape == [32, 4, 1, 1] && conv.alphaOverRank == 0.25)
        #expect(kohya.modules.contains { $0.component == .textEncoder && $0.alphaOverRank == 1 })
        let peft = try LoRAFile(path: LoRAFixtures.path("diffusers.safetensors"))
        #expect(peft.format == .diffusers)
        let fc1 = try #require(peft.modules.first { $0.key.hasSuffix("layers.0.mlp.fc1.lora_A.weight") })
        let query = try #require(peft.modules.first { $0.key.hasSuffix("layers.0.self_attn.q_proj.lora_A.weight") })
        #expect(fc1.alphaOverRank == 0.5 && query.alphaOverRank == 1.5)
    }

    @Test func argumentsParse() throws {
        #expect(try LoRA(argument: "a/b.safetensors:0.8") == LoRA(path: "a/b.safetensors", scale: 0.8))
        #expect(try LoRA(argument: "b.safetensors") == LoRA(path: "b.safetensors", scale: 1))
        #expect(try LoRA(argument: "C:/x/b.safetensors") == LoRA(path: "C:/x/b.safetensors", scale: 1))
        #expect(throws: LoRAError.self) { try LoRA(argument: "b.safetensors:nan") }
        #expect(LoRA(path: "/m/style.safetensors", scale: 0.8).description == "style:0.8")
    }

    private func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }
}
