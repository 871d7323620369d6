import Foundation

/// A diffusers `tokenizer/` folder read the way transformers 5's `CLIPTokenizer.from_pretrained`
/// reads it: the vocabulary and merges from vocab.json + merges.txt (the layout of the SD 1.5 /
/// 2.1 repositories) or tokenizer.json (what `save_pretrained` writes today), and the special
/// tokens from tokenizer_config.json and special_tokens_map.json.
struct TokenizerFolder {
    /// A special or added token as transformers hands it to the backend.
    struct Token {
        var content: String
        /// Nil for a bare string, which transformers turns into a special token matched on the raw text.
        var flags: Flags?
        /// Where it came from, for error messages.
        var file: String
        var role: String

        struct Flags: Equatable {
            var normalized = false, singleWord = false, lstrip = false, rstrip = false, special = false
        }

        /// The equality transformers uses to drop repeats: strings with strings, AddedTokens field by field.
        func repeats(_ other: Token) -> Bool { content == other.content && flags == other.flags }
    }

    static let roles = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    let vocabularyFile: String
    let mergesFile: String
    let vocabulary: [String: Int]
    let merges: [ByteLevelBPE.Merge]
    /// With `CLIPTokenizer`'s defaults where the folder names none.
    let bos: Token, eos: Token, unk: Token, pad: Token
    /// Every token to split out of the text before BPE, with the flags that end up in force.
    let addedTokens: [Token]
    /// `model_max_length`; 77 when absent (transformers would fall back to 10^30).
    let maxLength: Int

    init(directory: String) throws(TokenizerError) {
        let folder = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let json = try Self.readObject(path("tokenizer.json"), required: false).map { object throws(TokenizerError) in
            try TokenizerJSON(file: path("tokenizer.json"), object: object)
        }
        let separate = ["vocab.json", "merges.txt"].contains { FileManager.default.fileExists(atPath: path($0)) }
        if let json, !separate {
            (vocabularyFile, mergesFile, vocabulary, merges) = (json.file, json.mergesName, json.vocabulary, json.merges)
        } else {
            vocabularyFile = path("vocab.json")
            mergesFile = path("merges.txt")
            guard let object = try Self.readObject(vocabularyFile, required: true) else { throw .unreadable(file: vocabularyFile, reason: "no such file") }
            vocabulary = try Self.ids(object, file: vocabularyFile)
            merges = try Self.readMerges(mergesFile)
            if let json { try Self.checkAgreement(json, vocabulary: vocabulary, vocabularyFile: vocabularyFile, merges: merges, mergesFile: mergesFile) }
        }

        let configFile = path("tokenizer_config.json")
        let config = try Self.readObject(configFile, required: false) ?? [:]
        var special: [String: Token] = [:]
        for role in Self.roles {
            special[role] = try Self.token(config[role], role: role, file: configFile, forcedSpecial: false)
        }
        // With added_tokens_decoder present, transformers ignores special_tokens_map.json; without
        // it, special_tokens_map.json overrides tokenizer_config.json.
        var decoder: [(id: Int, token: Token)] = []
        if let entries = config["added_tokens_decoder"] {
            guard let entries = entries as? [String: Any] else {
                throw .malformedJSON(file: configFile, reason: "added_tokens_decoder must be an object")
            }
            for (key, value) in entries {
                let role = "added_tokens_decoder[\(key)]"
                guard let id = Int(key), let token = try Self.token(value, role: role, file: configFile, forcedSpecial: false) else {
                    throw .malformedJSON(file: configFile, reason: "\(role) must have an integer key and an object value")
                }
                decoder.append((id, token))
            }
            decoder.sort { $0.id < $1.id }
        } else {
            decoder = json?.addedTokens ?? []
            let mapFile = path("special_tokens_map.json")
            let map = try Self.readObject(mapFile, required: false) ?? [:]
            for role in Self.roles {
                special[role] = try Self.token(map[role], role: role, file: mapFile, forcedSpecial: true) ?? special[role]
            }
        }
        let vocabularyFile = vocabularyFile
        func withDefault(_ role: String, _ content: String) -> Token {
            let token = special[role] ?? Token(content: content, flags: nil, file: vocabularyFile, role: "\(role) (default)")
            special[role] = token
            return token
        }
        bos = withDefault("bos_token", "<|startoftext|>")
        eos = withDefault("eos_token", "<|endoftext|>")
        unk = withDefault("unk_token", "<|endoftext|>")
        pad = withDefault("pad_token", "<|endoftext|>")

        // transformers passes added_tokens_decoder, then each special token not already given, in
        // one call to the backend, where the last entry with a given content sets its flags.
        var sequence = decoder.map(\.token)
        let decoded = Set(sequence.map(\.content))
        for role in Self.roles {
            guard let token = special[role], !decoded.contains(token.content), !sequence.contains(where: token.repeats) else { continue }
            sequence.append(token)
        }
        var added: [Token] = []
        for token in sequence {
            if let i = added.firstIndex(where: { $0.content == token.content }) { added[i] = token } else { added.append(token) }
        }
        addedTokens = added

        switch config["model_max_length"] {
        case nil: maxLength = 77
        case let value as Int where value >= 2: maxLength = value
        case let value?: throw .badModelMaxLength(file: configFile, value: "\(value)")
        }
    }

    /// A string, or an AddedToken object (`{"content": ..., "normalized": ..., ...}`); nil when absent.
    /// special_tokens_map.json's objects are always special, which makes them unnormalised by default.
    static func token(_ value: Any?, role: String, file: String, forcedSpecial: Bool) throws(TokenizerError) -> Token? {
        switch value {
        case nil, is NSNull:
            return nil
        case let content as String:
            return Token(content: content, flags: nil, file: file, role: role)
        case let object as [String: Any]:
            guard let content = object["content"] as? String else {
                throw .malformedJSON(file: file, reason: "\(role) has no string \"content\"")
            }
            let special = forcedSpecial || object["special"] as? Bool ?? false
            func flag(_ name: String, _ absent: Bool) -> Bool { object[name] as? Bool ?? absent }
            let flags = Token.Flags(normalized: flag("normalized", !special), singleWord: flag("single_word", false),
                                    lstrip: flag("lstrip", false), rstrip: flag("rstrip", false), special: special)
            return Token(content: content, flags: flags, file: file, role: role)
        default:
            throw .malformedJSON(file: file, reason: "\(role) must be a string or an object with a \"content\" string")
        }
    }

    /// When a folder holds both forms, transformers reads tokenizer.json; a folder whose two forms
    /// disagree was edited by hand or mixed from two tokenizers, so it is refused.
    private static func checkAgreement(_ json: TokenizerJSON, vocabulary: [String: Int], vocabularyFile: String,
                                       merges: [ByteLevelBPE.Merge], mergesFile: String) throws(TokenizerError) {
        if vocabulary != json.vocabulary {
            let token = (Set(vocabulary.keys).union(json.vocabulary.keys)).sorted().first { vocabulary[$0] != json.vocabulary[$0] } ?? ""
            func id(_ value: Int?) -> String { value.map(String.init) ?? "absent" }
            throw .formsDisagree(file: vocabularyFile, other: json.file,
                                 what: "token \"\(token)\" is \(id(vocabulary[token])) in one and \(id(json.vocabulary[token])) in the other")
        }
        let differing = zip(merges, json.merges).enumerated().first { $1.0.left != $1.1.left || $1.0.right != $1.1.right }?.offset
        let shorter = min(merges.count, json.merges.count)
        if let index = differing ?? (merges.count == json.merges.count ? nil : shorter) {
            func text(_ list: [ByteLevelBPE.Merge]) -> String { index < list.count ? "\"\(list[index].left) \(list[index].right)\"" : "absent" }
            throw .formsDisagree(file: mergesFile, other: json.file,
                                 what: "merge #\(index + 1) is \(text(merges)) in one and \(text(json.merges)) in the other")
        }
    }

    /// A vocabulary object, token → non-negative id.
    static func ids(_ object: [String: Any], file: String) throws(TokenizerError) -> [String: Int] {
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(object.count)
        for (token, value) in object {
            guard let id = value as? Int, (0...Int(Int32.max)).contains(id) else {
                throw .malformedJSON(file: file, reason: "token \"\(token)\" must map to a non-negative integer id, found \(value)")
            }
            vocabulary[token] = id
        }
        return vocabulary
    }

    /// merges.txt: one `left right` pair per line in rank order. Lines starting with `#version`
    /// and blank lines are skipped; a trailing `\r` is dropped like Rust's `lines()` does.
    private static func readMerges(_ file: String) throws(TokenizerError) -> [ByteLevelBPE.Merge] {
        guard let text = String(validating: try read(file), as: UTF8.self) else {
            throw .unreadable(file: file, reason: "not valid UTF-8")
        }
        var merges: [ByteLevelBPE.Merge] = []
        for (index, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            guard !line.isEmpty, !line.starts(with: "#version".utf8) else { continue }
            let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformedMerge(file: file, line: index + 1, text: String(decoding: line, as: UTF8.self))
            }
            merges.append(.init(left: String(decoding: parts[0], as: UTF8.self), right: String(decoding: parts[1], as: UTF8.self), line: index + 1))
        }
        return merges
    }

    private static func readObject(_ file: String, required: Bool) throws(TokenizerError) -> [String: Any]? {
        guard required || FileManager.default.fileExists(atPath: file) else { return nil }
        let data = try read(file)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformedJSON(file: file, reason: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw .malformedJSON(file: file, reason: "expected a JSON object at the top level")
        }
        return dictionary
    }

    private static func read(_ file: String) throws(TokenizerError) -> Data {
        switch RegularFile.read(file, limit: 100_000_000) {
        case let .success(data): return data
        case let .failure(error): throw .unreadable(file: file, reason: error.reason)
        }
    }
}
