import Foundation

/// Breaks label text into lines no wider than `maxWidth`: at spaces between words, between any two
/// CJK characters (those scripts put no spaces between words), and inside a word only when the
/// word alone is too wide. Newlines in the text always break.
struct LineWrapper {
    let maxWidth: Int
    /// Width in pixels of text set on one line.
    let measure: (String) -> Int

    private struct Token {
        var text: String
        var spaceBefore: Bool
    }

    func lines(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        return trimmed.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).flatMap { paragraph in
            let lines = wrap(tokens(paragraph))
            return lines.isEmpty ? [""] : lines
        }
    }

    /// The text wrapped in full when it fits in `maxLines`, else with its middle cut out and
    /// marked "…": the first lines and the last lines stay (never a cut at both ends), and on a
    /// single line as many characters of the start and of the end as fit around the "…".
    func lines(_ text: String, maxLines: Int) -> [String] {
        let full = lines(text), limit = max(maxLines, 1)
        guard full.count > limit else { return full }
        guard limit > 1 else { return [oneLine(text.trimmingCharacters(in: .whitespacesAndNewlines))] }
        var head = Array(full.prefix(limit - limit / 2))
        var last = head.removeLast()
        while !last.isEmpty, measure(last + "…") > maxWidth { last.removeLast() }
        return head + [last + "…"] + full.suffix(limit / 2)
    }

    /// The text's start and end around "…", as many characters of each as fit on one line.
    private func oneLine(_ text: String) -> String {
        let characters = Array(text)
        let elided = { (kept: Int) in String(characters.prefix((kept + 1) / 2)) + "…" + String(characters.suffix(kept / 2)) }
        var (low, high) = (0, characters.count)
        while low < high {
            let middle = (low + high + 1) / 2
            if measure(elided(middle)) <= maxWidth { low = middle } else { high = middle - 1 }
        }
        return elided(low)
    }

    private func tokens(_ paragraph: Substring) -> [Token] {
        var tokens: [Token] = []
        var word = "", spaceBefore = false
        func endWord() {
            guard !word.isEmpty else { return }
            tokens.append(Token(text: word, spaceBefore: spaceBefore))
            (word, spaceBefore) = ("", false)
        }
        for character in paragraph {
            if character.isWhitespace {
                endWord()
                spaceBefore = true
            } else if character.isCJKClosingPunctuation, word.isEmpty, !spaceBefore, !tokens.isEmpty {
                // Kinsoku: 「。」 and its kin never start a line, so they stay with what they close.
                tokens[tokens.count - 1].text.append(character)
            } else if character.isCJK {
                endWord()
                tokens.append(Token(text: String(character), spaceBefore: spaceBefore))
                spaceBefore = false
            } else {
                word.append(character)
            }
        }
        endWord()
        return tokens
    }

    private func wrap(_ tokens: [Token]) -> [String] {
        var lines: [String] = []
        var line = ""
        for token in tokens {
            let joined = line.isEmpty ? token.text : line + (token.spaceBefore ? " " : "") + token.text
            if measure(joined) <= maxWidth {
                line = joined
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            for character in token.text {
                let longer = line + String(character)
                if line.isEmpty || measure(longer) <= maxWidth {
                    line = longer
                } else {
                    lines.append(line)
                    line = String(character)
                }
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

private extension Character {
    /// Scripts written without spaces between words, where a line may break between any two characters.
    var isCJK: Bool {
        unicodeScalars.first.map { scalar in
            switch scalar.value {
            case 0x2E80...0x2FDF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3FFFF: true
            default: false
            }
        } ?? false
    }

    var isCJKClosingPunctuation: Bool { "、。，．：；！？）」』】〕〉》ー・…ぁぃぅぇぉっゃゅょァィゥェォッャュョ".contains(self) }
}
