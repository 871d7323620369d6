import Foundation

/// What `sweep render --dry-run` prints: the job as it would render (its resolved `job.yaml`),
/// how many images it makes and how many an earlier run already finished, the grid files it
/// would draw, and a time estimate.
public struct DryRunReport {
    let job: Job
    let folder: String
    let total: Int
    let done: Int
    let estimate: RenderEstimate?
    let cores: Int

    public init(job: Job, folder: String, total: Int, done: Int, estimate: RenderEstimate?, cores: Int) {
        (self.job, self.folder, self.total, self.done, self.estimate, self.cores) = (job, folder, total, done, estimate, cores)
    }

    public var text: String {
        get throws(OutputError) {
            let yaml = try job.resolvedYAML().split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            var lines = ["job \(job.name), output \(folder), resolved job.yaml:"] + yaml.dropLast()
            lines.append("tasks: \(total) image(s), \(done) already done, \(total - done) to render")
            let plans = GridPlan.plans(for: job, tasks: job.allTasks())
            if let grid = job.grid {
                let layout = [grid.rows.map { "rows \($0.rawValue)" }, grid.columns.map { "columns \($0.rawValue)" }].compactMap { $0 }
                lines.append("grids: \(plans.count) (\(layout.joined(separator: ", ")))")
                lines += plans.map { "  grids/\($0.name).png" + ($0.title.isEmpty ? "" : " — \($0.title)") }
                if job.allTasks().count <= JobOutput.browsePageLimit { lines.append("page: index.html (browse the sweep)") }
            } else {
                lines.append("grids: none (grid: none)")
            }
            if let estimate, total > done {
                let seconds = estimate.seconds(images: total - done, cores: cores)
                lines.append("estimate: about \(ProgressLog.duration(seconds)) on \(cores) core(s) "
                             + "(\(String(format: "%.2g", estimate.secondsPerImageOnOneCore)) core-seconds per image, from the model's size)")
            }
            lines.append("dry run: nothing rendered, nothing written")
            return lines.joined(separator: "\n")
        }
    }
}
