import Testing
@testable import Tensors

@Suite struct AttentionTests {
    @Test func crossAndCausalMatchPyTorch() throws {
        let q = try PyTorchReference.tensor("attention.q"), k = try PyTorchReference.tensor("attention.k")
        let v = try PyTorchReference.tensor("attention.v")
        expectClose(Tensor.attention(query: q, key: k, value: v, heads: 3), try PyTorchReference.tensor("attention.cross"),
                    tolerance: 1e-5, "cross attention")
        let s = try PyTorchReference.tensor("attention.self_q")
        expectClose(Tensor.attention(query: s, key: s, value: s, heads: 3, causal: true),
                    try PyTorchReference.tensor("attention.causal"), tolerance: 1e-5, "causal self attention")
    }

    /// Enough queries and keys for several query tiles and key blocks (the online softmax's
    /// rescaling), each with a partial last one.
    @Test(arguments: [false, true])
    func tiledMatchesNaive(causal: Bool) {
        let keys = 3 * AttentionPlan.keyBlock + 100
        let queries = 4 * AttentionPlan.queryTile + 37
        let q = randomTensor([1, queries, 16], seed: 31), k = randomTensor([1, keys, 16], seed: 32)
        let v = randomTensor([1, keys, 16], seed: 33)
        let kv = causal ? q : k
        let got = Tensor.attention(query: q, key: kv, value: causal ? q : v, heads: 2, causal: causal)
        let expected = Naive.attention(q, kv, causal ? q : v, heads: 2, causal: causal)
        expectClose(got, expected, tolerance: 1e-5, "tiled attention (causal: \(causal))")
    }

    /// On our AVX2 kernel, keys and values packed once per head, queries once per tile and the
    /// probabilities written packed give the bytes of packing inside each product: several tiles
    /// and blocks with partial last ones, a causal mask, CLIP's 77 keys, a head wider than a depth block.
    @Test(.enabled(if: GEMMKernel.avx2.isSupported, "this CPU has no AVX2+FMA"),
          arguments: [(4 * AttentionPlan.queryTile + 37, 3 * AttentionPlan.keyBlock + 100, 40, 2, false),
                      (AttentionPlan.queryTile + 77, AttentionPlan.queryTile + 77, 24, 3, true),
                      (301, 77, 80, 2, false), (50, 700, 600, 2, false)])
    func packedGivesTheSameBytes(queries: Int, keys: Int, width: Int, heads: Int, causal: Bool) {
        let q = randomTensor([2, queries, width], seed: 41)
        let k = causal ? q : randomTensor([2, keys, width], seed: 42), v = causal ? q : randomTensor([2, keys, width], seed: 43)
        let plan = AttentionPlan(batch: 2, heads: heads, queries: queries, keys: keys, width: width, causal: causal)
        let (packed, o1) = Tensor.empty(q.shape), (perProduct, o2) = Tensor.empty(q.shape)
        ComputeContext(threads: 2, gemm: .avx2).run {
            PackedAttention(plan).run(query: q.pointer, key: k.pointer, value: v.pointer, output: o1)
            plan.run(query: q.pointer, key: k.pointer, value: v.pointer, output: o2)
        }
        #expect(packed.scalars.map(\.bitPattern) == perProduct.scalars.map(\.bitPattern))
    }
}
