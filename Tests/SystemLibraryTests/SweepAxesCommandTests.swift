import Foundation
import Sweep
import Testing

/// Issue 16 end to end: `render --dry-run`, `seeds: -1` across a rerun, `sweep schedulers`.
extension RenderCommandTests {
    @Test func aDryRunShowsTheJobAndWritesNothing() async throws {
        let job = try manifest("prompts: [a fox]\nseeds: [1, 2]\nsteps: [2, 3]\nscheduler: [Euler a, DDIM]\ngrid: {rows: seeds, columns: scheduler}\n")
        let out = folder.appendingPathComponent("out").path
        let dry = try await SweepProcess.run(["render", job, "--output", out, "--dry-run"])
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("scheduler: [euler-a, ddim]"))
        #expect(dry.output.contains("tasks: 8 image(s), 0 already done, 8 to render"))
        #expect(dry.output.contains("grids/steps-2.png — Steps: 2") && dry.output.contains("grids/steps-3.png — Steps: 3"))
        #expect(dry.output.contains("estimate: about"))
        #expect(!FileManager.default.fileExists(atPath: out))
        // After a render, the same dry run counts the finished images.
        #expect(try await SweepProcess.run(["render", job, "--output", out]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/grids").sorted()
        #expect(files == ["steps-2.png", "steps-3.png"])
        let again = try await SweepProcess.run(["render", job, "--output", out, "--dry-run"])
        #expect(again.output.contains("tasks: 8 image(s), 8 already done, 0 to render"))
    }

    @Test func aRandomSeedIsDrawnOnceAndReusedOnRerun() async throws {
        let job = try manifest("prompts: [a fox]\nseeds: -1\nsteps: 2\n")
        let out = folder.appendingPathComponent("out").path
        #expect(try await SweepProcess.run(["render", job, "--output", out]).status == 0)
        let recorded = try ManifestReader.read(out + "/job.yaml")
        guard case let .values(seeds) = recorded.seeds, let seed = seeds.only else { Issue.record("\(recorded.seeds)"); return }
        let png = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/images").only)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/images/" + png)), as: UTF8.self)
        #expect(text.contains("Seed: \(seed),"))
        let rerun = try await SweepProcess.run(["render", job, "--output", out])
        #expect(rerun.errors.contains("1 already done, 0 to render"), "\(rerun.errors)")
        #expect(try ManifestReader.read(out + "/job.yaml").seeds == recorded.seeds)
    }

    @Test func schedulersListsNamesAliasesAndWhatEachDoes() async throws {
        let result = try await SweepProcess.run(["schedulers"])
        #expect(result.status == 0)
        #expect(result.output.contains("dpm++2m-karras  (A1111: DPM++ 2M Karras; also: dpmpp_2m_karras, k_dpmpp_2m_karras)"))
        #expect(result.output.split(separator: "\n").count == 20)
        let generate = try await SweepProcess.run(["generate", "--model", "\(RenderCommandTests.models)/sd1-tiny", "--prompt", "a fox",
                                                   "--steps", "2", "--scheduler", "Euler a", "--output", folder.appendingPathComponent("x.png").path])
        #expect(generate.status == 0, "\(generate.errors)")
        let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent("x.png")), as: UTF8.self)
        #expect(text.contains("Sampler: Euler a,"))
    }
}

private extension Collection {
    var only: Element? { count == 1 ? first : nil }
}
