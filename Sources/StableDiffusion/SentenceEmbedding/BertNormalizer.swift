import Foundation

/// `tokenizers`' `BertNormalizer` followed by its `BertPreTokenizer`, the text half of
/// transformers' `BertTokenizer`: clean-up, CJK characters split out, accents stripped,
/// lowercasing, then words split on whitespace with each punctuation character on its own.
struct BertNormalizer: Sendable {
    var lowercase = true
    /// Nil follows `lowercase`, as `strip_accents: null` does.
    var stripAccents: Bool? = nil
    var splitChineseCharacters = true
    var cleanText = true

    /// The words of `text`, each as Unicode scalars (the unit WordPiece counts and matches in).
    func words(_ text: some Sequence<Unicode.Scalar>) -> [[Unicode.Scalar]] {
        var scalars: [Unicode.Scalar] = []
        for scalar in text {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) { scalars.append(" "); continue }
            }
            if splitChineseCharacters && Self.isChineseCharacter(scalar) {
                scalars += [" ", scalar, " "]
            } else {
                scalars.append(scalar)
            }
        }
        if stripAccents ?? lowercase {
            // tokenizers decomposes (NFD) and drops nonspacing marks before lowercasing.
            scalars = Self.decomposed(scalars).filter { !Self.isNonspacingMark($0) }
        }
        if lowercase {
            // Character by character, as Rust's `char::to_lowercase`: a final Σ becomes σ, not ς.
            scalars = scalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
        }
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        for scalar in scalars {
            if Self.isWhitespace(scalar) || Self.isPunctuation(scalar) {
                if !word.isEmpty { words.append(word) }
                word = []
                if Self.isPunctuation(scalar) { words.append([scalar]) }
            } else {
                word.append(scalar)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Rust's `char::is_whitespace` (Unicode White_Space), which tab, newline and return satisfy.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// What `tokenizers` drops as control characters: categories Cc and Co (but not tab, newline
    /// and return, which are whitespace), and Cf as of Unicode 8, the tables it was built with (a
    /// format character added since, like U+08E2, stays; unassigned code points stay too).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .privateUse: return true
        case .format: return inUnicode8(scalar)
        default: return false
        }
    }

    /// NFD with Unicode 8's data: a character added since is neither decomposed nor reordered
    /// (to Unicode 8 it is an unknown starter), so it splits the text into separately normalised runs.
    static func decomposed(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        var run: [Unicode.Scalar] = []
        func flush() {
            result += String(String.UnicodeScalarView(run)).decomposedStringWithCanonicalMapping.unicodeScalars
            run = []
        }
        for scalar in scalars {
            if inUnicode8(scalar) { run.append(scalar); continue }
            flush()
            result.append(scalar)
        }
        flush()
        return result
    }

    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        if let category = Self.changedSinceUnicode8[scalar.value] { return category == .nonspacingMark }
        return scalar.properties.generalCategory == .nonspacingMark && inUnicode8(scalar)
    }

    /// Whether `scalar` was assigned by Unicode 8.0. `tokenizers` reads categories and
    /// decompositions from tables of that version (its lowercasing and whitespace are Rust's
    /// current ones), so characters added since are never control, punctuation or accents.
    static func inUnicode8(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.age.map { $0 <= (8, 0) } ?? false }

    /// The characters whose category relevant here changed after Unicode 8, with their Unicode 8
    /// category (found by running `tokenizers`' BertNormalizer and BertPreTokenizer on every code point).
    static let changedSinceUnicode8: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation, 0x111C9: .otherPunctuation,
        0x1734: .nonspacingMark, 0x1171E: .nonspacingMark,
        0x1885: .otherLetter, 0x1886: .otherLetter, 0xA9BD: .spacingMark,
    ]

    /// BERT's punctuation: all ASCII punctuation (so `$`, `+`, `^`, `` ` ``, … too) and Unicode P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        let old = changedSinceUnicode8[v]
        switch old ?? scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return old != nil || inUnicode8(scalar)
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT splits into single characters (not kana or Hangul);
    /// `tokenizers` starts Extension E's range at U+2B920 where Python's BertTokenizer has U+2B820.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
