import Foundation
import StableDiffusion
import Yams

/// `dataset:` (formats, shard_size, embeddings), `safety_checker:` and `safety:`; the model
/// folders they name are loaded now, so a wrong one is reported before anything renders.
extension ManifestReader {
    static let datasetKeys = ["formats", "shard_size", "embeddings"]

    func readDataset(_ entries: [String: Node], into job: inout Job) {
        job.safetyChecker = entries["safety_checker"].flatMap { node in
            modelFolder(node, key: "safety_checker", expected: "a StableDiffusionSafetyChecker folder") { _ = try SafetyChecker(directory: $0) }
        }
        if let node = entries["safety"], let name = values.string(node, key: "safety") {
            if let mode = SafetyMode(rawValue: name.lowercased()) { job.safety = mode } else {
                values.report(node, "safety '\(name)': expected \(SafetyMode.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            if entries["safety_checker"] == nil { values.report(node, "safety: needs a safety_checker folder to flag images") }
        }
        guard let node = entries["dataset"] else { return }
        guard case let .mapping(mapping) = node else {
            values.report(node, "dataset: expected a mapping such as {formats: [kaggle, imagefolder], embeddings: all-MiniLM-L6-v2}")
            return
        }
        if let grid = entries["grid"], grid.scalar?.string.lowercased() != "none" {
            values.report(grid, "grid: a dataset job draws no grids; remove grid (or dataset)")
        }
        job.grid = nil
        let fields = values.entries(of: mapping, known: Self.datasetKeys, what: "dataset key")
        var choice = DatasetChoice()
        let names = DatasetFormat.allCases.map(\.rawValue)
        choice.formats = values.list(fields["formats"], key: "dataset formats", default: [.kaggle]) { item in
            guard let name = values.string(item, key: "dataset formats") else { return nil }
            guard let format = DatasetFormat(rawValue: name.lowercased()) else {
                return values.reject(item, "dataset formats: unknown format '\(name)'\(DidYouMean.hint(for: name, among: names)): "
                                     + "expected \(names.joined(separator: ", "))")
            }
            return format
        }
        if Set(choice.formats).count < choice.formats.count { values.report(fields["formats"], "dataset formats: a format is listed twice") }
        choice.shardSize = fields["shard_size"].flatMap { values.integer($0, key: "dataset shard_size", in: 1...1_000_000) }
            ?? DatasetChoice.defaultShardSize
        if let embeddings = fields["embeddings"] {
            choice.embeddings = modelFolder(embeddings, key: "dataset embeddings", expected: "a sentence-transformers model folder") {
                _ = try SentenceEmbedder(directory: $0)
            }
            if !choice.formats.contains(.kaggle) {
                values.report(embeddings, "dataset embeddings: written as kaggle's embeddings.csv and embeddings.f32; add kaggle to formats")
            }
        }
        job.dataset = choice
    }

    /// The folder `node` names, made absolute, once `load` accepts it; a problem naming `expected` otherwise.
    private func modelFolder(_ node: Node, key: String, expected: String, load: (String) throws -> Void) -> String? {
        guard let path = values.string(node, key: key) else { return nil }
        let url = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        do { try load(url.path) } catch { return values.reject(node, "\(key) '\(path)': \(error) (expected \(expected))") }
        return url.path
    }
}
