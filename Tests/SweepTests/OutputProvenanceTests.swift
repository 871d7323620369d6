import Foundation
@testable import Sweep
import Testing

/// Issue 13: an image is rendered again when anything that shaped it changed, and an output
/// folder holds one job's images only.
@Suite struct OutputProvenanceTests {
    let base: JobOutputTests
    init() throws { base = try JobOutputTests() }

    @Test func anotherModelUnderTheSameNameRendersEveryImageAgain() throws {
        let output = try base.open(model: "model-a")
        for index in 0..<4 { try base.record(index, UInt8(index), in: output) }
        #expect(try base.open(model: "model-a").pendingCount == 0)
        let replaced = try base.open(model: "model-b")
        #expect(replaced.pendingCount == 4 && replaced.pending.map(\.id) == base.tasks.map(\.id))
        #expect(replaced.notes == ["4 image(s) were rendered from a different model (its weights or configs changed); rendering them again"])
        // Only what was rendered again from the new model is done afterwards.
        try base.record(1, 9, in: replaced)
        #expect(try base.open(model: "model-b").pending.map(\.id) == [base.tasks[0], base.tasks[2], base.tasks[3]].map(\.id))
    }

    @Test func aPromptChangedUnderItsOwnIDRendersThatImageAgain() throws {
        let csv = { (second: String) in "id,prompt,seed\ncat,a cat,1\ndog,\(second),2\n" }
        try csv("a dog").write(to: base.fixture.folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let job = try base.fixture.read("model: MODEL\nprompts_file: p.csv\ngrid: none\n")
        let output = try base.open(job)
        for task in job.tasks() { try output.record(try base.result(task, 1), of: task) }
        try csv("a wolf").write(to: base.fixture.folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let edited = try base.open(try base.fixture.read("model: MODEL\nprompts_file: p.csv\ngrid: none\n"))
        #expect(edited.pending.map(\.id) == ["dog"])
        #expect(edited.notes == ["1 image(s) were rendered with other settings; rendering them again"])
    }

    @Test func aJournalFromBeforeProvenanceIsRenderedAgainWithAReason() throws {
        let output = try base.open()
        try base.record(0, 1, in: output)
        let journal = base.out + "/journal"
        let old = try String(contentsOfFile: journal, encoding: .utf8)
            .replacingOccurrences(of: #","model":"model-a","provenance":"[0-9a-f]+""#, with: "", options: .regularExpression)
        #expect(!old.contains("provenance"))
        try old.write(toFile: journal, atomically: true, encoding: .utf8)
        let reopened = try base.open()
        #expect(reopened.pendingCount == 4)
        #expect(reopened.notes.first?.hasPrefix("1 image(s) come from an older sweep that did not record which model made them") == true)
    }

    @Test func anotherJobIsRefusedUnlessForcedAndItsImagesBecomeOrphans() throws {
        let output = try base.open()
        for index in 0..<4 { try base.record(index, UInt8(index), in: output) }
        let other = try base.fixture.read("name: other\nmodel: MODEL\nprompts: [a bird]\nseeds: [1]\ngrid: none\n")
        let intruder = OutputOwner(job: "other", manifest: "/jobs/other.yaml")
        #expect(throws: OutputError.ownedByAnotherJob(folder: base.out, owner: "job job (from /jobs/job.yaml)")) {
            try base.open(other, owner: intruder)
        }
        #expect(try String(contentsOfFile: base.out + "/owner.json", encoding: .utf8).contains("/jobs/job.yaml"))
        let taken = try base.open(other, owner: intruder, force: true)
        #expect(taken.pendingCount == 1)
        let orphans = try FileManager.default.contentsOfDirectory(atPath: base.out + "/orphans").sorted()
        #expect(orphans == base.tasks.map { $0.id + ".png" }.sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.out + "/images").isEmpty)
        #expect(try String(contentsOfFile: base.out + "/prompts.csv", encoding: .utf8) == "imgId,prompt\r\n")
        #expect(try String(contentsOfFile: base.out + "/owner.json", encoding: .utf8).contains("/jobs/other.yaml"))
    }

    @Test func aFolderFromBeforeOwnersIsKeptByItsJobAndRefusedToOthers() throws {
        try FileManager.default.createDirectory(atPath: base.out, withIntermediateDirectories: true)
        try "name: older\nmodel: x\n".write(toFile: base.out + "/job.yaml", atomically: true, encoding: .utf8)
        #expect(throws: OutputError.ownedByAnotherJob(folder: base.out, owner: "job older")) { try base.open() }
        try "name: job\nmodel: x\n".write(toFile: base.out + "/job.yaml", atomically: true, encoding: .utf8)
        _ = try base.open()
        #expect(try String(contentsOfFile: base.out + "/owner.json", encoding: .utf8) == #"{"job":"job","manifest":"/jobs/job.yaml"}"#)
    }

    /// A TAESD decoder's weights shape its images: changing them renders exactly the images it
    /// decoded again, and the VAE-decoded ones stay.
    @Test func anotherDecoderUnderTheSameFolderRendersOnlyItsImagesAgain() throws {
        let job = try base.fixture.read("model: MODEL\nprompts: [a lighthouse]\nseeds: [1, 2]\ngrid: none\ndecoder: [vae, \(DecoderAxisTests.taesd)]\n")
        let tasks = Array(job.tasks())
        let open = { (hash: String) in
            try JobOutput(job: job, folder: self.base.out, owner: JobOutputTests.owner, modelHash: "model-a",
                          decoderHashes: [DecoderAxisTests.taesd: hash], force: false)
        }
        let output = try open("taesd-a")
        for task in tasks { try output.record(try base.result(task, 1), of: task) }
        #expect(try open("taesd-a").pendingCount == 0)
        let replaced = try open("taesd-b")
        #expect(replaced.pending.map(\.id) == tasks.filter { $0.decoder != nil }.map(\.id) && replaced.pendingCount == 2)
    }

    /// A run killed after taking the lock but while writing its owner record leaves only those
    /// two behind; the next run takes the folder (found as a flaky process test under load).
    @Test func aLockAndAPartialOwnerRecordAreNoOnesOutput() throws {
        try FileManager.default.createDirectory(atPath: base.out, withIntermediateDirectories: true)
        try "pid 1 on host h".write(toFile: base.out + "/" + OutputLock.fileName, atomically: true, encoding: .utf8)
        try "{\"job\":".write(toFile: base.out + "/.owner.json.partial", atomically: true, encoding: .utf8)
        _ = try base.open()
        #expect(try String(contentsOfFile: base.out + "/owner.json", encoding: .utf8) == #"{"job":"job","manifest":"/jobs/job.yaml"}"#)
    }

    @Test func aFolderOfOtherFilesIsRefused() throws {
        try FileManager.default.createDirectory(atPath: base.out, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: base.out + "/thesis.txt"))
        #expect(throws: OutputError.self) { try base.open() }
        #expect(!FileManager.default.fileExists(atPath: base.out + "/images"))
    }

    @Test func imagesOfSeedsRemovedFromTheJobMoveToOrphansAndLeaveTheCSV() throws {
        let output = try base.open()
        for index in 0..<4 { try base.record(index, UInt8(index), in: output) }
        try output.writeManifests()
        let fewer = try base.fixture.read("model: MODEL\nprompts: [\"a cat, \\\"fluffy\\\"\", 富士山]\nseeds: [1]\ngrid: none\n")
        let reopened = try base.open(fewer)
        let removed = base.tasks.filter { $0.seed == 2 }.map(\.id)
        #expect(reopened.pendingCount == 0)
        #expect(reopened.notes == ["moved 2 image(s) that are not in this job to orphans/: " + removed.sorted().map { $0 + ".png" }.joined(separator: ", ")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.out + "/orphans").sorted() == removed.sorted().map { $0 + ".png" })
        let manifest = try String(contentsOfFile: base.out + "/manifest.csv", encoding: .utf8)
        let prompts = try String(contentsOfFile: base.out + "/prompts.csv", encoding: .utf8)
        for id in removed { #expect(!manifest.contains(id) && !prompts.contains(id)) }
    }

    @Test func aDatasetsPromptsCSVDoesNotOutliveItInAGridJob() throws {
        let output = try base.open()
        try base.record(0, 1, in: output)
        try output.writeManifests()
        let grid = try base.fixture.read("model: MODEL\nprompts: [\"a cat, \\\"fluffy\\\"\", 富士山]\nseeds: [1, 2]\n")
        #expect(grid.grid != nil)
        _ = try base.open(grid)
        #expect(!FileManager.default.fileExists(atPath: base.out + "/prompts.csv"))
    }

    /// A trillion tasks: any step that lists them, counts them one by one or checks each against
    /// the folder would never finish, so reaching the first task proves the expansion is streamed.
    @Test func aTrillionTaskJobReachesItsFirstTaskWithoutListingTasks() throws {
        let job = try base.fixture.read("""
            model: MODEL
            prompts: [a cat]
            seeds: {start: 1, count: 1000000}
            guidance: [\((1...1000).map { "\(Double($0) / 10)" }.joined(separator: ", "))]
            steps: [\((1...1000).map(String.init).joined(separator: ", "))]
            grid: none
            """)
        let output = try base.open(job)
        #expect(output.taskCount == 1_000_000_000_000 && output.pendingCount == output.taskCount)
        let first = try #require(output.pending.first { _ in true })
        #expect(first.seed == 1 && first.guidance == 0.1 && first.steps == 1 && first.index == 0)
        var queue = TaskQueue(output.pending)
        #expect(queue.next(for: 0)?.id == first.id && queue.next(for: 1)?.steps == 2)
    }
}
