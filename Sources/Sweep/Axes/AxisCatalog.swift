/// Every value axis, in expansion order (outermost first, after the LoRA sets, prompts, Prompt
/// S/R and seeds, which `TaskExpansion` walks itself). A new axis is a declaration (in its own
/// file, as an `AxisDeclaration` static) added to `all`; see the README's "Adding a sweep axis".
public enum AxisCatalog {
    // One a line, so axes added on different branches merge cleanly.
    public static let all: [AxisDeclaration] = [
        .negativePrompt,
        .guidance,
        .steps,
        .scheduler,
        .eta,
        .size,
        .decoder,
        .promptSyntax,
        .clipSkip,
        .guidanceRescale,
        .interpolate,
        .precision,
        .initImage,
        .strength,
        .prompt2,
        .negativePrompt2,
        .originalSize,
        .cropTopLeft,
        .targetSize,
    ]

    /// The declaration of `axis`; nil for the structural axes (prompts, prompt_replace, seeds, loras).
    public static func declaration(_ axis: SweepAxis) -> AxisDeclaration? { all.first { $0.axis == axis } }

    /// The declaration a manifest key (or one of its aliases) names.
    static func declaration(key: String) -> AxisDeclaration? {
        all.first { $0.axis.rawValue == key || $0.aliases.contains(key) }
    }
}
