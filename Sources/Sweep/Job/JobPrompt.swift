/// One prompt of a job, with what a prompts CSV row may set for it alone.
public struct JobPrompt: Codable, Equatable, Sendable {
    public var text: String
    /// Overrides the job's `negative_prompt` for this prompt.
    public var negativePrompt: String?
    /// Replaces the job's seeds for this prompt.
    public var seed: UInt64?
    /// The user's own id for this prompt's image (a dataset's `id` column).
    public var id: String?

    public init(text: String, negativePrompt: String? = nil, seed: UInt64? = nil, id: String? = nil) {
        self.text = text
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.id = id
    }
}
