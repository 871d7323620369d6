import Foundation

/// A job's output folder, written only by rank 0: `job.yaml`, `images/<id>.png`, `journal`,
/// `manifest.csv`, `prompts.csv` (dataset builds) and `grids/`. Each file is written whole or
/// not at all, and the journal says which images are finished, so a rerun after a crash
/// renders only what is missing or corrupt.
public final class JobOutput {
    public let folder: URL
    public let job: Job
    /// One per id, in manifest order.
    public let tasks: [RenderTask]
    private let journal: Journal
    public private(set) var finished: [String: JournalEntry] = [:]

    /// Prepares the folder and reads what an earlier run finished; `force` forgets it.
    public init(job: Job, folder: String, force: Bool) throws(OutputError) {
        self.folder = URL(fileURLWithPath: folder).standardizedFileURL
        self.job = job
        tasks = job.uniqueTasks()
        journal = Journal(path: self.folder.appendingPathComponent("journal").path)
        for sub in ["images", "grids"] {
            let path = self.folder.appendingPathComponent(sub).path
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .notWritable(path: path, reason: PromptsFile.reason(error))
            }
        }
        try write(Data(job.resolvedYAML().utf8), to: "job.yaml")
        if force { try journal.reset() }
        let entries = journal.entries()
        for task in tasks {
            guard let entry = entries[task.id], let data = FileManager.default.contents(atPath: path(Self.imagePath(task.id))),
                  SHA256.hex(data) == entry.sha256 else { continue }
            finished[task.id] = entry
        }
    }

    /// Tasks still to render, in manifest order.
    public var pending: [RenderTask] { tasks.filter { finished[$0.id] == nil } }

    /// Writes the image, then records it in the journal: a crash between the two only means
    /// the image is rendered again.
    public func record(_ result: RenderResult) throws(OutputError) {
        try write(result.png, to: Self.imagePath(result.taskID))
        let entry = JournalEntry(id: result.taskID, sha256: SHA256.hex(result.png), seconds: result.seconds,
                                 rank: result.rank, host: result.host)
        try journal.append(entry)
        finished[result.taskID] = entry
    }

    /// Rewrites the CSV files from the journal, so reruns never repeat a row.
    public func writeManifests() throws(OutputError) {
        try write(Data(ManifestCSV.manifest(tasks: tasks, entries: finished, model: job.modelName).utf8), to: "manifest.csv")
        if job.grid == nil {
            try write(Data(ManifestCSV.prompts(tasks: tasks.filter { finished[$0.id] != nil }).utf8), to: "prompts.csv")
        }
    }

    /// The finished image of a task, decoded; nil when it is not finished.
    public func image(_ id: String) -> PNGImage? {
        guard finished[id] != nil, let data = FileManager.default.contents(atPath: path(Self.imagePath(id))) else { return nil }
        return try? PNGImage(decoding: data)
    }

    public static func imagePath(_ id: String) -> String { "images/\(id).png" }

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    func write(_ data: Data, to relative: String) throws(OutputError) {
        try OutputFile.write(data, to: path(relative))
    }
}
