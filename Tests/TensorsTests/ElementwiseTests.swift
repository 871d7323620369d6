import Testing
@testable import Tensors

@Suite struct ElementwiseTests {
    @Test func sameShapeAddMultiplyScale() {
        let a = randomTensor([3, 70], seed: 51), b = randomTensor([3, 70], seed: 52)
        #expect((a + b).scalars == zip(a.scalars, b.scalars).map { $0 + $1 })
        #expect((a * b).scalars == zip(a.scalars, b.scalars).map { $0 * $1 })
        #expect((a * 0.5).scalars == a.scalars.map { $0 * 0.5 })
    }

    @Test func biasBroadcastOverRows() {
        let x = randomTensor([2, 5, 6], seed: 53), bias = randomTensor([6], seed: 54)
        #expect(x.adding(bias).scalars == x.scalars.enumerated().map { $0.element + bias.scalars[$0.offset % 6] })
    }

    /// A time embedding `[N, C]` (or `[N, C, 1, 1]`) added to every pixel of `[N, C, H, W]`.
    @Test func perChannelBroadcastOverFeatureMaps() {
        let x = randomTensor([2, 3, 4, 5], seed: 55), t = randomTensor([2, 3], seed: 56)
        let expected = x.scalars.enumerated().map { $0.element + t.scalars[$0.offset / 20] }
        #expect(x.adding(t).scalars == expected)
        #expect(x.adding(t.reshaped([2, 3, 1, 1])).scalars == expected)
    }

    /// torch's vectorised `exp` is off by one ulp from the correctly rounded value for a few
    /// frequencies; times t = 999 that is one ulp of the angle (6e-5), hence the tolerance.
    @Test func timestepEmbeddingMatchesDiffusers() throws {
        let timesteps = try PyTorchReference.tensor("timesteps").scalars
        let sd = Tensor.timestepEmbedding(timesteps: timesteps, dim: 320, flipSinToCos: true, downscaleFreqShift: 0)
        expectClose(sd, try PyTorchReference.tensor("timestep_embedding.sd"), tolerance: 1e-4, "SD timestep embedding")
        let odd = Tensor.timestepEmbedding(timesteps: timesteps, dim: 33, flipSinToCos: false, downscaleFreqShift: 1)
        expectClose(odd, try PyTorchReference.tensor("timestep_embedding.shift1"), tolerance: 1e-4, "odd-size embedding")
    }
}
