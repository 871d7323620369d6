/// A manifest key that takes a list of values; the tasks are the cartesian product of the axes.
/// The raw value is the manifest key, so `grid: {rows: seeds}` names an axis as the file does.
/// Each axis is declared once in `AxisCatalog`; this type only names it.
public struct SweepAxis: RawRepresentable, Hashable, Codable, CodingKeyRepresentable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let prompts = SweepAxis(rawValue: "prompts")
    public static let promptReplace = SweepAxis(rawValue: "prompt_replace")
    public static let seeds = SweepAxis(rawValue: "seeds")
    public static let negativePrompt = SweepAxis(rawValue: "negative_prompt")
    public static let guidance = SweepAxis(rawValue: "guidance")
    public static let steps = SweepAxis(rawValue: "steps")
    public static let scheduler = SweepAxis(rawValue: "scheduler")
    public static let eta = SweepAxis(rawValue: "eta")
    public static let size = SweepAxis(rawValue: "size")
    /// The model's VAE or an AutoencoderTiny (TAESD) folder.
    public static let decoder = SweepAxis(rawValue: "decoder")
    /// The LoRA sets (each combination of `loras` scales).
    public static let loras = SweepAxis(rawValue: "loras")

    /// Expansion order, outermost first: tasks sharing a LoRA set are neighbours (a renderer loads
    /// the model once per set), then tasks sharing a prompt (its prompt-encoding cache stays small),
    /// then the declared value axes in catalog order.
    public static var expansionOrder: [SweepAxis] { [.loras, .prompts, .promptReplace, .seeds] + AxisCatalog.all.map(\.axis) }

    /// Every axis a grid may name.
    public static var allCases: [SweepAxis] { expansionOrder }
}
