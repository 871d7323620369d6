import Foundation

/// Matches transformers' `CLIPTokenizer` (transformers 5, backed by `tokenizers`) id for id.
// As `StableDiffusionPipeline` calls it: `padding="max_length"`, `max_length=model_max_length`,
// `truncation=True`.
//
// Special tokens written in the prompt count as those tokens, as in transformers: a literal
// `<|endoftext|>` ends up as the end token, and with Stable Diffusion 2's pad token `!`, every `!`
// in a prompt becomes the pad id rather than BPE's `!`.
public struct CLIPTokenizer: Sendable {
    public let maxLength: Int
    public let bosID: Int
    public let eosID: Int
    public let padID: Int
    /// One more than the largest id, the smallest embedding table that covers every token.
    public let vocabularySize: Int
    private let preTokenizer: CLIPPreTokenizer
    private let bpe: ByteLevelBPE
    /// Each id's vocabulary entry, for decoding.
    private let spellings: [Int: String]

    /// Reads a diffusers `tokenizer/` folder: vocab.json + merges.txt or tokenizer.json, and tokenizer_config.json
    /// and/or special_tokens_map.json for the special tokens and `model_max_length` (77 if absent).
    public init(directory: String) throws(TokenizerError) {
        let folder = try TokenizerFolder(directory: directory)
        try self.init(vocabulary: folder.vocabulary, merges: folder.merges, mergesFile: folder.mergesFile,
                      bos: folder.bos, eos: folder.eos, unk: folder.unk, pad: folder.pad,
                      addedTokens: folder.addedTokens, maxLength: folder.maxLength)
    }

    /// `merges` in rank order. `unknown` stands for bytes missing from the vocabulary; nil means `eos`,
    /// which is what CLIP's `<|endoftext|>` is. All special tokens are matched on the raw text.
    public init(vocabulary: [String: Int], merges: [(String, String)], bos: String, eos: String, pad: String,
                maxLength: Int, unknown: String? = nil) throws(TokenizerError) {
        for (token, id) in vocabulary where !(0...Int(Int32.max)).contains(id) {
            throw .malformedJSON(file: "vocabulary", reason: "token \"\(token)\" has id \(id), outside 0...\(Int32.max)")
        }
        guard maxLength >= 2 else { throw .badModelMaxLength(file: "maxLength", value: "\(maxLength)") }
        let special = [("bos_token", bos), ("eos_token", eos), ("unk_token", unknown ?? eos), ("pad_token", pad)].map {
            TokenizerFolder.Token(content: $1, flags: nil, file: "vocabulary", role: $0)
        }
        var added: [TokenizerFolder.Token] = []
        for token in special where !added.contains(where: { $0.content == token.content }) { added.append(token) }
        try self.init(vocabulary: vocabulary,
                      merges: merges.enumerated().map { .init(left: $1.0, right: $1.1, line: $0 + 1) },
                      mergesFile: "merges", bos: special[0], eos: special[1], unk: special[2], pad: special[3],
                      addedTokens: added, maxLength: maxLength)
    }

    private init(vocabulary: [String: Int], merges: [ByteLevelBPE.Merge], mergesFile: String,
                 bos: TokenizerFolder.Token, eos: TokenizerFolder.Token, unk: TokenizerFolder.Token, pad: TokenizerFolder.Token,
                 addedTokens: [TokenizerFolder.Token], maxLength: Int) throws(TokenizerError) {
        func id(_ token: TokenizerFolder.Token) throws(TokenizerError) -> Int {
            guard let id = vocabulary[token.content] else {
                throw .unknownSpecialToken(file: token.file, role: token.role, token: token.content)
            }
            return id
        }
        bosID = try id(bos)
        eosID = try id(eos)
        padID = try id(pad)
        self.maxLength = maxLength
        vocabularySize = (vocabulary.values.max() ?? -1) + 1
        spellings = Dictionary(vocabulary.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        bpe = try ByteLevelBPE(vocabulary: vocabulary, merges: merges, unknownID: try id(unk), mergesFile: mergesFile)
        var added: [CLIPPreTokenizer.AddedToken] = []
        for token in addedTokens {
            added.append(.init(content: token.content, id: try id(token), normalized: token.flags?.normalized ?? false,
                               singleWord: token.flags?.singleWord ?? false))
        }
        preTokenizer = CLIPPreTokenizer(addedTokens: added)
    }

    /// BPE ids of `text`, without the start and end tokens and without truncation.
    public func tokenIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in preTokenizer.pieces(text) {
            switch piece {
            case let .added(id): ids.append(id)
            case let .word(bytes): bpe.encode(word: bytes, into: &ids)
            }
        }
        return ids
    }

    /// The part of `text` past the encoder's `maxLength` tokens, spelt as transformers'
    /// `batch_decode` gives it (which diffusers quotes when it truncates), or nil when all of it fits.
    public func truncatedText(_ text: String) -> String? {
        let ids = tokenIDs(text)
        guard ids.count > maxLength - 2 else { return nil }
        return decode(ids[(maxLength - 2)...])
    }

    /// Text for ids, as transformers' CLIPTokenizer decodes them: the tokens' bytes joined, each
    /// `</w>` a space.
    public func decode(_ ids: some Sequence<Int>) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            for scalar in spellings[id]?.unicodeScalars ?? "".unicodeScalars {
                if let byte = ByteLevelBPE.byteOfCharacter[scalar] { bytes.append(byte) }
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "</w>", with: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// Exactly `maxLength` ids: start token, as many of the text's tokens as fit, end token, then padding.
    public func encode(_ text: String) -> [Int] {
        let body = tokenIDs(text).prefix(maxLength - 2)
        return [bosID] + body + [eosID] + Array(repeating: padID, count: maxLength - 2 - body.count)
    }
}
