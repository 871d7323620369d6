/// How a prompt's text is read: AUTOMATIC1111's emphasis syntax and chunking, or as diffusers reads it.
public enum PromptSyntax: String, CaseIterable, Codable, Sendable {
    /// `(word:1.3)`, `[word]`, `BREAK`, prompts past 75 tokens in chunks (A1111's default emphasis,
    /// "Original"). A prompt without syntax characters of up to 75 tokens encodes exactly as `plain`.
    case a1111
    /// diffusers' `StableDiffusionPipeline`: the text as it is, truncated at the tokenizer's 77 tokens.
    case plain
}
