import Foundation

/// Turns text into the pieces CLIP's BPE sees, in the order the `tokenizers` backend of
/// transformers' `CLIPTokenizer` produces them: added tokens are split out first (on the raw text,
/// or after normalisation for tokens marked `normalized`), then each remaining span is normalised
/// (NFC, whitespace runs to one space, lowercase) and cut with CLIP's pattern
/// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`,
/// keeping only the matches. Everything works on Unicode scalars, never on Swift's grapheme
/// clusters, so a combining mark after a token cannot hide it.
struct CLIPPreTokenizer: Sendable {
    /// A token matched literally in the text rather than built by BPE.
    struct AddedToken: Sendable, Equatable {
        var content: String
        var id: Int
        /// Matched against the normalised text (so `<|ENDOFTEXT|>` matches too) instead of the raw text.
        var normalized: Bool
        /// Only matched where no word character touches it on either side.
        var singleWord: Bool
    }

    enum Piece: Equatable {
        case added(id: Int)
        /// One pre-token, as UTF-8 bytes.
        case word([UInt8])
    }

    private struct Pattern: Sendable {
        var scalars: [Unicode.Scalar]
        var id: Int
        var singleWord: Bool
    }

    private let rawPatterns: [Pattern]
    private let normalizedPatterns: [Pattern]

    init(addedTokens: [AddedToken]) {
        let tokens = addedTokens.filter { !$0.content.isEmpty }
        rawPatterns = tokens.filter { !$0.normalized }.map {
            Pattern(scalars: Array($0.content.unicodeScalars), id: $0.id, singleWord: $0.singleWord)
        }
        // Like `tokenizers`, a normalised token is looked for in its own normalised spelling.
        normalizedPatterns = tokens.filter(\.normalized).map {
            Pattern(scalars: Self.normalize(Array($0.content.unicodeScalars)[...]), id: $0.id, singleWord: $0.singleWord)
        }
    }

    func pieces(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        Self.split(Array(text.unicodeScalars)[...], on: rawPatterns, into: &pieces) { raw, pieces in
            Self.split(Self.normalize(raw)[...], on: normalizedPatterns, into: &pieces) { normalized, pieces in
                Self.preTokenize(normalized, into: &pieces)
            }
        }
        return pieces
    }

    /// Cuts out added tokens, leftmost first and longest among those starting at the same place,
    /// never overlapping (the Aho-Corasick LeftmostLongest search of `tokenizers`), and hands the
    /// text between them to `rest`.
    private static func split(_ text: ArraySlice<Unicode.Scalar>, on patterns: [Pattern], into pieces: inout [Piece],
                              rest: (ArraySlice<Unicode.Scalar>, inout [Piece]) -> Void) {
        guard !patterns.isEmpty else { return rest(text, &pieces) }
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            var longest: Pattern?
            for pattern in patterns where pattern.scalars.count > longest?.scalars.count ?? 0 && text[i...].starts(with: pattern.scalars) {
                longest = pattern
            }
            guard let pattern = longest else {
                i += 1
                continue
            }
            let end = i + pattern.scalars.count
            // A single-word token touching a word character is skipped, but the search still resumes after it.
            if pattern.singleWord, i > text.startIndex && isWordCharacter(text[i - 1]) || end < text.endIndex && isWordCharacter(text[end]) {
                i = end
                continue
            }
            if start < i { rest(text[start..<i], &pieces) }
            pieces.append(.added(id: pattern.id))
            start = end
            i = end
        }
        if start < text.endIndex { rest(text[start...], &pieces) }
    }

    /// `normalizers.Sequence([NFC(), Replace(Regex("\s+"), " "), Lowercase()])`. Lowercasing is per
    /// scalar with the full mapping, like Rust's `char::to_lowercase`: Σ is always σ (never final ς),
    /// and İ becomes i followed by U+0307.
    static func normalize(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(text.count)
        for scalar in composed(text) {
            if scalar.properties.isWhitespace {
                if normalized.last != " " { normalized.append(" ") }
            } else if scalar.isASCII {
                normalized.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
            } else {
                normalized.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return normalized
    }

    /// NFC as `tokenizers` computes it, with Unicode 9.0 data: a character assigned later is to it an
    /// unassigned starter that neither decomposes, reorders nor composes, so the text is composed in
    /// runs between such characters. Text below U+0300 is already NFC and skips Foundation.
    private static func composed(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        guard !text.allSatisfy({ $0.value < 0x300 }) else { return Array(text) }
        var composed: [Unicode.Scalar] = []
        var runStart = text.startIndex
        func composeRun(upTo end: Int) {
            guard runStart < end else { return }
            // Swift's NFC goes wrong straight from some inputs (a precomposed Hangul LV syllable stays
            // apart from a following trailing consonant; U+0F73 after other marks is left out of
            // canonical order) but is right from the decomposed form, so decompose first.
            let run = String(String.UnicodeScalarView(text[runStart..<end]))
            composed.append(contentsOf: run.decomposedStringWithCanonicalMapping.precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        for i in text.indices {
            if let age = text[i].properties.age, age.major < 9 || age == (9, 0) { continue }
            composeRun(upTo: i)
            composed.append(text[i])
            runStart = i + 1
        }
        composeRun(upTo: text.endIndex)
        return composed
    }

    private enum Class { case space, letter, number, other }

    /// CLIP's split pattern, alternatives tried in order at each position. Spaces match nothing and
    /// are dropped. The ByteLevel pre-tokenizer that follows splits the matches again with GPT-2's
    /// pattern, which changes only the literal `<|startoftext|>`/`<|endoftext|>` matches: they become
    /// `<|`, the name and `|>`. (The literal still matters: it ends a punctuation run before `!` in
    /// `<|endoftext|>!`.)
    private static func preTokenize(_ text: ArraySlice<Unicode.Scalar>, into pieces: inout [Piece]) {
        func emit(_ range: Range<Int>) {
            var bytes: [UInt8] = []
            for scalar in text[range] { UTF8.encode(scalar) { bytes.append($0) } }
            pieces.append(.word(bytes))
        }
        var i = text.startIndex
        while i < text.endIndex {
            let end: Int
            switch classify(text[i]) {
            case .space:
                i += 1
                continue
            case _ where text[i] == "<" && (text[i...].starts(with: startOfText) || text[i...].starts(with: endOfText)):
                end = i + (text[i...].starts(with: startOfText) ? startOfText.count : endOfText.count)
                emit(i..<i + 2)
                emit(i + 2..<end - 2)
                emit(end - 2..<end)
                i = end
                continue
            case _ where text[i] == "'" && contractionLength(text[(i + 1)...]) > 0:
                end = i + 1 + contractionLength(text[(i + 1)...])
            case .letter:
                end = text[i...].firstIndex { classify($0) != .letter } ?? text.endIndex
            case .number:
                end = i + 1
            case .other:
                end = text[i...].firstIndex { classify($0) != .other } ?? text.endIndex
            }
            emit(i..<end)
            i = end
        }
    }

    private static let startOfText = Array("<|startoftext|>".unicodeScalars)
    private static let endOfText = Array("<|endoftext|>".unicodeScalars)

    /// Length of `s|t|re|ve|m|ll|d` at the start of `text` (after an apostrophe), or 0.
    private static func contractionLength(_ text: ArraySlice<Unicode.Scalar>) -> Int {
        for suffix in ["re", "ve", "ll", "s", "t", "m", "d"] where text.starts(with: suffix.unicodeScalars) {
            return suffix.unicodeScalars.count
        }
        return 0
    }

    /// `\s` is White_Space (Oniguruma's `\s` and Swift's `isWhitespace` agree on every scalar), `\p{L}`
    /// and `\p{N}` are the general categories.
    private static func classify(_ scalar: Unicode.Scalar) -> Class {
        if scalar.isASCII {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0D, 0x20: return .space
            default: return .other
            }
        }
        if scalar.properties.isWhitespace { return .space }
        // The Oniguruma in `tokenizers` 0.23 has Unicode 16.0 tables; to it, later letters are unassigned.
        guard let age = scalar.properties.age, age.major <= 16 else { return .other }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Rust regex's Unicode `\w`, which `tokenizers` uses for `single_word`.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return properties.isAlphabetic || properties.isJoinControl
        }
    }
}
