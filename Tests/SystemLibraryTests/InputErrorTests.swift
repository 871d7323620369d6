import Foundation
import Testing

/// What a user typing commands sees for inputs that used to give "Missing value", a Cocoa error
/// number, a silently wrong file or nothing at all: one line naming the problem, and no output.
@Suite struct InputErrorTests {
    static let model = GenerateCommandTests.models + "/sd1-tiny"
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("input-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Everything in the test's folder, so a test can check nothing was written.
    var written: [String] { (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? [] }

    @Test(arguments: [
        (["--seed", "-5"], "--seed -5: negative; expected a whole number from 0 to 18446744073709551615"),
        (["--seed=-5"], "--seed -5: negative; expected a whole number from 0 to 18446744073709551615"),
        (["--steps", "-3"], "--steps -3: negative; expected a whole number from 1 to 1000"),
        (["--seed", "x"], "--seed x: expected a whole number from 0 to 18446744073709551615"),
        (["--width", "-8"], "--width -8: negative; expected a whole number of 1 or more"),
        (["--height", "100000"], "height 100000: expected a positive multiple of 8 up to 8192"),
        (["--guidance", "1e39"], "guidance inf: expected a finite number of 0 or more"),
        (["--guidance", "-1"], "guidance -1.0: expected a finite number of 0 or more"),
    ])
    func generateNamesTheRealProblemWithANumber(_ flags: [String], _ message: String) async throws {
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "a cat", "--output", path("out.png")] + flags)
        #expect(run.status != 0)
        #expect(run.errors.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: " + message)
        #expect(written.isEmpty)
    }

    @Test func generateRefusesAnOutputThatIsNotAPNGFile() async throws {
        let jpeg = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "a cat", "--output", path("out.jpg")])
        #expect(jpeg.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: --output \(path("out.jpg")): sweep writes PNG images only; give a name ending in .png")
        try FileManager.default.createDirectory(atPath: path("pictures.png"), withIntermediateDirectories: true)
        let folderOutput = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "a cat", "--output", path("pictures.png")])
        #expect(folderOutput.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: \(path("pictures.png")): cannot write: it is a folder; give a file name such as \(path("pictures.png"))/image.png")
        #expect(jpeg.status != 0 && folderOutput.status != 0 && written == ["pictures.png"])
    }

    @Test func generateWarnsWithTheWordsCLIPDrops() async throws {
        let prompt = Array(repeating: "cat", count: 75).joined(separator: " ") + " in a hat"
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", prompt, "--steps", "1", "--prompt-syntax", "plain",
                                              "--output", path("out.png")])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("warning: --prompt: the following part was truncated because CLIP can only handle sequences up to 77 tokens: 'in a hat'\n"))
        #expect(!run.errors.contains("--negative-prompt"))
        // A1111's syntax (the default) reads the rest in a second chunk: nothing is dropped.
        let a1111 = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", prompt, "--steps", "1", "--output", path("all.png")])
        #expect(a1111.status == 0 && !a1111.errors.contains("truncated"), "\(a1111.errors)")
        let dashed = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "-a cat-", "--negative-prompt", "-5",
                                                 "--steps", "1", "--output", path("dashed.png")])
        #expect(dashed.status == 0, "\(dashed.errors)")
    }

    @Test func renderNamesAFolderOrMissingJobAndAFileAsOutput() async throws {
        let asFolder = try await SweepProcess.run(["render", folder.path])
        #expect(asFolder.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: \(folder.path): cannot read the job manifest: is a folder, not a file")
        let missing = try await SweepProcess.run(["render", path("nope.yaml")])
        #expect(missing.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: \(path("nope.yaml")): cannot read the job manifest: no such file")

        try "model: \(Self.model)\nprompts: [a cat]\nsteps: 1\nsize: 32x32\n".write(toFile: path("job.yaml"), atomically: true, encoding: .utf8)
        try "not a folder".write(toFile: path("out"), atomically: true, encoding: .utf8)
        let fileOutput = try await SweepProcess.run(["render", path("job.yaml"), "--output", path("out")])
        #expect(fileOutput.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: \(path("out")): cannot use as the output folder: it is a file, not a folder")
        #expect(asFolder.status != 0 && missing.status != 0 && fileOutput.status != 0)
        #expect(Set(written) == ["job.yaml", "out"])
    }

    /// These sizes crashed, trapped in the noise generator or left job.yaml and empty folders.
    @Test func renderRejectsHugeSizesBeforeWritingAnything() async throws {
        try "model: \(Self.model)\nprompts: [a cat]\nsteps: 1\nsize: [99999992, 1099511627776x8]\n"
            .write(toFile: path("job.yaml"), atomically: true, encoding: .utf8)
        let run = try await SweepProcess.run(["render", path("job.yaml"), "--output", path("out")])
        #expect(run.status != 0)
        #expect(run.errors.contains("job.yaml:4: size[0] 99999992: width 99999992: expected a positive multiple of 8 up to 8192"))
        #expect(run.errors.contains("job.yaml:4: size[1] 1099511627776x8: width 1099511627776: expected a positive multiple of 8 up to 8192"))
        #expect(written == ["job.yaml"])
    }

    @Test func renderSaysWhichPromptsWereMerged() async throws {
        try "a cat\r\na dog\r\na cat\r\n".write(toFile: path("prompts.txt"), atomically: true, encoding: .utf8)
        try "model: \(Self.model)\nprompts_file: prompts.txt\nsteps: 1\nsize: 32x32\ngrid: none\n"
            .write(toFile: path("job.yaml"), atomically: true, encoding: .utf8)
        let run = try await SweepProcess.run(["render", path("job.yaml"), "--output", path("out")])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("warning: prompts.txt:3: 1 duplicate prompt(s) merged, each rendered once: 'a cat' (line 3, same as line 1)\n"))
        let images = try FileManager.default.contentsOfDirectory(atPath: path("out/images"))
        #expect(images.count == 2)
    }
}
