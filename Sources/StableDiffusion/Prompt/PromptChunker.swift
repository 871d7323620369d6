/// AUTOMATIC1111's `tokenize_line` (modules/sd_hijack_clip.py): weighted runs of a prompt as
/// chunks of 75 tokens, each with start and end tokens and padding, so the text encoder sees any
/// length 77 tokens at a time.
struct PromptChunker {
    /// One text-encoder input: `tokenizer.maxLength` ids and the weight of each.
    struct Chunk: Equatable {
        var ids: [Int]
        var weights: [Float]
    }

    let tokenizer: CLIPTokenizer
    /// A1111's `comma_padding_backtrack` (default 20): a chunk that fills up within this many
    /// tokens after a comma ends at the comma, and the words after it start the next chunk.
    static let commaBackoff = 20

    /// Tokens per chunk between the start and end tokens (A1111's `chunk_length`, 75 for CLIP's 77).
    var chunkLength: Int { tokenizer.maxLength - 2 }

    func chunks(_ runs: [PromptAttention.Run]) -> [Chunk] {
        let comma = tokenizer.tokenIDs(",").count == 1 ? tokenizer.tokenIDs(",")[0] : nil
        var chunks: [Chunk] = []
        var ids: [Int] = [], weights: [Float] = []
        var lastComma = -1
        func close() {
            // The end token, then padding, as the tokenizer pads (diffusers' layout; A1111 pads
            // with the end token and puts SD 2's pad id after the first one: the same ids).
            let padding = chunkLength - ids.count
            chunks.append(Chunk(ids: [tokenizer.bosID] + ids + [tokenizer.eosID] + Array(repeating: tokenizer.padID, count: padding),
                                weights: [1] + weights + [1] + Array(repeating: 1, count: padding)))
            ids = []
            weights = []
            lastComma = -1
        }
        for run in runs {
            if run.isBreak {
                close()
                continue
            }
            for token in tokenizer.tokenIDs(run.text) {
                if token == comma {
                    lastComma = ids.count
                } else if ids.count == chunkLength, lastComma != -1, ids.count - lastComma <= Self.commaBackoff {
                    let moved = (ids: Array(ids[(lastComma + 1)...]), weights: Array(weights[(lastComma + 1)...]))
                    ids.removeSubrange((lastComma + 1)...)
                    weights.removeSubrange((lastComma + 1)...)
                    close()
                    (ids, weights) = moved
                }
                if ids.count == chunkLength { close() }
                ids.append(token)
                weights.append(Float(run.weight))
            }
        }
        if !ids.isEmpty || chunks.isEmpty { close() }
        return chunks
    }
}
