/// RFC 4180 CSV: what the manifest and prompts files are written in and prompts files are read from.
/// Fields may hold commas, quotes, newlines and any Unicode; Python's `csv` and pandas read them back.
public enum CSV {
    /// One record read from a file, with the line it starts on (1-based).
    public struct Record: Equatable, Sendable {
        public let line: Int
        public let fields: [String]
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case unterminatedQuote(line: Int)

        public var description: String {
            switch self {
            case let .unterminatedQuote(line): "line \(line): a quoted field is never closed"
            }
        }
    }

    /// The record's text, without its line ending; fields are quoted only where they must be.
    public static func record(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// The whole file as CRLF-terminated records, as RFC 4180 writes it.
    public static func file(_ records: [[String]]) -> String {
        records.map { record($0) + "\r\n" }.joined()
    }

    /// Every record, blank lines included as one empty field; a UTF-8 byte-order mark is skipped.
    public static func parse(_ text: String) throws(ParseError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, afterQuote = false
        var line = 1, recordLine = 1
        var characters = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        if characters.isEmpty { return [] }
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case _ where character.isNewline:
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
                (fields, field, afterQuote) = ([], "", false)
                line += 1
                recordLine = line
            default:
                field.append(character)
            }
        }
        if quoted { throw .unterminatedQuote(line: recordLine) }
        if !fields.isEmpty || !field.isEmpty || afterQuote {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
