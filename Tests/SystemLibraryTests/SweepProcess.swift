import Foundation
import Testing

/// Runs the `sweep` binary SwiftPM builds beside the tests, optionally under `mpirun`.
struct SweepProcess {
    let status: Int32
    let output: String
    let errors: String

    /// The `sweep` executable next to the test bundle.
    static var executable: String? {
        let bundle = Bundle.main.bundleURL
        return [bundle, bundle.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("sweep").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ arguments: [String], mpiRanks: Int? = nil) async throws -> SweepProcess {
        try await run(launch(arguments, mpiRanks: mpiRanks))
    }

    /// Starts a set-up process (`launch`, or any other program) and collects its output. With a
    /// `timeLimit` the process gets SIGTERM when the limit passes, so a hung child ends the test.
    static func run(_ process: Process, timeLimit: Duration? = nil) async throws -> SweepProcess {
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let watchdog = timeLimit.map { limit in
            Task.detached {
                try await Task.sleep(for: limit)
                if process.isRunning { process.terminate() }
            }
        }
        // Drain stderr concurrently so a chatty child cannot fill its pipe and stall.
        let errorText = Task.detached { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog?.cancel()
        return SweepProcess(status: process.terminationStatus, output: text, errors: await errorText.value)
    }

    /// Starts `process` with no signal blocked, as a shell would. Tests run on dispatch threads,
    /// which block most signals, and a child inherits that mask: mpirun never unblocks it, so
    /// SIGINT or SIGTERM would never reach it.
    static func start(_ process: Process) throws {
        var none = sigset_t(), saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
    }

    /// A process set up to run `sweep` (under `mpirun` with `mpiRanks`), not yet started.
    static func launch(_ arguments: [String], mpiRanks: Int? = nil) throws -> Process {
        let sweep = try #require(executable, "sweep executable not built next to the tests")
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        if let mpiRanks {
            let mpirun = try #require(["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                      "mpirun not found: install openmpi-bin")
            process.executableURL = URL(fileURLWithPath: mpirun)
            // Unbound, as cluster/README.md advises: Open MPI pins ranks to one core each by default.
            process.arguments = ["--oversubscribe", "--bind-to", "none", "-np", String(mpiRanks), sweep] + arguments
            environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        } else {
            process.executableURL = URL(fileURLWithPath: sweep)
            process.arguments = arguments
        }
        process.environment = environment
        return process
    }
}
