import Foundation
import StableDiffusion
import Sweep
import Testing

/// `--init-image` / `--strength` and the `init_image` / `strength` manifest axes end to end:
/// the PNG diffusers' img2img pipeline makes, one-line errors, ids that follow the image's content.
@Suite struct ImageToImageCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized
    static let model = fixtures.appendingPathComponent("models/sd1-tiny").path
    static let initImage = fixtures.appendingPathComponent("img2img/init-32.png").path

    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("img2img-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The fixture case `img2img.ddim` (diffusers' StableDiffusionImg2ImgPipeline, DDIM, strength
    /// 0.6, seed 7, 5 steps) through the command line and the PNG file, within 1 level.
    @Test func generateWritesDiffusersImg2ImgImage() async throws {
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "a watercolor of a red barn in a snowy field",
                                              "--seed", "7", "--steps", "5", "--scheduler", "ddim", "--init-image", Self.initImage,
                                              "--strength", "0.6", "--output", path("out.png")])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("step 3/3"), "int(5 × 0.6) = 3 steps run: \(run.errors)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path("out.png")))
        let png = try PNGImage(decoding: data)
        let reference = try SafeTensorsFile(path: Self.fixtures.appendingPathComponent("img2img/images.safetensors").path)
        let expected = try reference.tensor("img2img.ddim").scalars
        #expect(png.width == 32 && png.height == 32)
        let worst = zip(png.pixels, expected).map { abs(Float($0) - $1) }.max() ?? .infinity
        #expect(worst <= 1, "a pixel is \(worst) levels off diffusers'")
        let hash = try ContentHash.hexOfFile(at: Self.initImage).prefix(10)
        #expect(PNGText.texts(in: data)["parameters"]?.hasSuffix("Denoising strength: 0.6, Init image: \"init-32.png: \(hash)\"") == true,
                "\(PNGText.texts(in: data))")
    }

    @Test(arguments: [
        (["--init-image", "missing.png"], "Error: init image missing.png: no such file"),
        (["--init-image", "photo.jpg"], "Error: init image photo.jpg: is a JPEG; sweep reads PNG init images only (no JPEG library is linked): convert it to PNG first"),
        (["--init-image", "broken.png"], "Error: init image broken.png: damaged PNG: libpng:"),
        (["--init-image", "init.png", "--strength", "0"], "Error: strength 0.0: expected a number above 0 and at most 1"),
        (["--init-image", "init.png", "--strength", "1.5"], "Error: strength 1.5: expected a number above 0 and at most 1"),
        (["--init-image", "init.png", "--strength", "0.1", "--steps", "5"],
         "Error: strength 0.1 with 5 steps: int(steps × strength) is 0 denoising steps; raise the strength or the steps"),
        (["--strength", "0.5"], "Error: --strength: only image-to-image uses it; give --init-image FILE.png too"),
    ])
    func generateRefusesBadInitImagesInOneLine(_ flags: [String], _ message: String) async throws {
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).write(to: URL(fileURLWithPath: path("photo.jpg")))
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.initImage))
        try png.prefix(60).write(to: URL(fileURLWithPath: path("broken.png")))
        try png.write(to: URL(fileURLWithPath: path("init.png")))
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "x", "--output", path("out.png")] + flags
                                             .map { ["missing.png", "photo.jpg", "broken.png", "init.png"].contains($0) ? path($0) : $0 })
        #expect(run.status != 0)
        let expected = message.replacingOccurrences(of: "image missing.png", with: "image \(path("missing.png"))")
            .replacingOccurrences(of: "image photo.jpg", with: "image \(path("photo.jpg"))")
            .replacingOccurrences(of: "image broken.png", with: "image \(path("broken.png"))")
        let line = run.errors.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix(expected) && !line.contains("\n"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: path("out.png")))
    }

    /// A sweep over init images and strengths: the init image's content, not its name, is in the id;
    /// strength only where an image is used; the grid and the CSV name both.
    @Test func renderSweepsInitImagesAndStrengths() async throws {
        try FileManager.default.copyItem(atPath: Self.initImage, toPath: path("a.png"))
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("img2img/init-50x30.png").path, toPath: path("b.png"))
        let job = path("job.yaml")
        try """
            model: \(Self.model)
            prompts: [a barn]
            seeds: [1]
            steps: 4
            scheduler: euler-a
            size: 32x32
            init_image: [a.png, b.png]
            strength: [0.5, 1.0]
            grid: {rows: init_image, columns: strength}
            """.write(toFile: job, atomically: true, encoding: .utf8)
        let run = try await SweepProcess.run(["render", job, "--output", path("out")])
        #expect(run.status == 0, "\(run.errors)")
        let csv = try CSV.parse(String(contentsOfFile: path("out/manifest.csv"), encoding: .utf8))
        let header = csv[0].fields
        let (imageColumn, strengthColumn) = (try #require(header.firstIndex(of: "init_image")), try #require(header.firstIndex(of: "strength")))
        #expect(Set(csv.dropFirst().map { "\($0.fields[imageColumn]) \($0.fields[strengthColumn])" })
                == ["a.png 0.5", "a.png 1.0", "b.png 0.5", "b.png 1.0"])
        let images = try FileManager.default.contentsOfDirectory(atPath: path("out/images"))
        #expect(images.count == 4)
        // Batched, two init images share each UNet call (one per strength): the same bytes.
        let batched = try await SweepProcess.run(["render", job, "--output", path("batched"), "--batch", "4"])
        #expect(batched.status == 0, "\(batched.errors)")
        for image in images {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path("batched/images/" + image)))
                    == Data(contentsOf: URL(fileURLWithPath: path("out/images/" + image))), "\(image)")
        }

        // The same content under another name keeps every id: nothing renders again.
        try FileManager.default.moveItem(atPath: path("a.png"), toPath: path("renamed.png"))
        try String(contentsOfFile: job, encoding: .utf8).replacingOccurrences(of: "[a.png, b.png]", with: "[renamed.png, b.png]")
            .write(toFile: job, atomically: true, encoding: .utf8)
        let again = try await SweepProcess.run(["render", job, "--output", path("out")])
        #expect(again.status == 0, "\(again.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path("out/images")).sorted() == images.sorted())

        // Other content under the old name is another image: the ids follow the content.
        func ids(_ images: String) throws -> Set<String> {
            try String(contentsOfFile: job, encoding: .utf8).replacing(#/init_image: \[[^\]]*\]/#, with: "init_image: [\(images)]")
                .replacing(#/grid: .*/#, with: "grid: {rows: strength}").write(toFile: job, atomically: true, encoding: .utf8)
            return Set(try ManifestReader.read(job).tasks().map(\.id))
        }
        let (renamed, b) = (try ids("renamed.png"), try ids("b.png"))
        try FileManager.default.copyItem(atPath: path("b.png"), toPath: path("a.png"))
        #expect(try ids("a.png") == b)
        #expect(renamed.isDisjoint(with: b))
    }

    @Test func manifestRefusesStrengthWithoutInitImageAndAMissingImage() async throws {
        let job = path("job.yaml")
        try "model: \(Self.model)\nprompts: [x]\nstrength: 0.5\n".write(toFile: job, atomically: true, encoding: .utf8)
        #expect(throws: ManifestError.self) { try ManifestReader.read(job) }
        let refused = try await SweepProcess.run(["render", job, "--output", path("out")])
        #expect(refused.errors.contains("strength 0.5: only image-to-image uses it; add init_image or remove strength"), "\(refused.errors)")
        try "model: \(Self.model)\nprompts: [x]\ninit_image: nothere.png\n".write(toFile: job, atomically: true, encoding: .utf8)
        let missing = try await SweepProcess.run(["render", job, "--output", path("out")])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("init_image 'nothere.png': init image \(path("nothere.png")): no such file"), "\(missing.errors)")
        // The default strength counts too: int(1 × 0.8) leaves no step.
        try "model: \(Self.model)\nprompts: [x]\nsteps: [1, 4]\ninit_image: \(Self.initImage)\n".write(toFile: job, atomically: true, encoding: .utf8)
        #expect { try ManifestReader.read(job) } throws: { "\($0)".contains("strength 0.8 with 1 steps: int(steps × strength) is 0 denoising steps") }
    }
}
