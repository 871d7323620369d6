import Foundation

/// JSON for what crosses between ranks: the job, tasks and results (PNG bytes as base64).
public enum ClusterCodec {
    public static func encode<Value: Encodable>(_ value: Value) throws(ClusterCodecError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do { return try encoder.encode(value) } catch {
            throw .encoding(type: String(describing: Value.self), reason: String(describing: error))
        }
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(ClusterCodecError) -> Value {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw .decoding(type: String(describing: Value.self), bytes: data.count, reason: String(describing: error))
        }
    }
}

/// A message that cannot be made or read; the rank that meets it ends the job with this.
public enum ClusterCodecError: Error, CustomStringConvertible {
    case encoding(type: String, reason: String)
    case decoding(type: String, bytes: Int, reason: String)

    public var description: String {
        switch self {
        case let .encoding(type, reason): "cannot encode a \(type) message: \(reason)"
        case let .decoding(type, bytes, reason): "cannot decode a \(bytes)-byte \(type) message: \(reason)"
        }
    }
}
