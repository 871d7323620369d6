import CKernels

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
        let plan = AttentionPlan(batch: batch, heads: heads, queries: queries, keys: keys, width: width, causal: causal)
        let (q, k, v) = (query.pointer, key.pointer, value.pointer)
        if ComputeContext.current.packsWithAVX2 {
            PackedAttention(plan).run(query: q, key: k, value: v, output: o)
        } else {
            plan.run(query: q, key: k, value: v, output: o)
        }
        return out
    }
}

/// Where one job's query tile lies: its first query, row count and offsets (in floats) of its first
/// query row and of its head's first key row.
struct AttentionTile {
    let batch, head, firstQuery, rows, query, keys: Int
}

/// Tile sizes and the per-tile algorithm of `Tensor.attention`.
struct AttentionPlan {
    /// Queries per job and keys per block: a 256 × 512 score block is 512 KB, inside one core's L2
    /// next to the packed operands (PyTorch's CPU flash attention uses the same split).
    static let queryTile = 256, keyBlock = 512

    let batch, heads, queries, keys, headDim, width: Int
    let causal: Bool
    let scale: Float
    var queryTile: Int { Swift.min(Self.queryTile, queries) }
    var keyBlock: Int { Swift.min(Self.keyBlock, keys) }
    var tiles: Int { (queries + queryTile - 1) / queryTile }
    var blocks: Int { (keys + keyBlock - 1) / keyBlock }
    /// One job per (batch, head, query tile).
    var jobs: Int { batch * heads * tiles }

    init(batch: Int, heads: Int, queries: Int, keys: Int, width: Int, causal: Bool) {
        (self.batch, self.heads, self.queries, self.keys, self.width, self.causal) = (batch, heads, queries, keys, width, causal)
        headDim = width / heads
        scale = 1 / Float(headDim).squareRoot()
    }

    func tile(_ job: Int) -> AttentionTile {
        let (bh, tile) = job.quotientAndRemainder(dividingBy: tiles)
        let (b, h) = bh.quotientAndRemainder(dividingBy: heads)
        let first = tile * queryTile
        return AttentionTile(batch: b, head: h, firstQuery: first, rows: Swift.min(queryTile, queries - first),
                             query: (b * queries + first) * width + h * headDim, keys: firstKey(batch: b, head: h))
    }

    /// Offset in floats of head `head`'s first key (or value) row of batch entry `batch`.
    func firstKey(batch b: Int, head h: Int) -> Int { b * keys * width + h * headDim }

    /// Whether a causal mask hides the whole block of keys from `start` on from every query of the tile.
    func skips(start: Int, firstQuery: Int, rows: Int) -> Bool { causal && start > firstQuery + rows - 1 }

    /// Hides from query `firstQuery + r` the keys of its block's scores `row` (keys `start…`) a causal
    /// mask hides (as -infinity), then takes the block's largest score into the row's running
    /// maximum; on later blocks, returns the factor `exp(old max − new max)` the row's sum so far
    /// must be scaled by, having scaled its output row by it.
    func raiseMaximum(row r: Int, scores row: UnsafeMutablePointer<Float>, count: Int, firstQuery: Int, start: Int,
                      scratch: AttentionScratch, output: UnsafeMutablePointer<Float>) -> Float {
        let visible = causal ? Swift.min(count, Swift.max(0, firstQuery + r + 1 - start)) : count
        (row + visible).update(repeating: -.infinity, count: count - visible)
        let blockMax = rowMaximum(row, count: count)
        if start == 0 {
            scratch.maxima[r] = blockMax == -.infinity ? 0 : blockMax
            return 0
        }
        let maximum = Swift.max(scratch.maxima[r], blockMax)
        let correction = scalarExp(scratch.maxima[r] - maximum)
        scratch.maxima[r] = maximum
        if correction != 1 { scaleRow(output + r * width, count: headDim, by: correction) }
        return correction
    }

    /// Row `r`'s running sum after a block whose exponentials sum to `blockSum`.
    func addSum(row r: Int, blockSum: Float, correction: Float, firstBlock: Bool, scratch: AttentionScratch) {
        scratch.sums[r] = firstBlock ? blockSum : scratch.sums[r] * correction + blockSum
    }

    /// Divides each output row by its sum of exponentials.
    func normalize(output: UnsafeMutablePointer<Float>, rows: Int, scratch: AttentionScratch) {
        for r in 0..<rows { scaleRow(output + r * width, count: headDim, by: 1 / scratch.sums[r]) }
    }

    /// Every job's tile, each GEMM packing its operands itself (any kernel).
    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        parallelJobs(jobs, scratch: AttentionScratch.count(self, packed: false)) { jobs, memory in
            let scratch = AttentionScratch(self, memory: memory, packed: false)
            for job in jobs {
                let tile = tile(job)
                run(query: query + tile.query, key: key + tile.keys, value: value + tile.keys, output: output + tile.query,
                    firstQuery: tile.firstQuery, rows: tile.rows, scratch: scratch)
            }
        }
    }

    /// Attention of `rows` queries starting at query `firstQuery` against every key of one head.
    /// The output rows accumulate unnormalised `exp(score − running max)·V` and are divided by the
    /// running sum at the end; when a later block raises a row's maximum, what the row holds so far
    /// is rescaled by `exp(old max − new max)`.
    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>, firstQuery: Int, rows: Int, scratch: AttentionScratch) {
        let scores = scratch.scores
        for start in stride(from: 0, to: keys, by: keyBlock) {
            if skips(start: start, firstQuery: firstQuery, rows: rows) { break }
            let count = Swift.min(keyBlock, keys - start)
            gemm(transposeB: true, m: rows, n: count, k: headDim, alpha: scale,
                 a: query, lda: width, b: key + start * width, ldb: width, c: scores, ldc: count)
            for r in 0..<rows {
                let row = scores + r * count
                let correction = raiseMaximum(row: r, scores: row, count: count, firstQuery: firstQuery, start: start,
                                              scratch: scratch, output: output)
                addSum(row: r, blockSum: exponentiate(row, count: count, subtracting: scratch.maxima[r]),
                       correction: correction, firstBlock: start == 0, scratch: scratch)
            }
            gemm(m: rows, n: headDim, k: count, a: scores, lda: count, b: value + start * width, ldb: width,
                 beta: start == 0 ? 0 : 1, c: output, ldc: width)
        }
        normalize(output: output, rows: rows, scratch: scratch)
    }
}

/// One job's working memory, reused across the tiles a thread runs: a score block, the running
/// maximum and sum of each query, and for `PackedAttention` each query's correction and block sum,
/// the tile's queries and its probabilities packed for our AVX2 kernel.
struct AttentionScratch {
    let scores, maxima, sums, corrections, blockSums, packedQueries, packedProbabilities: UnsafeMutablePointer<Float>

    static func count(_ plan: AttentionPlan, packed: Bool) -> Int {
        let padded = roundUp(plan.queryTile, to: Int(DS_AVX2_MR))
        return plan.queryTile * (plan.keyBlock + 4) + (packed ? padded * (plan.headDim + plan.keyBlock) : 0)
    }

    init(_ plan: AttentionPlan, memory: UnsafeMutablePointer<Float>, packed: Bool) {
        scores = memory
        maxima = memory + plan.queryTile * plan.keyBlock
        sums = maxima + plan.queryTile
        corrections = sums + plan.queryTile
        blockSums = corrections + plan.queryTile
        packedQueries = blockSums + plan.queryTile
        packedProbabilities = packedQueries + roundUp(plan.queryTile, to: Int(DS_AVX2_MR)) * plan.headDim
    }
}

/// The smallest multiple of `unit` at least `value`.
func roundUp(_ value: Int, to unit: Int) -> Int { (value + unit - 1) / unit * unit }
