import Foundation

/// transformers' `BertTokenizer` (the `tokenizers` pipeline behind it) as sentence-transformers
/// calls it: special tokens matched in the raw text, `BertNormalizer`, greedy longest-match-first
/// WordPiece with `##` continuations and `[UNK]` for a word it cannot piece, then
/// `[CLS] … [SEP]` truncated to `maxLength` ids.
public struct BertTokenizer: Sendable {
    /// Keyed by UTF-8 bytes: Swift compares Strings up to canonical equivalence, but composed
    /// and decomposed spellings are distinct tokens in the vocabulary.
    let vocabulary: [[UInt8]: Int]
    let normalizer: BertNormalizer
    /// Special tokens typed in the text itself, matched before normalisation, longest first.
    let specialTokens: [(scalars: [Unicode.Scalar], id: Int)]
    let cls: Int, sep: Int, unk: Int
    let continuationPrefix: [UInt8]
    /// Longer words become one `[UNK]` without trying to piece them.
    let maxWordLength: Int
    /// Ids per text, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    /// One more than the largest id, for checking against the model's embedding table.
    let vocabularySize: Int

    /// Reads tokenizer.json when the folder has one (what transformers prefers), else vocab.txt,
    /// with tokenizer_config.json's flags and special tokens. `lowercase` is sentence_bert_config.json's
    /// `do_lower_case`: sentence-transformers then lowercases in the normaliser if it does not
    /// already, leaving accents as they were configured.
    public init(directory: String, maxLength: Int, lowercase: Bool = false) throws {
        let folder = URL(fileURLWithPath: directory)
        let configPath = folder.appendingPathComponent("tokenizer_config.json").path
        let config = FileManager.default.fileExists(atPath: configPath) ? try JSONConfig(path: configPath) : nil
        func special(_ role: String, _ fallback: String) throws -> String {
            guard let config, config.has(role) else { return fallback }
            if let object = config.raw(role) as? [String: Any], let content = object["content"] as? String { return content }
            return try config.string(role)
        }
        var normalizer = BertNormalizer(lowercase: try config?.bool("do_lower_case", default: true) ?? true,
                                        stripAccents: config?.raw("strip_accents") as? Bool,
                                        splitChineseCharacters: try config?.bool("tokenize_chinese_chars", default: true) ?? true)
        var names = ["cls": try special("cls_token", "[CLS]"), "sep": try special("sep_token", "[SEP]"),
                     "unk": try special("unk_token", "[UNK]"), "pad": try special("pad_token", "[PAD]"),
                     "mask": try special("mask_token", "[MASK]")]
        var continuation = "##", maxWordLength = 100
        var added: [String] = []

        let vocabulary: [[UInt8]: Int], vocabularyFile: String
        let jsonPath = folder.appendingPathComponent("tokenizer.json").path
        if FileManager.default.fileExists(atPath: jsonPath) {
            let json = try BertTokenizerJSON(path: jsonPath)
            vocabulary = json.vocabulary
            vocabularyFile = jsonPath
            normalizer = json.normalizer
            names["unk"] = json.unknownToken
            (continuation, maxWordLength, added) = (json.continuationPrefix, json.maxWordLength, json.addedTokens)
        } else {
            vocabularyFile = folder.appendingPathComponent("vocab.txt").path
            vocabulary = try Self.readVocabularyText(vocabularyFile)
        }
        if lowercase && !normalizer.lowercase {
            normalizer.stripAccents = normalizer.stripAccents ?? false
            normalizer.lowercase = true
        }
        func id(_ role: String) throws -> Int {
            guard let token = names[role], let id = vocabulary[Array(token.utf8)] else {
                throw SentenceEmbeddingError.missingToken(file: vocabularyFile, token: names[role] ?? role)
            }
            return id
        }
        (cls, sep, unk) = (try id("cls"), try id("sep"), try id("unk"))
        guard maxLength >= 2 else {
            throw SentenceEmbeddingError.malformed(file: directory, reason: "max_seq_length \(maxLength) leaves no room for [CLS] and [SEP]")
        }
        let specials = Set(names.values).union(added)
        specialTokens = specials.compactMap { token in vocabulary[Array(token.utf8)].map { (Array(token.unicodeScalars), $0) } }
            .sorted { $0.scalars.count > $1.scalars.count }
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.continuationPrefix = Array(continuation.utf8)
        self.maxWordLength = maxWordLength
        self.maxLength = maxLength
        vocabularySize = (vocabulary.values.max() ?? -1) + 1
    }

    /// `[CLS]`, the WordPiece ids of `text` (truncated so the whole fits `maxLength`), `[SEP]`.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var start = 0, index = 0
        func flush(upTo end: Int) {
            for word in normalizer.words(scalars[start..<end]) { ids += pieces(word) }
        }
        while index < scalars.count {
            guard let token = specialTokens.first(where: { scalars[index...].starts(with: $0.scalars) }) else {
                index += 1
                continue
            }
            flush(upTo: index)
            ids.append(token.id)
            index += token.scalars.count
            start = index
        }
        flush(upTo: scalars.count)
        return [cls] + ids.prefix(maxLength - 2) + [sep]
    }

    /// Greedy longest-match-first pieces of one word, or `[UNK]` if any part has no match.
    func pieces(_ word: [Unicode.Scalar]) -> [Int] {
        guard word.count <= maxWordLength else { return [unk] }
        var ids: [Int] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int?
            while end > start {
                var key = start > 0 ? continuationPrefix : []
                for scalar in word[start..<end] { key += String(scalar).utf8 }
                if let id = vocabulary[key] { found = id; break }
                end -= 1
            }
            guard let found else { return [unk] }
            ids.append(found)
            start = end
        }
        return ids
    }

    /// vocab.txt: one token per line, its id the line number from 0; trailing whitespace is
    /// dropped and a repeated token keeps its last id, as `tokenizers`' WordPiece reads it.
    static func readVocabularyText(_ path: String) throws -> [[UInt8]: Int] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SentenceEmbeddingError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw SentenceEmbeddingError.malformed(file: path, reason: "not valid UTF-8")
        }
        var vocabulary: [[UInt8]: Int] = [:]
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            var scalars = String(decoding: line, as: UTF8.self).unicodeScalars[...]
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            vocabulary[Array(String(String.UnicodeScalarView(scalars)).utf8)] = index
        }
        guard !vocabulary.isEmpty else { throw SentenceEmbeddingError.malformed(file: path, reason: "no tokens") }
        return vocabulary
    }
}
