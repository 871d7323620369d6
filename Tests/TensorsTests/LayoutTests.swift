import Testing
@testable import Tensors

@Suite struct LayoutTests {
    @Test func nearestUpsamplingMatchesPyTorch() throws {
        let x = try PyTorchReference.tensor("upsample.input")
        #expect(x.upsampleNearest2x().scalars == (try PyTorchReference.tensor("upsample.2x")).scalars)
        #expect(x.upsampleNearest(height: 7, width: 9).scalars == (try PyTorchReference.tensor("upsample.to_7x9")).scalars)
    }

    @Test func concatenateAlongChannels() {
        let a = randomTensor([2, 3, 4, 5], seed: 41), b = randomTensor([2, 1, 4, 5], seed: 42)
        let joined = Tensor.concatenate([a, b], axis: 1)
        #expect(joined.shape == [2, 4, 4, 5])
        for n in 0..<2 {
            let expected = Array(a.scalars[(n * 60)..<((n + 1) * 60)]) + Array(b.scalars[(n * 20)..<((n + 1) * 20)])
            #expect(Array(joined.scalars[(n * 80)..<((n + 1) * 80)]) == expected)
        }
        let last = Tensor.concatenate([a, a], axis: 3)
        #expect(last.shape == [2, 3, 4, 10])
        #expect(Array(last.scalars[0..<10]) == Array(a.scalars[0..<5]) + Array(a.scalars[0..<5]))
    }

    @Test func transposeLastTwoAcrossBlockEdges() {
        let x = randomTensor([2, 37, 70], seed: 43)
        let t = x.transposingLastTwo()
        #expect(t.shape == [2, 70, 37])
        let xs = x.scalars, ts = t.scalars
        for b in 0..<2 { for r in 0..<37 { for c in 0..<70 {
            #expect(ts[(b * 70 + c) * 37 + r] == xs[(b * 37 + r) * 70 + c])
        } } }
        #expect(t.transposingLastTwo().scalars == xs)
    }

    @Test func reshapeInfersOneDimensionAndSharesValues() {
        let x = randomTensor([2, 3, 4], seed: 44)
        let y = x.reshaped([-1, 4])
        #expect(y.shape == [6, 4])
        #expect(y.scalars == x.scalars)
    }
}
