import CKernels
import COpenBLAS

/// Row-major `C = alpha·op(A)·op(B) + beta·C`; every matrix product in the project goes through here.
func gemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    FLOPCounter.current?.add(2 * Double(m) * Double(n) * Double(k))
    // OpenBLAS's threaded sgemm sums in an order that depends on its thread count, which would
    // make an image depend on how many ranks share a node. So the product is cut into parts fixed
    // by its shape alone, each a single-threaded GEMM, and the parts are spread over our threads.
    let kernel = GEMMKernel.current
    let alongRows = m >= n
    let parts = gemmParts(m: m, n: n, k: k)
    let span = alongRows ? m : n
    parallelJobs(parts) { range in
        for part in range {
            let (start, end) = (span * part / parts, span * (part + 1) / parts)
            let (rows, columns) = alongRows ? (end - start, n) : (m, end - start)
            let aPart = alongRows ? a + start * (transposeA ? 1 : lda) : a
            let bPart = alongRows ? b : b + start * (transposeB ? ldb : 1)
            let cPart = alongRows ? c + start * ldc : c + start
            // Our kernel reports only a failed allocation of its packing buffer; OpenBLAS then
            // does the part.
            if kernel == .avx512, ds_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, rows, columns, k, alpha,
                                           aPart, lda, bPart, ldb, beta, cPart, ldc) == 0 { continue }
            cblas_sgemm(CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(rows), Int32(columns), Int32(k), alpha,
                        aPart, Int32(lda), bPart, Int32(ldb), beta, cPart, Int32(ldc))
        }
    }
}

/// How many parts a product is cut into: one for small products, otherwise slabs of at least 128
/// along its longer side of C (so each part packs only the smaller operand again), at most 16.
func gemmParts(m: Int, n: Int, k: Int) -> Int {
    guard 2 * m * n * k >= 1 << 24 else { return 1 }
    return min(16, max(1, max(m, n) / 128))
}

/// Fills each of `rows` rows of length `width` with `values` (a bias), ready for a `beta = 1` GEMM.
func fillRows(_ c: UnsafeMutablePointer<Float>, rows: Int, width: Int, with values: UnsafePointer<Float>) {
    parallelRanges(rows, grain: max(1, 16384 / max(width, 1))) { range in
        for r in range { (c + r * width).update(from: values, count: width) }
    }
}

/// Fills row `r` of a `rows × width` matrix with the single value `values[r]` (a per-channel bias).
func fillRowsWithScalars(_ c: UnsafeMutablePointer<Float>, rows: Int, width: Int, ld: Int, values: UnsafePointer<Float>) {
    parallelRanges(rows, grain: max(1, 16384 / max(width, 1))) { range in
        for r in range { (c + r * ld).update(repeating: values[r], count: width) }
    }
}
