import Foundation

/// Finds a key written twice in one object of a JSON document, which JSONSerialization resolves
/// silently to the last value; the safetensors reference implementation rejects such a header.
enum DuplicateJSONKey {
    /// The first repeated key in `json`, which must already be known to be valid JSON.
    static func first(in json: Data) -> String? {
        // One entry per open object or array: the keys seen so far, nil for an array.
        var open: [Set<String>?] = []
        var expectingKey = false
        var index = json.startIndex
        while index < json.endIndex {
            let byte = json[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < json.endIndex, json[index] != UInt8(ascii: "\"") { index += json[index] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectingKey, open.last != nil, index < json.endIndex {
                    let key = decodeString(json[start...index])
                    if open[open.count - 1]?.insert(key).inserted == false { return key }
                    expectingKey = false
                }
            case UInt8(ascii: "{"):
                open.append([])
                expectingKey = true
            case UInt8(ascii: "["):
                open.append(nil)
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = open.last.map { $0 != nil } ?? false
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// A string literal, quotes included, as the text it spells.
    private static func decodeString(_ literal: Data) -> String {
        guard literal.contains(UInt8(ascii: "\\")) else { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
        let decoded = try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed)
        return decoded as? String ?? String(decoding: literal, as: UTF8.self)
    }
}
