import StableDiffusion

/// One comparison grid of a job: the task in each cell and the A1111-style labels of its rows
/// and columns. Every swept axis that is neither rows nor columns gives one grid per value.
public struct GridPlan: Equatable, Sendable {
    /// The file name without `.png`: `grid`, or the values it shows of the other axes, such as
    /// `guidance-7.5_steps-16` (with the value numbers added where two grids would share a name).
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
        let plans = order.map { key in
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
            let name = others.isEmpty ? "grid" : others.map { "\($0.rawValue)-\(fileNamePart($0, job: job, tasks: members))" }.joined(separator: "_")
            let title = others.map { label($0, job: job, tasks: members) }.joined(separator: ", ")
            return GridPlan(name: name, title: title, rowLabels: labels(grid.rows, rows), columnLabels: labels(grid.columns, columns),
                            cells: cells)
        }
        // Values that look alike in a file name (two long prompts that start the same) get their numbers.
        var seen: [String: Int] = [:]
        for plan in plans { seen[plan.name, default: 0] += 1 }
        return zip(plans, order).map { plan, key in
            guard seen[plan.name, default: 0] > 1 else { return plan }
            let numbered = zip(others, key).map { "\($0.rawValue)-\($1 + 1)" }.joined(separator: "_")
            return GridPlan(name: plan.name + "_" + numbered, title: plan.title, rowLabels: plan.rowLabels, columnLabels: plan.columnLabels,
                            cells: plan.cells)
        }
    }

    /// The value a grid shows of a fixed axis, as its file name says it; `tasks` are those sharing it.
    static func fileNamePart(_ axis: SweepAxis, job: Job, tasks: [RenderTask]) -> String {
        guard let task = tasks.first else { return "" }
        if let declaration = AxisCatalog.declaration(axis) { return declaration.fileNamePart(value(axis, job: job, task: task)) }
        switch axis {
        case .seeds: return Set(tasks.map(\.seed)).count == 1 ? String(task.seed) : "n\((task.coordinates[.seeds] ?? 0) + 1)"
        case .loras:
            return FileNamePart.sanitized(task.loras.map { "\($0.name)-\(LoRA.format($0.scale))" }
                .joined(separator: "_"))
        default: return FileNamePart.sanitized(label(axis, job: job, tasks: tasks))
        }
    }

    /// A declared axis's value at the task's coordinate (a task holds the default where the value does not apply).
    private static func value(_ axis: SweepAxis, job: Job, task: RenderTask) -> String {
        let values = job.values(of: axis), index = task.coordinates[axis] ?? 0
        return values.indices.contains(index) ? values[index] : task.value(axis)
    }

    /// How A1111's X/Y plot labels a value; `tasks` are those sharing it.
    static func label(_ axis: SweepAxis, job: Job, tasks: [RenderTask]) -> String {
        guard let task = tasks.first else { return "" }
        if let declaration = AxisCatalog.declaration(axis) { return declaration.label(value(axis, job: job, task: task)) }
        switch axis {
        case .prompts: return task.basePrompt
        case .promptReplace: return job.promptReplace.isEmpty ? task.prompt : job.promptReplace[task.coordinates[.promptReplace] ?? 0]
        case .seeds:
            // Per-prompt seeds differ along one column: then the column is the prompt's n-th seed.
            return Set(tasks.map(\.seed)).count == 1 ? "Seed: \(task.seed)" : "Seed #\((task.coordinates[.seeds] ?? 0) + 1)"
        case .loras: return "LoRA: " + task.loras.map(\.description).joined(separator: ", ")
        default: return task.basePrompt
        }
    }
}
