import Foundation

/// `model_index.json` of a diffusers pipeline folder: which class each component folder holds.
public struct ModelIndex: Equatable, Sendable {
    public var pipelineClass: String
    /// Component folder name → (library, class name), e.g. `"unet": ("diffusers", "UNet2DConditionModel")`.
    public var components: [String: (library: String, className: String)]

    /// The component classes this program runs, for each required folder.
    static let supported: [(folder: String, classes: [String])] = [
        ("tokenizer", ["CLIPTokenizer", "CLIPTokenizerFast"]),
        ("text_encoder", ["CLIPTextModel"]),
        ("unet", ["UNet2DConditionModel"]),
        ("vae", ["AutoencoderKL"]),
        ("scheduler", []),
    ]

    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        pipelineClass = try json.string("_class_name", default: "StableDiffusionPipeline")
        components = [:]
        for (folder, classes) in Self.supported {
            guard let entry = json.raw(folder) else { throw .missingKey(path: path, key: folder) }
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
        lhs.pipelineClass == rhs.pipelineClass && lhs.components.keys == rhs.components.keys
            && lhs.components.allSatisfy { key, value in rhs.components[key].map { $0 == value } ?? false }
    }
}
