import Tensors

/// diffusers' `added_cond_kwargs` for an SDXL UNet: the pooled text embeddings and the
/// micro-conditioning `add_time_ids`, one row per image of the batch.
public struct TextTimeConditioning: Sendable {
    /// `[B, pooledWidth]`.
    public let textEmbeds: Tensor
    /// `B × 6` numbers, row after row: original height, width, crop top, left, target height, width.
    public let timeIDs: [Float]

    public init(textEmbeds: Tensor, timeIDs: [Float]) {
        precondition(timeIDs.count == textEmbeds.shape[0] * TextTimeEmbeddingConfig.timeIDCount, "six time ids per image")
        self.textEmbeds = textEmbeds
        self.timeIDs = timeIDs
    }
}
