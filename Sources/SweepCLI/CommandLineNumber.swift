/// Numbers from the command line, parsed here rather than by swift-argument-parser, which takes
/// `-5` for a flag ("Missing value") and cannot say what is wrong with a value it rejects.
enum CommandLineNumber {
    static func whole<T: FixedWidthInteger>(_ text: String, flag: String, in range: ClosedRange<T>) throws(GenerateError) -> T {
        if let value = T(text), range.contains(value) { return value }
        let negative = text.hasPrefix("-") && Double(text) != nil
        let bounds = range.upperBound == T.max && T.isSigned ? "of \(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
        throw .badNumber(flag: flag, value: text, expected: (negative && range.lowerBound >= 0 ? "negative; " : "") + "expected a whole number \(bounds)")
    }

    static func real(_ text: String, flag: String) throws(GenerateError) -> Float {
        guard let value = Float(text) else { throw .badNumber(flag: flag, value: text, expected: "expected a number") }
        return value
    }

    /// A double, for settings diffusers computes with in Python floats (img2img's strength).
    static func double(_ text: String, flag: String) throws(GenerateError) -> Double {
        guard let value = Double(text) else { throw .badNumber(flag: flag, value: text, expected: "expected a number") }
        return value
    }
}
