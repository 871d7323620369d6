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

    /// Operands packed ahead give the bytes of packing inside the product: several depth blocks, more
    /// columns than one panel, more rows than one block of A, partial tiles, both layouts, beta ≠ 0.
    @Test(arguments: [false, true], [false, true])
    func packedGEMMGivesTheSameBytes(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (131, 1043, 530)
        let a = randomTensor([m * k], seed: 7).scalars, b = randomTensor([k * n], seed: 8).scalars
        let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
        let c = randomTensor([m * n], seed: 9).scalars
        var packedA = [Float](repeating: .nan, count: roundUp(m, to: Int(DS_AVX2_MR)) * k)
        // Packed B is read with aligned loads: a tensor's storage, not an array's.
        let (packedBStorage, packedB) = Tensor.empty([roundUp(n, to: Int(DS_AVX2_NR)) * k])
        ds_avx2_pack_a(transposeA ? 1 : 0, m, k, a, lda, &packedA)
        ds_avx2_pack_b(transposeB ? 1 : 0, k, n, b, ldb, packedB)
        var viaPacked = c, direct = c
        withExtendedLifetime(packedBStorage) { ds_sgemm_avx2_packed(m, n, k, 0.75, packedA, packedB, 0.5, &viaPacked, n) }
        #expect(ds_sgemm_avx2(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 0.75, a, lda, b, ldb, 0.5, &direct, n) == 0)
        #expect(viaPacked.map(\.bitPattern) == direct.map(\.bitPattern))
    }

    /// The exp pass that packs attention's probabilities gives ds_exp_sum_avx2's values, at the
    /// places ds_avx2_pack_a puts them, and its sums: rows past a panel, depths past a block and a
    /// vector, -infinity (masked keys).
    @Test func expPackGivesExpSumValues() {
        let (rows, count, ld) = (13, 517, 520)
        var scores = randomTensor([rows * ld], seed: 10).scalars.map { $0 * 8 }
        for r in 0..<rows { scores[r * ld + count - 1 - r] = -.infinity }
        let maxima = (0..<rows).map { r in scores[(r * ld)..<(r * ld + count)].max()! }
        var packed = [Float](repeating: .nan, count: roundUp(rows, to: Int(DS_AVX2_MR)) * count)
        var sums = [Float](repeating: .nan, count: rows)
        var inPlace = scores
        ds_exp_pack_a_avx2(&scores, ld, rows, count, maxima, &sums, &packed)
        let expected = (0..<rows).map { r in inPlace.withUnsafeMutableBufferPointer { ds_exp_sum_avx2($0.baseAddress! + r * ld, count, maxima[r]) } }
        #expect(sums.map(\.bitPattern) == expected.map(\.bitPattern))
        var repacked = [Float](repeating: .nan, count: packed.count)
        ds_avx2_pack_a(0, rows, count, inPlace, ld, &repacked)
        #expect(packed.map(\.bitPattern) == repacked.map(\.bitPattern))
    }

    @Test(arguments: SoftmaxPassChecks.lengths)
    func softmaxPasses(count: Int) { SoftmaxPassChecks.check(rowMax: ds_row_max_avx2, expSum: ds_exp_sum_avx2, count: count) }
}

extension HalfTensor {
    /// The stored 16-bit values, in order.
    var bitPatterns: [UInt16] { Array(UnsafeBufferPointer(start: storage.pointer, count: shape.reduce(1, *))) }
}
