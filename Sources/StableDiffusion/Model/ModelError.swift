/// Why a diffusers model folder cannot be loaded; each case names the file at fault.
public enum ModelError: Error, CustomStringConvertible {
    case notAFolder(path: String)
    case config(ConfigError)
    case weights(WeightsError)
    case tokenizer(TokenizerError)
    case lora(LoRAError)
    /// Two components of one folder that cannot work together: the file at fault and why.
    case componentMismatch(String, String)

    public var description: String {
        switch self {
        case let .notAFolder(path): "\(path): not a diffusers model folder (no model_index.json)"
        case let .config(error): error.description
        case let .weights(error): error.description
        case let .tokenizer(error): error.description
        case let .lora(error): error.description
        case let .componentMismatch(file, reason): "\(file): \(reason)"
        }
    }
}
