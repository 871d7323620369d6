import Foundation

/// What `BertTokenizer` needs from a `tokenizers` tokenizer.json: the WordPiece model, the
/// `BertNormalizer` flags and the added tokens' contents.
struct BertTokenizerJSON {
    let vocabulary: [[UInt8]: Int]
    let normalizer: BertNormalizer
    let unknownToken: String
    let continuationPrefix: String
    let maxWordLength: Int
    let addedTokens: [String]

    init(path: String) throws {
        let json = try JSONConfig(path: path)
        func fail(_ reason: String) -> SentenceEmbeddingError { .malformed(file: path, reason: reason) }
        guard let model = json.raw("model") as? [String: Any] else { throw fail("no \"model\" object") }
        guard model["type"] as? String == "WordPiece" else {
            throw SentenceEmbeddingError.unsupported(file: path, key: "model.type", value: "\(model["type"] ?? "absent")", supported: "WordPiece")
        }
        guard let entries = model["vocab"] as? [String: Any] else { throw fail("model.vocab must be an object of token → id") }
        var vocabulary: [[UInt8]: Int] = [:]
        for (token, value) in entries {
            guard let id = value as? Int, id >= 0 else { throw fail("model.vocab: token \"\(token)\" must map to a non-negative integer id") }
            vocabulary[Array(token.utf8)] = id
        }
        self.vocabulary = vocabulary
        unknownToken = model["unk_token"] as? String ?? "[UNK]"
        continuationPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maxWordLength = model["max_input_chars_per_word"] as? Int ?? 100

        guard let settings = json.raw("normalizer") as? [String: Any], settings["type"] as? String == "BertNormalizer" else {
            let type = (json.raw("normalizer") as? [String: Any])?["type"] ?? "absent"
            throw SentenceEmbeddingError.unsupported(file: path, key: "normalizer.type", value: "\(type)", supported: "BertNormalizer")
        }
        normalizer = BertNormalizer(lowercase: settings["lowercase"] as? Bool ?? true,
                                    stripAccents: settings["strip_accents"] as? Bool,
                                    splitChineseCharacters: settings["handle_chinese_chars"] as? Bool ?? true,
                                    cleanText: settings["clean_text"] as? Bool ?? true)
        let pre = (json.raw("pre_tokenizer") as? [String: Any])?["type"] as? String ?? "absent"
        guard pre == "BertPreTokenizer" else {
            throw SentenceEmbeddingError.unsupported(file: path, key: "pre_tokenizer.type", value: pre, supported: "BertPreTokenizer")
        }
        addedTokens = (json.raw("added_tokens") as? [[String: Any]] ?? []).compactMap { $0["content"] as? String }
    }
}
