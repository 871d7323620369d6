import ArgumentParser
import Foundation
import Sweep
import Tensors

/// `sweep render JOB.yaml`: every task of a job manifest, written as images, grids and CSV.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a job manifest (prompts × seeds × guidance × steps × schedulers × sizes) to PNGs, grids and CSV.",
        discussion: """
            JOB.yaml (or .json) names a model folder, prompts (or a prompts_file .txt/.csv) and the \
            sweep axes: seeds, guidance, steps, scheduler, size, prompt_replace. The whole manifest \
            is checked before anything renders and every problem is listed with its line.
            Output (default out/<name>/): job.yaml (the manifest with defaults filled in), \
            images/<id>.png with AUTOMATIC1111 "parameters" text, manifest.csv (one row per image, \
            manifest order), grids/<name>.png (labeled comparison grids) or, with grid: none, a \
            Kaggle-style prompts.csv, and journal (finished tasks).
            Running the same command again renders only images that are missing or corrupt and \
            rewrites the CSV files and grids; --force renders everything again.
            Examples are in Jobs/.
            """
    )

    @Argument(help: "The job manifest (YAML or JSON).")
    var job: String

    @Option(help: "Output folder (default: out/<name> in the current folder).")
    var output: String?

    @Option(help: "Threads for OpenBLAS and our own loops (default: all cores).")
    var threads: Int?

    @Flag(help: "Render every image again, ignoring what an earlier run finished.")
    var force = false

    func run() throws {
        if let threads, threads < 1 { throw RenderCommandError.badThreads(threads) }
        let job = try ManifestReader.read(self.job)
        let output = try JobOutput(job: job, folder: self.output ?? "out/\(job.name)", force: force)
        if let threads { Threads.set(threads) }
        let pending = output.pending
        log("\(job.name): \(output.tasks.count) image(s), \(output.tasks.count - pending.count) already done; output in \(output.folder.path)")
        var progress = ProgressLog(total: output.tasks.count, alreadyDone: output.tasks.count - pending.count)
        if !pending.isEmpty {
            let renderer = try TaskRenderer(job: job)
            let host = ProcessInfo.processInfo.hostName
            for task in pending {
                let (png, seconds) = try renderer.render(task)
                let result = RenderResult(taskID: task.id, png: png, seconds: seconds, rank: 0, host: host)
                try output.record(result)
                log(progress.line(for: result))
            }
        }
        try output.writeManifests()
        progress.summary().forEach(log)
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Flags `sweep render` rejects before any work.
enum RenderCommandError: Error, CustomStringConvertible {
    case badThreads(Int)

    var description: String {
        switch self {
        case let .badThreads(count): "--threads \(count): expected at least 1"
        }
    }
}
