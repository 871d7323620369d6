import CKernels
import Testing
@testable import Tensors

/// Our AVX2 + FMA kernels: the GEMM (6×16 tile) by `SGEMMKernelChecks`, the softmax passes by
/// `SoftmaxPassChecks`. Skipped, by name, on CPUs without
/// AVX2 and FMA; AVX-512 CPUs run it too, since clusters mix both kinds of node.
@Suite(.enabled(if: ds_avx2_available() != 0, "this CPU has no AVX2+FMA"))
struct AVX2KernelTests {
    @Test(arguments: SGEMMKernelChecks.shapes)
    func gemmMatchesDoublePrecision(m: Int, n: Int, k: Int) { SGEMMKernelChecks.matchDoublePrecision(ds_sgemm_avx2, m: m, n: n, k: k) }

    @Test func gemmScalesCForEmptyDepth() { SGEMMKernelChecks.scaleCForEmptyDepth(ds_sgemm_avx2) }

    @Test(arguments: [false, true], [false, true])
    func gemmSameBytesForAnySplit(transposeA: Bool, transposeB: Bool) {
        SGEMMKernelChecks.sameBytesForAnySplit(ds_sgemm_avx2, transposeA: transposeA, transposeB: transposeB)
    }

    /// B in F16/BF16, widened while packed, gives the bytes of B's float32 copy, for both layouts of
    /// B, partial strips and depth tails, and B's extremes (subnormals, infinity, the largest value).
    @Test(arguments: HalfFormat.allCases, [false, true])
    func gemmWidensHalfOperandExactly(format: HalfFormat, transposeB: Bool) {
        let (m, n, k) = (13, 45, 263)
        let a = randomTensor([m, k], seed: 5).scalars
        var bits = HalfTensor(format: format, rounding: randomTensor([n, k], seed: 6)).bitPatterns
        let extremes: [UInt16] = format == .f16 ? [0x0001, 0x83FF, 0x7BFF, 0x7C00] : [0x0001, 0x807F, 0x7F7F, 0x7F80]
        for (index, value) in extremes.enumerated() { bits[index * 37] = value }
        let widened = HalfTensor(format: format, shape: [n * k]) { _ = $0.initialize(from: bits) }.widened().scalars
        let ldb = transposeB ? k : n
        var viaHalf = [Float](repeating: 0, count: m * n), viaFloat = viaHalf
        #expect(ds_sgemm_avx2_half_b(0, transposeB ? 1 : 0, m, n, k, 0.5, a, k, bits, format.kernelCode, ldb, 0, &viaHalf, n) == 0)
        #expect(ds_sgemm_avx2(0, transposeB ? 1 : 0, m, n, k, 0.5, a, k, widened, ldb, 0, &viaFloat, n) == 0)
        #expect(viaHalf.map(\.bitPattern) == viaFloat.map(\.bitPattern))
        #expect(viaFloat.contains { !$0.isFinite })
    }

    @Test(arguments: SoftmaxPassChecks.lengths)
    func softmaxPasses(count: Int) { SoftmaxPassChecks.check(rowMax: ds_row_max_avx2, expSum: ds_exp_sum_avx2, count: count) }
}

extension HalfTensor {
    /// The stored 16-bit values, in order.
    var bitPatterns: [UInt16] { Array(UnsafeBufferPointer(start: storage.pointer, count: shape.reduce(1, *))) }
}
