import Foundation

/// CLIP's BPE vocabulary, shipped with the program as open_clip's `bpe_simple_vocab_16e6.txt.gz`,
/// for checkpoints that come as one file with no tokenizer folder. The vocabulary is built the
/// way CLIP's `SimpleTokenizer` (and so transformers' vocab.json for SD) builds it: the 256 byte
/// characters, the same with `</w>`, one token per merge for the first 48,894 merges, then
/// `<|startoftext|>` and `<|endoftext|>`: 49,408 tokens.
public enum ShippedCLIPVocabulary {
    static let resource = "bpe_simple_vocab_16e6.txt.gz"
    static let mergeCount = 49408 - 256 - 256 - 2

    /// A tokenizer as SD 1.x (pad `<|endoftext|>`) or SD 2.x (pad `!`) repositories configure it.
    public static func tokenizer(pad: String) throws(TokenizerError) -> CLIPTokenizer {
        guard let url = Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz") else {
            throw .unreadable(file: resource, reason: "missing from the program's resources (rebuild with swift build)")
        }
        let compressed: Data
        do { compressed = try Data(contentsOf: url) } catch { throw .unreadable(file: url.path, reason: error.localizedDescription) }
        let text = String(decoding: try Gzip.decompress(compressed, name: url.path), as: UTF8.self)
        // Line 1 is a version header; merges follow, one "left right" pair per line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix(mergeCount)
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeCount)
        for line in lines {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { throw .malformedMerge(file: url.path, line: merges.count + 2, text: String(line)) }
            merges.append((String(parts[0]), String(parts[1])))
        }
        guard merges.count == mergeCount else {
            throw .unreadable(file: url.path, reason: "holds \(merges.count) merges, expected \(mergeCount)")
        }
        // CLIP lists the byte characters in bytes_to_unicode's order: printable bytes (which stand
        // for themselves, so "!" is id 0) before the rest.
        let bytes = ByteLevelBPE.byteCharacters.sorted { $0.value < $1.value }.map { String($0) }
        let tokens = bytes + bytes.map { $0 + "</w>" } + merges.map { $0.0 + $0.1 } + ["<|startoftext|>", "<|endoftext|>"]
        let vocabulary = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return try CLIPTokenizer(vocabulary: vocabulary, merges: merges, bos: "<|startoftext|>", eos: "<|endoftext|>",
                                 pad: pad, maxLength: 77)
    }
}
