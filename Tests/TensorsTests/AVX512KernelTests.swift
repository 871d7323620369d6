import CKernels
import Foundation
import Testing
@testable import Tensors

/// Our AVX-512 kernels: the GEMM against a double-precision product (every transpose, edges of
/// the 6×64 tile in both directions, several depth blocks, alpha and beta, a C that must not be
/// read), and the softmax passes against `vectorExp` and Foundation's `exp`.
@Suite(.enabled(if: ds_avx512_available() != 0, "this CPU has no AVX-512F"))
struct AVX512KernelTests {
    @Test(arguments: [(m: 1, n: 1, k: 1), (m: 7, n: 65, k: 3), (m: 13, n: 40, k: 385), (m: 6, n: 128, k: 800),
                      (m: 50, n: 530, k: 77), (m: 5, n: 17, k: 33)])
    func matchesDoublePrecision(m: Int, n: Int, k: Int) {
        for check in GEMMCheck.variants(m: m, n: n, k: k) {
            let worst = check.run({ ds_sgemm($0, $1, m, n, k, check.alpha, $2, check.lda, $3, check.ldb, check.beta, &$4, check.ldc) },
                                  error: { expected, got, _ in abs(expected - got) })
            #expect(worst <= 2e-5 * Double(k).squareRoot() * Double(max(1, abs(check.alpha))) + 1e-5, "\(check.label): max error \(worst)")
        }
    }

    /// k = 0 adds no product: C becomes beta·C (zero for beta = 0, even where C held NaN).
    @Test func emptyDepthScalesC() {
        var c: [Float] = [1, .nan, 3, 4]
        let none: [Float] = [0]
        #expect(ds_sgemm(0, 0, 2, 2, 0, 1, none, 1, none, 2, 0, &c, 2) == 0)
        #expect(c == [0, 0, 0, 0])
        c = [1, 2, 3, 4]
        #expect(ds_sgemm(0, 0, 2, 2, 0, 1, none, 1, none, 2, 2, &c, 2) == 0)
        #expect(c == [2, 4, 6, 8])
    }

    /// Row maximum skips NaN; exp of (x − max) matches `vectorExp` to 1 ulp and exp to 3e-7 relative,
    /// with lengths that leave a partial last vector; entries far below the maximum become 0.
    @Test(arguments: [1, 16, 37, 512])
    func softmaxPasses(count: Int) {
        var row = randomTensor([count], seed: 44, scale: 20).scalars
        row[0] = -200
        #expect(ds_row_max(row, count) == row.max())
        var withNaN = row
        withNaN[count - 1] = .nan
        if count > 1 { #expect(ds_row_max(withNaN, count) == row.dropLast().max()) }
        let maximum = row.max() ?? 0
        var exponentials = row
        let sum = ds_exp_sum(&exponentials, count, maximum)
        for (x, e) in zip(row, exponentials) {
            let reference = vectorExp(Vector(repeating: x - maximum))[0]
            #expect(abs(e - reference) <= reference.ulp, "exp(\(x - maximum)): \(e) vs \(reference)")
            #expect(abs(Double(e) - Foundation.exp(Double(x - maximum))) <= 3e-7 * max(Double(e), 1e-30) + 1e-38)
        }
        #expect(exponentials[0] == 0 || count == 1 && exponentials[0] == 1)
        #expect(abs(sum - exponentials.reduce(0, +)) <= 1e-5 * sum)
    }
}
