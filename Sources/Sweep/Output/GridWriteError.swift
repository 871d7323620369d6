/// Why a comparison grid could not be drawn or written, naming the grid.
public enum GridWriteError: Error, CustomStringConvertible {
    case grid(name: String, GridError)
    case png(name: String, PNGError)
    case output(OutputError)

    public var description: String {
        switch self {
        case let .grid(name, error): "grid \(name): \(error.description)"
        case let .png(name, error): "grid \(name): \(error.description)"
        case let .output(error): error.description
        }
    }
}
