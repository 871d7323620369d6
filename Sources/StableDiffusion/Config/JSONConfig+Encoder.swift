/// What every transformer encoder config (CLIP text, CLIP vision, BERT) checks the same way.
extension JSONConfig {
    /// `hidden_act`, one of the activations our layers implement.
    func hiddenActivation(default fallback: String) throws(ConfigError) -> HiddenActivation {
        let name = try string("hidden_act", default: fallback)
        guard let activation = HiddenActivation(rawValue: name) else {
            throw .unsupported(path: path, key: "hidden_act", value: name, supported: HiddenActivation.supported)
        }
        return activation
    }

    /// Attention splits `hidden_size` evenly over `num_attention_heads`.
    func checkHeads(_ heads: Int, divide hiddenSize: Int) throws(ConfigError) {
        guard hiddenSize % heads == 0 else {
            throw .invalid(path: path, key: "num_attention_heads", reason: "(\(heads)) must divide hidden_size (\(hiddenSize))")
        }
    }
}
