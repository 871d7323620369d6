import Foundation
import Tensors

/// A LoRA `.safetensors` file read as its modules (memory-mapped): kohya-ss/A1111 layout
/// (`lora_unet_*`, `lora_te_*` with `.lora_down.weight`, `.lora_up.weight`, `.alpha`) or the
/// diffusers/PEFT layout `save_lora_weights` writes (`unet.*`/`text_encoder.*` with
/// `.lora_A.weight`/`.lora_B.weight`, older `.lora.down`/`.lora_linear_layer.down`, and
/// LoraConfig metadata), scaled as diffusers' `load_lora_weights` reads each.
public struct LoRAFile: Sendable {
    /// The model a module changes.
    public enum Component: String, Sendable, CaseIterable {
        case unet
        case textEncoder = "text_encoder"
    }

    public enum Format: String, Sendable {
        case kohya
        case diffusers
    }

    /// One low-rank update `alpha/rank · up @ down` of one weight of the model.
    public struct Module: Sendable {
        public let component: Component
        /// The file's name for the down weight; errors name it.
        public let key: String
        /// The target module in the form both sides are compared in (see `LoRAFile.matchKey`).
        let target: String
        let down, up: String
        public let downShape, upShape: [Int]
        /// `alpha / rank`: kohya's `.alpha`, or LoraConfig's `lora_alpha` (or its `alpha_pattern`);
        /// 1 when the file gives no alpha, as diffusers reads it.
        public let alphaOverRank: Float

        public var rank: Int { downShape.first ?? 0 }
    }

    public let path: String
    public let format: Format
    /// Sorted by key.
    public let modules: [Module]
    let file: SafeTensorsFile

    /// Down/up suffix pairs: kohya, PEFT, and the two older diffusers spellings.
    static let pairs = [(".lora_down.weight", ".lora_up.weight"), (".lora_A.weight", ".lora_B.weight"),
                        (".lora.down.weight", ".lora.up.weight"), (".lora_linear_layer.down.weight", ".lora_linear_layer.up.weight")]
    static let prefixes: [(String, Component, Format)] = [
        ("lora_unet_", .unet, .kohya), ("lora_te_", .textEncoder, .kohya), ("lora_te1_", .textEncoder, .kohya),
        ("unet.", .unet, .diffusers), ("text_encoder.", .textEncoder, .diffusers),
    ]

    public init(path: String) throws(LoRAError) {
        guard !PickleFile.isPickle(path) else { throw .weights(.pickle(file: path, inFolder: false)) }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(path: path) } catch { throw .weights(error) }
        self.path = path
        self.file = file
        let peft = Self.peftConfig(file.metadata["lora_adapter_metadata"])
        var modules: [Module] = []
        var formats = Set<Format>()
        for name in file.names {
            if name.hasSuffix(".alpha"), file.entries[name]?.shape.reduce(1, *) == 1 { continue }
            guard let (downSuffix, upSuffix) = Self.pairs.first(where: { name.hasSuffix($0.0) || name.hasSuffix($0.1) }),
                  let (prefix, component, format) = Self.prefixes.first(where: { name.hasPrefix($0.0) }) else {
                throw .notALoRA(file: path, found: "key '\(name)'")
            }
            guard name.hasSuffix(downSuffix) else {
                let down = String(name.dropLast(upSuffix.count)) + downSuffix
                if file.entries[down] == nil { throw .unpaired(file: path, key: name, missing: down) }
                continue
            }
            let module = String(name.dropLast(downSuffix.count))
            let up = module + upSuffix
            guard let upEntry = file.entries[up], let downEntry = file.entries[name] else {
                throw .unpaired(file: path, key: name, missing: up)
            }
            let relative = String(module.dropFirst(prefix.count))
            let rank = downEntry.shape.first ?? 0
            let alpha: Float
            if format == .kohya {
                alpha = try Self.scalar(file, module + ".alpha") ?? Float(rank)
            } else {
                alpha = peft[component]?.alpha(of: relative) ?? Float(rank)
            }
            formats.insert(format)
            modules.append(Module(component: component, key: name, target: Self.matchKey(relative, component),
                                  down: name, up: up, downShape: downEntry.shape, upShape: upEntry.shape,
                                  alphaOverRank: rank > 0 ? alpha / Float(rank) : 0))
        }
        guard let format = formats.first, formats.count == 1 else {
            throw .notALoRA(file: path, found: formats.isEmpty ? "no LoRA weights" : "kohya and diffusers keys mixed")
        }
        self.format = format
        self.modules = modules
    }

    /// The model weights this LoRA changes, each checked against the stored shape: `shapes` are a
    /// component's stored tensor names and shapes. A module that matches nothing, or whose
    /// update cannot have the target's shape, is an error naming its key.
    public func targets(in component: Component, shapes: [String: [Int]]) throws(LoRAError) -> [(module: Module, weight: String)] {
        var byKey: [String: (String, [Int])] = [:]
        for (name, shape) in shapes where name.hasSuffix(".weight") {
            byKey[Self.matchKey(String(name.dropLast(".weight".count)), component)] = (name, shape)
        }
        var result: [(module: Module, weight: String)] = []
        for module in modules where module.component == component {
            guard let (weight, shape) = byKey[module.target] else {
                throw .unmatched(file: path, key: module.key, component: component.rawValue)
            }
            let (down, up) = (module.downShape, module.upShape)
            let fits = down.count >= 2 && up.count >= 2 && up[1] == down[0] && up.dropFirst(2).allSatisfy { $0 == 1 }
                && up[0] == shape.first && down.dropFirst().reduce(1, *) == shape.dropFirst().reduce(1, *)
            guard fits else {
                throw .shapeMismatch(file: path, key: module.key, down: down, up: up, target: weight, shape: shape)
            }
            result.append((module, weight))
        }
        return result
    }

    /// `scale · alpha/rank · up @ down` as an `[out, in·kh·kw]` matrix.
    func delta(_ module: Module, scale: Float) throws(WeightsError) -> Tensor {
        let up = try file.tensor(module.up).reshaped([module.upShape[0], module.rank])
        let down = try file.tensor(module.down).reshaped([module.rank, -1])
        return (up * (scale * module.alphaOverRank)).matmul(down)
    }

    /// A module path with `.`/`_` spellings made one (kohya writes `down_blocks_0_attentions_0_proj_in`
    /// for `down_blocks.0.attentions.0.proj_in`), and CLIP's optional `text_model.` left out.
    static func matchKey(_ module: String, _ component: Component) -> String {
        var key = module.replacingOccurrences(of: ".", with: "_")
        if component == .textEncoder, key.hasPrefix("text_model_") { key.removeFirst("text_model_".count) }
        return key
    }

    private static func scalar(_ file: SafeTensorsFile, _ name: String) throws(LoRAError) -> Float? {
        guard file.entries[name] != nil else { return nil }
        do { return try file.tensor(name).scalars.first } catch { throw .weights(error) }
    }

    /// diffusers' per-component LoraConfig, stored as `lora_adapter_metadata` JSON (`unet.lora_alpha`, …).
    struct PEFTConfig {
        var alpha: Float?
        var alphaPattern: [String: Float] = [:]

        /// PEFT's `get_pattern_key`: a pattern names the module or a dotted suffix of it.
        func alpha(of module: String) -> Float? {
            alphaPattern.first { module == $0.key || module.hasSuffix("." + $0.key) }?.value ?? alpha
        }
    }

    static func peftConfig(_ json: String?) -> [Component: PEFTConfig] {
        guard let data = json?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var configs: [Component: PEFTConfig] = [:]
        for component in Component.allCases {
            var config = PEFTConfig()
            config.alpha = (object[component.rawValue + ".lora_alpha"] as? NSNumber)?.floatValue
            for (key, value) in object[component.rawValue + ".alpha_pattern"] as? [String: Any] ?? [:] {
                if let number = value as? NSNumber { config.alphaPattern[key] = number.floatValue }
            }
            if config.alpha != nil || !config.alphaPattern.isEmpty { configs[component] = config }
        }
        return configs
    }
}
