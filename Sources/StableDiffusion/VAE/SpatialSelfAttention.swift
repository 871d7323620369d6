import Tensors

/// diffusers' `Attention` as the VAE's mid block builds it: one head, group norm, residual.
struct SpatialSelfAttention: Sendable {
    let norm: GroupNorm
    let attention: MultiHeadAttention

    init(_ p: Parameters, channels: Int, groups: Int) throws(WeightsError) {
        norm = try GroupNorm(p["group_norm"], channels: channels, groups: groups, eps: 1e-6)
        attention = try MultiHeadAttention(p, width: channels, heads: 1, projectionBias: true)
    }

    /// Older checkpoints name the projections `query`/`key`/`value`/`proj_attn`.
    static func legacyName(_ name: String) -> String? {
        let renames = [(".to_q.", ".query."), (".to_k.", ".key."), (".to_v.", ".value."), (".to_out.0.", ".proj_attn.")]
        for (modern, legacy) in renames where name.contains(modern) {
            return name.replacingOccurrences(of: modern, with: legacy)
        }
        return nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let tokens = norm(x).reshaped([batch, channels, height * width]).transposingLastTwo()
        return attention(tokens).transposingLastTwo().reshaped(x.shape) + x
    }
}
