import Foundation
import StableDiffusion
import Sweep
import Testing

@Suite struct GenerateCommandTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized.path

    func temporaryPNG() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("out.png").path
    }

    @Test func writesAPNGWithA1111Parameters() async throws {
        let output = try temporaryPNG()
        let run = try await SweepProcess.run(["generate", "--model", Self.models + "/sd1-tiny", "--prompt", "a café, 富士山",
                                              "--negative-prompt", "blurry", "--seed", "7", "--steps", "3",
                                              "--scheduler", "euler-a", "--width", "48", "--height", "24", "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("step 3/3"))
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let image = try PNGImage(decoding: data)
        #expect(image.width == 48 && image.height == 24)
        #expect(PNGText.texts(in: data)["parameters"]
                == "a café, 富士山\nNegative prompt: blurry\nSteps: 3, Sampler: Euler a, CFG scale: 7.5, Seed: 7, Size: 48x24, Model: sd1-tiny")
    }

    /// The flag and score on stderr are the checker's verdict on the very image written.
    @Test func safetyCheckerPrintsFlagAndScoreOfTheImage() async throws {
        let output = try temporaryPNG()
        let checker = Self.models + "/../safety/tiny-checker"
        let run = try await SweepProcess.run(["generate", "--model", Self.models + "/sd1-tiny", "--prompt", "a cat", "--steps", "2",
                                              "--width", "48", "--height", "32", "--safety-checker", checker, "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        let png = try PNGImage(decoding: Data(contentsOf: URL(fileURLWithPath: output)))
        let (nsfw, score) = try SafetyChecker(directory: checker).check(RGBImage(width: png.width, height: png.height, pixels: png.pixels))
        #expect(run.errors.contains(String(format: "safety checker: nsfw %@, score %.4f\n", "\(nsfw)", score)), "\(run.errors)")
    }

    @Test func decoderFolderDecodesAndIsNamedInTheText() async throws {
        let output = try temporaryPNG()
        let taesd = Self.models + "/../fewstep/taesd-tiny"
        let run = try await SweepProcess.run(["generate", "--model", Self.models + "/sd1-tiny", "--prompt", "a lighthouse",
                                              "--steps", "2", "--guidance", "0", "--width", "64", "--height", "64",
                                              "--decoder", taesd, "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(PNGText.texts(in: data)["parameters"]?.hasSuffix("Model: sd1-tiny, Decoder: taesd-tiny") == true)
        let vae = Self.models + "/sd1-tiny/vae"
        let refused = try await SweepProcess.run(["generate", "--model", Self.models + "/sd1-tiny", "--prompt", "x",
                                                  "--decoder", vae, "--output", output + ".2.png"])
        #expect(refused.status != 0)
        #expect(refused.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: \(vae)/config.json: \"_class_name\" is AutoencoderKL; supported: AutoencoderTiny")
        #expect(!FileManager.default.fileExists(atPath: output + ".2.png"))
    }

    @Test(arguments: [
        (["--scheduler", "dpm++3m"], "--scheduler dpm++3m: unknown; expected one of pndm, ddim, lms, euler, euler-a, heun, dpm++2m, dpm++2m-karras, unipc, lcm"),
        (["--width", "500"], "width 500: expected a positive multiple of 8 up to 8192"),
        (["--steps", "0"], "--steps 0: expected a whole number from 1 to 1000"),
        (["--model", "/nonexistent/model"], "/nonexistent/model: no such file or folder"),
        (["--safety-checker", "/nonexistent/checker"],
         "/nonexistent/checker: no such folder; expected a StableDiffusionSafetyChecker folder (config.json, model.safetensors)"),
    ])
    func badFlagsFailWithOneLineAndNoFile(_ flags: [String], _ message: String) async throws {
        let output = try temporaryPNG()
        var arguments = ["generate", "--model", Self.models + "/sd1-tiny", "--prompt", "a cat", "--steps", "2", "--output", output]
        arguments += flags
        let run = try await SweepProcess.run(arguments)
        #expect(run.status != 0)
        #expect(run.errors.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: " + message)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
