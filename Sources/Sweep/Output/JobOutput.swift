import Foundation
import StableDiffusion

/// A job's output folder, written only by rank 0: `owner.json`, `job.yaml`, `images/<id>.png`,
/// `journal`, `manifest.csv`, `prompts.csv` (dataset builds), `grids/` and `orphans/`. Each file
/// is written whole or not at all, and the journal says which images are finished and from what
/// (the model's content hash and every setting), so a rerun renders exactly the images that are
/// missing, corrupt or made from something else. Tasks are never listed in memory: they are
/// streamed from the job each time they are needed.
public final class JobOutput {
    public let folder: URL
    public let job: Job
    /// The model's content hash (`ModelIdentity.sha256`).
    public let modelHash: String
    /// Content hashes of the job's TAESD decoder folders, by path (`ModelIdentity.sha256`).
    public let decoderHashes: [String: String]
    /// Images to render in all, each settings combination once.
    public let taskCount: Int
    private let journal: Journal
    /// Journal entries of this job's tasks whose image is on disk, intact and from the same inputs.
    public private(set) var finished: [String: JournalEntry] = [:]
    /// What preparing the folder found and did (stale images, orphans moved), for the log.
    public private(set) var notes: [String] = []
    /// The sentence embedder and safety checker of a dataset job, by content hash.
    public let datasetModels: DatasetModels
    /// The prompt embeddings received so far (a job with `dataset: embeddings`).
    private(set) var embeddings: EmbeddingStore?
    /// When an image is recorded; `SOURCE_DATE_EPOCH` pins it for reproducible datasets.
    public var now: () -> Date = Date.init

    /// Prepares the folder and reads what an earlier run finished; `force` forgets it and takes
    /// over a folder that belongs to another job.
    public init(job: Job, folder: String, owner: OutputOwner, modelHash: String, decoderHashes: [String: String] = [:],
                datasetModels: DatasetModels = DatasetModels(), force: Bool) throws(OutputError) {
        self.folder = URL(fileURLWithPath: folder).standardizedFileURL
        self.job = job
        self.modelHash = modelHash
        self.decoderHashes = decoderHashes
        self.datasetModels = datasetModels
        taskCount = job.tasks().count
        journal = Journal(path: self.folder.appendingPathComponent("journal").path)
        try OutputFile.checkFolder(self.folder.path)
        try owner.claim(self.folder, force: force)
        // The owner first, so a folder is never left without one.
        do { try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true) } catch {
            throw .notWritable(path: self.folder.path, reason: PromptsFile.reason(error))
        }
        guard let record = OutputFile.json(owner) else {
            throw .notWritable(path: path(OutputOwner.fileName), reason: "cannot encode \(owner.description)")
        }
        try write(record, to: OutputOwner.fileName)
        for sub in ["images", "grids"] {
            let path = self.folder.appendingPathComponent(sub).path
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .notWritable(path: path, reason: PromptsFile.reason(error))
            }
        }
        for sub in ["", "images", "grids"] { OutputFile.removePartials(in: path(sub)) }
        if force { try journal.reset() }
        embeddings = try datasetModels.embedder.map { embedder throws(OutputError) in
            try EmbeddingStore(path: self.folder.appendingPathComponent(EmbeddingStore.fileName).path, dimension: embedder.dimension,
                               embedder: embedder.sha256)
        }
        try write(Data(job.resolvedYAML().utf8), to: "job.yaml")
        try adoptEarlierRun()
    }

    /// Checks each earlier image against the task that now has its id, and moves the images of
    /// tasks no longer in the job to `orphans/`. Skipped for a fresh folder, so a job of millions
    /// of tasks starts at once.
    private func adoptEarlierRun() throws(OutputError) {
        let entries = journal.entries()
        var unclaimed = imageFiles()
        let stalePrompts = job.grid != nil && FileManager.default.fileExists(atPath: path("prompts.csv"))
        guard !entries.isEmpty || !unclaimed.isEmpty || stalePrompts else { return }
        var unrecorded = 0, otherModel = 0, otherSettings = 0, moved = 0
        // By file name, for images another layout put elsewhere (a new shard_size, dataset: added).
        var elsewhere = Dictionary(unclaimed.map { (String($0.split(separator: "/").last ?? ""), $0) }, uniquingKeysWith: min)
        for task in job.tasks() {
            let path = imagePath(of: task)
            if unclaimed.remove(path) == nil, entries[task.id] != nil, let other = elsewhere[task.id + ".png"], unclaimed.contains(other) {
                try moveImage(from: other, to: path)
                unclaimed.remove(other)
                moved += 1
            }
            guard let entry = entries[task.id] else { continue }
            guard let recorded = entry.provenance else { unrecorded += 1; continue }
            guard recorded == provenance(of: task) else {
                if entry.model != modelHash { otherModel += 1 } else { otherSettings += 1 }
                continue
            }
            guard Self.imageMatches(entry, at: imagePath(of: task), in: folder), hasDatasetFacts(entry, of: task) else { continue }
            finished[task.id] = entry
        }
        if moved > 0 { notes.append("moved \(moved) image(s) to their place in this job's layout (images/<shard>/ or images/)") }
        if otherModel > 0 {
            notes.append("\(otherModel) image(s) were rendered from a different model (its weights or configs changed); rendering them again")
        }
        if otherSettings > 0 { notes.append("\(otherSettings) image(s) were rendered with other settings; rendering them again") }
        if unrecorded > 0 {
            notes.append("\(unrecorded) image(s) come from an older sweep that did not record which model made them; "
                         + "rendering them again, since the model may have changed since")
        }
        try moveToOrphans(unclaimed.sorted())
        if stalePrompts {
            try? FileManager.default.removeItem(atPath: path("prompts.csv"))
            notes.append("removed prompts.csv of an earlier dataset job (this job draws grids)")
        }
        try writeManifests()
    }

    private func moveImage(from source: String, to target: String) throws(OutputError) {
        try createFolder(target.split(separator: "/").dropLast().joined(separator: "/"))
        guard rename(path(source), path(target)) == 0 else { throw .notWritable(path: path(target), reason: String(cString: strerror(errno))) }
    }

    /// Every PNG under `images/` (and its shard folders), by path relative to the output folder.
    private func imageFiles() -> Set<String> {
        var files = Set<String>()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path("images"))) ?? [] where !name.hasPrefix(".") {
            if name.hasSuffix(".png") { files.insert("images/" + name); continue }
            for inner in (try? FileManager.default.contentsOfDirectory(atPath: path("images/" + name))) ?? []
                where inner.hasSuffix(".png") && !inner.hasPrefix(".") {
                files.insert("images/\(name)/\(inner)")
            }
        }
        return files
    }

    /// Whether an image's journal entry carries what the job's dataset files need: the safety
    /// checker's verdict from this checker, and its prompt's embedding. Without them it is
    /// rendered again, which records them.
    private func hasDatasetFacts(_ entry: JournalEntry, of task: RenderTask) -> Bool {
        if let checker = datasetModels.checker, entry.checker != checker || entry.safety == nil { return false }
        if let embeddings, !embeddings.contains(task.prompt) { return false }
        return true
    }

    /// Moves images that are no task of this job out of `images/`, never deleting one.
    private func moveToOrphans(_ files: [String]) throws(OutputError) {
        guard !files.isEmpty else { return }
        let orphans = path("orphans")
        do { try FileManager.default.createDirectory(atPath: orphans, withIntermediateDirectories: true) } catch {
            throw .notWritable(path: orphans, reason: PromptsFile.reason(error))
        }
        var names: [String] = []
        for file in files {
            let id = String(file.split(separator: "/").last?.dropLast(4) ?? "")
            var name = id + ".png", copy = 1
            while FileManager.default.fileExists(atPath: orphans + "/" + name) { copy += 1; name = "\(id)-\(copy).png" }
            guard rename(path(file), orphans + "/" + name) == 0 else {
                throw .notWritable(path: orphans + "/" + name, reason: String(cString: strerror(errno)))
            }
            names.append(name)
        }
        let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
        notes.append("moved \(names.count) image(s) that are not in this job to orphans/: \(shown)")
    }

    /// Images still to render.
    public var pendingCount: Int { taskCount - finished.count }

    /// Tasks still to render, in manifest order, made as they are taken.
    public var pending: LazyFilterSequence<TaskSequence> {
        let done = finished
        return job.tasks().lazy.filter { done[$0.id] == nil }
    }

    /// What the image of `task` is made from: the model's content and every setting. A journal
    /// entry with another provenance is an image of something else under the same id.
    public func provenance(of task: RenderTask) -> String {
        Self.provenance(of: task, job: job, modelHash: modelHash, decoderHashes: decoderHashes, checker: datasetModels.checker)
    }

    static func provenance(of task: RenderTask, job: Job, modelHash: String, decoderHashes: [String: String], checker: String?) -> String {
        // A task with the model's own VAE keeps the provenance it had before decoders existed.
        let decoder = task.decoder.flatMap { decoderHashes[$0] }.map { "\u{0}decoder-sha256=\($0)" } ?? ""
        // Prompts with A1111 syntax rendered before it was read (as plain text) are images of something else.
        let request = task.request
        let texts = [request.prompt, request.negativePrompt] + (request.interpolation.map { [$0.target] } ?? [])
        let syntax = request.promptSyntax == .a1111 && !texts.allSatisfy { PromptAttention.isPlain($0) } ? "\u{0}prompt-syntax=a1111" : ""
        // Only blanking changes pixels; a flag alone is checked by `hasDatasetFacts`.
        let blank = job.safety == .blank ? checker.map { "\u{0}safety-blank-sha256=\($0)" } ?? "" : ""
        return ContentHash.hex("model-sha256=\(modelHash)\u{0}" + task.identity(model: job.modelName) + decoder + syntax + blank)
    }

    /// Whether the entry's image is in `folder` with the content the journal recorded.
    static func imageMatches(_ entry: JournalEntry, at path: String, in folder: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) else { return false }
        return ContentHash.hex(data) == entry.sha256
    }

    /// How many of the job's images an earlier run left finished in `folder` (intact, from the
    /// same inputs), found without writing anything: what `sweep render --dry-run` reports.
    public static func finishedCount(job: Job, folder: String, modelHash: String, decoderHashes: [String: String],
                                     datasetModels: DatasetModels = DatasetModels()) -> Int {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        let entries = Journal(path: url.appendingPathComponent("journal").path).entries()
        guard !entries.isEmpty else { return 0 }
        return job.tasks().lazy.filter { task in
            guard let entry = entries[task.id] else { return false }
            return entry.provenance == provenance(of: task, job: job, modelHash: modelHash, decoderHashes: decoderHashes,
                                                  checker: datasetModels.checker)
                && imageMatches(entry, at: imagePath(of: task, in: job), in: url)
                && (datasetModels.checker == nil || entry.checker == datasetModels.checker)
        }.count
    }

    /// Writes the image, then records it in the journal: a crash between the two only means
    /// the image is rendered again.
    public func record(_ result: RenderResult, of task: RenderTask) throws(OutputError) {
        // Checked before anything is written: a damaged result leaves no file behind.
        var embedding: [Float]?
        do throws(RenderResultError) {
            if let embeddings { embedding = try result.embeddingValues(dimension: embeddings.dimension) }
            if datasetModels.checker != nil, result.safety == nil { throw .missingSafety(task: result.taskID) }
        } catch { throw .result(error) }
        let image = imagePath(of: task)
        if job.dataset != nil { try createFolder(image.split(separator: "/").dropLast().joined(separator: "/")) }
        try write(result.png, to: image)
        if let embedding { try embeddings?.append(embedding, for: task.prompt) }
        var entry = JournalEntry(id: result.taskID, sha256: ContentHash.hex(result.png), seconds: result.seconds,
                                 rank: result.rank, host: result.host, model: modelHash, provenance: provenance(of: task))
        if job.dataset != nil { entry.timestamp = Self.timestamp(now()) }
        if let checker = datasetModels.checker { (entry.safety, entry.checker) = (result.safety, checker) }
        try journal.append(entry)
        finished[result.taskID] = entry
    }

    /// Rewrites the CSV files from the journal, so reruns never repeat a row.
    public func writeManifests() throws(OutputError) {
        try write(Data(ManifestCSV.manifest(tasks: job.tasks(), entries: finished, model: job.modelName, eta: job.etaApplies,
                                                          vae: job.vaeName, decoder: job.decoders.contains { $0 != nil },
                                                          lora: !job.loras.isEmpty, axes: job.csvAxes, safety: job.safetyChecker != nil,
                                                          imagePath: imagePath(of:)).utf8),
                  to: "manifest.csv")
        if job.dataset != nil {
            try writeDataset()
        } else if job.grid == nil {
            let done = finished
            try write(Data(ManifestCSV.prompts(tasks: job.tasks().lazy.filter { done[$0.id] != nil }).utf8), to: "prompts.csv")
        }
    }

    /// Draws every comparison grid from the finished images (missing ones as gray cells) to
    /// `grids/<name>.png`, or `<name>-page<n>.png` when the pixel budget splits it; a grid with
    /// no finished image is skipped, and grids of an earlier run that were not drawn again are
    /// removed (they are drawn from the images, which stay). Returns the files written.
    @discardableResult
    public func writeGrids(with renderer: GridRenderer) throws(GridWriteError) -> [String] {
        var written: [String] = []
        if let choice = job.grid {
            for plan in GridPlan.plans(for: job, tasks: job.allTasks()) {
                written += try writeGrid(plan, choice: choice, with: renderer)
            }
        }
        let kept = Set(written)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path("grids"))) ?? [] where !kept.contains("grids/" + name) {
            try? FileManager.default.removeItem(atPath: path("grids/" + name))
        }
        return written
    }

    private func writeGrid(_ plan: GridPlan, choice: GridChoice, with renderer: GridRenderer) throws(GridWriteError) -> [String] {
        var cells = plan.cells.map { $0.flatMap(image) }
        let images = cells.compactMap { $0 }
        guard !images.isEmpty else { return [] }
        let enlargement = Self.minimumCellSide / max(images.map(\.width).max() ?? 1, images.map(\.height).max() ?? 1)
        if enlargement > 1 { cells = cells.map { $0?.enlarged(by: enlargement) } }
        let grid = ComparisonGrid(rows: max(plan.rowLabels.count, 1), columns: max(plan.columnLabels.count, 1),
                                  rowLabels: plan.rowLabels, columnLabels: plan.columnLabels, cells: cells, margin: choice.margin,
                                  title: plan.title)
        let pages: GridPages
        do { pages = try renderer.pages(of: grid, pixelBudget: choice.maxPixels) } catch { throw .grid(name: plan.name, error) }
        var written: [String] = []
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
        return written
    }

    /// The finished image of a task, decoded; nil when it is not finished.
    public func image(_ id: String) -> PNGImage? {
        guard finished[id] != nil, let data = FileManager.default.contents(atPath: path(Self.imagePath(id))) else { return nil }
        return try? PNGImage(decoding: data)
    }

    public static func imagePath(_ id: String) -> String { "images/\(id).png" }

    /// Where the image of `task` is: `images/<shard>/<id>.png` in a dataset job, else `images/<id>.png`.
    public func imagePath(of task: RenderTask) -> String { Self.imagePath(of: task, in: job) }

    static func imagePath(of task: RenderTask, in job: Job) -> String {
        guard let dataset = job.dataset else { return imagePath(task.id) }
        return "images/\(dataset.shard(of: task.index))/\(task.id).png"
    }

    /// UTC to the second, as ISO 8601 (`2026-12-02T06:30:00Z`), which pandas and `datasets` read.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    func createFolder(_ relative: String) throws(OutputError) {
        do { try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true) } catch {
            throw .notWritable(path: path(relative), reason: PromptsFile.reason(error))
        }
    }

    /// Smaller images are enlarged in grids, by a whole factor, towards this many pixels.
    static let minimumCellSide = 128

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    func write(_ data: Data, to relative: String) throws(OutputError) {
        try OutputFile.write(data, to: path(relative))
    }
}
