import Foundation
import StableDiffusion
import Sweep
import Testing

/// `--prompt-syntax`, `--clip-skip`, `--guidance-rescale` on the command line: diffusers' image
/// and A1111's text, or a one-line error and no file.
@Suite struct PromptCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized.path

    func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    @Test func generateRendersWeightsBreakClipSkipAndRescaleAsTheFixture() async throws {
        let output = try temporaryFolder() + "/out.png"
        let run = try await SweepProcess.run(["generate", "--model", Self.fixtures + "/models/sd2-tiny",
                                              "--prompt", "(astronaut:1.4) riding a [horse] BREAK on the moon", "--negative-prompt", "cartoon",
                                              "--seed", "7", "--steps", "4", "--scheduler", "euler", "--width", "32", "--height", "32",
                                              "--clip-skip", "2", "--guidance-rescale", "0.3", "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let pixels = try PNGImage(decoding: data).pixels
        let expected = try SafeTensorsFile(path: Self.fixtures + "/prompts/images.safetensors").tensor("sd2.weights-clip-skip").scalars
        #expect(zip(pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255 <= 1)
        #expect(PNGText.texts(in: data)["parameters"]?.hasSuffix("Model: sd2-tiny, Clip skip: 2, CFG Rescale phi: 0.3") == true)
    }

    @Test(arguments: [
        (["--prompt", "a (cat:1.2.3)"], "Error: prompt weight ':1.2.3)' is not a number (expected e.g. (word:1.3))"),
        (["--prompt", "a cat", "--clip-skip", "4"], "Error: clip skip 4: expected 1 (the last layer) to 3 (this text encoder's layer count)"),
        (["--prompt", "a cat", "--clip-skip", "0"], "Error: --clip-skip 0: expected a whole number of 1 or more"),
        (["--prompt", "a cat", "--prompt-syntax", "fancy"], "Error: --prompt-syntax fancy: unknown; expected a1111 or plain"),
        (["--prompt", "a cat", "--guidance-rescale", "2"], "Error: guidance rescale 2.0: expected a number from 0 (off) to 1"),
    ])
    func badSettingsFailWithOneLineAndNoFile(_ arguments: [String], _ message: String) async throws {
        let output = try temporaryFolder() + "/out.png"
        let run = try await SweepProcess.run(["generate", "--model", Self.fixtures + "/models/sd1-tiny", "--steps", "2", "--width", "32",
                                              "--height", "32", "--output", output] + arguments)
        #expect(run.status != 0)
        #expect(run.errors.trimmingCharacters(in: .whitespacesAndNewlines) == message)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func renderRefusesAClipSkipPastTheModelsLayersBeforeWriting() async throws {
        let folder = try temporaryFolder()
        let job = folder + "/job.yaml"
        try "model: \(Self.fixtures)/models/sd1-tiny\nprompts: [a cat]\nsteps: 2\nclip_skip: [2, 5]\n".write(toFile: job, atomically: true, encoding: .utf8)
        let run = try await SweepProcess.run(["render", job, "--output", folder + "/out"])
        #expect(run.status != 0)
        #expect(run.errors.contains("Error: clip_skip 5: expected 1 to 3 (the model's text encoder has 3 layers)"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }
}
