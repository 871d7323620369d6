/// AUTOMATIC1111's `parse_prompt_attention` (modules/prompt_parser.py): a prompt's text split into
/// runs of equal weight. `(text)` multiplies by 1.1, `(text:1.3)` by 1.3, `[text]` divides by 1.1;
/// `\(` `\)` `\[` `\]` `\\` are the characters themselves; `BREAK` ends a chunk. Brackets left open
/// at the end apply to everything after them; a closing bracket with nothing open is text.
public enum PromptAttention {
    /// A run of text and its weight; `isBreak` marks a `BREAK` (A1111's `["BREAK", -1]`).
    public struct Run: Equatable, Sendable {
        public var text: String
        public var weight: Double

        public init(_ text: String, _ weight: Double) {
            self.text = text
            self.weight = weight
        }

        /// A1111 tests `text == "BREAK" and weight == -1`: a BREAK inside brackets has had its
        /// weight multiplied and is read as the word "BREAK" instead, as A1111 reads it.
        public var isBreak: Bool { text == "BREAK" && weight == -1 }
    }

    /// Why a prompt cannot be parsed: only a weight such as `(word:1.2.3)` that is not a number
    /// (A1111 stops with Python's ValueError there).
    public struct BadWeight: Error, Equatable, CustomStringConvertible {
        public let weight: String
        public var description: String { "prompt weight ':\(weight))' is not a number (expected e.g. (word:1.3))" }
    }

    /// The characters that make a prompt read differently under A1111's syntax than as plain text
    /// (besides `BREAK`).
    public static let syntaxCharacters: Set<Character> = ["(", ")", "[", "]", "\\"]

    /// Whether `text` reads the same with and without A1111's syntax, token for token.
    public static func isPlain(_ text: String) -> Bool {
        !text.contains(where: syntaxCharacters.contains) && !text.contains("BREAK")
    }

    public static func parse(_ text: String) throws(BadWeight) -> [Run] {
        let scalars = Array(text.unicodeScalars)
        var runs: [Run] = []
        var round: [Int] = [], square: [Int] = []
        func multiply(from start: Int, by factor: Double) {
            for i in start..<runs.count { runs[i].weight *= factor }
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "\\":
                // `\(`, `\)`, `\[`, `\]`, `\\` stand for the character; a lone backslash for nothing.
                if i + 1 < scalars.count, "()[]\\".unicodeScalars.contains(scalars[i + 1]) {
                    runs.append(Run(String(scalars[i + 1]), 1))
                    i += 2
                } else {
                    runs.append(Run("", 1))
                    i += 1
                }
            case "(":
                round.append(runs.count)
                i += 1
            case "[":
                square.append(runs.count)
                i += 1
            case ":":
                guard let (weight, end) = explicitWeight(scalars, at: i) else {
                    appendText(":", to: &runs)
                    i += 1
                    continue
                }
                if let start = round.popLast() {
                    guard let weight else { throw BadWeight(weight: String(String.UnicodeScalarView(scalars[(i + 1)..<(end - 1)]))) }
                    multiply(from: start, by: weight)
                } else {
                    // With no `(` open, A1111 reads `:1.2)` as text.
                    appendText(String(String.UnicodeScalarView(scalars[i..<end])), to: &runs)
                }
                i = end
            case ")" where !round.isEmpty:
                multiply(from: round.removeLast(), by: 1.1)
                i += 1
            case "]" where !square.isEmpty:
                multiply(from: square.removeLast(), by: 1 / 1.1)
                i += 1
            case ")", "]":
                appendText(String(c), to: &runs)
                i += 1
            default:
                var end = i
                while end < scalars.count, !"\\()[]:".unicodeScalars.contains(scalars[end]) { end += 1 }
                appendText(String(String.UnicodeScalarView(scalars[i..<end])), to: &runs)
                i = end
            }
        }
        for start in round { multiply(from: start, by: 1.1) }
        for start in square { multiply(from: start, by: 1 / 1.1) }
        if runs.isEmpty { runs = [Run("", 1)] }
        var merged: [Run] = []
        for run in runs {
            if let last = merged.last, last.weight == run.weight {
                merged[merged.count - 1].text += run.text
            } else {
                merged.append(run)
            }
        }
        return merged
    }

    /// A1111's `:\s*([+-]?[.\d]+)\s*\)` at `start`: the weight (nil when Python's `float()` would
    /// refuse it, e.g. `1.2.3`) and the index after the `)`; nil when the pattern does not match.
    private static func explicitWeight(_ s: [Unicode.Scalar], at start: Int) -> (Double?, Int)? {
        var i = start + 1
        while i < s.count, PythonText.isSpace(s[i]) { i += 1 }
        var number = ""
        if i < s.count, s[i] == "+" || s[i] == "-" { number.unicodeScalars.append(s[i]); i += 1 }
        let digitsStart = i
        while i < s.count, s[i] == "." || PythonText.decimalDigit(s[i]) != nil {
            number += s[i] == "." ? "." : String(PythonText.decimalDigit(s[i]) ?? 0)
            i += 1
        }
        guard i > digitsStart else { return nil }
        while i < s.count, PythonText.isSpace(s[i]) { i += 1 }
        guard i < s.count, s[i] == ")" else { return nil }
        return (PythonText.float(number), i + 1)
    }

    /// Plain text, with each `BREAK` (A1111's `\s*\bBREAK\b\s*`, the spaces around it dropped) as a run of its own.
    private static func appendText(_ text: String, to runs: inout [Run]) {
        for (index, part) in PythonText.splitOnBreak(text).enumerated() {
            if index > 0 { runs.append(Run("BREAK", -1)) }
            runs.append(Run(part, 1))
        }
    }
}
