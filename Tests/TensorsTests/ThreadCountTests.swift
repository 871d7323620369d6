import Testing
@testable import Tensors

/// Every rank of a cluster must write the same bytes whatever its `--threads`, so the kernels
/// whose work is split across cores must give bit-identical sums for 1 and 2 threads, on every
/// GEMM kernel this CPU runs.
@Suite struct ThreadCountTests {
    private func sameForOneAndTwoThreads(_ label: String, _ compute: () -> Tensor) {
        for kernel in GEMMKernel.allCases where kernel.isSupported {
            let single = ComputeContext(threads: 1, gemm: kernel).run(compute)
            let double = ComputeContext(threads: 2, gemm: kernel).run(compute)
            #expect(single.scalars == double.scalars, "\(label) on \(kernel.name) depends on the thread count")
        }
    }

    /// Large enough to be cut into several GEMM parts, with both operands' shapes uneven.
    @Test func largeLinear() {
        let x = randomTensor([1, 1031, 300], seed: 31), w = randomTensor([517, 300], seed: 32)
        sameForOneAndTwoThreads("linear") { x.linear(weight: w) }
    }

    /// A 256² map, so bands run as independent single-core jobs, as in the VAE's last layers.
    @Test func largeMapConvolution() {
        let x = randomTensor([1, 8, 256, 256], seed: 33), w = randomTensor([8, 8, 3, 3], seed: 34)
        #expect(256 * 256 >= Conv2DPlan.independentBandPixels, "test no longer covers independent bands")
        sameForOneAndTwoThreads("conv2d") { x.conv2d(weight: w, padding: .all(1)) }
    }

    /// Winograd F(4,3) with several blocks of tiles and jobs of output channels.
    @Test func winogradConvolution() {
        let x = randomTensor([2, 200, 60, 70], seed: 38), w = randomTensor([150, 200, 3, 3], seed: 39)
        #expect(Conv2DAlgorithm.preferred(cin: 200, cout: 150, kernel: (3, 3), stride: 1, outH: 60, outW: 70) == .winograd4
                || !Conv2DAlgorithm.winogradAvailable, "test no longer covers Winograd")
        sameForOneAndTwoThreads("winograd conv2d") { x.conv2d(weight: w, padding: .all(1)) }
    }

    /// Several query tiles and key blocks per head, as in the UNet's 64×64 self-attention.
    @Test func attention() {
        let q = randomTensor([2, 600, 64], seed: 35), k = randomTensor([2, 700, 64], seed: 36)
        let v = randomTensor([2, 700, 64], seed: 37)
        sameForOneAndTwoThreads("attention") { Tensor.attention(query: q, key: k, value: v, heads: 2) }
    }
}
