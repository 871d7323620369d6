import CKernels

/// `Tensor.attention` on our AVX2 kernel, with each GEMM operand packed once instead of inside
/// every product: a head's keys and values once for all its query tiles (they were packed again
/// for each of them), a tile's queries once for all key blocks, and the probabilities written packed
/// by the exp pass itself. The same tiles, sums and exp as `AttentionPlan.run`, so the same bytes.
struct PackedAttention {
    let plan: AttentionPlan
    /// Floats of one key block packed as the scores' right operand (keys as columns), and of one
    /// block of values packed as the output's right operand; every block gets the room of a full one.
    let keyBlockFloats, valueBlockFloats: Int

    init(_ plan: AttentionPlan) {
        self.plan = plan
        keyBlockFloats = roundUp(plan.keyBlock, to: Int(DS_AVX2_NR)) * plan.headDim
        valueBlockFloats = roundUp(plan.headDim, to: Int(DS_AVX2_NR)) * plan.keyBlock
    }

    func run(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        let plan = plan, headBlocks = plan.batch * plan.heads * plan.blocks
        BufferPool.withScratch(count: headBlocks * (keyBlockFloats + valueBlockFloats)) { packed in
            let (keys, values) = (packed, packed + headBlocks * keyBlockFloats)
            parallelJobs(headBlocks) { jobs in
                for job in jobs { pack(job, key: key, value: value, keys: keys, values: values) }
            }
            parallelJobs(plan.jobs, scratch: AttentionScratch.count(plan, packed: true)) { jobs, memory in
                let scratch = AttentionScratch(plan, memory: memory, packed: true)
                for job in jobs {
                    let tile = plan.tile(job)
                    let head = (tile.batch * plan.heads + tile.head) * plan.blocks
                    run(tile, query: query + tile.query, keys: keys + head * keyBlockFloats,
                        values: values + head * valueBlockFloats, output: output + tile.query, scratch: scratch)
                }
            }
        }
    }

    /// Packs key block `job % blocks` of head `job / blocks` and its values.
    private func pack(_ job: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
                      keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>) {
        let (bh, block) = job.quotientAndRemainder(dividingBy: plan.blocks)
        let (b, h) = bh.quotientAndRemainder(dividingBy: plan.heads)
        let start = block * plan.keyBlock, count = Swift.min(plan.keyBlock, plan.keys - start)
        let first = plan.firstKey(batch: b, head: h) + start * plan.width
        ds_avx2_pack_b(1, plan.headDim, count, key + first, plan.width, keys + job * keyBlockFloats)
        ds_avx2_pack_b(0, count, plan.headDim, value + first, plan.width, values + job * valueBlockFloats)
    }

    /// One query tile against every key block of its head (`keys`, `values`: the head's packed blocks).
    private func run(_ tile: AttentionTile, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                     values: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: AttentionScratch) {
        let (rows, scores) = (tile.rows, scratch.scores)
        ds_avx2_pack_a(0, rows, plan.headDim, query, plan.width, scratch.packedQueries)
        for (block, start) in stride(from: 0, to: plan.keys, by: plan.keyBlock).enumerated() {
            if plan.skips(start: start, firstQuery: tile.firstQuery, rows: rows) { break }
            let count = Swift.min(plan.keyBlock, plan.keys - start), firstBlock = start == 0
            packedGEMM(m: rows, n: count, k: plan.headDim, alpha: plan.scale, a: scratch.packedQueries,
                       b: keys + block * keyBlockFloats, c: scores, ldc: count)
            for r in 0..<rows {
                scratch.corrections[r] = plan.raiseMaximum(row: r, scores: scores + r * count, count: count,
                                                           firstQuery: tile.firstQuery, start: start, scratch: scratch,
                                                           output: output)
            }
            ds_exp_pack_a_avx2(scores, count, rows, count, scratch.maxima, scratch.blockSums, scratch.packedProbabilities)
            for r in 0..<rows {
                plan.addSum(row: r, blockSum: scratch.blockSums[r], correction: scratch.corrections[r],
                            firstBlock: firstBlock, scratch: scratch)
            }
            packedGEMM(m: rows, n: plan.headDim, k: count, a: scratch.packedProbabilities,
                       b: values + block * valueBlockFloats, beta: firstBlock ? 0 : 1, c: output, ldc: plan.width)
        }
        plan.normalize(output: output, rows: rows, scratch: scratch)
    }
}
