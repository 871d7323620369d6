import Foundation
import StableDiffusion
import Sweep
import Testing

/// `--lora` in `sweep generate`, `loras:` in `sweep render` and `sweep inspect`, end to end against
/// diffusers' fused images (Tests/Fixtures/lora).
@Suite struct LoRACommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized.path
    static let lora = fixtures + "/lora"
    static let model = fixtures + "/models/sd1-tiny"
    /// The settings make_lora_fixtures.py rendered with.
    static let settings = ["--prompt", "a watercolor fox in the snow", "--seed", "7", "--steps", "4", "--guidance", "7.5", "--scheduler", "euler"]

    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lora-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static func worstLevel(_ png: Data, _ reference: String) throws -> Int {
        let expected = try SafeTensorsFile(path: lora + "/images.safetensors").tensor(reference).scalars.map { UInt8($0) }
        let image = try PNGImage(decoding: png)
        return zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255
    }

    @Test func generateMergesLoRAsAndWritesTheirHashes() async throws {
        let output = folder.appendingPathComponent("fox.png").path
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--lora", Self.lora + "/kohya.safetensors:0.8",
                                              "--lora", Self.lora + "/diffusers.safetensors:0.4", "--output", output] + Self.settings)
        #expect(run.status == 0, "\(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try Self.worstLevel(data, "both") <= 1)
        #expect(PNGText.texts(in: data)["parameters"]?.hasSuffix(
            #"Model: sd1-tiny, Lora hashes: "kohya: 0b21542c0796, diffusers: "# + (try LoRAInfo(LoRA(path: Self.lora + "/diffusers.safetensors")).hash)
                + #"", Lora: "kohya:0.8, diffusers:0.4""#) == true)
    }

    @Test func aLoRAThatMatchesNothingFailsWithOneLineAndNoFile() async throws {
        let output = folder.appendingPathComponent("x.png").path
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--lora", Self.lora + "/unmatched.safetensors",
                                              "--output", output] + Self.settings)
        #expect(run.status != 0 && !FileManager.default.fileExists(atPath: output))
        #expect(run.errors.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: \(Self.lora)/unmatched.safetensors: LoRA key "
                + "'lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight' matches nothing in the model's unet")
    }

    /// Two scales as an axis: each image is diffusers' at that scale, the CSV names them, the grid is labelled.
    @Test func renderSweepsLoRAScales() async throws {
        let job = folder.appendingPathComponent("job.yaml").path
        try """
            model: \(Self.model)
            prompts: [a watercolor fox in the snow]
            seeds: 7
            steps: 4
            guidance: 7.5
            scheduler: euler
            loras: [{path: \(Self.lora)/kohya.safetensors, scale: [0.6, 1.0]}]
            """.write(toFile: job, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out").path
        let run = try await SweepProcess.run(["render", job, "--output", out])
        #expect(run.status == 0, "\(run.errors)")
        let rows = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8)).map(\.fields)
        #expect(rows.first?.last == "lora" && rows.dropFirst().map { $0.last } == ["kohya:0.6", "kohya:1"])
        for (row, reference) in zip(rows.dropFirst(), ["kohya-0.6", "kohya-1.0"]) {
            #expect(try Self.worstLevel(Data(contentsOf: URL(fileURLWithPath: out + "/" + row[0])), reference) <= 1, "\(reference)")
        }
        #expect(FileManager.default.fileExists(atPath: out + "/grids/grid.png"))
    }

    @Test func inspectPrintsTheModelAndChecksLoRAs() async throws {
        let text = try await SweepProcess.run(["inspect", Self.model, "--lora", Self.lora + "/kohya.safetensors:0.8"])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("unet          UNet2DConditionModel  2,164,452 parameters, F32, 8.7 MB"))
        #expect(text.output.contains("kohya:0.8  kohya format, rank 4/8, modules: 139 unet, 18 text_encoder"))
        let json = try await SweepProcess.run(["inspect", Self.fixtures + "/models/sd2-tiny", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["predictionType"] as? String == "v_prediction" && object["renderable"] as? Bool == true)
        let bad = try await SweepProcess.run(["inspect", Self.model, "--lora", Self.lora + "/badshape.safetensors"])
        #expect(bad.status == 1 && bad.output.contains("renders         no"))
    }
}
