import Foundation
import Testing

/// One product a GEMM kernel is checked on: op(A) m×k and op(B) k×n stored row-major with leading
/// dimensions that exceed their widths (so a kernel that ignores lda/ldb/ldc reads or writes the
/// wrong floats), and a C whose padding between rows must stay as it was.
struct GEMMCheck {
    let m, n, k: Int
    let transposeA, transposeB: Bool
    let alpha, beta: Float
    let lda, ldb, ldc: Int
    let a, b, c0: [Float]

    /// Every transpose at alpha 1 and beta 0 (a C of NaN that must not be read), then two that scale and add.
    static func variants(m: Int, n: Int, k: Int) -> [GEMMCheck] {
        [(false, false, 1, 0), (false, true, 1, 0), (true, false, 1, 0), (true, true, 1, 0), (false, true, 0.125, 1), (true, false, -2, 0.5)]
            .map { GEMMCheck(m: m, n: n, k: k, transposeA: $0, transposeB: $1, alpha: $2, beta: $3) }
    }

    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float) {
        (self.m, self.n, self.k, self.transposeA, self.transposeB, self.alpha, self.beta) = (m, n, k, transposeA, transposeB, alpha, beta)
        let (aRows, aCols) = transposeA ? (k, m) : (m, k), (bRows, bCols) = transposeB ? (n, k) : (k, n)
        (lda, ldb, ldc) = (aCols + 3, bCols + 5, n + 7)
        a = randomTensor([aRows * lda], seed: 41).scalars
        b = randomTensor([bRows * ldb], seed: 42).scalars
        c0 = randomTensor([m * ldc], seed: 43).scalars
    }

    var label: String { "\(m)×\(n)×\(k) tA \(transposeA) tB \(transposeB) α \(alpha) β \(beta)" }

    /// Runs `kernel(transA, transB, a, b, c)` on a C to write and returns the largest of
    /// `error(expected, got, Σ|products|)` over C, with the products of `operand`-mapped entries
    /// summed in double precision; fails if the kernel reports an error or writes C's padding.
    func run(_ kernel: (Int32, Int32, [Float], [Float], inout [Float]) -> Int32, operand: (Float) -> Double = { Double($0) },
             error: (_ expected: Double, _ got: Double, _ magnitude: Double) -> Double) -> Double {
        var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : c0
        #expect(kernel(transposeA ? 1 : 0, transposeB ? 1 : 0, a, b, &c) == 0, "\(label): kernel failed")
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let product = operand(transposeA ? a[p * lda + i] : a[i * lda + p]) * operand(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += product
                    magnitude += abs(product)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j])
                worst = max(worst, error(Double(alpha) * sum + old, Double(c[i * ldc + j]), abs(Double(alpha)) * magnitude + abs(old)))
            }
            for j in n..<ldc where beta != 0 { #expect(c[i * ldc + j] == c0[i * ldc + j], "\(label): row \(i) padding written") }
        }
        return worst
    }
}

/// One of our single-threaded float32 GEMMs in CKernels (ds_sgemm, ds_sgemm_avx2).
typealias SGEMMKernel = (Int32, Int32, Int, Int, Int, Float, UnsafePointer<Float>?, Int, UnsafePointer<Float>?, Int, Float,
                         UnsafeMutablePointer<Float>?, Int) -> Int32

/// The checks every float32 GEMM kernel of ours passes, whichever tile it uses.
enum SGEMMKernelChecks {
    /// Shapes with edges of 6-row and 16- or 64-column tiles in both directions, several depth blocks,
    /// and (the last) several row blocks and column panels of the AVX2 kernel.
    static let shapes = [(m: 1, n: 1, k: 1), (m: 7, n: 65, k: 3), (m: 13, n: 40, k: 385), (m: 6, n: 128, k: 800),
                         (m: 50, n: 530, k: 77), (m: 5, n: 17, k: 33), (m: 11, n: 9, k: 260),
                         (m: 130, n: 1040, k: 270)]

    /// Against a double-precision product: every transpose, alpha and beta, a C that must not be read.
    static func matchDoublePrecision(_ kernel: SGEMMKernel, m: Int, n: Int, k: Int) {
        for check in GEMMCheck.variants(m: m, n: n, k: k) {
            let worst = check.run({ kernel($0, $1, m, n, k, check.alpha, $2, check.lda, $3, check.ldb, check.beta, &$4, check.ldc) },
                                  error: { expected, got, _ in abs(expected - got) })
            #expect(worst <= 2e-5 * Double(k).squareRoot() * Double(max(1, abs(check.alpha))) + 1e-5, "\(check.label): max error \(worst)")
        }
    }

    /// k = 0 adds no product: C becomes beta·C (zero for beta = 0, even where C held NaN).
    static func scaleCForEmptyDepth(_ kernel: SGEMMKernel) {
        var c: [Float] = [1, .nan, 3, 4]
        let none: [Float] = [0]
        #expect(kernel(0, 0, 2, 2, 0, 1, none, 1, none, 2, 0, &c, 2) == 0)
        #expect(c == [0, 0, 0, 0])
        c = [1, 2, 3, 4]
        #expect(kernel(0, 0, 2, 2, 0, 1, none, 1, none, 2, 2, &c, 2) == 0)
        #expect(c == [2, 4, 6, 8])
    }

    /// C computed whole, and as slabs of rows and of columns cut off the tiles' edges (as `gemm`
    /// splits a product between threads), holds the same bytes: each sum's order depends on k alone.
    static func sameBytesForAnySplit(_ kernel: SGEMMKernel, transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (23, 150, 700)
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        let a = randomTensor([m * k], seed: 51).scalars, b = randomTensor([k * n], seed: 52).scalars
        let (ta, tb): (Int32, Int32) = (transposeA ? 1 : 0, transposeB ? 1 : 0)
        var whole = [Float](repeating: 0, count: m * n)
        #expect(kernel(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, &whole, n) == 0)
        var byRows = [Float](repeating: 0, count: m * n), byColumns = byRows
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in
            byRows.withUnsafeMutableBufferPointer { c in
                for (start, end) in [(0, 5), (5, 14), (14, 23)] {
                    let aPart = a.baseAddress! + start * (transposeA ? 1 : lda)
                    #expect(kernel(ta, tb, end - start, n, k, 1, aPart, lda, b.baseAddress, ldb, 0, c.baseAddress! + start * n, n) == 0)
                }
            }
            byColumns.withUnsafeMutableBufferPointer { c in
                for (start, end) in [(0, 37), (37, 101), (101, 150)] {
                    let bPart = b.baseAddress! + start * (transposeB ? ldb : 1)
                    #expect(kernel(ta, tb, m, end - start, k, 1, a.baseAddress, lda, bPart, ldb, 0, c.baseAddress! + start, n) == 0)
                }
            }
        } }
        #expect(byRows == whole, "tA \(transposeA) tB \(transposeB): rows split differently")
        #expect(byColumns == whole, "tA \(transposeA) tB \(transposeB): columns split differently")
    }
}
