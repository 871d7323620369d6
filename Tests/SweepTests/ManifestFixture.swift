import Foundation
@testable import Sweep

/// Manifests written to a fresh temporary folder, next to a link to the tiny test model.
struct ManifestFixture {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized.path

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Writes `yaml` (with `MODEL` replaced by the tiny SD 1.x model's path) as `job.yaml`.
    func write(_ yaml: String, name: String = "job.yaml") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try yaml.replacingOccurrences(of: "MODEL", with: Self.models + "/sd1-tiny").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func read(_ yaml: String) throws -> Job {
        try ManifestReader.read(write(yaml))
    }

    /// The problems reading `yaml` reports, as `line: message`.
    func problems(_ yaml: String) throws -> [ManifestProblem] {
        do {
            _ = try read(yaml)
            return []
        } catch let error as ManifestError {
            return error.problems
        }
    }
}
