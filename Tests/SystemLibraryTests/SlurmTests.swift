import Foundation
import Testing

/// cluster/sweep.sbatch submitted to a real one-node Slurm (cluster/local-slurm.sh: Debian's
/// slurm-wlm and munge): two ranks started by `srun --mpi=pmix` write the bytes one process
/// writes. Where the daemons cannot start (not root, packages missing) the script exits 77 with
/// a reason and the test is cancelled (shown as skipped) with it.
@Suite(.serialized) struct SlurmTests {
    static let repository = LocalClusterTests.repository.path

    /// `sh -c COMMAND` from the repository root, its output in `log`, waited for with `waitpid`.
    /// (Foundation's Process, waiting for local-slurm.sh, sometimes never saw it end: the child
    /// stayed a zombie and `waitUntilExit` hung.)
    static func shell(_ command: String, log: String) throws -> (status: Int32, output: String) {
        let arguments = ["/bin/sh", "-c", "cd '\(repository)' && { \(command); } >'\(log)' 2>&1"]
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return (status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
    }

    @Test func sbatchOfTheDemoJobWritesWhatOneProcessWrites() async throws {
        let sweep = try #require(SweepProcess.executable, "sweep executable not built next to the tests")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A state folder and ports of its own, so a Slurm of another test run here is no obstacle.
        let slurm = "DSWEEP_SLURM_DIR='\(folder.path)/state' DSWEEP_SLURM_PORT=\(Int.random(in: 10_000..<15_000) * 2) cluster/local-slurm.sh"
        let started = try Self.shell("\(slurm) start", log: folder.path + "/start.log")
        if started.status == 77 {
            let reason = started.output.split(separator: "\n").last { $0.contains("skipped:") }.map(String.init) ?? started.output
            print("SlurmTests: SKIPPED, Slurm cannot run here: \(reason)")
            try Test.cancel(Comment(rawValue: reason))
        }
        // Whatever happens below, the daemons must not outlive the test.
        defer { _ = try? Self.shell("\(slurm) stop", log: folder.path + "/stop.log") }
        try #require(started.status == 0, "local-slurm.sh start exited \(started.status): \(started.output)")

        let single = folder.appendingPathComponent("single").path, cluster = folder.appendingPathComponent("cluster").path
        let reference = try await SweepProcess.run(["render", LocalClusterTests.repository.path + "/Jobs/demo.yaml", "--output", single])
        #expect(reference.status == 0, "\(reference.errors)")

        // sweep.sbatch's defaults ask for 2 nodes of 16 cores; this node has fewer, so the
        // command line overrides them as cluster/README.md shows.
        let log = folder.path + "/sweep.log"
        let run = try Self.shell("SLURM_CONF='\(folder.path)/state/slurm.conf' SWEEP_BIN='\(sweep)' timeout 300 sbatch --wait "
                                 + "--nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=5 --output='\(log)' "
                                 + "cluster/sweep.sbatch Jobs/demo.yaml --output '\(cluster)'", log: folder.path + "/sbatch.log")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(run.status == 0, "sbatch exited \(run.status): \(run.output)\n\(text)")
        #expect(text.contains("2 rank(s), 1 thread(s) each, via srun"), "\(text)")
        #expect(text.contains("  rank 0 (") && text.contains("  rank 1 ("), "both ranks must have rendered: \(text)")

        let (expected, actual) = (try RenderCommandTests.snapshot(single), try RenderCommandTests.snapshot(cluster))
        #expect(expected.keys.filter { $0.hasPrefix("images/") }.count == 12, "\(expected.keys.sorted())")
        #expect(expected.keys.sorted() == actual.keys.sorted(), "\(expected.keys.sorted()) vs \(actual.keys.sorted())")
        for (name, data) in expected { #expect(actual[name] == data, "\(name) differs from the one-process render") }
    }
}
