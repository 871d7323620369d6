/// One comparison grid of a job: the task in each cell and the A1111-style labels of its rows
/// and columns. Every swept axis that is neither rows nor columns gives one grid per value.
public struct GridPlan: Equatable, Sendable {
    /// The file name without `.png`: `grid`, or the other axes' value numbers such as `guidance-2_steps-1`.
    public let name: String
    /// The other axes' values, e.g. `CFG scale: 7.5, Steps: 20`; empty for a single grid.
    public let title: String
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// Task ids, row-major; nil where no task has those coordinates.
    public let cells: [String?]

    public static func plans(for job: Job, tasks: some Sequence<RenderTask>) -> [GridPlan] {
        guard let grid = job.grid else { return [] }
        let others = job.sweptAxes.filter { $0 != grid.rows && $0 != grid.columns }
        let rows = grid.rows.map(job.count(of:)) ?? 1, columns = grid.columns.map(job.count(of:)) ?? 1
        var groups: [[Int]: [RenderTask]] = [:], order: [[Int]] = []
        for task in tasks {
            let key = others.map { task.coordinates[$0] ?? 0 }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(task)
        }
        return order.map { key in
            let members = groups[key] ?? []
            var cells = [String?](repeating: nil, count: rows * columns)
            for task in members {
                let cell = (grid.rows.flatMap { task.coordinates[$0] } ?? 0) * columns + (grid.columns.flatMap { task.coordinates[$0] } ?? 0)
                if cells[cell] == nil { cells[cell] = task.id }
            }
            let labels = { (axis: SweepAxis?, count: Int) -> [String] in
                guard let axis else { return [] }
                return (0..<count).map { index in label(axis, job: job, tasks: members.filter { $0.coordinates[axis] == index }) }
            }
            let name = others.isEmpty ? "grid" : zip(others, key).map { "\($0.rawValue)-\($1 + 1)" }.joined(separator: "_")
            let title = others.map { label($0, job: job, tasks: members) }.joined(separator: ", ")
            return GridPlan(name: name, title: title, rowLabels: labels(grid.rows, rows), columnLabels: labels(grid.columns, columns),
                            cells: cells)
        }
    }

    /// How A1111's X/Y plot labels a value; `tasks` are those sharing it.
    static func label(_ axis: SweepAxis, job: Job, tasks: [RenderTask]) -> String {
        guard let task = tasks.first else { return "" }
        switch axis {
        case .prompts: return task.basePrompt
        case .promptReplace: return job.promptReplace.isEmpty ? task.prompt : job.promptReplace[task.coordinates[.promptReplace] ?? 0]
        case .seeds:
            // Per-prompt seeds differ along one column: then the column is the prompt's n-th seed.
            return Set(tasks.map(\.seed)).count == 1 ? "Seed: \(task.seed)" : "Seed #\((task.coordinates[.seeds] ?? 0) + 1)"
        case .guidance: return "CFG scale: \(GenerationParameters.format(guidance: task.guidance))"
        case .steps: return "Steps: \(task.steps)"
        case .scheduler: return "Sampler: \(task.scheduler.samplerName)"
        case .size: return "Size: \(task.size)"
        case .decoder: return "Decoder: \(task.decoderName ?? "VAE")"
        case .loras: return "LoRA: " + task.loras.map(\.description).joined(separator: ", ")
        }
    }
}
