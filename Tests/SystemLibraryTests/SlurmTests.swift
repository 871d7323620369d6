import Foundation
import Testing

/// cluster/sweep.sbatch submitted to a real one-node Slurm (cluster/local-slurm.sh: Debian's
/// slurm-wlm and munge): two ranks started by `srun --mpi=pmix` write the bytes one process
/// writes. Where the daemons cannot start (not root, packages missing) the script exits 77 with
/// a reason and the test is cancelled (shown as skipped) with it.
@Suite(.serialized) struct SlurmTests {
    static let script = LocalClusterTests.repository.appendingPathComponent("cluster/local-slurm.sh").path

    /// Runs `local-slurm.sh ACTION` in its own state folder, cancelling the test on status 77.
    static func slurm(_ action: String, state: String, port: Int) async throws -> SweepProcess {
        let run = try await SweepProcess.run(scriptProcess(action, state: state, port: port), timeLimit: .seconds(60))
        if run.status == 77 {
            let reason = run.errors.split(separator: "\n").last { $0.contains("skipped:") }.map(String.init) ?? run.errors
            print("SlurmTests: SKIPPED, Slurm cannot run here: \(reason)")
            try Test.cancel(Comment(rawValue: reason))
        }
        #expect(run.status == 0, "local-slurm.sh \(action) exited \(run.status): \(run.errors)")
        return run
    }

    /// `local-slurm.sh ACTION` with its state folder and ports, not yet started.
    static func scriptProcess(_ action: String, state: String, port: Int) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [action]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["DSWEEP_SLURM_DIR": state, "DSWEEP_SLURM_PORT": String(port)]) { $1 }
        return process
    }

    @Test func sbatchOfTheDemoJobWritesWhatOneProcessWrites() async throws {
        let sweep = try #require(SweepProcess.executable, "sweep executable not built next to the tests")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state").path
        // Ports of its own, so a Slurm of another test run on this machine is no obstacle.
        let port = Int.random(in: 10_000..<15_000) * 2
        _ = try await Self.slurm("start", state: state, port: port)
        defer {
            // Synchronously, whatever happened above: the daemons must not outlive the test.
            let stop = Self.scriptProcess("stop", state: state, port: port)
            try? SweepProcess.start(stop)
            stop.waitUntilExit()
        }

        let single = folder.appendingPathComponent("single").path, cluster = folder.appendingPathComponent("cluster").path
        let job = LocalClusterTests.repository.appendingPathComponent("Jobs/demo.yaml").path
        let reference = try await SweepProcess.run(["render", job, "--output", single])
        #expect(reference.status == 0, "\(reference.errors)")

        // sweep.sbatch's defaults ask for 2 nodes of 16 cores; this node has one, so the
        // command line overrides them as cluster/README.md shows.
        let log = folder.appendingPathComponent("sweep.log").path
        let sbatch = Process()
        sbatch.executableURL = URL(fileURLWithPath: "/usr/bin/sbatch")
        sbatch.currentDirectoryURL = LocalClusterTests.repository
        sbatch.arguments = ["--wait", "--nodes=1", "--ntasks-per-node=2", "--cpus-per-task=1", "--time=5", "--output=\(log)",
                            "cluster/sweep.sbatch", "Jobs/demo.yaml", "--output", cluster]
        sbatch.environment = ProcessInfo.processInfo.environment.merging(
            ["SLURM_CONF": state + "/slurm.conf", "SWEEP_BIN": sweep]) { $1 }
        let run = try await SweepProcess.run(sbatch, timeLimit: .seconds(300))
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(run.status == 0, "sbatch exited \(run.status): \(run.output + run.errors)\n\(text)")
        #expect(text.contains("2 rank(s), 1 thread(s) each, via srun"), "\(text)")
        #expect(text.contains("  rank 0 (") && text.contains("  rank 1 ("), "both ranks must have rendered: \(text)")

        let (expected, actual) = (try RenderCommandTests.snapshot(single), try RenderCommandTests.snapshot(cluster))
        #expect(expected.keys.filter { $0.hasPrefix("images/") }.count == 12, "\(expected.keys.sorted())")
        #expect(expected.keys.sorted() == actual.keys.sorted(), "\(expected.keys.sorted()) vs \(actual.keys.sorted())")
        for (name, data) in expected { #expect(actual[name] == data, "\(name) differs from the one-process render") }
    }
}
