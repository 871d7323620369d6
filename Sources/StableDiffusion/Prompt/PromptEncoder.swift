import Tensors

/// Prompt text to the UNet's context: diffusers' `encode_prompt` (`plain`) or AUTOMATIC1111's
/// `FrozenCLIPEmbedderWithCustomWords` with its "Original" emphasis (`a1111`), with clip skip.
public struct PromptEncoder: Sendable {
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel

    public init(tokenizer: CLIPTokenizer, textEncoder: CLIPTextModel) {
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
    }

    /// The token ids and weights the text encoder gets, one chunk of `tokenizer.maxLength` per 75 tokens
    /// (`plain`: one chunk, truncated, every weight 1).
    func chunks(_ text: String, syntax: PromptSyntax) throws(PipelineError) -> [PromptChunker.Chunk] {
        switch syntax {
        case .plain:
            return [PromptChunker.Chunk(ids: tokenizer.encode(text), weights: Array(repeating: 1, count: tokenizer.maxLength))]
        case .a1111:
            do { return PromptChunker(tokenizer: tokenizer).chunks(try PromptAttention.parse(text)) } catch {
                throw .promptSyntax(error.description)
            }
        }
    }

    /// `[1, tokens, width]`: each chunk encoded on its own, its weights applied, and the chunks
    /// joined along the tokens (77 per chunk).
    public func encode(_ text: String, syntax: PromptSyntax, clipSkip: Int = 1) throws(PipelineError) -> Tensor {
        let chunks = try chunks(text, syntax: syntax)
        let encoded: Tensor
        do { encoded = try textEncoder.context(chunks.map(\.ids), clipSkip: clipSkip) } catch { throw .textEncoder(error) }
        let length = tokenizer.maxLength
        if chunks.count == 1, chunks[0].weights.allSatisfy({ $0 == 1 }) { return encoded }
        let parts = chunks.enumerated().map { index, chunk in
            Self.emphasised(encoded.slice(axis: 0, index..<(index + 1)), weights: chunk.weights)
        }
        return Tensor.concatenate(parts, axis: 1).reshaped([1, chunks.count * length, encoded.shape[2]])
    }

    /// A1111's "Original" emphasis on one chunk `[1, tokens, width]`: each token's hidden state
    /// times its weight, then the whole scaled so its mean is the mean it had before. Unweighted
    /// chunks are left as they are (the scaling would be by exactly 1).
    static func emphasised(_ z: Tensor, weights: [Float]) -> Tensor {
        guard weights.contains(where: { $0 != 1 }) else { return z }
        let width = z.shape[2]
        let mean = { (t: Tensor) in t.withUnsafeBufferPointer { Float($0.reduce(0.0) { $0 + Double($1) } / Double($0.count)) } }
        let weighted = z.withUnsafeBufferPointer { x in
            Tensor(shape: z.shape) { y in
                for i in 0..<x.count { y[i] = x[i] * weights[i / width] }
            }
        }
        return weighted.scaled(by: mean(z) / mean(weighted))
    }

    /// The two encodings with as many tokens: the shorter followed by copies of `empty` (the
    /// empty prompt's encoding, one chunk), as A1111 pads a prompt and its negative prompt
    /// ("Pad prompt/negative prompt to be same length").
    public static func equalised(_ a: Tensor, _ b: Tensor, empty: () throws(PipelineError) -> Tensor)
        throws(PipelineError) -> (Tensor, Tensor) {
        guard a.shape[1] != b.shape[1] else { return (a, b) }
        let pad = try empty()
        func padded(_ t: Tensor, to tokens: Int) -> Tensor {
            let copies = (tokens - t.shape[1]) / pad.shape[1]
            return Tensor.concatenate([t] + Array(repeating: pad, count: copies), axis: 1)
        }
        let tokens = max(a.shape[1], b.shape[1])
        return (padded(a, to: tokens), padded(b, to: tokens))
    }
}
