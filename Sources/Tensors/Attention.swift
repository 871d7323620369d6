extension Tensor {
    /// Multi-head scaled dot-product attention, as `torch.nn.functional.scaled_dot_product_attention`
    /// after diffusers/transformers split `[B, L, heads·d]` into heads: `query` is `[B, Lq, C]`,
    /// `key` and `value` are `[B, Lk, C]`, the result is `[B, Lq, C]` with heads merged back.
    /// `causal` masks key `j > i` for query `i`, as CLIP's text encoder does.
    ///
    /// Heads are read in place through GEMM leading dimensions (no transposed copies). Each
    /// (batch, head, query tile) is one independent job: it walks the keys in blocks, keeping a
    /// running maximum and sum per query (the online softmax of flash attention), so its scores
    /// stay a cache-sized `tile × block` matrix however long the sequence. Jobs run side by side
    /// on our threads with single-threaded GEMMs: at head widths of 40–80 OpenBLAS splitting one
    /// small GEMM across cores costs more than it gains.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> Tensor {
        precondition(query.rank == 3 && key.rank == 3 && value.shape == key.shape,
                     "attention: query \(query.shape), key \(key.shape), value \(value.shape)")
        let (batch, queries, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keys = key.shape[1]
        precondition(key.shape[0] == batch && key.shape[2] == width && width % heads == 0,
                     "attention: \(heads) heads over query \(query.shape) and key \(key.shape)")
        let (out, o) = Tensor.empty(query.shape)
        let plan = AttentionPlan(queries: queries, keys: keys, headDim: width / heads, width: width, causal: causal)
        let tiles = (queries + plan.queryTile - 1) / plan.queryTile
        let (q, k, v) = (query.pointer, key.pointer, value.pointer)
        parallelJobs(batch * heads * tiles, scratch: AttentionScratch.count(plan)) { jobs, memory in
            let scratch = AttentionScratch(plan, memory: memory)
            for job in jobs {
                let (bh, tile) = job.quotientAndRemainder(dividingBy: tiles)
                let (b, h) = bh.quotientAndRemainder(dividingBy: heads)
                let first = tile * plan.queryTile
                let head = h * plan.headDim
                plan.run(query: q + (b * queries + first) * width + head,
                         key: k + b * keys * width + head, value: v + b * keys * width + head,
                         output: o + (b * queries + first) * width + head,
                         firstQuery: first, rows: Swift.min(plan.queryTile, queries - first), scratch: scratch)
            }
        }
        return out
    }
}

/// Tile sizes and the per-tile algorithm of `Tensor.attention`.
struct AttentionPlan {
    /// Queries per job and keys per block: a 256 × 512 score block is 512 KB, inside one core's L2
    /// next to the packed operands (PyTorch's CPU flash attention uses the same split).
    static let queryTile = 256, keyBlock = 512

    let queries, keys, headDim, width: Int
    let causal: Bool
    let scale: Float
    var queryTile: Int { Swift.min(Self.queryTile, queries) }
    var keyBlock: Int { Swift.min(Self.keyBlock, keys) }

    init(queries: Int, keys: Int, headDim: Int, width: Int, causal: Bool) {
        (self.queries, self.keys, self.headDim, self.width, self.causal) = (queries, keys, headDim, width, causal)
        scale = 1 / Float(headDim).squareRoot()
    }

    /// Attention of `rows` queries starting at query `firstQuery` against every key of one head.
    /// The output rows accumulate unnormalised `exp(score − running max)·V` and are divided by the
    /// running sum at the end; when a later block raises a row's maximum, what the row holds so far
    /// is rescaled by `exp(old max − new max)`.
    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>, firstQuery: Int, rows: Int, scratch: AttentionScratch) {
        let scores = scratch.scores, maxima = scratch.maxima, sums = scratch.sums
        var start = 0
        while start < keys {
            // Under a causal mask, blocks past the tile's last query contribute nothing.
            if causal && start > firstQuery + rows - 1 { break }
            let count = Swift.min(keyBlock, keys - start)
            gemm(transposeB: true, m: rows, n: count, k: headDim, alpha: scale,
                 a: query, lda: width, b: key + start * width, ldb: width, c: scores, ldc: count)
            for r in 0..<rows {
                let row = scores + r * count
                let visible = causal ? Swift.min(count, Swift.max(0, firstQuery + r + 1 - start)) : count
                (row + visible).update(repeating: -.infinity, count: count - visible)
                let blockMax = rowMaximum(row, count: count)
                if start == 0 {
                    maxima[r] = blockMax == -.infinity ? 0 : blockMax
                    sums[r] = exponentiate(row, count: count, subtracting: maxima[r])
                } else {
                    let maximum = Swift.max(maxima[r], blockMax)
                    let correction = scalarExp(maxima[r] - maximum)
                    maxima[r] = maximum
                    sums[r] = sums[r] * correction + exponentiate(row, count: count, subtracting: maximum)
                    if correction != 1 { scaleRow(output + r * width, count: headDim, by: correction) }
                }
            }
            gemm(m: rows, n: headDim, k: count, a: scores, lda: count, b: value + start * width, ldb: width,
                 beta: start == 0 ? 0 : 1, c: output, ldc: width)
            start += count
        }
        for r in 0..<rows { scaleRow(output + r * width, count: headDim, by: 1 / sums[r]) }
    }
}

/// One job's working memory, reused across the tiles a thread runs: a score block, then the
/// running maximum and sum of each query.
struct AttentionScratch {
    let scores, maxima, sums: UnsafeMutablePointer<Float>

    static func count(_ plan: AttentionPlan) -> Int { plan.queryTile * (plan.keyBlock + 2) }

    init(_ plan: AttentionPlan, memory: UnsafeMutablePointer<Float>) {
        scores = memory
        maxima = memory + plan.queryTile * plan.keyBlock
        sums = maxima + plan.queryTile
    }
}
