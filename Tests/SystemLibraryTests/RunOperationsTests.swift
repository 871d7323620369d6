import Foundation
import Sweep
import Testing

/// Running `sweep` as people do: two renders into one folder, Ctrl-C and SIGTERM, progress on a
/// terminal and into a file, a broken model, `--version`, `--threads` bounds, generate under mpirun.
@Suite struct RunOperationsTests {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static let model = RenderCommandTests.models + "/sd1-tiny"

    /// A job of `images` (even) images that takes a few seconds, long enough to catch midway.
    func longJob(images: Int = 12, model: String = Self.model) throws -> String {
        let path = folder.appendingPathComponent("job.yaml").path
        try "model: \(model)\nprompts: [a fox, an owl]\nseeds: \"1-\(images / 2)\"\nsteps: 20\ngrid: {rows: seeds, columns: prompts}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `sweep ARGUMENTS` with stderr going to a log file, to watch while it runs.
    func start(_ arguments: [String], mpiRanks: Int? = nil, log name: String) throws -> (Process, URL) {
        let process = try SweepProcess.launch(arguments, mpiRanks: mpiRanks)
        let log = folder.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try SweepProcess.start(process)
        return (process, log)
    }

    /// Waits (without suspending: other tests may hold the cooperative threads, as in
    /// ClusterRenderTests) until `condition` holds or the process ends.
    func wait(for process: Process, seconds: Double = 120, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, process.isRunning {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func text(_ url: URL) -> String { String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }

    /// Every file under `path` with its bytes and modification time.
    func contents(_ path: String) -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            let full = path + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: full)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let data = FileManager.default.contents(atPath: full) ?? Data()
            files[relative] = "\(modified) " + data.base64EncodedString()
        }
        return files
    }

    // MARK: item 5: one run per output folder

    @Test func aSecondRenderIntoTheSameFolderIsRefusedAndTouchesNothing() async throws {
        let job = try longJob()
        let out = folder.appendingPathComponent("out").path
        let (first, _) = try start(["render", job, "--output", out], log: "first.log")
        let lock = out + "/" + OutputLock.fileName
        #expect(wait(for: first) { text(URL(fileURLWithPath: lock)).hasPrefix("pid ") }, "the first run never took the lock")
        // Held still, so the folder cannot change under the comparison.
        kill(first.processIdentifier, SIGSTOP)
        let before = contents(out)
        let second = try await SweepProcess.run(["render", job, "--output", out])
        let after = contents(out)
        kill(first.processIdentifier, SIGCONT)
        #expect(second.status != 0)
        #expect(second.errors.contains("\(out) is in use by pid \(first.processIdentifier) on host \(ProcessInfo.processInfo.hostName)"),
                "\(second.errors)")
        #expect(before == after, "the refused run changed the folder")

        // A holder that dies (SIGKILL, no clean-up) leaves no stale lock.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let third = try await SweepProcess.run(["render", job, "--output", out])
        #expect(third.status == 0, "\(third.errors)")
        #expect(RenderCommandTests.finished(out) == 12)
    }

    // MARK: item 10: Ctrl-C and SIGTERM

    @Test func ctrlCSaysHowFarTheJobGotAndARerunResumes() async throws {
        let job = try longJob()
        let out = folder.appendingPathComponent("out").path
        let (process, log) = try start(["render", job, "--output", out], log: "render.log")
        #expect(wait(for: process) { RenderCommandTests.finished(out) >= 2 }, "no images finished: \(text(log))")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(text(log))")
        let done = RenderCommandTests.finished(out)
        #expect(done < 12, "the job finished before the interrupt")
        #expect(text(log).hasSuffix("interrupted: \(done) of 12 images done; rerun the same command to resume\n"), "\(text(log))")
        // The journal, the images and the CSV agree.
        let rows = try CSV.parse(text(URL(fileURLWithPath: out + "/manifest.csv"))).count - 1
        #expect(rows == done)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/images").count == done)

        let rerun = try await SweepProcess.run(["render", job, "--output", out])
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("\(done) already done") && rerun.errors.contains("rendered \(12 - done) image(s)"))
    }

    @Test func sigtermDuringGenerateWritesNothingAndExits130() async throws {
        let output = folder.appendingPathComponent("out.png").path
        let (process, log) = try start(["generate", "--model", Self.model, "--prompt", "a fox", "--steps", "900",
                                        "--scheduler", "euler", "--output", output], log: "generate.log")
        #expect(wait(for: process) { text(log).contains("step 1/900") }, "\(text(log))")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(text(log))")
        #expect(text(log).contains(/interrupted at step \d+ of 900: nothing written\n$/), "\(text(log))")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// mpirun passes Ctrl-C on as SIGTERM to every rank (then SIGKILL): rank 0 says how far
    /// the job got and the CSV matches the journal.
    @Test func ctrlCOnMpirunIsReportedByRankZero() async throws {
        let job = try longJob(images: 30)
        let out = folder.appendingPathComponent("out").path
        let (process, log) = try start(["render", job, "--output", out], mpiRanks: 2, log: "mpi.log")
        #expect(wait(for: process) { RenderCommandTests.finished(out) >= 2 }, "no images finished: \(text(log))")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let done = RenderCommandTests.finished(out)
        #expect(text(log).contains("interrupted: \(done) of 30 images done; rerun the same command to resume\n"), "\(text(log))")
        let rows = try CSV.parse(text(URL(fileURLWithPath: out + "/manifest.csv"))).count - 1
        #expect(rows == done)
    }

    // MARK: item 10: progress

    /// Under `script`, stderr is a terminal: one status line redrawn with \r and cleared with
    /// ESC[K, then a line naming what was written.
    @Test func aTerminalGetsOneRedrawnStatusLine() async throws {
        let sweep = try #require(SweepProcess.executable)
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "script (bsdutils) not installed")
        let output = folder.appendingPathComponent("out.png").path
        func underTerminal(_ arguments: [String]) async throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.arguments = ["-q", "-e", "-c", ([sweep] + arguments).map { "'\($0)'" }.joined(separator: " "), "/dev/null"]
            let run = try await SweepProcess.run(process, timeLimit: .seconds(120))
            #expect(run.status == 0, "\(run.output + run.errors)")
            return run.output
        }
        let generate = try await underTerminal(["generate", "--model", Self.model, "--prompt", "a fox", "--scheduler", "pndm",
                                                "--steps", "4", "--output", output])
        for step in 1...4 { #expect(generate.contains("\rstep \(step)/4  "), "\(generate.debugDescription)") }
        #expect(generate.contains("\u{1B}[K") && !generate.contains("/5"))
        #expect(generate.hasSuffix("\r\u{1B}[Kwrote \(output)\r\n"), "\(generate.debugDescription)")
        #expect(!generate.contains("step 1/4  0.00 s/step  ETA 0 s\r\n"), "steps must not scroll")

        let out = folder.appendingPathComponent("out").path
        let render = try await underTerminal(["render", try longJob(), "--output", out])
        #expect(render.contains("\r1/12 images  ") && render.contains(" images/hour  ETA ") && render.contains("  |  step 20/20  "),
                "\(render.debugDescription)")
        #expect(!render.contains("[1/12]"), "no scrolling per-image lines on a terminal")
        #expect(render.hasSuffix("wrote \(out): 12 images, manifest.csv, 1 grid, index.html\r\n"), "\(render.debugDescription)")
    }

    @Test func intoAFileProgressIsPlainLinesInTheStepsAsked() async throws {
        let output = folder.appendingPathComponent("out.png").path
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "a fox", "--scheduler", "pndm",
                                              "--steps", "4", "--output", output])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.errors.split(separator: "\n").map(String.init)
        // The first step, the last (the tiny model is faster than the 10 s between other lines), then the file.
        #expect(lines.count == 3 && lines[0].hasPrefix("step 1/4  ") && lines[1].hasPrefix("step 4/4  ") && lines[2] == "wrote \(output)",
                "\(run.errors)")
        #expect(!run.errors.contains("\r") && !run.errors.contains("\u{1B}"))

        let out = folder.appendingPathComponent("out").path
        let render = try await SweepProcess.run(["render", try longJob(images: 4), "--output", out])
        let renderLines = render.errors.split(separator: "\n").map(String.init)
        #expect((1...4).allSatisfy { i in renderLines.contains { $0.hasPrefix("[\(i)/4] ") } }, "\(render.errors)")
        #expect(renderLines.last == "wrote \(out): 4 images, manifest.csv, 1 grid, index.html", "\(render.errors)")
        #expect(!render.errors.contains("\r"))
    }

    // MARK: item 9: the model is checked before the output folder exists

    @Test(arguments: ["missing config", "cut header", "missing tensor"], [1, 2])
    func aBrokenModelFailsBeforeTheOutputFolderExists(_ breakage: String, ranks: Int) async throws {
        let model = folder.appendingPathComponent("model")
        try FileManager.default.copyItem(atPath: Self.model, toPath: model.path)
        switch breakage {
        case "missing config":
            try FileManager.default.removeItem(at: model.appendingPathComponent("text_encoder/config.json"))
        case "cut header":
            let unet = model.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
            try Data(contentsOf: unet).prefix(1000).write(to: unet)
        default:
            // A config that asks for more tensors than the weights hold: a third ResNet per block.
            let config = model.appendingPathComponent("unet/config.json")
            let json = text(config).replacingOccurrences(of: "\"layers_per_block\": 2", with: "\"layers_per_block\": 3")
            #expect(json != text(config), "the fixture's UNet config changed: \(text(config))")
            try json.write(to: config, atomically: true, encoding: .utf8)
        }
        let out = folder.appendingPathComponent("out").path
        let run = try await SweepProcess.run(["render", try longJob(model: model.path), "--output", out],
                                             mpiRanks: ranks > 1 ? ranks : nil)
        #expect(run.status != 0)
        #expect(run.errors.contains("cannot load the model: \(model.path)/"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: out), "the output folder was created")
    }

    // MARK: item 12: small things

    @Test func versionIsPrinted() async throws {
        let run = try await SweepProcess.run(["--version"])
        #expect(run.status == 0)
        #expect(run.output.wholeMatch(of: /\d+\.\d+\.\d+\n/) != nil, "\(run.output)")
    }

    @Test(arguments: [["generate", "--model", RunOperationsTests.model, "--prompt", "x", "--output", "/tmp/never.png"],
                      ["render", "job.yaml"], ["bench", "--quick"]])
    func threadsBeyondTheCoresAreRefused(_ command: [String]) async throws {
        let cores = ProcessInfo.processInfo.processorCount
        for threads in [cores + 1, 1 << 32] {
            let run = try await SweepProcess.run(command + ["--threads", String(threads)])
            #expect(run.status != 0)
            #expect(run.errors.contains("--threads \(threads): this machine has \(cores) core(s); expected 1 to \(cores)"),
                    "\(run.errors)")
        }
    }

    @Test func generateUnderMpirunWarnsOnceThatEveryRankRendersTheSameFile() async throws {
        let output = folder.appendingPathComponent("out.png").path
        let run = try await SweepProcess.run(["generate", "--model", Self.model, "--prompt", "x", "--steps", "1", "--output", output],
                                             mpiRanks: 2)
        // The exit status is not asserted: two ranks writing one file may collide, which is the point of the warning.
        let warnings = run.errors.components(separatedBy: "warning: started by mpirun or srun: every rank renders this same image to \(output)")
        #expect(warnings.count == 2, "expected one warning, from rank 0: \(run.errors)")
    }
}
