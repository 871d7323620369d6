import Foundation
import StableDiffusion
@testable import Sweep
import Testing

@Suite struct ManifestReaderTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    @Test func defaultsComeFromTheModelAndAreWrittenBack() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat]\n")
        #expect(job.name == "job")
        #expect(job.sizes == [ImageSize(width: 32, height: 32)])
        #expect(job.schedulers == [.pndm])
        #expect(job.seeds == .values([0]) && job.guidance == [7.5] && job.steps == [50])
        #expect(job.grid == nil)
        let again = try fixture.read(job.resolvedYAML())
        #expect(again == job)
    }

    @Test func seedsTakeListsRangesAndStartCount() throws {
        let seeds = { (text: String) throws -> SeedAxis in try fixture.read("model: MODEL\nprompts: [a]\nseeds: \(text)\n").seeds }
        #expect(try seeds("42") == .values([42]))
        #expect(try seeds("[3, \"5-7\", 18446744073709551615]") == .values([3, 5, 6, 7, UInt64.max]))
        #expect(try seeds("\"1-4\"") == .values([1, 2, 3, 4]))
        #expect(try seeds("{start: 10, count: 3}") == .values([10, 11, 12]))
    }

    @Test func seedsPerPromptAreReproducibleAndDifferByPrompt() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat, a dog]\nseeds_per_prompt: 3\nseed: 7\n")
        let cat = job.seeds.seeds(for: "a cat"), dog = job.seeds.seeds(for: "a dog")
        #expect(cat.count == 3 && Set(cat).count == 3 && cat != dog)
        #expect(cat == SeedAxis.perPrompt(count: 3, jobSeed: 7).seeds(for: "a cat"))
        #expect(cat != SeedAxis.perPrompt(count: 3, jobSeed: 8).seeds(for: "a cat"))
        #expect(cat.allSatisfy { $0 <= UInt64(UInt32.max) })
        #expect(job.tasks().map(\.seed) == cat + dog)
    }

    @Test func everyProblemIsReportedWithItsLine() throws {
        let problems = try fixture.problems("""
            model: MODEL
            prompts: [a cat]
            guidence: 7
            scheduler: [euler, eular-a]
            size: [512x500, 64x64]
            seeds: [1, 2]
            steps: 0
            grid: {rows: seeds, columns: steps}
            """)
        let lines = problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(lines == [
            "3: unknown key 'guidence' (did you mean 'guidance'?)",
            "4: scheduler[1]: unknown scheduler 'eular-a' (did you mean 'euler-a'?): expected one of pndm, ddim, lms, euler, euler-a, heun, dpm++2m, dpm++2m-karras, unipc, lcm",
            "5: size[0] 512x500: height 500: expected a positive multiple of 8 up to 8192",
            "7: steps '0': expected a whole number from 1 to 1000",
            "8: grid columns: steps is not swept (it has one value); a grid axis needs several",
        ], "\(lines)")
    }

    @Test func missingModelPromptsAndFilesAreNamed() throws {
        let noModel = try fixture.problems("model: nowhere/sd\nprompts: []\n")
        #expect(noModel.count == 2)
        #expect(noModel[0].line == 1 && noModel[0].message.contains("model 'nowhere/sd'") && noModel[0].message.contains("no such file or folder"))
        #expect(noModel[1].line == 2 && noModel[1].message == "prompts is an empty list: expected at least one value")
        let noFile = try fixture.problems("model: MODEL\nprompts_file: missing.csv\n")
        #expect(noFile.map(\.line) == [2] && noFile[0].message.contains("prompts_file 'missing.csv': no such file"))
        let neither = try fixture.problems("model: MODEL\n")
        #expect(neither.count == 1 && neither[0].message.contains("missing key 'prompts'"))
        let notYAML = try fixture.problems("model: MODEL\nprompts: [a\n")
        #expect(notYAML.count == 1 && notYAML[0].message.hasPrefix("not valid YAML"))
    }

    @Test func gridAxesMustBeSweptKnownAndDistinct() throws {
        let base = "model: MODEL\nprompts: [a, b]\nseeds: [1, 2]\n"
        #expect(try fixture.problems(base + "grid: {rows: seed, columns: prompts}\n").map(\.message)
                == ["grid rows: unknown axis 'seed' (did you mean 'seeds'?): expected one of "
                    + SweepAxis.allCases.map(\.rawValue).joined(separator: ", ")])
        #expect(try fixture.problems(base + "grid: {rows: seeds, columns: seeds}\n").map(\.message) == ["grid: rows and columns are both seeds"])
        #expect(try fixture.problems(base + "grid: {rows: guidance}\n").map(\.line) == [4])
        #expect(try fixture.problems(base + "grid: {rows: seeds, colums: prompts}\n").map(\.message).first
                == "unknown grid key 'colums' (did you mean 'columns'?)")
        #expect(try fixture.read(base + "grid: none\n").grid == nil)
        #expect(try fixture.read(base).grid == GridChoice(rows: .prompts, columns: .seeds))
    }

    @Test func promptReplaceMustFindItsSearchText() throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a red car, a blue car]\nprompt_replace: [red, green]\n")
        #expect(problems.map(\.line) == [3] && problems[0].message.contains("'red' is not in 1 prompt(s), e.g. 'a blue car'"))
    }

    @Test func jsonManifestsAreAccepted() throws {
        let job = try fixture.read(#"{"model": "MODEL", "prompts": ["a cat"], "seeds": [1, 2], "guidance": 5}"#)
        #expect(job.seeds == .values([1, 2]) && job.guidance == [5])
    }

    @Test func pathsAreRelativeToTheManifest() throws {
        let sub = fixture.folder.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try "first prompt\n\n  second prompt  \n".write(to: fixture.folder.appendingPathComponent("prompts.txt"), atomically: true, encoding: .utf8)
        let job = try fixture.read("model: MODEL\nprompts_file: prompts.txt\n")
        #expect(job.prompts.map(\.text) == ["first prompt", "second prompt"])
        let nested = try ManifestReader.read(fixture.write("model: MODEL\nprompts_file: ../prompts.txt\n", name: "jobs/nested.yaml"))
        #expect(nested.prompts.count == 2 && nested.name == "nested")
    }
}

/// `model:` as a single checkpoint with `config:` and `vae:` (Tests/Fixtures/singlefile).
@Suite struct SingleFileManifestTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/singlefile").standardized.path

    func read(_ text: String) throws -> Result<Job, ManifestError> {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("job-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return Result { () throws(ManifestError) in try ManifestReader.read(path) }
    }

    @Test func aCheckpointTakesItsSizeAndSchedulerFromTheConfigFolder() throws {
        let job = try read("model: \(Self.fixtures)/sd2.safetensors\nconfig: \(Self.fixtures)/sd2-config\n"
                           + "vae: \(Self.fixtures)/vae-swap.safetensors\nprompts: [a cat]\n").get()
        #expect(job.sizes == [ImageSize(width: 16, height: 16)] && job.schedulers == [.ddim])
        #expect(job.modelName == "sd2.safetensors" && job.vaeName == "vae-swap.safetensors")
    }

    @Test func aBadVAEOrConfigIsReportedOnItsLine() throws {
        for (text, line, start) in [
            ("model: \(Self.fixtures)/sd1.safetensors\nconfig: \(Self.fixtures)/sd1-config\nvae: \(Self.fixtures)/bad/model.ckpt\nprompts: [x]\n",
             3, "vae '\(Self.fixtures)/bad/model.ckpt': \(Self.fixtures)/bad/model.ckpt: a PyTorch pickle"),
            ("model: \(Self.fixtures)/sd1.safetensors\nconfig: \(Self.fixtures)\nprompts: [x]\n",
             2, "config '\(Self.fixtures)': \(Self.fixtures): not a diffusers model folder"),
            ("model: \(Self.fixtures)/sd1.safetensors\nprompts: [x]\n", 1, "model '\(Self.fixtures)/sd1.safetensors': "),
        ] {
            guard case let .failure(.invalid(problems)) = try read(text) else { Issue.record("accepted: \(text)"); continue }
            #expect(problems.first?.line == line && problems.first?.message.hasPrefix(start) == true, "\(problems)")
        }
    }
}
