import Foundation

/// `index.html` beside the grids: one static page (no server, no network; it works from the file
/// system) to browse a sweep as the Infinity Grid Generator does. The reader picks which axes are
/// the rows and columns, fixes the others with selectors, zooms the cells, and clicks an image
/// for its full parameters. The job's axes and images are embedded in the page as JSON.
public enum BrowsePage {
    struct Axis: Encodable {
        let key: String
        /// A1111-style labels of its values, in manifest order (`CFG scale: 7`).
        let values: [String]
    }

    struct Image: Encodable {
        let id: String
        /// Relative to the page: `images/<id>.png`.
        let src: String
        /// The value index on each swept axis.
        let at: [String: Int]
        /// `Key: value` lines: the prompt and every setting of the image.
        let parameters: [String]
        let done: Bool
    }

    struct Data: Encodable {
        let title: String
        let axes: [Axis]
        let rows: String?
        let columns: String?
        let images: [Image]
    }

    /// The page for `job`'s tasks (duplicates included, as its grids show them); `finished` says
    /// which images exist, the others show as empty cells.
    public static func html(job: Job, tasks: some Sequence<RenderTask>, finished: Set<String>) -> String {
        let swept = job.sweptAxes
        var members: [SweepAxis: [Int: [RenderTask]]] = [:]
        var images: [Image] = []
        for task in tasks {
            for axis in swept { members[axis, default: [:]][task.coordinates[axis] ?? 0, default: []].append(task) }
            images.append(Image(id: task.id, src: JobOutput.imagePath(task.id),
                                at: Dictionary(uniqueKeysWithValues: swept.map { ($0.rawValue, task.coordinates[$0] ?? 0) }),
                                parameters: parameters(of: task, job: job), done: finished.contains(task.id)))
        }
        let axes = swept.map { axis in
            Axis(key: axis.rawValue, values: (0..<job.count(of: axis)).map { GridPlan.label(axis, job: job, tasks: members[axis]?[$0] ?? []) })
        }
        let data = Data(title: job.name, axes: axes, rows: job.grid?.rows?.rawValue, columns: job.grid?.columns?.rawValue, images: images)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // JSONEncoder writes "/" as "\/", so no "</script>" can end the data early.
        let json = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return BrowsePageTemplate.html(title: job.name, json: json)
    }

    /// What the page shows when an image is clicked.
    static func parameters(of task: RenderTask, job: Job) -> [String] {
        var lines = ["Prompt: \(task.prompt)", "Seed: \(task.seed)"]
        // The settings every image has, then the others where they are not at their default.
        lines += AxisCatalog.all.compactMap { declaration in
            let value = task.value(declaration.axis)
            guard declaration.applies(task.settings) else { return nil }
            if case .frozen = declaration.identity { return declaration.label(value) }
            return declaration.isDefault(value) ? nil : declaration.label(value)
        }
        if !task.loras.isEmpty { lines.append("LoRA: " + task.loras.map(\.description).joined(separator: ", ")) }
        lines += ["Model: \(job.modelName)", "ID: \(task.id)"]
        return lines
    }
}

extension JobOutput {
    /// The most images a page lists: past this the embedded data (≈ 300 bytes an image) would make
    /// a page no browser opens comfortably; such a job is browsed through its grids.
    public static let browsePageLimit = 100_000

    /// Writes `index.html` for a job with grids, from the tasks and the images finished so far;
    /// false when the job has no grids or more images than `browsePageLimit`.
    @discardableResult
    public func writeBrowsePage() throws(OutputError) -> Bool {
        guard job.grid != nil, job.allTasks().count <= Self.browsePageLimit else { return false }
        let html = BrowsePage.html(job: job, tasks: job.allTasks(), finished: Set(finished.keys))
        try write(Foundation.Data(html.utf8), to: "index.html")
        return true
    }
}
