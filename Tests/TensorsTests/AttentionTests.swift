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
}
