import StableDiffusion

/// The A1111 `parameters` items for how a request reads and conditions on its prompt, each only
/// when it is not the default, as A1111 writes its settings: `Clip skip: 2`, `CFG Rescale phi: 0.7`
/// (the key of A1111's CFG Rescale extension), `Emphasis: None` (A1111's name for reading `(` and
/// `[` as plain text) and the prompt interpolation.
enum PromptSettingsText {
    static func items(for request: GenerationRequest) -> [String] {
        var items: [String] = []
        if request.clipSkip != 1 { items.append("Clip skip: \(request.clipSkip)") }
        if request.guidanceRescale != 0 { items.append("CFG Rescale phi: \(request.guidanceRescale)") }
        if request.promptSyntax == .plain, [request.prompt, request.negativePrompt].contains(where: { $0.contains("(") || $0.contains("[") }) {
            items.append("Emphasis: None")
        }
        if let interpolation = request.interpolation {
            items.append("Interpolate to: \(quoted(interpolation.target))")
            items.append("Interpolate: \(interpolation.method.rawValue) \(interpolation.fraction)")
        }
        return items
    }

    /// A1111's `quote()`: a value holding a comma, colon or line break is written as
    /// `json.dumps(text, ensure_ascii=False)`.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { ",:\n".contains($0) }) else { return text }
        return JSONText.string(text)
    }
}
