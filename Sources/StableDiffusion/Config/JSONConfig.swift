import Foundation

/// Typed reads from one config file. Unknown keys are ignored, as diffusers' `from_config` does;
/// a key that is present but has the wrong type is an error naming the file and key.
// @unchecked: the values are immutable Foundation objects from JSONSerialization, never mutated.
struct JSONConfig: @unchecked Sendable {
    let path: String
    private var values: [String: Any]

    init(path: String) throws(ConfigError) {
        switch RegularFile.read(path, limit: 100_000_000) {
        case let .success(data): try self.init(data: data, path: path)
        case let .failure(error): throw .unreadable(path: path, reason: error.reason)
        }
    }

    /// A config from JSON text already in memory; `path` names it in errors.
    init(data: Data, path: String) throws(ConfigError) {
        guard let object = try? JSONSerialization.jsonObject(with: Self.quotingNonFiniteNumbers(data)),
              let values = object as? [String: Any] else {
            throw .notJSONObject(path: path)
        }
        self.path = path
        self.values = values
    }

    /// The same config with `key` set to `value`.
    func setting(_ key: String, to value: Any) -> JSONConfig {
        var copy = self
        copy.values[key] = value
        return copy
    }

    /// Whether `key` is present with a non-null value.
    func has(_ key: String) -> Bool { values[key].map { !($0 is NSNull) } ?? false }

    /// Whether `key` is present and explicitly `null` (diffusers' way of switching a part off).
    func isNull(_ key: String) -> Bool { values[key] is NSNull }

    func raw(_ key: String) -> Any? { has(key) ? values[key] : nil }

    var keys: [String] { values.keys.sorted() }

    /// The value of `key` as compact JSON text (`null` when absent), for showing a config as it is.
    func jsonText(_ key: String) -> String {
        guard let value = values[key],
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    func int(_ key: String, default fallback: Int? = nil) throws(ConfigError) -> Int {
        guard let value = raw(key) else { return try required(fallback, key) }
        guard let int = Self.integer(value) else { throw .wrongType(path: path, key: key, expected: "an integer") }
        return int
    }

    func double(_ key: String, default fallback: Double? = nil) throws(ConfigError) -> Double {
        guard let value = raw(key) else { return try required(fallback, key) }
        if let text = value as? String, let special = Self.nonFinite[text] { return special }
        guard let number = value as? NSNumber, !Self.isBool(number) else {
            throw .wrongType(path: path, key: key, expected: "a number")
        }
        return number.doubleValue
    }

    func bool(_ key: String, default fallback: Bool? = nil) throws(ConfigError) -> Bool {
        guard let value = raw(key) else { return try required(fallback, key) }
        guard let number = value as? NSNumber, Self.isBool(number) else {
            throw .wrongType(path: path, key: key, expected: "true or false")
        }
        return number.boolValue
    }

    func string(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        guard let value = raw(key) else { return try required(fallback, key) }
        guard let string = value as? String else { throw .wrongType(path: path, key: key, expected: "a string") }
        return string
    }

    func strings(_ key: String, default fallback: [String]? = nil) throws(ConfigError) -> [String] {
        guard let value = raw(key) else { return try required(fallback, key) }
        guard let list = value as? [Any], let strings = list as? [String] else {
            throw .wrongType(path: path, key: key, expected: "a list of strings")
        }
        return strings
    }

    func ints(_ key: String, default fallback: [Int]? = nil) throws(ConfigError) -> [Int] {
        guard let value = raw(key) else { return try required(fallback, key) }
        guard let list = value as? [Any] else { throw .wrongType(path: path, key: key, expected: "a list of integers") }
        var ints: [Int] = []
        for item in list {
            guard let int = Self.integer(item) else { throw .wrongType(path: path, key: key, expected: "a list of integers") }
            ints.append(int)
        }
        return ints
    }

    /// A value diffusers lets be one integer for every block or a list with one per block.
    func perBlock(_ key: String, blocks: Int, default fallback: Int? = nil, minimum: Int) throws(ConfigError) -> [Int] {
        let values: [Int]
        if let value = raw(key), !(value is [Any]) {
            guard let int = Self.integer(value) else {
                throw .wrongType(path: path, key: key, expected: "an integer or a list of one integer per block")
            }
            values = Array(repeating: int, count: blocks)
        } else if has(key) {
            values = try ints(key)
            guard values.count == blocks else {
                throw .invalid(path: path, key: key, reason: "lists \(values.count) values for \(blocks) blocks")
            }
        } else {
            values = Array(repeating: try required(fallback, key), count: blocks)
        }
        if let bad = values.first(where: { $0 < minimum }) {
            throw .invalid(path: path, key: key, reason: "must be at least \(minimum), got \(bad)")
        }
        return values
    }

    /// `block_out_channels`: a non-empty list of positive channel counts.
    func channels(_ key: String, default fallback: [Int]) throws(ConfigError) -> [Int] {
        let channels = try ints(key, default: fallback)
        guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else {
            throw .invalid(path: path, key: key, reason: "must list positive channel counts")
        }
        return channels
    }

    /// One block type name per block, each one of `kinds`' keys.
    func blockTypes<Kind>(_ key: String, count: Int, default fallback: [String], kinds: [String: Kind]) throws(ConfigError) -> [Kind] {
        let names = try strings(key, default: fallback)
        guard names.count == count else {
            throw .invalid(path: path, key: key, reason: "lists \(names.count) blocks but block_out_channels lists \(count)")
        }
        var result: [Kind] = []
        for name in names {
            guard let kind = kinds[name] else {
                throw .unsupported(path: path, key: key, value: name, supported: kinds.keys.sorted().joined(separator: ", "))
            }
            result.append(kind)
        }
        return result
    }

    /// GroupNorm needs its group count to divide every block's channels.
    func checkGroups(_ groups: Int, divide channels: [Int]) throws(ConfigError) {
        if let bad = channels.first(where: { $0 % groups != 0 }) {
            throw .invalid(path: path, key: "norm_num_groups", reason: "(\(groups)) must divide every block's channels, not \(bad)")
        }
    }

    func positive(_ key: String, default fallback: Int? = nil) throws(ConfigError) -> Int {
        let value = try int(key, default: fallback)
        guard value > 0 else { throw .invalid(path: path, key: key, reason: "must be positive, got \(value)") }
        return value
    }

    func required<T>(_ fallback: T?, _ key: String) throws(ConfigError) -> T {
        guard let fallback else { throw .missingKey(path: path, key: key) }
        return fallback
    }

    /// Python's json module writes float("-inf") as the bare word `-Infinity` (diffusers saves
    /// `"lambda_min_clipped": -Infinity`), which strict JSON readers refuse. Such words outside
    /// strings become strings here and `double` reads them back as numbers.
    static let nonFinite: [String: Double] = ["-Infinity": -.infinity, "Infinity": .infinity, "NaN": .nan]

    static func quotingNonFiniteNumbers(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        guard bytes.contains(UInt8(ascii: "I")) || bytes.contains(UInt8(ascii: "N")) else { return data }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var index = 0, inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    out.append(bytes[index + 1])
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if let word = nonFinite.keys.first(where: { bytes[index...].starts(with: $0.utf8) }) {
                out += [UInt8(ascii: "\"")] + Array(word.utf8) + [UInt8(ascii: "\"")]
                index += word.utf8.count
                continue
            } else {
                out.append(byte)
            }
            index += 1
        }
        return Data(out)
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        // JSONSerialization hands booleans back as NSNumbers of C type "c" (char).
        String(cString: number.objCType) == "c"
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return Int(double)
    }
}
