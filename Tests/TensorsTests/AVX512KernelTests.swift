import CKernels
import Foundation
import Testing
@testable import Tensors

/// Our AVX-512 kernels: the GEMM against a double-precision product (every transpose, edges of
/// the 6×64 tile in both directions, several depth blocks, alpha and beta, a C that must not be
/// read), and the softmax passes against `vectorExp` and Foundation's `exp`.
@Suite(.enabled(if: ds_avx512_available() != 0, "this CPU has no AVX-512F"))
struct AVX512KernelTests {
    /// op(A)[i, p] and op(B)[p, j] of matrices stored row-major with leading dimensions that
    /// exceed their widths, so a kernel that ignores lda/ldb/ldc reads or writes the wrong floats.
    private func check(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float) {
        let (aRows, aCols) = transposeA ? (k, m) : (m, k), (bRows, bCols) = transposeB ? (n, k) : (k, n)
        let (lda, ldb, ldc) = (aCols + 3, bCols + 5, n + 7)
        let a = randomTensor([aRows * lda], seed: 41).scalars, b = randomTensor([bRows * ldb], seed: 42).scalars
        let c0 = randomTensor([m * ldc], seed: 43).scalars
        var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : c0
        let status = ds_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, &c, ldc)
        #expect(status == 0)
        var worst: Double = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let expected = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j]))
                worst = max(worst, abs(expected - Double(c[i * ldc + j])))
            }
            // Padding between rows of C is left alone.
            for j in n..<ldc where beta != 0 { #expect(c[i * ldc + j] == c0[i * ldc + j], "row \(i) padding written") }
        }
        #expect(worst <= 2e-5 * Double(k).squareRoot() * Double(max(1, abs(alpha))) + 1e-5,
                "\(m)×\(n)×\(k) tA \(transposeA) tB \(transposeB) α \(alpha) β \(beta): max error \(worst)")
    }

    @Test(arguments: [(m: 1, n: 1, k: 1), (m: 7, n: 65, k: 3), (m: 13, n: 40, k: 385), (m: 6, n: 128, k: 800),
                      (m: 50, n: 530, k: 77), (m: 5, n: 17, k: 33)])
    func matchesDoublePrecision(m: Int, n: Int, k: Int) {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                check(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 0)
            }
        }
        check(m: m, n: n, k: k, transposeA: false, transposeB: true, alpha: 0.125, beta: 1)
        check(m: m, n: n, k: k, transposeA: true, transposeB: false, alpha: -2, beta: 0.5)
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
