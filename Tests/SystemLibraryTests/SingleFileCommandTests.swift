import Foundation
import Sweep
import Testing

/// `sweep generate`, `tokenize` and `render` on single-file checkpoints, replacement VAEs and pickles
/// (Tests/Fixtures/singlefile; the images themselves are checked against diffusers in SingleFileTests).
@Suite struct SingleFileCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/singlefile").standardized.path
    static func path(_ name: String) -> String { fixtures + "/" + name }

    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("singlefile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test func generateWithACheckpointConfigAndVAEFileNamesBothInThePNG() async throws {
        let output = folder.appendingPathComponent("out.png").path
        let run = try await SweepProcess.run(["generate", "--model", Self.path("sd1.safetensors"), "--config", Self.path("sd1-config"),
                                              "--vae", Self.path("vae-swap.safetensors"), "--prompt", "a cat", "--steps", "2",
                                              "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try PNGImage(decoding: data).width == 16)
        // A1111's short model hash: the first 10 hex digits of `sha256sum sd1.safetensors`.
        #expect(PNGText.texts(in: data)["parameters"] == "a cat\nSteps: 2, Sampler: PLMS, CFG scale: 7.5, Seed: 0, Size: 16x16, "
                + "Model hash: df123faec7, Model: sd1.safetensors, VAE: vae-swap.safetensors")
    }

    @Test(arguments: [
        (["--model", "bad/model.ckpt"], "bad/model.ckpt: a PyTorch pickle, which can run arbitrary code when loaded, so it is never opened"),
        (["--model", "sd1.safetensors"], "sd1.safetensors: not a Stable Diffusion 1.x/2.x checkpoint: a CLIP text encoder and cross-attention width 8"),
        (["--model", "sd1.safetensors", "--config", "sd1-config", "--prediction-type", "sample"], "--prediction-type sample: expected one of"),
        (["--model", "sd1-config", "--config", "sd1-config"], "--config: "),
        (["--model", "bad/unknown.safetensors"], "bad/unknown.safetensors: not a Stable Diffusion 1.x/2.x checkpoint: found"),
    ])
    func badModelsFailWithOneLineAndNoFile(_ flags: [String], _ message: String) async throws {
        let output = folder.appendingPathComponent("out.png").path
        let paths = flags.map { $0.hasPrefix("--") || $0 == "sample" ? $0 : Self.path($0) }
        let run = try await SweepProcess.run(["generate", "--prompt", "a cat", "--steps", "2", "--output", output] + paths)
        #expect(run.status != 0)
        let error = run.errors.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(error.hasPrefix("Error: " + (message.hasPrefix("-") ? message : Self.fixtures + "/" + message)) && !error.contains("\n"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func tokenizeReadsTheConfigFoldersTokenizerJSON() async throws {
        let run = try await SweepProcess.run(["tokenize", "--model", Self.path("sd2.safetensors"), "--config", Self.path("sd2-config"), "wow!"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [Int]
                == [49406, 2781, 0, 49407] + Array(repeating: 0, count: 73))
    }

    @Test func renderAManifestWithACheckpointAndAVAE() async throws {
        let job = folder.appendingPathComponent("job.yaml").path
        try """
            model: \(Self.path("sd1.safetensors"))
            config: \(Self.path("sd1-config"))
            vae: \(Self.path("vae-swap"))
            prompts: [a cat]
            steps: 2
            """.write(toFile: job, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out").path
        let run = try await SweepProcess.run(["render", job, "--output", out])
        #expect(run.status == 0, "\(run.errors)")
        let rows = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8)).map(\.fields)
        let vae = try #require(rows.first?.firstIndex(of: "vae"))
        #expect(rows.count == 2 && rows[1][vae] == "vae-swap" && rows[1][vae - 1] == "sd1.safetensors")
        let resolved = try String(contentsOfFile: out + "/job.yaml", encoding: .utf8)
        #expect(resolved.contains("config: \"\(Self.path("sd1-config"))\"") && resolved.contains("vae: \"\(Self.path("vae-swap"))\""))
        let image = try Data(contentsOf: URL(fileURLWithPath: out + "/" + rows[1][0]))
        #expect(PNGText.texts(in: image)["parameters"]?.contains("Model hash: df123faec7, Model: sd1.safetensors, VAE: vae-swap") == true)
    }
}
