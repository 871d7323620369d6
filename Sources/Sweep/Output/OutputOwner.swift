import Foundation
import Yams

/// The job an output folder belongs to, recorded in its `owner.json`: rendering another job
/// into it would mix two jobs' images and CSV rows, so that is refused unless forced.
public struct OutputOwner: Codable, Equatable, Sendable {
    public var job: String
    /// The manifest's absolute path.
    public var manifest: String

    public init(job: String, manifest: String) {
        self.job = job
        self.manifest = URL(fileURLWithPath: manifest).standardizedFileURL.path
    }

    public var description: String { "job \(job) (from \(manifest))" }

    static let fileName = "owner.json"

    /// Who owns `folder` now: its `owner.json`; for a folder from before owners were recorded,
    /// the name in its `job.yaml`; nil for a missing or empty folder.
    static func current(of folder: URL) throws(OutputError) -> Claim {
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        // The lock of the run now taking the folder is no one's output, and neither is a partial
        // file a run killed mid-write left (its first write is this very owner record).
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
              names.contains(where: { $0 != OutputLock.fileName && !OutputFile.isPartial($0) }) else { return .none }
        if let data = FileManager.default.contents(atPath: path(fileName)), let owner = try? JSONDecoder().decode(Self.self, from: data) {
            return .owner(owner)
        }
        if let text = try? String(contentsOfFile: path("job.yaml"), encoding: .utf8),
           let fields = (try? Yams.load(yaml: text)) as? [String: Any], let name = fields["name"] as? String {
            return .unrecordedJob(name)
        }
        return .foreign
    }

    enum Claim: Equatable {
        case none
        case owner(OutputOwner)
        /// Written before `owner.json` existed: only the job's name is known.
        case unrecordedJob(String)
        /// Files that are not a job's output.
        case foreign
    }

    /// Refuses a folder that holds another job's output or other files, unless `force`.
    func claim(_ folder: URL, force: Bool) throws(OutputError) {
        let previous = try Self.current(of: folder)
        let owner: String
        switch previous {
        case .none: return
        case let .owner(recorded) where recorded == self: return
        case let .owner(recorded): owner = recorded.description
        case let .unrecordedJob(name) where name == job: return
        case let .unrecordedJob(name): owner = "job \(name)"
        case .foreign: owner = "other files (it is not empty and holds no job's output)"
        }
        if !force { throw .ownedByAnotherJob(folder: folder.path, owner: owner) }
    }
}
