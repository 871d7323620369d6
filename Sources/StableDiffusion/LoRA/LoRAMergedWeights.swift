import Tensors

/// A component's weights with LoRAs merged in, as diffusers' `load_lora_weights` followed by
/// `fuse_lora(lora_scale)`: a weight some module changes is copied to float32 and gets each
/// `scale · alpha/rank · up @ down` added; every other tensor is the base's own (memory-mapped,
/// half precision where the file stores it so).
struct LoRAMergedWeights: ParameterSource {
    struct Change: Sendable {
        let file: LoRAFile
        let module: LoRAFile.Module
        let scale: Float
    }

    let base: any ParameterSource
    let component: LoRAFile.Component
    /// By the changed weight's match key.
    let changes: [String: [Change]]

    /// Every module of every LoRA is matched against `shapes` (the base's stored names) first,
    /// so a bad LoRA fails before any weight is read.
    init(base: any ParameterSource, shapes: [String: [Int]], component: LoRAFile.Component,
         loras: [(file: LoRAFile, scale: Float)]) throws(LoRAError) {
        var changes: [String: [Change]] = [:]
        for (file, scale) in loras {
            for (module, _) in try file.targets(in: component, shapes: shapes) {
                changes[module.target, default: []].append(Change(file: file, module: module, scale: scale))
            }
        }
        self.base = base
        self.component = component
        self.changes = changes
    }

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        guard let list = changes(of: name) else { return try base.tensor(name, shape: shape) }
        return try merge(list, into: base.tensor(name, shape: shape))
    }

    /// A changed weight becomes float32 (the fused sum); an unchanged one stays as the base holds it (e.g. F16).
    func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        guard let list = changes(of: name) else { return try base.weight(name, shape: shape) }
        return Weight(try merge(list, into: base.weight(name, shape: shape).float32))
    }

    private func changes(of name: String) -> [Change]? {
        guard name.hasSuffix(".weight") else { return nil }
        return changes[LoRAFile.matchKey(String(name.dropLast(".weight".count)), component)]
    }

    private func merge(_ list: [Change], into weight: Tensor) throws(WeightsError) -> Tensor {
        var merged = weight.reshaped([weight.shape[0], -1])
        for change in list { merged = merged + (try change.file.delta(change.module, scale: change.scale)) }
        return merged.reshaped(weight.shape)
    }
}
