import StableDiffusion

/// One entry of a manifest's `loras: [{path, scale}]`: a LoRA file (absolute) and the scales it
/// is swept over (A1111's X/Y/Z `<lora:name:0.8>`).
public struct JobLoRA: Codable, Equatable, Sendable {
    public var path: String
    public var scales: [Float]

    public init(path: String, scales: [Float]) {
        self.path = path
        self.scales = scales
    }

    /// Every combination of the entries' scales, the first entry's scale changing slowest; one
    /// empty set when there are no entries.
    static func sets(_ entries: [JobLoRA]) -> [[LoRA]] {
        entries.reduce([[]]) { sets, entry in
            sets.flatMap { set in entry.scales.map { set + [LoRA(path: entry.path, scale: $0)] } }
        }
    }
}
