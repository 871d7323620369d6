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
    }

    func png(_ value: UInt8) throws -> Data {
        try PNGImage(width: 2, height: 2, pixels: Array(repeating: value, count: 12)).encoded()
    }

    func result(_ task: RenderTask, _ value: UInt8) throws -> RenderResult {
        RenderResult(taskID: task.id, png: try png(value), seconds: 1.5, rank: 1, host: "node-a")
    }

    @Test func recordedImagesAreNotRenderedAgain() throws {
        let output = try JobOutput(job: job, folder: out, force: false)
        #expect(output.pending.count == 4)
        try output.record(result(output.tasks[0], 10))
        try output.record(result(output.tasks[2], 20))
        let resumed = try JobOutput(job: job, folder: out, force: false)
        #expect(resumed.pending.map(\.id) == [output.tasks[1].id, output.tasks[3].id])
        #expect(try JobOutput(job: job, folder: out, force: true).pending.count == 4)
        #expect(try JobOutput(job: job, folder: out, force: false).pending.count == 4)
    }

    @Test func aTruncatedImageIsRenderedAgain() throws {
        let output = try JobOutput(job: job, folder: out, force: false)
        try output.record(result(output.tasks[0], 10))
        try output.record(result(output.tasks[1], 30))
        let path = out + "/" + JobOutput.imagePath(output.tasks[1].id)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(try JobOutput(job: job, folder: out, force: false).pending.map(\.id) == Array(output.tasks[1...].map(\.id)))
    }

    @Test func filesCutShortByAKillAreRemoved() throws {
        let output = try JobOutput(job: job, folder: out, force: false)
        let partial = out + "/images/." + output.tasks[0].id + ".png.partial"
        try Data([0x89, 0x50]).write(to: URL(fileURLWithPath: partial))
        _ = try JobOutput(job: job, folder: out, force: false)
        #expect(!FileManager.default.fileExists(atPath: partial))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["grids", "images", "job.yaml"])
    }

    @Test func aJournalLineCutShortIsIgnoredAndTheNextAppendSurvives() throws {
        let output = try JobOutput(job: job, folder: out, force: false)
        try output.record(result(output.tasks[0], 10))
        let journal = URL(fileURLWithPath: out + "/journal")
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"host":"node-a","id":"\#(output.tasks[1].id)","rank"#.utf8))
        try handle.close()
        let resumed = try JobOutput(job: job, folder: out, force: false)
        #expect(resumed.pending.count == 3)
        try resumed.record(result(output.tasks[2], 20))
        #expect(try JobOutput(job: job, folder: out, force: false).pending.map(\.id) == [output.tasks[1].id, output.tasks[3].id])
    }

    @Test func csvFilesHoldOneRowPerFinishedImageInManifestOrder() throws {
        let output = try JobOutput(job: job, folder: out, force: false)
        for index in [3, 0, 3] { try output.record(result(output.tasks[index], UInt8(index))) }
        try output.writeManifests()
        let manifest = try CSV.parse(String(contentsOfFile: out + "/manifest.csv", encoding: .utf8)).map(\.fields)
        #expect(manifest[0] == ManifestCSV.columns)
        #expect(manifest.count == 3)
        let first = output.tasks[0]
        #expect(manifest[1] == ["images/\(first.id).png", first.id, "a cat, \"fluffy\"", "", "1", "50", "7.5", "pndm", "32", "32",
                                "sd1-tiny", "", SHA256.hex(try png(0)), "1.500", "1", "node-a"])
        #expect(manifest[2][2] == "富士山" && manifest[2][4] == "2")
        let prompts = try CSV.parse(String(contentsOfFile: out + "/prompts.csv", encoding: .utf8)).map(\.fields)
        #expect(prompts == [["imgId", "prompt"], [first.id, "a cat, \"fluffy\""], [output.tasks[3].id, "富士山"]])
        let resolved = try ManifestReader.read(out + "/job.yaml")
        #expect(resolved == job)
    }
}
