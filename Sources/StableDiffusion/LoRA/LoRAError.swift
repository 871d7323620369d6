/// Why a LoRA cannot be merged; each case names the file and, where there is one, the first bad key.
public enum LoRAError: Error, CustomStringConvertible, Equatable {
    case badScale(String)
    case weights(WeightsError)
    case notALoRA(file: String, found: String)
    case unpaired(file: String, key: String, missing: String)
    case unmatched(file: String, key: String, component: String)
    case shapeMismatch(file: String, key: String, down: [Int], up: [Int], target: String, shape: [Int])

    public var description: String {
        switch self {
        case let .badScale(argument):
            "--lora '\(argument)': expected PATH or PATH:SCALE with a finite number as SCALE, e.g. style.safetensors:0.8"
        case let .weights(error): error.description
        case let .notALoRA(file, found):
            "\(file): not a LoRA: expected kohya keys (lora_unet_*/lora_te_* with .lora_down/.lora_up) or diffusers/PEFT "
                + "keys (unet.*/text_encoder.* with .lora_A/.lora_B); found \(found)"
        case let .unpaired(file, key, missing): "\(file): LoRA key '\(key)' has no partner '\(missing)'"
        case let .unmatched(file, key, component): "\(file): LoRA key '\(key)' matches nothing in the model's \(component)"
        case let .shapeMismatch(file, key, down, up, target, shape):
            "\(file): LoRA key '\(key)' (down \(down), up \(up)) does not fit '\(target)' of shape \(shape)"
        }
    }
}
