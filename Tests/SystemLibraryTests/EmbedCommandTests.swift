import Foundation
import Testing

@Suite struct EmbedCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/embeddings").standardized
    static let model = fixtures.appendingPathComponent("tiny-minilm")

    @Test func printsOneJSONArrayPerTextMatchingSentenceTransformers() async throws {
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("embeddings.json"))) as? [String: Any])
        let prompts = try #require(reference["prompts"] as? [String])
        let embeddings = try #require(reference["embeddings"] as? [[Double]])
        // Three prompts, one starting with a dash; a command line cannot carry NUL, so none of those.
        let picked = [1, 9, 13].filter { !prompts[$0].contains("\0") }
        let run = try await SweepProcess.run(["embed", "--model", Self.model.path, "--"] + picked.map { prompts[$0] } + ["-dash first"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == picked.count + 1)
        for (line, index) in zip(lines, picked) {
            let values = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double])
            let error = zip(values, embeddings[index]).map { abs($0 - $1) }.max() ?? .infinity
            #expect(values.count == 32 && error <= 1e-5, "\(prompts[index]): max |error| \(error)")
        }
    }

    /// A copy of the tiny model with `change` applied, for the error cases.
    static func brokenCopy(_ change: (URL) throws -> Void) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: model, to: copy)
        try change(copy)
        return copy
    }

    @Test(arguments: [
        ("missing", "no such folder; expected a sentence-transformers model folder (with modules.json)"),
        ("no-modules", "modules.json: cannot read: no such file (not a sentence-transformers model folder)"),
        ("dense", "modules.json: module type sentence_transformers.models.Dense is not supported; expected Transformer, Pooling, then optionally Normalize"),
        ("cls-pooling", "1_Pooling/config.json: \"pooling_mode_mean_tokens\" is false; supported: true (mean pooling)"),
        ("pickle", "pytorch_model.bin: a PyTorch pickle"),
        ("roberta", "config.json: \"model_type\" is roberta; supported: bert"),
    ])
    func aBadModelFolderIsAOneLineError(_ broken: String, _ message: String) async throws {
        let folder = try Self.brokenCopy { copy in
            let file = { (name: String) in copy.appendingPathComponent(name) }
            switch broken {
            case "missing": try FileManager.default.removeItem(at: copy)
            case "no-modules": try FileManager.default.removeItem(at: file("modules.json"))
            case "dense":
                try Data(#"[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}]"#.utf8).write(to: file("modules.json"))
            case "cls-pooling":
                try Data(#"{"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#.utf8).write(to: file("1_Pooling/config.json"))
            case "pickle":
                try FileManager.default.moveItem(at: file("model.safetensors"), to: file("pytorch_model.bin"))
            default:
                let config = try String(contentsOf: file("config.json"), encoding: .utf8)
                try config.replacingOccurrences(of: "\"model_type\": \"bert\"", with: "\"model_type\": \"roberta\"").write(to: file("config.json"), atomically: true, encoding: .utf8)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await SweepProcess.run(["embed", "--model", folder.path, "a cat"])
        #expect(run.status != 0)
        #expect(run.output.isEmpty)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 1 && run.errors.hasPrefix("Error: " + folder.path) && run.errors.contains(message), "\(run.errors)")
    }
}
