import Foundation
@testable import Sweep
import Testing

@Suite struct JobOutputTests {
    let fixture: ManifestFixture
    let job: Job
    let out: String

    init() throws {
        fixture = try ManifestFixture()
        job = try fixture.read("model: MODEL\nprompts: [\"a cat, \\\"fluffy\\\"\", 富士山]\nseeds: [1, 2]\ngrid: none\n")
        out = fixture.folder.appendingPathComponent("out").path
        tasks = Array(job.tasks())
    }

    let tasks: [RenderTask]
    static let owner = OutputOwner(job: "job", manifest: "/jobs/job.yaml")

    func open(_ job: Job? = nil, model: String = "model-a", owner: OutputOwner = owner, force: Bool = false) throws -> JobOutput {
        try JobOutput(job: job ?? self.job, folder: out, owner: owner, modelHash: model, force: force)
    }

    func record(_ index: Int, _ value: UInt8, in output: JobOutput) throws {
        try output.record(result(tasks[index], value), of: tasks[index])
    }

    func png(_ value: UInt8) throws -> Data {
        try PNGImage(width: 2, height: 2, pixels: Array(repeating: value, count: 12)).encoded()
    }

    func result(_ task: RenderTask, _ value: UInt8) throws -> RenderResult {
        RenderResult(taskID: task.id, png: try png(value), seconds: 1.5, rank: 1, host: "node-a")
    }

    @Test func recordedImagesAreNotRenderedAgain() throws {
        let output = try open()
        #expect(output.pendingCount == 4)
        try record(0, 10, in: output)
        try record(2, 20, in: output)
        let resumed = try open()
        #expect(resumed.pending.map(\.id) == [tasks[1].id, tasks[3].id])
        #expect(try open(force: true).pendingCount == 4)
        #expect(try open().pendingCount == 4)
    }

    @Test func aTruncatedImageIsRenderedAgain() throws {
        let output = try open()
        try record(0, 10, in: output)
        try record(1, 30, in: output)
        let path = out + "/" + JobOutput.imagePath(tasks[1].id)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(try open().pending.map(\.id) == Array(tasks[1...].map(\.id)))
    }

    @Test func filesCutShortByAKillAreRemoved() throws {
        let output = try open()
        let partial = out + "/images/." + tasks[0].id + ".png.partial"
        try Data([0x89, 0x50]).write(to: URL(fileURLWithPath: partial))
        _ = try open()
        #expect(!FileManager.default.fileExists(atPath: partial))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["grids", "images", "job.yaml", "owner.json"])
    }

    @Test func aJournalLineCutShortIsIgnoredAndTheNextAppendSurvives() throws {
        let output = try open()
        try record(0, 10, in: output)
        let journal = URL(fileURLWithPath: out + "/journal")
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"host":"node-a","id":"\#(tasks[1].id)","rank"#.utf8))
        try handle.close()
        let resumed = try open()
        #expect(resumed.pendingCount == 3)
        try record(2, 20, in: resumed)
        #expect(try open().pending.map(\.id) == [tasks[1].id, tasks[3].id])
    }

    @Test func csvFilesHoldOneRowPerFinishedImageInManifestOrder() throws {
        let output = try open()
        for index in [3, 0, 3] { try record(index, UInt8(index), in: output) }
        try output.writeManifests()
        let manifest = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8)).map(\.fields)
        #expect(manifest[0] == ManifestCSV.columns(eta: false))
        #expect(manifest.count == 3)
        let first = tasks[0]
        #expect(manifest[1] == ["images/\(first.id).png", first.id, "a cat, \"fluffy\"", "", "1", "50", "7.5", "pndm", "32", "32",
                                "sd1-tiny", ContentHash.hex(try png(0)), "1.500", "1", "node-a"])
        #expect(manifest[2][2] == "富士山" && manifest[2][4] == "2")
        let prompts = try CSV.parse(String(contentsOfFile: out + "/prompts.csv", encoding: .utf8)).map(\.fields)
        #expect(prompts == [["imgId", "prompt"], [first.id, "a cat, \"fluffy\""], [tasks[3].id, "富士山"]])
        let resolved = try ManifestReader.read(out + "/job.yaml")
        #expect(resolved == job)
    }
}
