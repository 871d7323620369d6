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

    @Test(arguments: SoftmaxPassChecks.lengths)
    func softmaxPasses(count: Int) { SoftmaxPassChecks.check(rowMax: ds_row_max_avx2, expSum: ds_exp_sum_avx2, count: count) }
}
