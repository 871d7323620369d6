import Testing
@testable import Tensors

@Suite struct NormalizationTests {
    @Test func groupNormMatchesPyTorch() throws {
        let x = try PyTorchReference.tensor("input")
        let got = x.groupNorm(groups: 4, eps: 1e-6, weight: try PyTorchReference.tensor("group_norm.weight"),
                              bias: try PyTorchReference.tensor("group_norm.bias"))
        expectClose(got, try PyTorchReference.tensor("group_norm"), tolerance: 1e-5, "group norm")
    }

    /// The fused pass gives exactly the bytes of normalising, then applying SiLU, also for
    /// planes that are not a whole number of vectors and span several chunks.
    @Test(arguments: [[2, 8, 5, 7], [1, 4, 70, 61]])
    func groupNormWithSiLUIsGroupNormThenSiLU(shape: [Int]) {
        let x = randomTensor(shape, seed: 22, scale: 3), w = randomTensor([shape[1]], seed: 23), b = randomTensor([shape[1]], seed: 24)
        let fused = x.groupNorm(groups: 2, eps: 1e-6, weight: w, bias: b, silu: true)
        #expect(fused.scalars == x.groupNorm(groups: 2, eps: 1e-6, weight: w, bias: b).silu().scalars)
    }

    /// In place only over memory nothing else holds: a tensor still referenced elsewhere keeps
    /// its values (a decoder's residual must not be normalised under it), one given up is reused.
    @Test func groupNormInPlaceWritesOnlyOverMemoryNothingElseHolds() {
        let x = randomTensor([2, 8, 5, 7], seed: 25, scale: 3), w = randomTensor([8], seed: 26), b = randomTensor([8], seed: 27)
        let expected = x.groupNorm(groups: 4, eps: 1e-6, weight: w, bias: b, silu: true).scalars
        let original = x.scalars
        let fromShared = x.groupNormInPlace(groups: 4, eps: 1e-6, weight: w, bias: b, silu: true)
        #expect(x.scalars == original, "a tensor still held elsewhere was overwritten")
        #expect(fromShared.scalars == expected && fromShared.pointer != x.pointer)

        let owned = Tensor(shape: x.shape, scalars: original)
        let address = owned.pointer
        let fromOwned = (consume owned).groupNormInPlace(groups: 4, eps: 1e-6, weight: w, bias: b, silu: true)
        #expect(fromOwned.scalars == expected)
        #expect(fromOwned.pointer == address, "a tensor given up was not normalised in place")
    }

    @Test func layerNormMatchesPyTorch() throws {
        let x = try PyTorchReference.tensor("input")
        let got = x.layerNorm(eps: 1e-5, weight: try PyTorchReference.tensor("layer_norm.weight"),
                              bias: try PyTorchReference.tensor("layer_norm.bias"))
        expectClose(got, try PyTorchReference.tensor("layer_norm"), tolerance: 1e-5, "layer norm")
    }

    /// A big group far from zero mean: float accumulation would lose the variance.
    @Test func groupNormLargeGroupWithOffsetMatchesDoubleReference() {
        let (channels, spatial) = (4, 256 * 256)
        let x = randomTensor([1, channels, 256, 256], seed: 21, scale: 0.5, offset: 300)
        let got = x.groupNorm(groups: 2, eps: 1e-6)
        let values = x.scalars
        var expected = [Float](repeating: 0, count: values.count)
        for g in 0..<2 {
            let range = (g * 2 * spatial)..<((g + 1) * 2 * spatial)
            let mean = range.reduce(0.0) { $0 + Double(values[$1]) } / Double(range.count)
            let variance = range.reduce(0.0) { $0 + (Double(values[$1]) - mean) * (Double(values[$1]) - mean) } / Double(range.count)
            for i in range { expected[i] = Float((Double(values[i]) - mean) / (variance + 1e-6).squareRoot()) }
        }
        expectClose(got, Tensor(shape: x.shape, scalars: expected), tolerance: 2e-3, "offset group norm")
    }

    @Test func normsDoNotDependOnThreadCount() {
        let x = randomTensor([2, 32, 20, 20], seed: 22)
        let single = ComputeContext(threads: 1).run { x.groupNorm(groups: 8, eps: 1e-5).layerNorm(eps: 1e-5) }
        let double = ComputeContext(threads: 2).run { x.groupNorm(groups: 8, eps: 1e-5).layerNorm(eps: 1e-5) }
        #expect(single.scalars == double.scalars)
    }
}
