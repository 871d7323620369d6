import Foundation
import StableDiffusion
@testable import Sweep
import Testing

/// Axes declared once (`AxisCatalog`): new axes, defaults that change no id or file, A1111 names.
@Suite struct AxisDeclarationTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    static let base = "model: MODEL\nprompts: [a lighthouse]\nseeds: [1, 2]\nsteps: 4\n"

    @Test func settingsWrittenAtTheirDefaultChangeNoIdOrFile() throws {
        let plain = try fixture.read(Self.base)
        let explicit = try fixture.read(Self.base + "negative_prompt: \"\"\neta: 0\ndecoder: vae\nguidance: 7.5\n")
        #expect(Array(plain.tasks()) == Array(explicit.tasks()))
        #expect(try plain.resolvedYAML() == explicit.resolvedYAML())
        let entries = Dictionary(uniqueKeysWithValues: plain.tasks().map { ($0.id, JournalEntry(id: $0.id, sha256: "00", seconds: 1, rank: 0, host: "h")) })
        #expect(plain.csvAxes.isEmpty)
        #expect(ManifestCSV.manifest(tasks: plain.tasks(), entries: entries, model: "m", eta: false, axes: plain.csvAxes)
                == ManifestCSV.manifest(tasks: explicit.tasks(), entries: entries, model: "m", eta: false))
        #expect(plain.tasks().allSatisfy { $0.parameterEntries.isEmpty })
    }

    @Test func aNegativePromptListIsAnAxis() throws {
        let plain = Array(try fixture.read(Self.base + "negative_prompt: blurry\n").tasks())
        let job = try fixture.read(Self.base + "negative_prompt: [blurry, \"\"]\ngrid: {rows: seeds, columns: negative_prompt}\n")
        let tasks = Array(job.tasks())
        #expect(tasks.map(\.negativePrompt) == ["blurry", "", "blurry", ""])
        #expect(tasks.filter { $0.negativePrompt == "blurry" }.map(\.id) == plain.map(\.id))
        #expect(Set(tasks.map(\.id)).count == 4)
        #expect(tasks[1].request.negativePrompt == "" && tasks[0].request.negativePrompt == "blurry")
        let plan = try #require(GridPlan.plans(for: job, tasks: job.allTasks()).only)
        #expect(plan.columnLabels == ["Negative prompt: blurry", "No negative prompt"])
        #expect(try Array(fixture.read(job.resolvedYAML()).tasks()) == tasks)
    }

    @Test func aNegativePromptListCannotMeetAPromptsFilesOwn() throws {
        try "prompt,negative_prompt\na cat,ugly\n".write(to: fixture.folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let problems = try fixture.problems("model: MODEL\nprompts_file: p.csv\nnegative_prompt: [a, b]\ngrid: none\n")
        #expect(problems.map(\.message) == ["negative_prompt: a list cannot be swept when the prompts file gives prompts their own "
                                            + "(e.g. 'a cat'); remove the negative_prompt column or give one negative_prompt"])
    }

    /// Eta only changes DDIM: the other schedulers' tasks take 0 and are made once, not once per eta.
    @Test func etaIsAnAxisThatAppliesToDDIMOnly() throws {
        let job = try fixture.read(Self.base + "scheduler: [euler, ddim]\neta: [0, 0.5]\ngrid: {rows: scheduler, columns: eta}\n")
        let tasks = Array(job.tasks())
        #expect(job.tasks().count == 2 * 3 && tasks.count == 6)
        #expect(tasks.map { "\($0.scheduler.rawValue):\($0.eta)" } == ["euler:0.0", "ddim:0.0", "ddim:0.5", "euler:0.0", "ddim:0.0", "ddim:0.5"])
        #expect(Set(tasks.map(\.id)).count == 6)
        // In the grid the euler × eta 0.5 cell shows the euler image, labelled by the column's value.
        let all = Array(job.allTasks())
        #expect(all.count == 8 && Set(all.map(\.id)) == Set(tasks.map(\.id)))
        let plan = try #require(GridPlan.plans(for: job, tasks: all).first)
        #expect(plan.rowLabels == ["Sampler: Euler", "Sampler: DDIM"] && plan.columnLabels == ["Eta: 0.0", "Eta: 0.5"])
        #expect(plan.cells[0] == plan.cells[1] && plan.cells[2] != plan.cells[3])
        #expect(job.etaApplies && ManifestCSV.columns(eta: job.etaApplies).contains("eta"))
    }

    @Test func schedulersAnswerToA1111Names() throws {
        let names = ["DPM++ 2M Karras": SchedulerKind.dpmSolverMultistepKarras, "Euler a": .eulerAncestral, "UniPC": .unipc,
                     "PLMS": .pndm, "LMS": .lms, "Heun": .heun, "DDIM": .ddim, "k_euler_a": .eulerAncestral, "dpmpp_2m": .dpmSolverMultistep,
                     "EulerDiscreteScheduler": .euler, "euler-a": .eulerAncestral]
        for (name, kind) in names { #expect(SchedulerKind(name: name) == kind, "\(name)") }
        #expect(SchedulerKind(name: "DPM++ 2M SDE") == nil)
        let job = try fixture.read(Self.base + "scheduler: [Euler a, DPM++ 2M Karras]\n")
        #expect(job.schedulers == [.eulerAncestral, .dpmSolverMultistepKarras])
        // The same ids as our own names give.
        #expect(Array(job.tasks()) == Array(try fixture.read(Self.base + "scheduler: [euler-a, dpm++2m-karras]\n").tasks()))
        let problems = try fixture.problems(Self.base + "scheduler: Euler b\n")
        #expect(problems.first?.message.hasPrefix("unknown scheduler 'Euler b'") == true)
    }

    @Test func sizeIsAGridAxis() throws {
        let job = try fixture.read(Self.base + "size: [32x32, 48x32]\ngrid: {rows: seeds, columns: size}\n")
        let plan = try #require(GridPlan.plans(for: job, tasks: job.allTasks()).only)
        #expect(plan.columnLabels == ["Size: 32x32", "Size: 48x32"])
        #expect(ManifestReader.defaultGrid(for: try fixture.read(Self.base + "size: [32, 48x32]\n"))?.columns == .size)
    }

    @Test func gridFilesAreNamedByTheValuesTheyShow() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a lighthouse]\nseeds: [1, 2]\nsteps: [8, 16]\nguidance: [3, 7]\n"
                                   + "grid: {rows: seeds, columns: guidance}\n")
        let plans = GridPlan.plans(for: job, tasks: job.allTasks())
        #expect(plans.map(\.name) == ["steps-8", "steps-16"])
        #expect(plans.map(\.title) == ["Steps: 8", "Steps: 16"])
        // Two prompts whose file-name forms agree get their value numbers too.
        let long = String(repeating: "word ", count: 12)
        let twins = try fixture.read("model: MODEL\nprompts: [\"\(long)a\", \"\(long)b\"]\nseeds: [1, 2]\nguidance: [3, 7]\n"
                                     + "grid: {rows: seeds, columns: guidance}\n")
        let names = GridPlan.plans(for: twins, tasks: twins.allTasks()).map(\.name)
        #expect(names.count == 2 && Set(names).count == 2 && names[0].hasSuffix("_prompts-1"))
    }

    @Test func minusOneSeedsAreDrawnOnceAndReusedWhenRecorded() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat]\nseeds: [5, -1, -1]\n")
        #expect(job.randomSeedSlots == [1, 2])
        var generator = Mutator(seed: 7)
        let drawn = job.drawingRandomSeeds(recorded: nil, using: &generator)
        guard case let .values(seeds) = drawn.seeds else { Issue.record("not a list"); return }
        #expect(seeds[0] == 5 && seeds[1] != seeds[2] && seeds.allSatisfy { $0 < 4_294_967_294 } && drawn.randomSeedSlots.isEmpty)
        // The job.yaml a run writes records the drawn seeds; a rerun takes them from it.
        let recorded = try fixture.read(drawn.resolvedYAML())
        var other = Mutator(seed: 99)
        #expect(job.drawingRandomSeeds(recorded: recorded, using: &other).seeds == drawn.seeds)
        // A recorded job whose other seeds differ is another job: draw anew.
        let changed = try fixture.read("model: MODEL\nprompts: [a cat]\nseeds: [6, 1, 2]\n")
        #expect(job.drawingRandomSeeds(recorded: changed, using: &other).seeds != changed.seeds)
        let perPrompt = try fixture.read("model: MODEL\nprompts: [a cat]\nseeds_per_prompt: 2\nseed: -1\n")
        #expect(perPrompt.randomSeedSlots == [0])
        #expect(try fixture.problems("model: MODEL\nprompts: [a cat]\nseeds: [-2]\n").count == 1)
    }

    @Test func aSingleFileModelsShortHashIsInThePNGText() {
        var parameters = GenerationParameters(prompt: "a cat", negativePrompt: "", steps: 20, sampler: "Euler", guidance: 7, seed: 1,
                                              width: 512, height: 512, model: "v1-5-pruned")
        let folderText = parameters.a1111Text
        parameters.modelHash = "6ce0161689"
        #expect(parameters.a1111Text == folderText.replacingOccurrences(of: "Model: v1-5", with: "Model hash: 6ce0161689, Model: v1-5"))
        #expect(folderText == "a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Model: v1-5-pruned")
    }

    @Test func aDryRunReportsWithoutWriting() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a lighthouse]\nseeds: [1, 2]\nsteps: [4, 8]\nguidance: [3, 7]\n"
                                   + "grid: {rows: seeds, columns: guidance}\n")
        let folder = fixture.folder.appendingPathComponent("out").path
        let report = try DryRunReport(job: job, folder: folder, total: job.tasks().count, done: 0,
                                      estimate: RenderEstimate(job: job, unetParameters: 1e6, decoderParameters: 1e5), cores: 2).text
        #expect(report.contains("tasks: 8 image(s), 0 already done, 8 to render"))
        #expect(report.contains("  grids/steps-4.png — Steps: 4") && report.contains("  grids/steps-8.png — Steps: 8"))
        #expect(report.contains("estimate: about "))
        #expect(report.contains("  name: \"job\""))
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}

/// Mutator's SplitMix64 also draws the random seeds, reproducibly.
extension Mutator: RandomNumberGenerator {}

/// The parts of a declaration no built-in axis uses yet (its own PNG key, CSV column and id
/// field), exercised with an axis declared here the way the README tells.
@Suite struct DeclaredAxisMechanismTests {
    static let clipSkip = AxisDeclaration(
        axis: SweepAxis(rawValue: "test_clip_skip"), expects: "a whole number", defaultValue: { _ in "1" },
        parse: { text, _ in AxisParsing.integer(text, key: "test_clip_skip", in: 1...12) }, apply: { _, _ in },
        label: { "Clip skip: \($0)" }, pngKey: "Clip skip", csvColumn: "clip_skip", identity: .whenNotDefault(key: "clip_skip"))

    @Test func aNewAxisEntersIdTextAndCSVOnlyAwayFromItsDefault() throws {
        let job = try ManifestFixture().read("model: MODEL\nprompts: [a cat]\nseeds: 1\n")
        var task = try #require(Array(job.tasks()).only)
        let axes = AxisCatalog.all + [Self.clipSkip]
        let original = task.identity(model: "m")
        task.settings[Self.clipSkip.axis] = "1"
        #expect(task.identity(model: "m", axes: axes) == original && task.parameterEntries(of: axes).isEmpty)
        task.settings[Self.clipSkip.axis] = "2"
        #expect(task.identity(model: "m", axes: axes) == original + "\u{0}clip_skip=2")
        #expect(task.parameterEntries(of: axes).map { "\($0.key): \($0.value)" } == ["Clip skip: 2"])
        let entries = [task.id: JournalEntry(id: task.id, sha256: "00", seconds: 1, rank: 0, host: "h")]
        let csv = ManifestCSV.manifest(tasks: [task], entries: entries, model: "m", eta: false, axes: [Self.clipSkip])
        #expect(csv.hasPrefix("image,id,prompt,negative_prompt,seed,steps,guidance,scheduler,width,height,model,sha256,seconds,rank,host,clip_skip\r\n"))
        #expect(csv.hasSuffix(",2\r\n"))
        #expect(Self.clipSkip.parse("13", AxisContext(folder: URL(fileURLWithPath: "/"))).failureText == "test_clip_skip '13': expected a whole number from 1 to 12")
    }
}

extension Result where Failure == AxisValueError {
    var failureText: String? {
        if case let .failure(error) = self { return error.description }
        return nil
    }
}
