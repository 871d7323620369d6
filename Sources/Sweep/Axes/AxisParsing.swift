/// The value checks axis declarations share, each failing with the manifest's usual message.
public enum AxisParsing {
    /// A number in `range`, as the canonical text of the `Float` it renders with (checked as that
    /// Float: 1e39 is a finite Double but an infinite Float).
    public static func number(_ text: String, key: String, in range: ClosedRange<Double>? = nil,
                              expected: String = "a finite number") -> Result<String, AxisValueError> {
        guard let value = Double(text) else { return .failure(AxisValueError("\(key) '\(text)': expected a number")) }
        guard Float(value).isFinite, range?.contains(value) ?? true else { return .failure(AxisValueError("\(key) \(value): expected \(expected)")) }
        return .success("\(Float(value))")
    }

    /// A whole number in `range`, as its decimal text.
    public static func integer(_ text: String, key: String, in range: ClosedRange<Int>) -> Result<String, AxisValueError> {
        guard let value = Int(text), range.contains(value) else {
            return .failure(AxisValueError("\(key) '\(text)': expected a whole number from \(range.lowerBound) to \(range.upperBound)"))
        }
        return .success(String(value))
    }

    /// The canonical text of a `number` value as a Float (0 for text no declaration produced).
    public static func float(_ value: String?) -> Float { value.flatMap(Float.init) ?? 0 }

    /// The canonical text of an `integer` value as an Int.
    public static func int(_ value: String?) -> Int { value.flatMap { Int($0) } ?? 0 }
}
