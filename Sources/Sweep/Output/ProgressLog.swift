import Foundation
import StableDiffusion

/// The lines a run prints: one per finished image with an estimate of the time left, and a
/// per-rank summary at the end.
public struct ProgressLog {
    public let total: Int
    public let alreadyDone: Int
    private let start = Date()
    private var done = 0
    private var ranks: [Int: (host: String, images: Int, seconds: Double)] = [:]

    public init(total: Int, alreadyDone: Int) {
        self.total = total
        self.alreadyDone = alreadyDone
    }

    /// Images finished, this run's and earlier runs'.
    public var imagesDone: Int { alreadyDone + done }

    /// One line for a terminal's status line: images done, the rate, the time left and, while
    /// an image renders here, its step.
    public func status(step: TextToImagePipeline.Progress? = nil) -> String {
        let elapsed = Date().timeIntervalSince(start)
        var text = "\(imagesDone)/\(total) images"
        if done > 0 {
            let left = elapsed / Double(done) * Double(total - imagesDone)
            text += String(format: "  %.0f images/hour  ETA %@", Double(done) / elapsed * 3600, Self.duration(left))
        }
        if let step { text += "  |  " + step.description }
        return text
    }

    public mutating func line(for result: RenderResult) -> String {
        done += 1
        ranks[result.rank, default: (result.host, 0, 0)].images += 1
        ranks[result.rank, default: (result.host, 0, 0)].seconds += result.seconds
        let elapsed = Date().timeIntervalSince(start)
        let left = elapsed / Double(done) * Double(total - alreadyDone - done)
        return String(format: "[%d/%d] %@  %.1f s  rank %d (%@)  ETA %@", alreadyDone + done, total, result.taskID, result.seconds,
                      result.rank, result.host, Self.duration(left))
    }

    /// Images, busy seconds and images per hour of each rank that rendered, then the job's
    /// images per hour over the run's wall time (all ranks together, loading and writing included).
    public func summary() -> [String] {
        summary(elapsed: Date().timeIntervalSince(start))
    }

    func summary(elapsed: Double) -> [String] {
        var lines = ["rendered \(done) image(s) in \(Self.duration(elapsed))"
                     + (alreadyDone > 0 ? ", \(alreadyDone) already done" : "") + "; \(total) in the job"]
        for (rank, stats) in ranks.sorted(by: { $0.key < $1.key }) {
            let perHour = stats.seconds > 0 ? Double(stats.images) / stats.seconds * 3600 : 0
            lines.append(String(format: "  rank %d (%@): %d image(s), %.1f s busy, %.0f images/hour", rank, stats.host,
                                stats.images, stats.seconds, perHour))
        }
        if done > 0, elapsed > 0 {
            lines.append(String(format: "  job: %d image(s) in %.1f s wall, %.0f images/hour", done, elapsed, Double(done) / elapsed * 3600))
        }
        return lines
    }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole) s" : whole < 3600 ? "\(whole / 60) min \(whole % 60) s" : "\(whole / 3600) h \(whole / 60 % 60) min"
    }
}
