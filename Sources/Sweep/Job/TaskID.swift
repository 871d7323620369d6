/// Task ids name files, so they are restricted to characters that cannot leave the output
/// folder or hide a file: letters, digits, `.`, `_` and `-`, not starting with a dot or dash.
public enum TaskID {
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 128, first != ".", first != "-" else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    static func invalidMessage(_ id: String) -> String {
        "id '\(id)': expected 1–128 letters, digits, '.', '_' or '-', not starting with '.' or '-'"
    }
}
