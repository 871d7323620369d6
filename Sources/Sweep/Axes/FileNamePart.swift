import Foundation

/// Text made safe for a file name: letters, digits, `.`, `_`, `+` and `-`; everything else becomes
/// `-` (runs merged), and long text keeps its start, so `steps-16.png` or `prompts-a-cat-in-a-hat.png`.
enum FileNamePart {
    static let maximumLength = 40

    static func sanitized(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let safe = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._+".unicodeScalars.contains(scalar))
            if safe {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        let trimmed = result.prefix(maximumLength).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? "x" : trimmed
    }
}
