import CKernels
import Testing
@testable import Tensors

/// Our AVX-512 kernels: the GEMM (6×64 tile) by `SGEMMKernelChecks`, the softmax passes by
/// `SoftmaxPassChecks`. Skipped, by name, on CPUs without AVX-512F.
@Suite(.enabled(if: ds_avx512_available() != 0, "this CPU has no AVX-512F"))
struct AVX512KernelTests {
    @Test(arguments: SGEMMKernelChecks.shapes)
    func gemmMatchesDoublePrecision(m: Int, n: Int, k: Int) { SGEMMKernelChecks.matchDoublePrecision(ds_sgemm, m: m, n: n, k: k) }

    @Test func gemmScalesCForEmptyDepth() { SGEMMKernelChecks.scaleCForEmptyDepth(ds_sgemm) }

    @Test(arguments: [false, true], [false, true])
    func gemmSameBytesForAnySplit(transposeA: Bool, transposeB: Bool) {
        SGEMMKernelChecks.sameBytesForAnySplit(ds_sgemm, transposeA: transposeA, transposeB: transposeB)
    }

    @Test(arguments: SoftmaxPassChecks.lengths)
    func softmaxPasses(count: Int) { SoftmaxPassChecks.check(rowMax: ds_row_max, expSum: ds_exp_sum, count: count) }
}
