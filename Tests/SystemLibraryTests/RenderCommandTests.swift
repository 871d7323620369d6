import Foundation
import Sweep
import Testing

/// `sweep render` end to end on the tiny model: resume after a kill, bad manifests, output safety.
@Suite struct RenderCommandTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized.path

    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func manifest(_ body: String) throws -> String {
        let path = folder.appendingPathComponent("job.yaml").path
        try ("model: \(Self.models)/sd1-tiny\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let sweepJob = "prompts: [a lighthouse, a café, 富士山]\nseeds: [1, 2]\nguidance: [1, 7.5]\nsteps: 3\nscheduler: euler-a\n"
        + "grid: {rows: prompts, columns: seeds}\n"

    /// Every file a run leaves, by relative path, with the CSV's run-dependent columns
    /// (seconds, rank, host), the journal's order and the lock file (the holder's pid) left out.
    static func snapshot(_ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: out)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue,
                  relative != "journal", relative != OutputLock.fileName else { continue }
            var data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + relative))
            if relative.hasSuffix(".csv") {
                // Without the columns that describe the run (seconds, rank, host).
                let records = try CSV.parse(String(decoding: data, as: UTF8.self))
                let kept = (records.first?.fields ?? []).indices.filter { !["seconds", "rank", "host"].contains(records[0].fields[$0]) }
                let rows = records.map { record in kept.map { $0 < record.fields.count ? record.fields[$0] : "" } }
                data = Data(CSV.file(rows).utf8)
            }
            files[relative] = data
        }
        return files
    }

    /// How many images the journal in `out` records.
    static func finished(_ out: String) -> Int {
        (try? String(contentsOfFile: out + "/journal", encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    @Test func aKilledRunResumesToTheSameOutput() async throws {
        let job = try manifest(Self.sweepJob)
        let whole = folder.appendingPathComponent("whole").path, resumed = folder.appendingPathComponent("resumed").path
        let first = try await SweepProcess.run(["render", job, "--output", whole])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.errors.contains("[12/12]") && first.errors.contains("rendered 12 image(s)"))

        let process = try SweepProcess.launch(["render", job, "--output", resumed])
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        // Watched without suspending, as in ClusterRenderTests: a suspended watcher may only wake after the run.
        while Date() < deadline, process.isRunning, Self.finished(resumed) < 4 {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = Self.finished(resumed)
        #expect((4..<12).contains(done), "killed after \(done) images")

        let rerun = try await SweepProcess.run(["render", job, "--output", resumed])
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("\(done) already done") && rerun.errors.contains("rendered \(12 - done) image(s)"))
        let expected = try Self.snapshot(whole), actual = try Self.snapshot(resumed)
        #expect(expected.keys.sorted() == actual.keys.sorted())
        #expect(expected.count == 18, "owner.json, job.yaml, 12 images, manifest.csv, 2 grids, index.html: \(expected.keys.sorted())")
        for (name, data) in expected { #expect(actual[name] == data, "\(name) differs") }
        // Nothing left to do: a third run renders nothing and leaves the same files.
        let third = try await SweepProcess.run(["render", job, "--output", resumed])
        let untouched = try Self.snapshot(resumed)
        #expect(third.errors.contains("rendered 0 image(s)"))
        #expect(untouched == expected)
    }

    @Test func aBadManifestListsEveryProblemAndWritesNothing() async throws {
        let job = try manifest("prompts: [a cat]\nsteps: [20, -1]\nschedular: euler\nsize: 500x512\n")
        let out = folder.appendingPathComponent("out").path
        let run = try await SweepProcess.run(["render", job, "--output", out])
        #expect(run.status != 0)
        let lines = run.errors.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Error: \(job):3: steps[1] '-1': expected a whole number from 1 to 1000",
            "\(job):4: unknown key 'schedular' (did you mean 'scheduler'?)",
            "\(job):5: size 500x512: width 500: expected a positive multiple of 8 up to 8192",
        ], "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
