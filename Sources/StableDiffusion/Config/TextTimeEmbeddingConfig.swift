/// SDXL's added conditioning (diffusers' `addition_embed_type: "text_time"`): the pooled text
/// embedding and the sinusoids of the six micro-conditioning numbers, concatenated and mapped by
/// `add_embedding` onto the timestep embedding.
public struct TextTimeEmbeddingConfig: Equatable, Sendable {
    /// `addition_time_embed_dim`: sinusoid width per micro-conditioning number.
    public var timeEmbedDim: Int
    /// `projection_class_embeddings_input_dim`: pooled text width + 6 × `timeEmbedDim`.
    public var inputDim: Int

    public init(timeEmbedDim: Int, inputDim: Int) {
        self.timeEmbedDim = timeEmbedDim
        self.inputDim = inputDim
    }

    /// How many numbers `add_time_ids` holds: original size, crop top-left, target size.
    public static let timeIDCount = 6

    /// The pooled text width the UNet expects (text_encoder_2's `projection_dim`).
    public var pooledWidth: Int { inputDim - Self.timeIDCount * timeEmbedDim }

    /// nil for a UNet without `addition_embed_type`; other addition embeddings are refused.
    init?(_ json: JSONConfig) throws(ConfigError) {
        guard json.has("addition_embed_type") else {
            if json.has("projection_class_embeddings_input_dim") {
                throw .unsupported(path: json.path, key: "projection_class_embeddings_input_dim",
                                   value: "\(json.raw("projection_class_embeddings_input_dim") ?? "")", supported: "null")
            }
            return nil
        }
        let kind = try json.string("addition_embed_type")
        guard kind == "text_time" else { throw .unsupported(path: json.path, key: "addition_embed_type", value: kind, supported: "text_time, null") }
        let width = try json.positive("addition_time_embed_dim")
        let input = try json.positive("projection_class_embeddings_input_dim")
        guard input > Self.timeIDCount * width else {
            throw .invalid(path: json.path, key: "projection_class_embeddings_input_dim",
                           reason: "(\(input)) must exceed 6 × addition_time_embed_dim (\(Self.timeIDCount * width)) by the pooled text width")
        }
        self.init(timeEmbedDim: width, inputDim: input)
    }
}
