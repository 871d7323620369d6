import Testing
@testable import Tensors

@Suite struct Conv2DTests {
    @Test(arguments: [
        (kernel: 1, stride: 1, pad: 0), (kernel: 3, stride: 1, pad: 1), (kernel: 3, stride: 2, pad: 1),
        (kernel: 1, stride: 2, pad: 0), (kernel: 3, stride: 1, pad: 0),
    ])
    func matchesNaive(kernel: Int, stride: Int, pad: Int) {
        let x = randomTensor([2, 5, 9, 12], seed: 11)
        let w = randomTensor([7, 5, kernel, kernel], seed: 12), b = randomTensor([7], seed: 13)
        let padding = Padding.all(pad)
        let got = x.conv2d(weight: w, bias: b, stride: stride, padding: padding)
        expectClose(got, Naive.conv2d(x, w, b, stride: stride, padding: padding), tolerance: 2e-5,
                    "conv \(kernel)x\(kernel) stride \(stride) pad \(pad)")
        let noBias = x.conv2d(weight: w, stride: stride, padding: padding)
        expectClose(noBias, Naive.conv2d(x, w, nil, stride: stride, padding: padding), tolerance: 2e-5, "without bias")
    }

    @Test func asymmetricPaddingAsVAEDownsample() {
        let x = randomTensor([1, 3, 8, 10], seed: 14), w = randomTensor([4, 3, 3, 3], seed: 15)
        let padding = Padding(top: 0, left: 0, bottom: 1, right: 1)
        let got = x.conv2d(weight: w, stride: 2, padding: padding)
        #expect(got.shape == [1, 4, 4, 5])
        expectClose(got, Naive.conv2d(x, w, nil, stride: 2, padding: padding), tolerance: 2e-5, "asymmetric pad")
    }

    /// Large enough that the column buffer holds only a band of output rows at a time.
    @Test func manyBandsMatchNaive() {
        let x = randomTensor([1, 16, 150, 130], seed: 16), w = randomTensor([8, 16, 3, 3], seed: 17), b = randomTensor([8], seed: 18)
        #expect(16 * 9 * 130 * 150 > Conv2DPlan.columnBudget, "test no longer spans several bands")
        let got = x.conv2d(weight: w, bias: b, padding: .all(1), algorithm: .direct)
        expectClose(got, Naive.conv2d(x, w, b, stride: 1, padding: .all(1)), tolerance: 5e-5, "banded conv")
        let strided = x.conv2d(weight: w, bias: b, stride: 2, padding: .all(1))
        expectClose(strided, Naive.conv2d(x, w, b, stride: 2, padding: .all(1)), tolerance: 5e-5, "banded strided conv")
    }

    /// A map large enough that bands run as independent jobs, batch 2, with a partial last band.
    @Test func independentBandsMatchNaive() {
        let x = randomTensor([2, 3, 257, 258], seed: 19), w = randomTensor([4, 3, 3, 3], seed: 20), b = randomTensor([4], seed: 21)
        #expect(257 * 258 >= Conv2DPlan.independentBandPixels, "test no longer runs independent bands")
        expectClose(x.conv2d(weight: w, bias: b, padding: .all(1)), Naive.conv2d(x, w, b, stride: 1, padding: .all(1)),
                    tolerance: 5e-5, "independent bands")
    }

    @Test func matchesPyTorch() throws {
        let x = try PyTorchReference.tensor("conv.input")
        let w = try PyTorchReference.tensor("conv.weight"), b = try PyTorchReference.tensor("conv.bias")
        expectClose(x.conv2d(weight: w, bias: b, padding: .all(1)), try PyTorchReference.tensor("conv3x3"), tolerance: 1e-5, "3x3")
        expectClose(x.conv2d(weight: w, bias: b, stride: 2, padding: .all(1)), try PyTorchReference.tensor("conv3x3_stride2"),
                    tolerance: 1e-5, "3x3 stride 2")
        expectClose(x.conv2d(weight: w, bias: b, stride: 2, padding: Padding(top: 0, left: 0, bottom: 1, right: 1)),
                    try PyTorchReference.tensor("conv3x3_vae_down"), tolerance: 1e-5, "VAE downsample")
    }
}
