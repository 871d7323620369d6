import Foundation
import StableDiffusion
import Testing

/// A tiny random BERT with all-MiniLM-L6-v2's vocabulary against sentence-transformers' token
/// ids and embeddings, recorded by Tests/Fixtures/embeddings/make_embedding_fixtures.py.
@Suite struct SentenceEmbedderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/embeddings").standardized
    static let model = fixtures.appendingPathComponent("tiny-minilm").path

    struct Reference: Decodable {
        let prompts: [String]
        let ids: [[Int]]
        let embeddings: [[Float]]
        let ids_lowercased_by_sentence_transformers: [[Int]]
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("embeddings.json")))
    }

    @Test func tokenIDsMatchSentenceTransformers() throws {
        let reference = try Self.reference()
        let tokenizer = try SentenceEmbedder(directory: Self.model).tokenizer
        #expect(reference.prompts.count >= 40)
        #expect(reference.ids.contains { $0.count == 256 }, "a prompt must reach max_seq_length")
        for (prompt, ids) in zip(reference.prompts, reference.ids) {
            #expect(tokenizer.encode(prompt) == ids, "\(prompt.debugDescription)")
        }
    }

    /// A case-keeping tokenizer with sentence_bert_config.json's do_lower_case: lowercased, accents kept.
    @Test func sentenceTransformersLowercasingKeepsAccents() throws {
        let reference = try Self.reference()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lowercase-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.model), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, key, value) in [("tokenizer_config.json", "do_lower_case", false), ("sentence_bert_config.json", "do_lower_case", true)] {
            let file = folder.appendingPathComponent(name)
            var settings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            settings[key] = value
            try JSONSerialization.data(withJSONObject: settings).write(to: file)
        }
        let tokenizer = try SentenceEmbedder(directory: folder.path).tokenizer
        #expect(reference.ids != reference.ids_lowercased_by_sentence_transformers)
        for (prompt, ids) in zip(reference.prompts, reference.ids_lowercased_by_sentence_transformers) {
            #expect(tokenizer.encode(prompt) == ids, "\(prompt.debugDescription)")
        }
    }

    /// The same tokenizer as tokenizers' tokenizer.json (what transformers prefers when a folder
    /// has it, as all-MiniLM-L6-v2's does), with vocab.txt removed so only the JSON can be read.
    @Test func tokenizerJSONGivesTheSameIDs() throws {
        let reference = try Self.reference()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try String(contentsOfFile: Self.model + "/vocab.txt", encoding: .utf8).split(separator: "\n")
        let vocabulary = Dictionary(lines.enumerated().map { (String($1), $0) }, uniquingKeysWith: { $1 })
        let json: [String: Any] = [
            "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": vocabulary],
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": NSNull(), "lowercase": true],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "added_tokens": ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map { ["content": $0, "special": true] },
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("tokenizer.json"))
        let tokenizer = try BertTokenizer(directory: folder.path, maxLength: 256)
        for (prompt, ids) in zip(reference.prompts, reference.ids) {
            #expect(tokenizer.encode(prompt) == ids, "\(prompt.debugDescription)")
        }
    }

    @Test func embeddingsMatchSentenceTransformersWithin1e5() throws {
        let reference = try Self.reference()
        let embedder = try SentenceEmbedder(directory: Self.model)
        #expect(embedder.dimension == 32)
        var worst: Float = 0
        for (prompt, expected) in zip(reference.prompts, reference.embeddings) {
            let actual = embedder.embed(prompt)
            #expect(actual.count == expected.count)
            let error = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error <= 1e-5, "\(prompt.debugDescription): max |error| \(error)")
            worst = max(worst, error)
        }
        print("tiny MiniLM: max |Swift − sentence-transformers| over \(reference.prompts.count) prompts = \(worst)")
    }
}
