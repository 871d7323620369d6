import Foundation
import StableDiffusion
import Testing

/// Ids come from transformers 5.23's `CLIPTokenizer` (Tests/Fixtures/models/make_model_fixtures.py
/// for tokens.json; the inline ones from the same tokenizer with the config shown next to them).
@Suite struct CLIPTokenizerTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/models").standardized
    static func folder(_ model: String) -> String { models.appendingPathComponent("\(model)/tokenizer").path }
    /// Loaded once: reading a 49408-token vocabulary takes a noticeable fraction of a second.
    static let sd1 = Result { () throws(TokenizerError) in try CLIPTokenizer(directory: folder("sd1-tiny")) }
    static let sd2 = Result { () throws(TokenizerError) in try CLIPTokenizer(directory: folder("sd2-tiny")) }

    @Test(arguments: ["sd1-tiny", "sd2-tiny"])
    func matchesTransformersOnEveryFixturePrompt(model: String) throws {
        let tokenizer = try (model == "sd1-tiny" ? Self.sd1 : Self.sd2).get()
        let data = try Data(contentsOf: Self.models.appendingPathComponent("tokens.json"))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let prompts = try #require(fixture["prompts"] as? [String])
        let expected = try #require(fixture[model] as? [[Int]])
        try #require(prompts.count == expected.count)

        let start = ContinuousClock.now
        let encoded = prompts.map(tokenizer.encode)
        let elapsed = ContinuousClock.now - start

        let mismatches = zip(prompts, zip(expected, encoded)).enumerated().filter { $1.1.0 != $1.1.1 }
        if let (index, (prompt, (want, got))) = mismatches.first {
            let at = zip(want, got).enumerated().first { $1.0 != $1.1 }?.offset ?? min(want.count, got.count)
            Issue.record("""
                \(model): \(mismatches.count) of \(prompts.count) prompts differ; first is #\(index) \(prompt.debugDescription)
                first difference at index \(at): expected \(Array(want[at...].prefix(8))), got \(Array(got[at...].prefix(8)))
                expected \(want)
                got      \(got)
                """)
        }
        #expect(encoded.allSatisfy { $0.count == 77 })
        #expect(elapsed < .milliseconds(200), "encoding \(prompts.count) prompts took \(elapsed)")
    }

    /// diffusers warns with `tokenizer.batch_decode(ids[:, 76:-1])`; these strings are what
    /// transformers 5.23 gives for this prompt (note `<|endoftext|>end`: no space after a special token).
    @Test(arguments: ["sd1-tiny", "sd2-tiny"])
    func truncatedTextIsWhatDiffusersQuotes(model: String) throws {
        let tokenizer = try (model == "sd1-tiny" ? Self.sd1 : Self.sd2).get()
        let text = String(repeating: "a photograph of an astronaut riding a horse on the moon, ", count: 7) + "Café naïve 富士山, <|endoftext|> end!!"
        #expect(tokenizer.truncatedText(text) == "an astronaut riding a horse on the moon , café naïve 富士山 , <|endoftext|>end !!")
        #expect(tokenizer.truncatedText("a photograph of an astronaut") == nil)
        let exactlyFull = Array(repeating: "cat", count: 75).joined(separator: " ")
        #expect(tokenizer.truncatedText(exactlyFull) == nil && tokenizer.truncatedText(exactlyFull + " dog") == "dog")
    }

    /// Merging by scanning every pair after each merge is quadratic: a 512 KB word took 75 s
    /// (about 90 s of CPU in a debug build). `tokenizers` keeps candidate merges in a priority
    /// queue; so do we, and it takes about a second. The thread's CPU time, not the wall clock,
    /// so a loaded machine does not fail it.
    @Test func aVeryLongWordTokenizesQuickly() throws {
        let tokenizer = try Self.sd1.get()
        var state: UInt64 = 42
        let word = String((0..<(512 * 1024)).map { _ -> Character in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(state >> 59 & 15)))
        })
        let cpuSeconds = { () -> Double in
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = cpuSeconds()
        let ids = tokenizer.encode(word)
        let seconds = cpuSeconds() - start
        #expect(ids.count == 77 && ids.first == tokenizer.bosID && ids.last == tokenizer.eosID)
        #expect(seconds < 20, "tokenizing one 512 KB word took \(seconds) s of CPU")
    }

    @Test func composedAndDecomposedAccentsGiveTheSameIDs() throws {
        let tokenizer = try Self.sd1.get()
        #expect(tokenizer.tokenIDs("caf\u{E9} cr\u{E8}me") == tokenizer.tokenIDs("cafe\u{301} cre\u{300}me"))
        #expect(tokenizer.tokenIDs("cafe\u{301}") == [15304])
    }

    /// Where Swift's own Unicode handling differs from what `tokenizers` does.
    @Test(arguments: [
        ("\u{C5}\u{AC00}\u{11A8}", [23176, 21122, 479]),  // LV syllable + trailing consonant compose (Swift's NFC alone leaves them)
        ("N\u{303}\u{308}\u{F73}", [127, 365, 39219, 109, 39219, 110, 136, 486]),  // U+0F73's parts sort before U+0308
        ("e\u{11D44}\u{301}", [324, 172, 239, 113, 226, 136, 479]),  // a Unicode 10 mark blocks composition (NFC data is 9.0)
        ("x\u{88F}y", [343, 156, 95, 493, 344]),  // a Unicode 17 letter is not \p{L} to Oniguruma's 16.0 tables
        ("\u{130}STANBUL \u{3A3}\u{39F}\u{3A3}", [328, 16384, 11231, 139, 225, 138, 123, 139, 481]),  // İ → i̇, Σ → σ everywhere
    ])
    func unicodeEdgeCasesMatchTransformers(prompt: String, ids: [Int]) throws {
        #expect(try Self.sd1.get().tokenIDs(prompt) == ids)
    }

    @Test func longPromptsAreTruncatedToEndWithTheEndToken() throws {
        let tokenizer = try Self.sd2.get()
        let prompt = Array(repeating: "castle", count: 100).joined(separator: " ")
        #expect(tokenizer.tokenIDs(prompt).count == 100)
        let ids = tokenizer.encode(prompt)
        #expect(ids.count == 77 && ids.first == 49406 && ids[76] == 49407)
        #expect(ids[1..<76].allSatisfy { $0 == ids[1] })
        #expect(tokenizer.encode("castle") == [49406, ids[1], 49407] + Array(repeating: 0, count: 74))
    }

    /// Stable Diffusion 2's pad token `!` is a special token, so a literal `!` is the pad id (0),
    /// not BPE's `!</w>` (256); literal special tokens are split out, but only in lowercase.
    @Test func specialTokensWrittenInThePromptCount() throws {
        let sd1 = try Self.sd1.get()
        let sd2 = try Self.sd2.get()
        #expect(sd1.tokenIDs("a!b ! c!") == [320, 256, 321, 256, 322, 256])
        #expect(sd2.tokenIDs("a!b ! c!") == [320, 0, 321, 0, 322, 0])
        #expect(sd1.tokenIDs("x<|endoftext|>\u{301}") == [343, 49407, 136, 479])
        #expect(sd1.tokenIDs("<|STARTOFTEXT|> x <|ENDOFTEXT|>")
            == [27, 347, 993, 6659, 4160, 91, 285, 343, 27, 347, 40786, 4160, 91, 285])
    }

    /// The config layouts of real repositories, each with what transformers 5.23 makes of it.
    @Test(arguments: [
        // SD 1.5: AddedToken objects marked normalized, so `<|STARTOFTEXT|>` matches after lowercasing;
        // `<|endoftext|>` is also the bare-string pad token, and the last spelling given wins.
        (#"{"bos_token": {"__type": "AddedToken", "content": "<|startoftext|>", "normalized": true}, "eos_token": {"__type": "AddedToken", "content": "<|endoftext|>", "normalized": true}, "unk_token": {"__type": "AddedToken", "content": "<|endoftext|>", "normalized": true}, "pad_token": "<|endoftext|>", "model_max_length": 77}"#,
         nil as String?, [49406, 343, 27, 347, 40786, 4160, 91, 285], [320, 256, 321, 256, 322, 256], 49407, 77),
        // SD 2.1: the pad token is `!`, so `<|endoftext|>` keeps the normalized flag.
        (#"{"bos_token": {"__type": "AddedToken", "content": "<|startoftext|>", "normalized": true}, "eos_token": {"__type": "AddedToken", "content": "<|endoftext|>", "normalized": true}, "unk_token": {"__type": "AddedToken", "content": "<|endoftext|>", "normalized": true}, "pad_token": "!", "model_max_length": 77}"#,
         nil, [49406, 343, 49407], [320, 0, 321, 0, 322, 0], 0, 77),
        // special_tokens_map.json overrides tokenizer_config.json when there is no added_tokens_decoder.
        (#"{"pad_token": "<|endoftext|>", "model_max_length": 77}"#, #"{"pad_token": "!"}"#,
         [27, 347, 993, 6659, 4160, 91, 285, 343, 27, 347, 40786, 4160, 91, 285], [320, 0, 321, 0, 322, 0], 0, 77),
        // With added_tokens_decoder, special_tokens_map.json is ignored; a single_word `!` only
        // matches where no word character touches it.
        (#"{"added_tokens_decoder": {"49406": {"content": "<|startoftext|>", "normalized": true, "special": true}, "49407": {"content": "<|endoftext|>", "normalized": false, "special": true}, "0": {"content": "!", "normalized": false, "single_word": true, "special": true}}, "pad_token": "!", "model_max_length": 20}"#,
         #"{"pad_token": "<|endoftext|>"}"#, [49406, 343, 27, 347, 40786, 4160, 91, 285], [320, 256, 321, 0, 322, 256], 0, 20),
    ])
    func followsTransformersReadingOfTheConfig(config: String, map: String?, specials: [Int], bangs: [Int], pad: Int, maxLength: Int) throws {
        let folder = try Self.scratchFolder(config: config, map: map)
        let tokenizer = try CLIPTokenizer(directory: folder)
        #expect(tokenizer.tokenIDs("<|STARTOFTEXT|> x <|ENDOFTEXT|>") == specials)
        #expect(tokenizer.tokenIDs("a!b ! c!") == bangs)
        #expect((tokenizer.padID, tokenizer.maxLength) == (pad, maxLength))
    }

    @Test func singleWordTokensNeedNonWordNeighbours() throws {
        let folder = try Self.scratchFolder(config: #"{"added_tokens_decoder": {"0": {"content": "!", "single_word": true}}, "pad_token": "!"}"#)
        #expect(try CLIPTokenizer(directory: folder).tokenIDs("wow! ! !x _! \u{E9}!") == [2781, 256, 0, 256, 343, 62, 256, 4166, 256])
    }

    @Test func missingVocabularyNamesTheFile() throws {
        let folder = try Self.scratchFolder(config: "{}", links: ["merges.txt"])
        let file = URL(fileURLWithPath: folder).appendingPathComponent("vocab.json").path
        #expect(throws: TokenizerError.unreadable(file: file, reason: "no such file")) { _ = try CLIPTokenizer(directory: folder) }
        expectOneLine(naming: file) { _ = try CLIPTokenizer(directory: folder) }
    }

    @Test func badMergeLineNamesTheFileAndLine() throws {
        let folder = try Self.scratchFolder(config: "{}", links: ["vocab.json"])
        let file = URL(fileURLWithPath: folder).appendingPathComponent("merges.txt").path
        try "#version: 0.2\ni n\nt h e\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.malformedMerge(file: file, line: 3, text: "t h e")) { _ = try CLIPTokenizer(directory: folder) }
        expectOneLine(naming: "\(file):3") { _ = try CLIPTokenizer(directory: folder) }

        try "i n\nzzz q\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.mergeNotInVocabulary(file: file, line: 2, token: "zzz")) { _ = try CLIPTokenizer(directory: folder) }
    }

    @Test func configErrorsNameTheFile() throws {
        for (config, expected) in [
            (#"{"pad_token": "<pad>"}"#, { (file: String) in TokenizerError.unknownSpecialToken(file: file, role: "pad_token", token: "<pad>") }),
            (#"{"model_max_length": 0}"#, { TokenizerError.badModelMaxLength(file: $0, value: "0") }),
            (#"{"bos_token": 7}"#, { TokenizerError.malformedJSON(file: $0, reason: "bos_token must be a string or an object with a \"content\" string") }),
            ("[1]", { TokenizerError.malformedJSON(file: $0, reason: "expected a JSON object at the top level") }),
        ] {
            let folder = try Self.scratchFolder(config: config)
            let file = URL(fileURLWithPath: folder).appendingPathComponent("tokenizer_config.json").path
            #expect(throws: expected(file)) { _ = try CLIPTokenizer(directory: folder) }
            expectOneLine(naming: file) { _ = try CLIPTokenizer(directory: folder) }
        }
    }

    @Test func programmaticVocabulary() throws {
        let vocabulary = ["<s>": 0, "</s>": 1, "<pad>": 2, "lo": 3, "low</w>": 4, "w</w>": 5, "o": 6, "l": 7, "w": 8]
        let tokenizer = try CLIPTokenizer(vocabulary: vocabulary, merges: [("l", "o"), ("lo", "w</w>")],
                                          bos: "<s>", eos: "</s>", pad: "<pad>", maxLength: 6)
        // Symbols without a token ("o</w>", "x</w>") become the end token, which stands in for unknown.
        #expect(tokenizer.tokenIDs("LOW low lo x") == [4, 4, 7, 1, 1])
        #expect(tokenizer.encode("LOW low lo x") == [0, 4, 4, 7, 1, 1])
        #expect(tokenizer.encode("low low low low low") == [0, 4, 4, 4, 4, 1])
        #expect(tokenizer.encode("<pad>") == [0, 2, 1, 2, 2, 2])
        // A pair listed twice keeps its later rank, as in `tokenizers`.
        let relisted = ["<s>": 0, "</s>": 1, "<pad>": 2, "l": 3, "o": 4, "w</w>": 5, "lo": 6, "ow</w>": 7, "low</w>": 8]
        let once = try CLIPTokenizer(vocabulary: relisted, merges: [("l", "o"), ("o", "w</w>")], bos: "<s>", eos: "</s>", pad: "<pad>", maxLength: 6)
        let twice = try CLIPTokenizer(vocabulary: relisted, merges: [("l", "o"), ("o", "w</w>"), ("l", "o")],
                                      bos: "<s>", eos: "</s>", pad: "<pad>", maxLength: 6)
        #expect(once.tokenIDs("low") == [6, 5] && twice.tokenIDs("low") == [3, 7])
        #expect(throws: TokenizerError.mergeNotInVocabulary(file: "merges", line: 1, token: "ow")) {
            try CLIPTokenizer(vocabulary: vocabulary, merges: [("o", "w")], bos: "<s>", eos: "</s>", pad: "<pad>", maxLength: 6)
        }
        #expect(throws: TokenizerError.unknownSpecialToken(file: "vocabulary", role: "bos_token", token: "<bos>")) {
            try CLIPTokenizer(vocabulary: vocabulary, merges: [], bos: "<bos>", eos: "</s>", pad: "<pad>", maxLength: 6)
        }
    }

    /// A tokenizer folder with the fixture's vocab.json and merges.txt linked in and the given configs.
    static func scratchFolder(config: String, map: String? = nil, links: [String] = ["vocab.json", "merges.txt"]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in links {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(name),
                                                       withDestinationURL: URL(fileURLWithPath: Self.folder("sd1-tiny")).appendingPathComponent(name))
        }
        try config.write(to: folder.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        try map?.write(to: folder.appendingPathComponent("special_tokens_map.json"), atomically: true, encoding: .utf8)
        return folder.path
    }

    func expectOneLine(naming text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error naming \(text)")
        } catch {
            let message = "\(error)"
            #expect(message.contains(text) && !message.contains("\n"), "not one line naming \(text): \(message)")
        }
    }
}
