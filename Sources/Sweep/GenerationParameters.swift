/// The settings that made an image, written as AUTOMATIC1111's `parameters` text so its
/// "PNG Info", ComfyUI and civitai read them back.
public struct GenerationParameters: Equatable, Sendable {
    public var prompt: String
    public var negativePrompt: String
    public var steps: Int
    /// A1111's sampler name, e.g. `DPM++ 2M Karras`.
    public var sampler: String
    public var guidance: Float
    public var seed: UInt64
    public var width: Int
    public var height: Int
    public var model: String

    public init(prompt: String, negativePrompt: String, steps: Int, sampler: String, guidance: Float, seed: UInt64,
                width: Int, height: Int, model: String) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.sampler = sampler
        self.guidance = guidance
        self.seed = seed
        self.width = width
        self.height = height
        self.model = model
    }

    /// Prompt line(s); `Negative prompt: …` when there is one; then the settings line.
    public var a1111Text: String {
        var lines = [prompt]
        if !negativePrompt.isEmpty { lines.append("Negative prompt: " + negativePrompt) }
        let guidanceText = guidance == guidance.rounded() ? String(Int(guidance)) : "\(guidance)"
        lines.append("Steps: \(steps), Sampler: \(sampler), CFG scale: \(guidanceText), Seed: \(seed), "
                     + "Size: \(width)x\(height), Model: \(model)")
        return lines.joined(separator: "\n")
    }
}
