import Foundation
import Sweep
import Testing

/// `sweep render` under `mpirun` on one machine: the same bytes as one process, and a worker
/// killed mid-job then a rerun. (A broken model is refused by rank 0 before any rank renders:
/// RunOperationsTests.)
@Suite struct ClusterRenderTests {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func manifest(model: String = RenderCommandTests.models + "/sd1-tiny", seeds: String = "[1, 2]") throws -> String {
        let path = folder.appendingPathComponent("job.yaml").path
        let body = RenderCommandTests.sweepJob.replacingOccurrences(of: "seeds: [1, 2]", with: "seeds: \(seeds)")
        try ("model: \(model)\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Same files, same bytes; `images` images, owner.json, job.yaml, manifest.csv, 2 grids and index.html.
    func expectSameOutput(_ expected: String, _ actual: String, images: Int = 12) throws {
        let (a, b) = (try RenderCommandTests.snapshot(expected), try RenderCommandTests.snapshot(actual))
        #expect(a.count == images + 6 && a.keys.sorted() == b.keys.sorted(), "\(a.keys.sorted()) vs \(b.keys.sorted())")
        for (name, data) in a { #expect(b[name] == data, "\(name) differs") }
    }

    @Test func threeRanksWriteWhatOneProcessWrites() async throws {
        let job = try manifest()
        let single = folder.appendingPathComponent("single").path, three = folder.appendingPathComponent("three").path
        let alone = try await SweepProcess.run(["render", job, "--output", single])
        #expect(alone.status == 0, "\(alone.errors)")
        let run = try await SweepProcess.run(["render", job, "--output", three], mpiRanks: 3)
        #expect(run.status == 0, "\(run.errors)")
        for rank in 0..<3 { #expect(run.errors.contains("  rank \(rank) ("), "rank \(rank) missing from the summary: \(run.errors)") }
        #expect(run.errors.contains("[12/12]") && run.errors.contains("3 rank(s), 1 thread(s) each"))
        try expectSameOutput(single, three)
    }

    @Test func aKilledWorkerEndsTheRunAndARerunCompletesIt() async throws {
        let job = try manifest(seeds: "\"1-5\"")
        let out = folder.appendingPathComponent("killed").path, reference = folder.appendingPathComponent("reference").path
        let process = try SweepProcess.launch(["render", job, "--output", out], mpiRanks: 3)
        let log = folder.appendingPathComponent("killed.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Midway: a few images recorded and rank 1 still at work. Watched without suspending:
        // other tests block the few cooperative threads, and a suspended watcher would only
        // wake once the job is over.
        var worker: Int32?, done = 0, seen = false
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning {
            done = RenderCommandTests.finished(out)
            let pid = Self.rankProcess(1, arguments: out)
            seen = seen || pid != nil
            if done >= 2, let pid {
                worker = pid
                break
            }
            usleep(20_000)
        }
        let tail = String(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).suffix(2000))
        let pid = try #require(worker, "rank 1 never found at work midway (seen: \(seen), done: \(done), status: \(process.isRunning ? -1 : process.terminationStatus)): \(tail)")
        kill(pid, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "mpirun must fail when a rank dies")
        done = RenderCommandTests.finished(out)
        #expect(done < 30, "the job finished before the kill")

        let rerun = try await SweepProcess.run(["render", job, "--output", out], mpiRanks: 3)
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("already done"))
        let alone = try await SweepProcess.run(["render", job, "--output", reference])
        #expect(alone.status == 0)
        try expectSameOutput(reference, out, images: 30)
    }

    /// The pid of the `sweep` process that is MPI rank `rank` of the run writing to `arguments`.
    static func rankProcess(_ rank: Int, arguments: String) -> Int32? {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        // /proc files report a size of 0, so they are read to their end rather than by size.
        let read = { (path: String) in try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readToEnd() }
        return pids.first { pid in
            guard let command = read("/proc/\(pid)/cmdline") ?? nil, let environment = read("/proc/\(pid)/environ") ?? nil else { return false }
            let words = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.first?.hasSuffix("/sweep") == true && words.contains(arguments)
                && variables.contains("OMPI_COMM_WORLD_RANK=\(rank)")
        }
    }
}
