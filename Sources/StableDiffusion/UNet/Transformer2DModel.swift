import Tensors

/// diffusers' `Transformer2DModel` over a feature map, with conv or linear projections.
// Group norm, `proj_in`, transformer blocks over the `H·W` tokens, `proj_out`, plus the input. A
// conv `proj_in`/`proj_out` (`use_linear_projection=False`) is a 1×1 convolution, the same
// per-pixel map as the linear one, so both are applied as a linear layer on the tokens.
struct Transformer2DModel: Sendable {
    let norm: GroupNorm
    let projectIn, projectOut: Linear
    let blocks: [BasicTransformerBlock]

    init(_ p: Parameters, channels: Int, heads: Int, contextWidth: Int, layers: Int,
         groups: Int) throws(WeightsError) {
        norm = try GroupNorm(p["norm"], channels: channels, groups: groups, eps: 1e-6)
        projectIn = try Linear(p["proj_in"], in: channels, out: channels)
        blocks = try (0..<layers).map { i throws(WeightsError) in
            try BasicTransformerBlock(p["transformer_blocks"][i], width: channels, heads: heads, contextWidth: contextWidth)
        }
        projectOut = try Linear(p["proj_out"], in: channels, out: channels)
    }

    /// `x` is `[B, C, H, W]`, `context` is `[B, tokens, contextWidth]`.
    func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var tokens = projectIn(norm(x).reshaped([batch, channels, height * width]).transposingLastTwo())
        for block in blocks { tokens = block(tokens, context: context) }
        let map = projectOut(tokens).transposingLastTwo().reshaped(x.shape)
        return map + x
    }
}
