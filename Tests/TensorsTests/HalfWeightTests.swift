import Testing
@testable import Tensors

/// Half-precision weights (`Weight.half`) give the bytes of the same values widened to float32
/// up front, through every product that widens them on the fly.
@Suite struct HalfWeightTests {
    /// `values` rounded to `format`, as a half weight and as the float32 tensor of the same values.
    func pair(_ values: Tensor, _ format: HalfFormat) -> (half: Weight, widened: Tensor) {
        let half = HalfTensor(format: format, rounding: values)
        return (Weight(half), half.widened())
    }

    @Test func widensExactly() {
        let f16 = HalfTensor(format: .f16, shape: [6]) { bits in
            // 1, −2, 65504 (largest), 2⁻²⁴ (smallest subnormal), 2⁻¹⁴ (smallest normal), +∞
            _ = bits.initialize(from: [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x7C00])
        }
        #expect(f16.widened().scalars == [1, -2, 65504, 0x1p-24, 0x1p-14, .infinity])
        let bf16 = HalfTensor(format: .bf16, shape: [4]) { bits in _ = bits.initialize(from: [0x3F80, 0xC040, 0x7F7F, 0x0001]) }
        #expect(bf16.widened().scalars == [1, -3, Float(bitPattern: 0x7F7F_0000), Float(bitPattern: 0x0001_0000)])
    }

    @Test func roundsToNearestEven() {
        // 1 + 2⁻¹¹ lies halfway between two F16 values and goes to the even one (1); 1 + 3·2⁻¹¹ goes up.
        #expect(HalfTensor(format: .f16, rounding: Tensor(shape: [2], scalars: [1 + 0x1p-11, 1 + 3 * 0x1p-11])).widened().scalars
            == [1, 1 + 0x1p-9])
        // The same for bfloat16's 8-bit significand.
        #expect(HalfTensor(format: .bf16, rounding: Tensor(shape: [2], scalars: [1 + 0x1p-8, 1 + 3 * 0x1p-8])).widened().scalars
            == [1, 1 + 0x1p-6])
    }

    /// On every GEMM this CPU runs: ours on AVX2 widens the half weight as it packs it, the others
    /// widen it into scratch first.
    @Test(arguments: HalfFormat.allCases, GEMMKernel.allCases.filter(\.isSupported))
    func linearGivesTheWidenedBytes(format: HalfFormat, kernel: GEMMKernel) {
        ComputeContext(gemm: kernel).run {
            let x = randomTensor([3, 5, 200], seed: 1)
            let (half, widened) = pair(randomTensor([300, 200], seed: 2, scale: 0.1), format)
            let bias = randomTensor([300], seed: 3)
            #expect(x.linear(weight: half, bias: bias).scalars == x.linear(weight: widened, bias: bias).scalars)
            #expect(x.linear(weight: half).scalars == x.linear(weight: widened).scalars)
        }
    }

    /// A 3×3 convolution in bands (with and without stride), bands as independent jobs (a
    /// 256² map), and a 1×1 one, over a batch of two.
    @Test(arguments: HalfFormat.allCases)
    func conv2dGivesTheWidenedBytes(format: HalfFormat) {
        let x = randomTensor([2, 12, 40, 70], seed: 4)
        let (half, widened) = pair(randomTensor([23, 12, 3, 3], seed: 5, scale: 0.2), format)
        let bias = randomTensor([23], seed: 6)
        for stride in [1, 2] {
            #expect(x.conv2d(weight: half, bias: bias, stride: stride, padding: .all(1), algorithm: .direct).scalars
                == x.conv2d(weight: widened, bias: bias, stride: stride, padding: .all(1), algorithm: .direct).scalars, "stride \(stride)")
        }
        let large = randomTensor([1, 3, 256, 256], seed: 7)
        let (small, smallWidened) = pair(randomTensor([8, 3, 3, 3], seed: 8, scale: 0.3), format)
        #expect(large.conv2d(weight: small, padding: .all(1), algorithm: .direct).scalars
            == large.conv2d(weight: smallWidened, padding: .all(1), algorithm: .direct).scalars)
        let (pointwise, pointwiseWidened) = pair(randomTensor([50, 12, 1, 1], seed: 9, scale: 0.2), format)
        #expect(x.conv2d(weight: pointwise).scalars == x.conv2d(weight: pointwiseWidened).scalars)
    }

    /// Each Winograd job widens only the output channels it transforms: with 600 input channels
    /// a job takes 48 (F(4,3)) or 109 (F(2,3)) of the 130. On CPUs without AVX-512 this is the
    /// direct convolution again.
    @Test(arguments: [Conv2DAlgorithm.winograd2, .winograd4])
    func winogradGivesTheWidenedBytes(algorithm: Conv2DAlgorithm) {
        let x = randomTensor([1, 600, 32, 32], seed: 10)
        let (half, widened) = pair(randomTensor([130, 600, 3, 3], seed: 11, scale: 0.05), .f16)
        let bias = randomTensor([130], seed: 12)
        #expect(x.conv2d(weight: half, bias: bias, padding: .all(1), algorithm: algorithm).scalars
            == x.conv2d(weight: widened, bias: bias, padding: .all(1), algorithm: algorithm).scalars)
    }

    @Test func embeddingRowsAreWidened() {
        let (half, widened) = pair(randomTensor([50, 16], seed: 11), .bf16)
        #expect(half.gatherRows([3, 0, 49, 3]).scalars == widened.gatherRows([3, 0, 49, 3]).scalars)
    }

    /// Half weights take two bytes a value; the scratch they are widened into comes in a few sizes.
    @Test func sizes() {
        let (half, widened) = pair(randomTensor([30, 7], seed: 12), .f16)
        #expect(half.byteCount == 2 * 210 && Weight(widened).byteCount == 4 * 210)
        #expect(half.reshaped([7, 30]).shape == [7, 30] && half.reshaped([7, 30]).float32.scalars == widened.scalars)
        #expect([1, 2, 3, 1000, 1024, 1025].map(Weight.scratchFloats) == [1, 2, 4, 1024, 1024, 2048])
    }
}
