/// Why a model (diffusers folder or single checkpoint file) cannot be loaded; each case names the file at fault.
public enum ModelError: Error, CustomStringConvertible {
    case notAFolder(path: String)
    case notFound(path: String)
    /// A file that is neither a folder nor .safetensors (nor a refused pickle).
    case notAModel(path: String)
    case configForFolder(model: String)
    case badPredictionType(String, expected: [String])
    /// A checkpoint whose tensors are no architecture we know; `found` says what they are.
    case unknownArchitecture(file: String, found: String)
    case config(ConfigError)
    case weights(WeightsError)
    case tokenizer(TokenizerError)
    case lora(LoRAError)
    /// Two components of one folder that cannot work together: the file at fault and why.
    case componentMismatch(String, String)
    /// Something the model family cannot use yet, e.g. LoRAs on SDXL.
    case unsupportedForFamily(String, ModelFamily)

    public var description: String {
        switch self {
        case let .notAFolder(path): "\(path): not a diffusers model folder (no model_index.json)"
        case let .notFound(path): "\(path): no such file or folder"
        case let .notAModel(path): "\(path): expected a diffusers model folder or a .safetensors checkpoint"
        case let .configForFolder(model): "--config: \(model) is a diffusers folder with its own configs; --config is for a single .safetensors file"
        case let .badPredictionType(value, expected): "--prediction-type \(value): expected one of \(expected.joined(separator: ", "))"
        case let .unknownArchitecture(file, found): "\(file): not a Stable Diffusion 1.x/2.x or SDXL checkpoint: \(found)"
        case let .config(error): error.description
        case let .weights(error): error.description
        case let .tokenizer(error): error.description
        case let .lora(error): error.description
        case let .componentMismatch(file, reason): "\(file): \(reason)"
        case let .unsupportedForFamily(what, family): "\(what) cannot be used with \(family.name) models yet"
        }
    }
}
