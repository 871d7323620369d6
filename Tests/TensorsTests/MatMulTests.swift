import Testing
@testable import Tensors

@Suite struct MatMulTests {
    @Test func linearMatchesNaiveWithAndWithoutBias() {
        let x = randomTensor([2, 3, 17], seed: 1), w = randomTensor([11, 17], seed: 2), b = randomTensor([11], seed: 3)
        let expected = Naive.matmul(x.scalars, w.scalars, m: 6, n: 11, k: 17, transposeB: true)
        let plain = x.linear(weight: w)
        #expect(plain.shape == [2, 3, 11])
        expectClose(plain, Tensor(shape: [2, 3, 11], scalars: expected), tolerance: 1e-5, "linear")
        let biased = x.linear(weight: w, bias: b)
        let withBias = expected.enumerated().map { $0.element + b.scalars[$0.offset % 11] }
        expectClose(biased, Tensor(shape: [2, 3, 11], scalars: withBias), tolerance: 1e-5, "linear + bias")
    }

    @Test func batchedMatmulPerBatchAndShared() {
        let a = randomTensor([3, 5, 7], seed: 4), b = randomTensor([3, 7, 4], seed: 5), shared = randomTensor([7, 4], seed: 6)
        let perBatch = a.matmul(b), withShared = a.matmul(shared)
        for i in 0..<3 {
            let ai = Array(a.scalars[(i * 35)..<((i + 1) * 35)])
            let expected = Naive.matmul(ai, Array(b.scalars[(i * 28)..<((i + 1) * 28)]), m: 5, n: 4, k: 7)
            let got = Array(perBatch.scalars[(i * 20)..<((i + 1) * 20)])
            #expect(zip(expected, got).allSatisfy { abs($0 - $1) < 1e-5 }, "batch \(i)")
            let sharedExpected = Naive.matmul(ai, shared.scalars, m: 5, n: 4, k: 7)
            let sharedGot = Array(withShared.scalars[(i * 20)..<((i + 1) * 20)])
            #expect(zip(sharedExpected, sharedGot).allSatisfy { abs($0 - $1) < 1e-5 }, "shared batch \(i)")
        }
    }

    @Test func matmulWithTransposedOther() {
        let a = randomTensor([2, 6, 5], seed: 7), b = randomTensor([2, 9, 5], seed: 8)
        let got = a.matmul(b, transposeOther: true)
        #expect(got.shape == [2, 6, 9])
        for i in 0..<2 {
            let expected = Naive.matmul(Array(a.scalars[(i * 30)..<((i + 1) * 30)]), Array(b.scalars[(i * 45)..<((i + 1) * 45)]),
                                        m: 6, n: 9, k: 5, transposeB: true)
            #expect(zip(expected, got.scalars[(i * 54)...]).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }
}
