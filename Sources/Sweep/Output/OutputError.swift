/// Why an output file cannot be written.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case noFolder(path: String, folder: String)
    case notWritable(path: String, reason: String)
    case notReadable(path: String, reason: String)
    /// The folder holds another job's output.
    case ownedByAnotherJob(folder: String, owner: String)
    /// A rank's result lacks what the job records, or carries it damaged.
    case result(RenderResultError)

    public var description: String {
        switch self {
        case let .noFolder(path, folder): "\(path): folder \(folder) does not exist"
        case let .notWritable(path, reason): "\(path): cannot write: \(reason)"
        case let .notReadable(path, reason): "\(path): cannot read: \(reason)"
        case let .result(error): error.description
        case let .ownedByAnotherJob(folder, owner):
            "\(folder) belongs to \(owner); use --force to take it over (its images move to orphans/) or --output elsewhere"
        }
    }
}
