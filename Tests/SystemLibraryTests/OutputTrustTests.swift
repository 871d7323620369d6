import Foundation
import Sweep
import Testing

/// Issue 13, end to end: images follow the model's content and every setting, an output folder
/// holds one job, eta is recorded, and huge jobs are counted, estimated and bounded.
@Suite struct OutputTrustTests {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func manifest(_ body: String, name: String = "job", model: String = RenderCommandTests.models + "/sd1-tiny") throws -> String {
        let path = folder.appendingPathComponent(name + ".yaml").path
        try ("name: \(name)\nmodel: \(model)\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func render(_ arguments: String...) async throws -> SweepProcess {
        try await SweepProcess.run(["render"] + arguments)
    }

    static let small = "prompts: [a lighthouse]\nseeds: [1, 2]\nsteps: 2\nscheduler: euler\ngrid: none\n"

    @Test func replacedWeightsRenderAgainAndAnUnchangedRerunRendersNothing() async throws {
        let model = folder.appendingPathComponent("models/sd1-tiny").path
        try FileManager.default.createDirectory(atPath: folder.appendingPathComponent("models").path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RenderCommandTests.models + "/sd1-tiny", toPath: model)
        let job = try manifest(Self.small, model: model), out = folder.appendingPathComponent("out").path
        let first = try await render(job, "--output", out)
        #expect(first.status == 0 && first.errors.contains("rendered 2 image(s)"), "\(first.errors)")
        // Same name, same size, other weights: the last four bytes of the UNet's data.
        let weights = FileHandle(forUpdatingAtPath: model + "/unet/diffusion_pytorch_model.safetensors")
        let end = try #require(weights).seekToEnd()
        try weights?.seek(toOffset: end - 4)
        try weights?.write(contentsOf: Data([0x00, 0x3c, 0x00, 0x3c]))
        try weights?.close()
        let second = try await render(job, "--output", out)
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.errors.contains("2 image(s) were rendered from a different model") && second.errors.contains("rendered 2 image(s)"),
                "\(second.errors)")
        let third = try await render(job, "--output", out)
        #expect(third.errors.contains("2 already done, 0 to render") && third.errors.contains("rendered 0 image(s)"), "\(third.errors)")
    }

    @Test func anotherJobIsRefusedAndForceTakesTheFolderOver() async throws {
        let a = try manifest(Self.small, name: "a"), b = try manifest("prompts: [a bowl of ramen]\nsteps: 2\ngrid: none\n", name: "b")
        let out = folder.appendingPathComponent("out").path
        #expect(try await render(a, "--output", out).status == 0)
        let refused = try await render(b, "--output", out)
        #expect(refused.status != 0)
        #expect(refused.errors == "Error: \(out) belongs to job a (from \(a)); use --force to take it over (its images move to orphans/) "
                + "or --output elsewhere\n")
        let taken = try await render(b, "--output", out, "--force")
        #expect(taken.status == 0 && taken.errors.contains("moved 2 image(s) that are not in this job to orphans/"), "\(taken.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/orphans").count == 2)
        let csv = try String(contentsOfFile: out + "/prompts.csv", encoding: .utf8)
        #expect(csv.contains("ramen") && !csv.contains("lighthouse"))
    }

    @Test func aSeedRemovedFromTheJobMovesItsImageToOrphans() async throws {
        let out = folder.appendingPathComponent("out").path
        #expect(try await render(try manifest(Self.small), "--output", out).status == 0)
        let fewer = try await render(try manifest(Self.small.replacingOccurrences(of: "[1, 2]", with: "[1]")), "--output", out)
        #expect(fewer.status == 0 && fewer.errors.contains("moved 1 image(s) that are not in this job to orphans/"), "\(fewer.errors)")
        let rows = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8))
        #expect(rows.count == 2 && rows[1].fields[4] == "1")
    }

    @Test func etaIsInTheTextAndTheCSVAndRefusedWhereNothingUsesIt() async throws {
        var texts: [String] = []
        for eta in ["0", "0.5", "1"] {
            let png = folder.appendingPathComponent("eta-\(eta).png").path
            let run = try await SweepProcess.run(["generate", "--model", RenderCommandTests.models + "/sd1-tiny", "--prompt", "a cat",
                                                  "--steps", "3", "--scheduler", "ddim", "--eta", eta, "--output", png])
            #expect(run.status == 0, "\(run.errors)")
            texts.append(PNGText.texts(in: try Data(contentsOf: URL(fileURLWithPath: png)))["parameters"] ?? "")
        }
        #expect(!texts[0].contains("Eta") && texts[1].hasSuffix(", Eta: 0.5") && texts[2].hasSuffix(", Eta: 1.0"), "\(texts)")
        let ignored = try await SweepProcess.run(["generate", "--model", RenderCommandTests.models + "/sd1-tiny", "--prompt", "a cat",
                                                  "--steps", "2", "--scheduler", "euler", "--eta", "0.5",
                                                  "--output", folder.appendingPathComponent("euler.png").path])
        #expect(ignored.status == 0 && ignored.errors.contains("warning: --eta 0.5 has no effect: only ddim uses eta"), "\(ignored.errors)")

        let rejected = try manifest("prompts: [a cat]\nscheduler: [euler-a, unipc]\neta: 0.5\n")
        let problem = try await render(rejected, "--output", folder.appendingPathComponent("never").path)
        #expect(problem.status != 0 && problem.errors.contains("\(rejected):5: eta 0.5: only ddim uses eta"), "\(problem.errors)")
        let out = folder.appendingPathComponent("ddim").path
        let ddim = try await render(try manifest("prompts: [a cat]\nsteps: 2\nscheduler: [ddim, euler]\neta: 0.5\ngrid: none\n"),
                                    "--output", out)
        #expect(ddim.status == 0, "\(ddim.errors)")
        let rows = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8)).map(\.fields)
        #expect(rows[0][7...8] == ["scheduler", "eta"] && rows[1][7...8] == ["ddim", "0.5"] && rows[2][7...8] == ["euler", "0.0"])
    }

    @Test func hugeJobsAreRefusedUnlessAllowedAndCountedAndEstimatedBeforeRendering() async throws {
        let body = "prompts: [a cat]\nseeds: {start: 1, count: 1000000}\nguidance: [\((0...10).map(String.init).joined(separator: ", "))]\n"
            + "steps: 1\nscheduler: euler\ngrid: none\n"
        let job = try manifest(body), out = folder.appendingPathComponent("huge").path
        let refused = try await render(job, "--output", out)
        #expect(refused.status != 0 && refused.errors.contains("the job has 11000000 images, more than the limit of 10000000; pass --allow-huge"),
                "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let process = try SweepProcess.launch(["render", job, "--output", out, "--allow-huge"])
        let log = folder.appendingPathComponent("huge.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // Generous: the point is seconds, not the minutes a listed expansion of 11 million tasks takes.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, RenderCommandTests.finished(out) < 1 { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(RenderCommandTests.finished(out) >= 1, "\(text)")
        #expect(text.contains("job: 11000000 image(s), 0 already done, 11000000 to render") && text.contains("estimate: about "), "\(text)")
    }
}
