import Foundation
import StableDiffusion
import Testing

/// `sweep inspect`'s facts, from headers and configs, against what diffusers says of the same folders.
@Suite struct ModelInspectionTests {
    /// Tests/Fixtures/lora/inspect.json: diffusers' / transformers' `num_parameters()` per component.
    static let counts: [String: [String: Int]] = {
        let path = LoRAFixtures.path("inspect.json")
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: [String: Int]].self, from: data)) ?? [:]
    }()

    @Test(arguments: ModelFixtures.names)
    func parameterCountsEqualDiffusers(_ name: String) throws {
        let inspection = ModelInspection(path: ModelFixtures.model(name))
        let expected = try #require(Self.counts[name])
        for (component, count) in expected {
            #expect(inspection.components.first { $0.name == component }?.parameters == count, "\(name) \(component)")
        }
        #expect(inspection.renderable, "\(inspection.problems)")
    }

    /// The single files as diffusers' `from_single_file(..., config=)` loads them: the LDM tables
    /// cover every parameter, and skip EMA copies, schedules and OpenCLIP's unused last block.
    @Test(arguments: ["sd1", "sd2"])
    func singleFileCountsEqualDiffusers(_ name: String) throws {
        let folder = URL(fileURLWithPath: LoRAFixtures.directory).deletingLastPathComponent().appendingPathComponent("singlefile")
        let inspection = ModelInspection(path: folder.appendingPathComponent("\(name).safetensors").path,
                                         config: folder.appendingPathComponent("\(name)-config").path)
        let expected = try #require(Self.counts["singlefile/\(name)"])
        for (component, count) in expected {
            #expect(inspection.components.first { $0.name == component }?.parameters == count, "\(name) \(component)")
        }
        #expect(inspection.renderable && inspection.layout.hasPrefix("single file"), "\(inspection.problems)")
        #expect(inspection.family == "SD-like (text encoder 8 wide)" && inspection.predictionType == (name == "sd1" ? "epsilon" : "v_prediction"))
    }

    @Test func configsGiveFamilyAndDefaults() {
        let sd1 = ModelInspection(path: ModelFixtures.model("sd1-tiny"))
        #expect(sd1.predictionType == "epsilon" && sd1.scheduler == "PNDMScheduler" && sd1.nativeSize == 32 && sd1.vaeScaleFactor == 2)
        #expect(sd1.tokenLimit == 77 && sd1.components.first { $0.name == "unet" }?.dtypes == ["F32": 2_164_452])
        let sd2 = ModelInspection(path: ModelFixtures.model("sd2-tiny"))
        #expect(sd2.predictionType == "v_prediction" && sd2.components.first { $0.name == "unet" }?.dtypes.keys.first == "F16")
        #expect(ModelInspection.familyName(textWidth: 768) == "SD 1.x" && ModelInspection.familyName(textWidth: 1024) == "SD 2.x")
    }

    @Test func lorasAreCheckedAgainstTheModel() {
        let good = ModelInspection(path: ModelFixtures.model("sd1-tiny"), loras: [LoRA(path: LoRAFixtures.path("kohya.safetensors"), scale: 0.8)])
        #expect(good.renderable && good.loras.first?.modules == ["unet": 139, "text_encoder": 18] && good.loras.first?.ranks == [4, 8])
        let bad = ModelInspection(path: ModelFixtures.model("sd1-tiny"), loras: [LoRA(path: LoRAFixtures.path("badshape.safetensors"))])
        #expect(!bad.renderable && bad.problems.first?.contains("attn2_to_k.lora_down.weight") == true)
    }

    @Test func sdxlAndPickleOnlyFoldersSayWhy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: ModelFixtures.model("sd1-tiny"), toPath: folder.path)
        let unet = folder.appendingPathComponent("unet")
        try FileManager.default.moveItem(at: unet.appendingPathComponent("diffusion_pytorch_model.safetensors"),
                                         to: unet.appendingPathComponent("diffusion_pytorch_model.bin"))
        let pickled = ModelInspection(path: folder.path)
        #expect(!pickled.renderable && pickled.problems.contains { $0.contains("diffusion_pytorch_model.bin: a PyTorch pickle") })
        // The other parts are still described.
        #expect(pickled.components.first { $0.name == "vae" }?.parameters == 658_375 && pickled.tokenLimit == 77)

        let index = folder.appendingPathComponent("model_index.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: index)) as? [String: Any])
        object["_class_name"] = "StableDiffusionXLPipeline"
        object["text_encoder_2"] = ["transformers", "CLIPTextModelWithProjection"]
        try JSONSerialization.data(withJSONObject: object).write(to: index)
        // An SDXL index over SD 1.x components: the missing second text encoder is the problem named.
        let sdxl = ModelInspection(path: folder.path)
        #expect(sdxl.family == "SDXL" && sdxl.problems.contains { $0.contains("text_encoder_2/config.json") })
    }

    @Test func aPickleFileIsRefusedUnread() {
        let inspection = ModelInspection(path: ModelFixtures.model("sd1-tiny") + "/model_index.json.ckpt")
        #expect(!inspection.renderable)
        #expect(ModelInspection(path: "/nonexistent/model").problems == ["/nonexistent/model: no such file or folder"])
    }
}
