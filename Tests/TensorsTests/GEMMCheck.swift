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
