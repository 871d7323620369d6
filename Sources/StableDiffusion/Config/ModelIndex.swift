import Foundation

/// `model_index.json` of a diffusers pipeline folder: which class each component folder holds.
public struct ModelIndex: Equatable, Sendable {
    public var pipelineClass: String
    /// Component folder name → (library, class name), e.g. `"unet": ("diffusers", "UNet2DConditionModel")`.
    public var components: [String: (library: String, className: String)]
    /// SDXL's `force_zeros_for_empty_prompt` (diffusers' default: true): no negative prompt means
    /// zero negative embeddings.
    public var forceZerosForEmptyPrompt: Bool

    /// SDXL when the folder has SDXL's second text encoder (or says it is an SDXL pipeline).
    public var family: ModelFamily {
        components["text_encoder_2"] != nil || pipelineClass.hasPrefix("StableDiffusionXL") ? .sdxl : .sd
    }

    /// The component classes this program runs, for each required folder.
    static let supported: [(folder: String, classes: [String])] = [
        ("tokenizer", ["CLIPTokenizer", "CLIPTokenizerFast"]),
        ("text_encoder", ["CLIPTextModel"]),
        ("unet", ["UNet2DConditionModel"]),
        ("vae", ["AutoencoderKL"]),
        ("scheduler", []),
    ]

    /// SDXL's second tokenizer and text encoder.
    static let optional: [(folder: String, classes: [String])] = [
        ("tokenizer_2", ["CLIPTokenizer", "CLIPTokenizerFast"]),
        ("text_encoder_2", ["CLIPTextModelWithProjection"]),
    ]

    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        pipelineClass = try json.string("_class_name", default: "StableDiffusionPipeline")
        components = [:]
        forceZerosForEmptyPrompt = try json.bool("force_zeros_for_empty_prompt", default: true)
        for (folder, classes) in Self.supported + Self.optional {
            guard let entry = json.raw(folder) else {
                if Self.optional.contains(where: { $0.folder == folder }) { continue }
                throw .missingKey(path: path, key: folder)
            }
            guard let pair = entry as? [Any], pair.count == 2,
                  let library = pair[0] as? String, let className = pair[1] as? String else {
                throw .wrongType(path: path, key: folder, expected: "a [library, class] pair such as [\"diffusers\", \"UNet2DConditionModel\"]")
            }
            guard classes.isEmpty || classes.contains(className) else {
                throw .unsupported(path: path, key: folder, value: className, supported: classes.joined(separator: ", "))
            }
            components[folder] = (library, className)
        }
    }

    public static func == (lhs: ModelIndex, rhs: ModelIndex) -> Bool {
        lhs.pipelineClass == rhs.pipelineClass && lhs.forceZerosForEmptyPrompt == rhs.forceZerosForEmptyPrompt
            && lhs.components.keys == rhs.components.keys
            && lhs.components.allSatisfy { key, value in rhs.components[key].map { $0 == value } ?? false }
    }
}
