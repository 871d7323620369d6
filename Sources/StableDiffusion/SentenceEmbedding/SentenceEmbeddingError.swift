/// Why a sentence-transformers folder cannot be used, each naming the file and what was expected.
public enum SentenceEmbeddingError: Error, CustomStringConvertible, Equatable {
    case notAFolder(String)
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case unsupportedModule(file: String, type: String)
    case unsupported(file: String, key: String, value: String, supported: String)
    case missingToken(file: String, token: String)

    public var description: String {
        switch self {
        case let .notAFolder(path): "\(path): no such folder; expected a sentence-transformers model folder (with modules.json)"
        case let .unreadable(file, reason): "\(file): cannot read: \(reason)"
        case let .malformed(file, reason): "\(file): \(reason)"
        case let .unsupportedModule(file, type):
            "\(file): module type \(type) is not supported; expected Transformer, Pooling, then optionally Normalize"
        case let .unsupported(file, key, value, supported): "\(file): \"\(key)\" is \(value); supported: \(supported)"
        case let .missingToken(file, token): "\(file): the vocabulary has no \"\(token)\" token"
        }
    }
}
