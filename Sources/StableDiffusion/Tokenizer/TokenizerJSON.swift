import Foundation

/// The parts of a `tokenizers` `tokenizer.json` (what transformers 5's `save_pretrained` writes
/// instead of vocab.json and merges.txt) that CLIP's tokenizer needs: the BPE `model`'s
/// vocabulary and merges, and the `added_tokens` with their flags.
struct TokenizerJSON {
    let file: String
    let vocabulary: [String: Int]
    /// In rank order; `line` is the merge's position in `model.merges`, counted from 1.
    let merges: [ByteLevelBPE.Merge]
    let addedTokens: [(id: Int, token: TokenizerFolder.Token)]

    /// How error messages point into the file's merge list.
    var mergesName: String { file + " model.merges" }

    init(file: String, object: [String: Any]) throws(TokenizerError) {
        self.file = file
        guard let model = object["model"] as? [String: Any] else {
            throw .malformedJSON(file: file, reason: "no \"model\" object")
        }
        guard model["type"] as? String ?? "BPE" == "BPE" else {
            throw .malformedJSON(file: file, reason: "model.type is \(model["type"] ?? "?"); CLIP's tokenizer is \"BPE\"")
        }
        guard let vocabulary = model["vocab"] as? [String: Any] else {
            throw .malformedJSON(file: file, reason: "model.vocab must be an object of token → id")
        }
        self.vocabulary = try TokenizerFolder.ids(vocabulary, file: file)
        guard let merges = model["merges"] as? [Any] else {
            throw .malformedJSON(file: file, reason: "model.merges must be a list")
        }
        self.merges = try merges.enumerated().map { (index, entry) throws(TokenizerError) in
            try Self.merge(entry, line: index + 1, file: file + " model.merges")
        }
        var added: [(Int, TokenizerFolder.Token)] = []
        for (index, entry) in (object["added_tokens"] as? [Any] ?? []).enumerated() {
            let role = "added_tokens[\(index)]"
            guard let fields = entry as? [String: Any], let id = fields["id"] as? Int,
                  let token = try TokenizerFolder.token(fields, role: role, file: file, forcedSpecial: false) else {
                throw .malformedJSON(file: file, reason: "\(role) must be an object with an integer \"id\" and a \"content\" string")
            }
            added.append((id, token))
        }
        addedTokens = added
    }

    /// Older `tokenizers` write a merge as `"a b"`, newer ones as `["a", "b"]`.
    private static func merge(_ entry: Any, line: Int, file: String) throws(TokenizerError) -> ByteLevelBPE.Merge {
        if let text = entry as? String {
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformedMerge(file: file, line: line, text: text)
            }
            return .init(left: String(parts[0]), right: String(parts[1]), line: line)
        }
        guard let pair = entry as? [Any], pair.count == 2, let left = pair[0] as? String, let right = pair[1] as? String,
              !left.isEmpty, !right.isEmpty else {
            throw .malformedMerge(file: file, line: line, text: "\(entry)")
        }
        return .init(left: left, right: right, line: line)
    }
}
