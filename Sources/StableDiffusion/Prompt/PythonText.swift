/// The parts of Python's `re` and `float()` that A1111's prompt parser relies on, for Unicode text:
/// `\s`, `\d`, `\b` as Python 3 defines them for `str` patterns.
enum PythonText {
    /// `str.isspace()`: White_Space, plus the information separators U+001C…U+001F Python counts too.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || (0x1C...0x1F).contains(c.value)
    }

    /// `\w`: letters and numbers (`str.isalnum()`) and the underscore.
    static func isWord(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: true
        default: c == "_"
        }
    }

    /// `\d` (any Unicode decimal digit) and its value, which `float()` accepts too.
    static func decimalDigit(_ c: Unicode.Scalar) -> Int? {
        guard c.properties.generalCategory == .decimalNumber, let value = c.properties.numericValue else { return nil }
        return Int(value)
    }

    /// `float(text)` for text of `[+-]?[.0-9]+`: nil where Python raises (`.`, `1.2.3`).
    static func float(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = String(first)
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }) else { return nil }
        let whole = parts[0].isEmpty ? "0" : String(parts[0])
        let fraction = parts.count == 2 && !parts[1].isEmpty ? "." + parts[1] : ""
        return Double(sign + whole + fraction)
    }

    /// `re.split(r"\s*\bBREAK\b\s*", text)`.
    static func splitOnBreak(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        let word = Array("BREAK".unicodeScalars)
        func boundary(_ i: Int) -> Bool {
            let before = i > 0 && isWord(s[i - 1]), after = i < s.count && isWord(s[i])
            return before != after
        }
        func isBreak(at i: Int) -> Bool {
            i + word.count <= s.count && Array(s[i..<(i + word.count)]) == word && boundary(i) && boundary(i + word.count)
        }
        var parts: [String] = []
        var partStart = 0, i = 0
        while i < s.count {
            // A match starts at the first space of the run before BREAK, or at BREAK itself.
            var j = i
            while j < s.count, isSpace(s[j]) { j += 1 }
            if isBreak(at: j) {
                parts.append(String(String.UnicodeScalarView(s[partStart..<i])))
                var end = j + word.count
                while end < s.count, isSpace(s[end]) { end += 1 }
                partStart = end
                i = end
            } else {
                i = j > i ? j : i + 1
            }
        }
        parts.append(String(String.UnicodeScalarView(s[partStart...])))
        return parts
    }
}
