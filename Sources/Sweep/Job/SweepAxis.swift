/// A manifest key that takes a list of values; the tasks are the cartesian product of the axes.
/// Raw values are the manifest keys, so `grid: {rows: seeds}` names an axis as the file does.
public enum SweepAxis: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case prompts
    case promptReplace = "prompt_replace"
    case seeds, guidance, steps, scheduler, size
    /// The model's VAE or an AutoencoderTiny (TAESD) folder.
    case decoder
    /// The LoRA sets (each combination of `loras` scales).
    case loras

    /// Expansion order, outermost first: tasks sharing a LoRA set are neighbours (a renderer loads
    /// the model once per set), then tasks sharing a prompt (its prompt-encoding cache stays small).
    public static let expansionOrder: [SweepAxis] = [.loras, .prompts, .promptReplace, .seeds, .guidance, .steps, .scheduler, .size,
                                                        .decoder]
}
