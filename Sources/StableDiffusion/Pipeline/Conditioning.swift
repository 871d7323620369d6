import Tensors

/// What one prompt becomes for the UNet: the cross-attention context `[1, tokens, width]` and,
/// for SDXL, the second encoder's pooled projection `[1, projectionDim]`.
public struct Conditioning: Sendable {
    public let context: Tensor
    public let pooled: Tensor?

    public init(context: Tensor, pooled: Tensor? = nil) {
        self.context = context
        self.pooled = pooled
    }

    /// Zeros of the same shapes: SDXL's negative conditioning when no negative prompt is given
    /// (`force_zeros_for_empty_prompt`).
    public var zeros: Conditioning {
        Conditioning(context: Tensor(shape: context.shape), pooled: pooled.map { Tensor(shape: $0.shape) })
    }

    func checkFinite(after stage: String) throws(PipelineError) {
        try context.checkFinite(after: stage)
        try pooled?.checkFinite(after: stage)
    }
}

/// The texts one side (prompt or negative prompt) of a request encodes: one per text encoder
/// (SD has one; SDXL's second encoder reads `prompt_2`, by default the first text).
public struct PromptTexts: Hashable, Sendable {
    public let first: String
    public let second: String

    public init(_ first: String, _ second: String? = nil) {
        self.first = first
        // diffusers' `prompt_2 or prompt`: an empty second text is the first.
        self.second = second.flatMap { $0.isEmpty ? nil : $0 } ?? first
    }
}

extension TextTimeConditioning {
    /// The added conditions of a UNet batch whose rows are `rows` (each with its pooled
    /// embedding), with each row's `add_time_ids`.
    public init(rows: [Conditioning], timeIDs: [[Float]]) throws(PipelineError) {
        var pooled: [Tensor] = []
        for row in rows {
            guard let embeds = row.pooled else { throw .missingPooledEncoding }
            pooled.append(embeds)
        }
        self.init(textEmbeds: Tensor.concatenate(pooled, axis: 0), timeIDs: Array(timeIDs.joined()))
    }
}
