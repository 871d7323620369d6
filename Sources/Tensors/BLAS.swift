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
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
