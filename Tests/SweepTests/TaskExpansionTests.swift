import Foundation
@testable import Sweep
import Testing

@Suite struct TaskExpansionTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    @Test func tasksAreTheProductOfTheAxesInManifestOrder() throws {
        let job = try fixture.read("""
            model: MODEL
            prompts: [a red car, a red bike]
            prompt_replace: [red, blue, green]
            seeds: "1-2"
            guidance: [3, 7.5]
            steps: [4, 8]
            scheduler: [euler, ddim]
            size: [32x32, 48x32]
            """)
        let tasks = Array(job.tasks())
        #expect(tasks.count == 2 * 3 * 2 * 2 * 2 * 2 * 2)
        #expect(tasks.map(\.index) == Array(0..<tasks.count))
        #expect(Set(tasks.map(\.id)).count == tasks.count)
        #expect(tasks[0].prompt == "a red car" && tasks[0].size == ImageSize(width: 32, height: 32))
        #expect(tasks[1].size == ImageSize(width: 48, height: 32) && tasks[2].scheduler == .ddim)
        #expect(tasks[32].prompt == "a blue car" && tasks[32].basePrompt == "a red car")
        #expect(tasks[96].prompt == "a red bike" && tasks[96].coordinates[.prompts] == 1)
        #expect(tasks.allSatisfy { $0.id.count == 16 && TaskID.isValid($0.id) })
    }

    @Test func idsDependOnSettingsAndModelOnly() throws {
        let a = Array(try fixture.read("model: MODEL\nprompts: [a cat, a dog]\nseeds: [1, 2]\n").tasks())
        let reordered = Array(try fixture.read("model: MODEL\nprompts: [a dog, a cat]\nseeds: [2, 1]\nguidance: 7.5\n").tasks())
        #expect(Set(a.map(\.id)) == Set(reordered.map(\.id)))
        #expect(a.first { $0.prompt == "a dog" && $0.seed == 2 }?.id == reordered.first?.id)
        let otherSteps = Array(try fixture.read("model: MODEL\nprompts: [a cat, a dog]\nseeds: [1, 2]\nsteps: 49\n").tasks())
        #expect(Set(a.map(\.id)).isDisjoint(with: otherSteps.map(\.id)))
        // Known value: a change to what goes into an id breaks resuming every existing job.
        #expect(a[0].id == Job.derivedID("model=sd1-tiny\u{0}prompt=a cat\u{0}negative=\u{0}seed=1\u{0}steps=50\u{0}guidance=7.5\u{0}scheduler=pndm\u{0}size=32x32\u{0}eta=0.0"))
    }

    @Test func duplicateSettingsShareOneImage() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat, a cat]\nseeds: [1, 1, 2]\n")
        #expect(job.allTasks().count == 6)
        #expect(job.tasks().count == 2)
        #expect(job.tasks().map(\.seed) == [1, 2])
    }

    @Test func csvRowsSetNegativePromptSeedAndId() throws {
        try CSV.file([["id", "prompt", "negative_prompt", "seed", "source"],
                      ["img-1", "a cat, \"fluffy\"\non two lines", "", "5", "x"],
                      ["", "a dog", "blurry", "", "y"]])
            .write(to: fixture.folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let job = try fixture.read("model: MODEL\nprompts_file: p.csv\nseeds: [1, 2]\nnegative_prompt: ugly\ngrid: none\n")
        let tasks = Array(job.tasks())
        #expect(tasks.map(\.id).prefix(1) == ["img-1"])
        #expect(tasks.map(\.seed) == [5, 1, 2])
        #expect(tasks.map(\.negativePrompt) == ["ugly", "blurry", "blurry"])
        #expect(tasks[0].prompt == "a cat, \"fluffy\"\non two lines")
    }

    @Test func csvProblemsNameTheFileAndLine() throws {
        try "prompt,seed,id\nok,1,a\n\"two\nlines\",x,b\n,2,c\nfine,3,../../etc/passwd\nlast,4,a\n"
            .write(to: fixture.folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let problems = try fixture.problems("model: MODEL\nprompts_file: bad.csv\ngrid: none\n")
        #expect(problems.map { "\($0.file):\($0.line ?? 0)" } == ["bad.csv:3", "bad.csv:5", "bad.csv:6", "bad.csv:7"])
        #expect(problems[0].message.contains("seed 'x'"))
        #expect(problems[1].message == "empty prompt")
        #expect(problems[2].message.contains("id '../../etc/passwd'"))
        #expect(problems[3].message == "id 'a' is used by two different images")
    }

    @Test func namesThatLeaveTheOutputFolderAreRefused() throws {
        for name in ["../escape", "/etc", ".hidden", "a/b", "x y", "-flag", ""] {
            let problems = try fixture.problems("name: \"\(name)\"\nmodel: MODEL\nprompts: [a]\n")
            #expect(problems.count == 1 && problems[0].message.contains("names the output folder"), "\(name)")
        }
        for id in ["..", "a/../../b", "C:\\x", "über"] { #expect(!TaskID.isValid(id), "\(id)") }
    }
}

extension TaskExpansionTests {
    /// Duplicates are found from the axes' values; this is the rule the old list-and-filter
    /// expansion applied (first task with each id wins), checked on awkward cases.
    @Test func streamedDuplicatesMatchFilteringByID() throws {
        for yaml in [
            "prompts: [a cat, a dog, a cat]\nseeds: [1, 2, 1]\nguidance: [7, 3, 7]\nsteps: [4, 4]",
            "prompts: [a red car, a red car]\nprompt_replace: [red, blue, red]\nseeds: [5, 6]",
            "prompts: [a cat]\nscheduler: [ddim, euler, ddim]\nsize: [32x32, 32x32]\neta: 0.5",
            "prompts: [a cat, a cat]\nseeds_per_prompt: 3\nseed: 4",
        ] {
            let job = try fixture.read("model: MODEL\n" + yaml + "\n")
            try expectStreamedDuplicatesMatchFilteringByID(job, yaml)
        }
        // A prompts CSV: rows repeated whole share their tasks; a row that differs only by its
        // seed keeps its own id.
        try "id,prompt,seed\nx,a cat,\nx,a cat,\ny,a cat,1\nz,a dog,\nz,a dog,3\n"
            .write(to: fixture.folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let rows = try fixture.read("model: MODEL\nprompts_file: p.csv\nseeds: [1, 2]\ngrid: none\n")
        try expectStreamedDuplicatesMatchFilteringByID(rows, "p.csv")
        #expect(rows.tasks().map(\.id) == ["x-1", "x-2", "y", "z-1", "z-2", "z"])
    }

    func expectStreamedDuplicatesMatchFilteringByID(_ job: Job, _ yaml: String) throws {
        var seen = Set<String>()
        let filtered = job.allTasks().filter { seen.insert($0.id).inserted }
        #expect(Array(job.tasks()) == filtered, "\(yaml)")
        #expect(job.tasks().count == filtered.count && job.allTasks().count == Array(job.allTasks()).count, "\(yaml)")
    }

    @Test func etaEntersOnlyTasksOfSchedulersThatUseIt() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat]\nscheduler: [ddim, euler-a]\neta: 0.5\n")
        let tasks = Array(job.tasks())
        #expect(tasks.map(\.eta) == [0.5, 0])
        let plain = try fixture.read("model: MODEL\nprompts: [a cat]\nscheduler: [ddim, euler-a]\n")
        #expect(tasks[1].id == Array(plain.tasks())[1].id && tasks[0].id != Array(plain.tasks())[0].id)
    }
}
