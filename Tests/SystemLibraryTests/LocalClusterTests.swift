import Foundation
import Testing

/// The local multi-host test cluster (cluster/local-cluster.sh): three hosts in network
/// namespaces, ranks talking over TCP through veths only. Needs root for the namespaces; where
/// they cannot be created the script exits 77 with a reason and the test is cancelled (skipped)
/// with that reason in the log.
@Suite struct LocalClusterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("cluster/local-cluster.sh").path

    @Test func mpiCheckReportsThreeDistinctHosts() async throws {
        let sweep = try #require(SweepProcess.executable, "sweep executable not built next to the tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script)
        process.arguments = ["--hosts", "3", "--", sweep, "mpi-check"]
        let run = try await SweepProcess.run(process, timeLimit: .seconds(60))
        let text = run.output + run.errors
        if run.status == 77 {
            let reason = run.errors.split(separator: "\n").last { $0.contains("skipped:") }.map(String.init) ?? text
            print("LocalClusterTests: SKIPPED, namespaces cannot be created here: \(reason)")
            try Test.cancel(Comment(rawValue: reason))
        }
        #expect(run.status == 0, "local-cluster.sh exited \(run.status): \(text)")

        // "rank R of 3 on HOST: sum of rank+1 over ranks = 6", one line per rank.
        var hostsByRank: [Int: String] = [:]
        for line in run.output.split(separator: "\n") {
            guard let match = line.wholeMatch(of: /rank (\d+) of 3 on (\S+): sum of rank\+1 over ranks = 6/) else { continue }
            hostsByRank[Int(match.1)!] = String(match.2)
        }
        #expect(hostsByRank.keys.sorted() == [0, 1, 2], "not every rank reported: \(text)")
        #expect(Set(hostsByRank.values) == ["node1", "node2", "node3"], "ranks did not run on three distinct hosts: \(text)")

        // The script counts the bytes through each host's veth: every host must have sent some.
        for host in ["node1", "node2", "node3"] {
            let sent = run.errors.firstMatch(of: try Regex("local-cluster: \(host) \\S+ TCP traffic over its veth: sent (\\d+) bytes"))
            #expect((sent?.output[1].substring).flatMap { Int($0) }.map { $0 > 0 } == true, "no TCP traffic over \(host)'s veth: \(text)")
        }
    }
}
