extension Tensor {
    /// Multi-head scaled dot-product attention, as `torch.nn.functional.scaled_dot_product_attention`
    /// after diffusers/transformers split `[B, L, heads·d]` into heads: `query` is `[B, Lq, C]`,
    /// `key` and `value` are `[B, Lk, C]`, the result is `[B, Lq, C]` with heads merged back.
    ///
    /// Heads are read in place through GEMM leading dimensions (no transposed copies) and queries
    /// are processed in tiles, so only a `tile × Lk` block of scores exists at any time.
    /// `causal` masks key `j > i` for query `i`, as CLIP's text encoder does.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> Tensor {
        precondition(query.rank == 3 && key.rank == 3 && value.shape == key.shape,
                     "attention: query \(query.shape), key \(key.shape), value \(value.shape)")
        let (batch, queries, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keys = key.shape[1]
        precondition(key.shape[0] == batch && key.shape[2] == width && width % heads == 0,
                     "attention: \(heads) heads over query \(query.shape) and key \(key.shape)")
        let headDim = width / heads
        let scale = 1 / Float(headDim).squareRoot()
        let tile = Swift.max(1, Swift.min(queries, AttentionPlan.scoreBudget / Swift.max(keys, 1)))
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: tile * keys)
        defer { scores.deallocate() }
        let (out, o) = Tensor.empty(query.shape)

        for b in 0..<batch {
            for h in 0..<heads {
                let q = query.pointer + b * queries * width + h * headDim
                let k = key.pointer + b * keys * width + h * headDim
                let v = value.pointer + b * keys * width + h * headDim
                var start = 0
                while start < queries {
                    let rows = Swift.min(tile, queries - start)
                    gemm(transposeB: true, m: rows, n: keys, k: headDim, alpha: scale,
                         a: q + start * width, lda: width, b: k, ldb: width, c: scores, ldc: keys)
                    let first = start
                    parallelRanges(rows, grain: Swift.max(1, 8192 / Swift.max(keys, 1))) { range in
                        for r in range {
                            let row = scores + r * keys
                            if causal, first + r + 1 < keys {
                                (row + first + r + 1).update(repeating: -.infinity, count: keys - first - r - 1)
                            }
                            softmaxRow(row, count: keys)
                        }
                    }
                    gemm(m: rows, n: headDim, k: keys, a: scores, lda: keys, b: v, ldb: width,
                         c: o + b * queries * width + h * headDim + start * width, ldc: width)
                    start += rows
                }
            }
        }
        return out
    }
}

enum AttentionPlan {
    /// Floats of scores held at once (4 MB): 256 query rows against 4096 keys.
    static let scoreBudget = 1 << 20
}
