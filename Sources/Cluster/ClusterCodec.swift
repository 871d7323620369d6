import Foundation

/// JSON for what crosses between ranks: the job, tasks and results (PNG bytes as base64).
public enum ClusterCodec {
    public static func encode<Value: Encodable>(_ value: Value) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Our own plain value types always encode; an empty message would be refused by the receiver.
        return (try? encoder.encode(value)) ?? Data()
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) -> Value? {
        try? JSONDecoder().decode(type, from: data)
    }
}
