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
