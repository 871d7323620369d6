/// Why an output file cannot be written.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case noFolder(path: String, folder: String)
    case notWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .noFolder(path, folder): "\(path): folder \(folder) does not exist"
        case let .notWritable(path, reason): "\(path): cannot write: \(reason)"
        }
    }
}
