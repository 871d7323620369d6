import Tensors

/// diffusers' `Attention` (`to_q`, …, `to_out.0`) and transformers' `CLIPAttention` (`q_proj`, …, `out_proj`).
struct MultiHeadAttention: Sendable {
    /// The parameter names of the four projections in each library.
    struct Names: Sendable {
        let query, key, value, out: String
        static let diffusers = Names(query: "to_q", key: "to_k", value: "to_v", out: "to_out.0")
        static let clip = Names(query: "q_proj", key: "k_proj", value: "v_proj", out: "out_proj")
    }

    let query, key, value, out: Linear
    let heads: Int

    init(_ p: Parameters, width: Int, contextWidth: Int? = nil, heads: Int, projectionBias: Bool,
         names: Names = .diffusers) throws(WeightsError) {
        let contextWidth = contextWidth ?? width
        query = try Linear(p[names.query], in: width, out: width, bias: projectionBias)
        key = try Linear(p[names.key], in: contextWidth, out: width, bias: projectionBias)
        value = try Linear(p[names.value], in: contextWidth, out: width, bias: projectionBias)
        out = try Linear(p[names.out], in: width, out: width)
        self.heads = heads
    }

    /// `x` is `[B, L, width]`; `context` (`[B, Lk, contextWidth]`) for cross-attention, else self.
    func callAsFunction(_ x: Tensor, context: Tensor? = nil, causal: Bool = false) -> Tensor {
        let source = context ?? x
        let attended = Tensor.attention(query: query(x), key: key(source), value: value(source),
                                        heads: heads, causal: causal)
        return out(attended)
    }
}
