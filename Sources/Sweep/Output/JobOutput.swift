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
        try OutputFile.checkFolder(self.folder.path)
        for sub in ["images", "grids"] {
            let path = self.folder.appendingPathComponent(sub).path
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .notWritable(path: path, reason: PromptsFile.reason(error))
            }
        }
        for sub in ["", "images", "grids"] { OutputFile.removePartials(in: path(sub)) }
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
        try write(Data(ManifestCSV.manifest(tasks: tasks, entries: finished, model: job.modelName, vae: job.vaeName ?? "").utf8), to: "manifest.csv")
        if job.grid == nil {
            try write(Data(ManifestCSV.prompts(tasks: tasks.filter { finished[$0.id] != nil }).utf8), to: "prompts.csv")
        }
    }

    /// Draws every comparison grid from the finished images (missing ones as gray cells) to
    /// `grids/<name>.png`, or `<name>-page<n>.png` when the pixel budget splits it; a grid with
    /// no finished image is skipped. Returns the files written.
    @discardableResult
    public func writeGrids(with renderer: GridRenderer) throws(GridWriteError) -> [String] {
        guard let choice = job.grid else { return [] }
        var written: [String] = []
        for plan in GridPlan.plans(for: job, tasks: job.tasks()) {
            var cells = plan.cells.map { $0.flatMap(image) }
            guard let sample = cells.lazy.compactMap({ $0 }).first else { continue }
            let enlargement = Self.minimumCellSide / max(sample.width, sample.height)
            if enlargement > 1 { cells = cells.map { $0?.enlarged(by: enlargement) } }
            let grid = ComparisonGrid(rows: max(plan.rowLabels.count, 1), columns: max(plan.columnLabels.count, 1),
                                      rowLabels: plan.rowLabels, columnLabels: plan.columnLabels, cells: cells, margin: choice.margin)
            let pages: GridPages
            do { pages = try renderer.pages(of: grid, pixelBudget: choice.maxPixels) } catch { throw .grid(name: plan.name, error) }
            for index in 0..<pages.count {
                let name = "grids/\(plan.name)\(pages.count > 1 ? "-page\(index + 1)" : "").png"
                let page: PNGImage
                do { page = try pages.page(index) } catch { throw .grid(name: plan.name, error) }
                var png: Data
                do {
                    png = try page.encoded()
                    if !plan.title.isEmpty { png = try PNGText.adding(key: "Description", text: plan.title, to: png) }
                } catch { throw .png(name: plan.name, error) }
                do { try write(png, to: name) } catch { throw .output(error) }
                written.append(name)
            }
        }
        return written
    }

    /// The finished image of a task, decoded; nil when it is not finished.
    public func image(_ id: String) -> PNGImage? {
        guard finished[id] != nil, let data = FileManager.default.contents(atPath: path(Self.imagePath(id))) else { return nil }
        return try? PNGImage(decoding: data)
    }

    public static func imagePath(_ id: String) -> String { "images/\(id).png" }

    /// Smaller images are enlarged in grids, by a whole factor, towards this many pixels.
    static let minimumCellSide = 128

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    func write(_ data: Data, to relative: String) throws(OutputError) {
        try OutputFile.write(data, to: path(relative))
    }
}
