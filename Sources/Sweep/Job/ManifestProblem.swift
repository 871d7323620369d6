/// One thing wrong in a manifest (or the prompts file it names), at its line.
public struct ManifestProblem: Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// Why a manifest cannot become a job: every problem found, each on its own line.
public enum ManifestError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case invalid([ManifestProblem])

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read the job manifest: \(reason)"
        case let .invalid(problems): problems.map(\.description).joined(separator: "\n")
        }
    }

    public var problems: [ManifestProblem] {
        if case let .invalid(problems) = self { return problems }
        return []
    }
}
