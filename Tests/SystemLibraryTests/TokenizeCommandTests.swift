import Foundation
import Testing

@Suite struct TokenizeCommandTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized

    @Test func printsTheReferenceIDsAsOneJSONLine() async throws {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.models.appendingPathComponent("tokens.json"))) as? [String: Any]
        let prompts = try #require(fixture?["prompts"] as? [String])
        for name in ["sd1-tiny", "sd2-tiny"] {
            let expected = try #require(fixture?[name] as? [[Int]])
            let punctuation = try #require(prompts.firstIndex { $0.contains("!!!") })
            let long = try #require(prompts.firstIndex { $0.hasPrefix("a breathtaking matte painting") })
            // Past 77 tokens: truncated, so the last id is <|endoftext|> with no padding before it.
            #expect(expected[long][75] != expected[long][76])
            for index in [punctuation, long] {
                let run = try await SweepProcess.run(["tokenize", "--model", Self.models.appendingPathComponent(name).path, prompts[index]])
                #expect(run.status == 0, "\(run.errors)")
                let lines = run.output.split(separator: "\n")
                #expect(lines.count == 1)
                let ids = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [Int]
                #expect(ids == expected[index], "\(name): \(prompts[index])")
            }
        }
    }

    @Test func aBadModelFolderIsAOneLineError() async throws {
        let run = try await SweepProcess.run(["tokenize", "--model", "/nonexistent/model", "a cat"])
        #expect(run.status != 0)
        #expect(run.output.isEmpty)
        #expect(run.errors.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: /nonexistent/model: no such file or folder")
    }
}
