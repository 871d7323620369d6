/// Everything that can be wrong with a tokenizer folder, each naming the file and what was expected.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case malformedJSON(file: String, reason: String)
    case malformedMerge(file: String, line: Int, text: String)
    case mergeNotInVocabulary(file: String, line: Int, token: String)
    case unknownSpecialToken(file: String, role: String, token: String)
    case badModelMaxLength(file: String, value: String)
    /// A folder with both vocab.json/merges.txt and tokenizer.json whose contents differ.
    case formsDisagree(file: String, other: String, what: String)

    public var description: String {
        let message = switch self {
        case let .unreadable(file, reason):
            "\(file): cannot read tokenizer file: \(reason)"
        case let .malformedJSON(file, reason):
            "\(file): \(reason)"
        case let .malformedMerge(file, line, text):
            "\(file):\(line): expected a merge of two tokens separated by one space, found \(Self.quoted(text))"
        case let .mergeNotInVocabulary(file, line, token):
            "\(file):\(line): merge uses \(Self.quoted(token)), which is not in the vocabulary"
        case let .unknownSpecialToken(file, role, token):
            "\(file): \(role) \(Self.quoted(token)) is not in the vocabulary"
        case let .badModelMaxLength(file, value):
            "\(file): model_max_length must be an integer of at least 2 (room for the start and end tokens), found \(value)"
        case let .formsDisagree(file, other, what):
            "\(file) and \(other) disagree: \(what)"
        }
        // Tokens and paths come from files; escaping control characters and line breaks keeps the message one line.
        return message.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || (scalar.properties.isWhitespace && scalar != " ")
                ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined()
    }

    private static func quoted(_ text: String) -> String {
        let clipped = text.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(80))) + "…" : text
        return "\"\(clipped)\""
    }
}
