/// Why a model folder's `model_index.json` or a component's config cannot be used.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case notJSONObject(path: String)
    case missingKey(path: String, key: String)
    case wrongType(path: String, key: String, expected: String)
    case invalid(path: String, key: String, reason: String)
    case unsupported(path: String, key: String, value: String, supported: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read: \(reason)"
        case let .notJSONObject(path): "\(path): expected a JSON object"
        case let .missingKey(path, key): "\(path): missing required key \"\(key)\""
        case let .wrongType(path, key, expected): "\(path): \"\(key)\" must be \(expected)"
        case let .invalid(path, key, reason): "\(path): \"\(key)\" \(reason)"
        case let .unsupported(path, key, value, supported):
            "\(path): \"\(key)\" is \(value); supported: \(supported)"
        }
    }
}
