import Foundation
import StableDiffusion
import Testing

/// Tokenizer folders as transformers 5 saves them: tokenizer.json + tokenizer_config.json only
/// (Tests/Fixtures/singlefile/make_singlefile_fixtures.py; sd1's merges are "a b" strings, sd2's pairs).
@Suite struct TokenizerJSONTests {
    static let singleFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/singlefile").standardized
    static func folder(_ model: String) -> String { singleFile.appendingPathComponent("\(model)-config/tokenizer").path }

    @Test(arguments: [("sd1", "sd1-tiny"), ("sd2", "sd2-tiny")])
    func sameIDsAsTransformersOnEveryFixturePrompt(model: String, reference: String) throws {
        let tokenizer = try CLIPTokenizer(directory: Self.folder(model))
        let data = try Data(contentsOf: CLIPTokenizerTests.models.appendingPathComponent("tokens.json"))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let prompts = try #require(fixture["prompts"] as? [String])
        let expected = try #require(fixture[reference] as? [[Int]])
        let differing = zip(prompts, expected).filter { tokenizer.encode($0) != $1 }.map(\.0)
        #expect(differing.isEmpty, "\(model): \(differing.count) prompts differ, first \(differing.first ?? "")")
        #expect(tokenizer.padID == (model == "sd1" ? 49407 : 0))
    }

    @Test func bothFormsThatAgreeLoad() throws {
        let folder = try scratch(json: Self.folder("sd2"))
        #expect(try CLIPTokenizer(directory: folder).encode("a cat!") == CLIPTokenizer(directory: Self.folder("sd2")).encode("a cat!"))
    }

    @Test func bothFormsThatDisagreeNameWhatDiffers() throws {
        let folder = try scratch(json: Self.folder("sd1"))
        let merges = URL(fileURLWithPath: folder).appendingPathComponent("merges.txt")
        try? FileManager.default.removeItem(at: merges)
        try "#version: 0.2\nt h\ni n\n".write(to: merges, atomically: true, encoding: .utf8)
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(directory: folder) }
        #expect(error.description.hasSuffix(#"merge #1 is "t h" in one and "i n" in the other"#), "\(error)")
        #expect(error.description.contains("merges.txt") && error.description.contains("tokenizer.json"))
    }

    /// A folder with the sd1-tiny vocab.json and merges.txt and the given tokenizer.json.
    private func scratch(json: String) throws -> String {
        let folder = try CLIPTokenizerTests.scratchFolder(config: #"{"pad_token": "!"}"#)
        try FileManager.default.createSymbolicLink(atPath: folder + "/tokenizer.json", withDestinationPath: json + "/tokenizer.json")
        return folder
    }
}
