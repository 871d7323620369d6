/// Why a text-to-image request cannot run, each naming the value and what was expected.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    case badDimension(name: String, value: Int)
    case badSteps(Int)
    case badGuidance(Float)
    case badEta(Float)
    case badClipSkip(Int)
    case badGuidanceRescale(Float)
    case badInterpolation(Double)
    case promptSyntax(String)
    case scheduler(ConfigError)
    case textEncoder(TextEncoderError)
    case missingNegativeEncoding
    case missingPooledEncoding
    case incompatibleBatch(String)
    case nonFinite(stage: String)
    case badStrength(Double)
    case noDenoisingSteps(strength: Double, steps: Int)
    case noImageEncoder
    case unsupportedPrecision(String)
    case badMicroConditioning(name: String, value: Int)
    /// A setting the model's family has no use for (e.g. `prompt_2` for SD 1.x): its name and the family.
    case unsupportedSetting(String, family: ModelFamily)

    public var description: String {
        switch self {
        case let .badDimension(name, value):
            "\(name) \(value): expected a positive multiple of 8 up to \(GenerationRequest.maximumDimension)"
        case let .badSteps(steps): "steps \(steps): expected at least 1"
        case let .badGuidance(guidance): "guidance \(guidance): expected a finite number of 0 or more"
        case let .badEta(eta): "eta \(eta): expected a number from 0 to 1"
        case let .badClipSkip(clipSkip): "clip skip \(clipSkip): expected 1 (the text encoder's last layer) or more"
        case let .badGuidanceRescale(phi): "guidance rescale \(phi): expected a number from 0 (off) to 1"
        case let .badInterpolation(fraction): "interpolation fraction \(fraction): expected a number from 0 to 1"
        case let .promptSyntax(problem): problem
        case let .scheduler(error): error.description
        case let .textEncoder(error): error.description
        case .missingNegativeEncoding: "guidance above 1 needs the negative prompt's encoding"
        case .missingPooledEncoding: "an SDXL UNet (addition_embed_type text_time) needs the pooled text embeddings of SDXL's second text encoder"
        case let .incompatibleBatch(reason): "cannot render as one batch: \(reason)"
        case let .badStrength(strength): "strength \(strength): expected a number above 0 and at most 1"
        case let .noDenoisingSteps(strength, steps):
            "strength \(strength) with \(steps) steps: int(steps × strength) is 0 denoising steps; raise the strength or the steps"
        case .noImageEncoder:
            "an init image is encoded with the model's VAE (AutoencoderKL), and this pipeline has none: image-to-image cannot decode with a TAESD decoder"
        case let .unsupportedPrecision(reason): reason
        case let .badMicroConditioning(name, value):
            "\(name) \(value): expected sizes from 1 and crop offsets from 0, up to \(MicroConditioning.maximum)"
        case let .unsupportedSetting(name, family):
            family == .sd ? "\(name) is an SDXL setting; the model is \(family.name), which has no use for it"
                : "\(name) is not implemented for \(family.name) models (they take plain prompt syntax, no clip skip, "
                + "interpolation or init image)"
        case let .nonFinite(stage):
            "non-finite values (NaN or infinity) were first produced by \(stage): the weights may be damaged, or a setting too extreme"
        }
    }
}
