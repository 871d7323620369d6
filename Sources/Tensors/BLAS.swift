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
    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
         b: .float32(b), ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// `gemm` with a right-hand operand that may hold half values (only on a kernel that packs them).
func gemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: GEMMOperand, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    FLOPCounter.current?.add(2 * Double(m) * Double(n) * Double(k))
    // OpenBLAS's threaded sgemm sums in an order that depends on its thread count, which would
    // make an image depend on how many ranks share a node. So the product is cut into parts,
    // each a single-threaded GEMM, spread over our threads. Our kernels sum by k alone, so their
    // parts are one per thread (each packs the other operand once), cut at whole register tiles;
    // OpenBLAS's sums change with a part's size, so its parts are fixed by the shape alone.
    let context = ComputeContext.current
    let alongRows = m >= n
    let span = alongRows ? m : n
    let unit = alongRows ? context.gemm.tile.rows : context.gemm.tile.columns
    let parts = context.gemm.sumsDependOnDepthOnly
        ? threadParts(span: span, unit: unit, threads: context.threads, flops: 2 * m * n * k)
        : gemmParts(m: m, n: n, k: k)
    parallelJobs(parts) { range in
        for part in range {
            let (start, end) = (boundary(part, of: parts, span: span, unit: unit),
                                boundary(part + 1, of: parts, span: span, unit: unit))
            let (rows, columns) = alongRows ? (end - start, n) : (m, end - start)
            let aPart = alongRows ? a + start * (transposeA ? 1 : lda) : a
            let bPart = alongRows ? b : b.advanced(by: start * (transposeB ? ldb : 1))
            let cPart = alongRows ? c + start * ldc : c + start
            singleThreadedGEMM(context, transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: k,
                               alpha: alpha, a: aPart, lda: lda, b: bPart, ldb: ldb, beta: beta, c: cPart, ldc: ldc)
        }
    }
}

/// One part of a product on the context's kernel, at its precision.
private func singleThreadedGEMM(
    _ context: ComputeContext, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b operand: GEMMOperand, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
    let b: UnsafePointer<Float>
    switch operand {
    case let .float32(values):
        b = values
    case let .half(values, format):
        precondition(context.packsWithAVX2, "GEMM: \(context.gemm.name) at \(context.precision) does not take half operands")
        precondition(ds_sgemm_avx2_half_b(ta, tb, m, n, k, alpha, a, lda, values, format.kernelCode, ldb, beta, c, ldc) == 0,
                     "GEMM: out of memory for its packing buffers")
        return
    }
    // Our kernels report only a failed allocation of their packing buffers; the product is then
    // refused (bf16: there is no float32 stand-in with the same sums) or OpenBLAS does it.
    switch context.precision {
    case .bf16:
        precondition(BF16.available, Precision.bf16.unsupportedReason ?? "")
        precondition(ds_sbgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0,
                     "bf16 GEMM: out of memory for its packing buffers")
        return
    case .float32:
        switch context.gemm {
        case .avx512: if ds_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0 { return }
        case .avx2: if ds_sgemm_avx2(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0 { return }
        case .openBLAS: break
        }
    }
    _ = OpenBLAS.singleThreaded
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// OpenBLAS keeps its thread count process-wide; it is set to one the first time OpenBLAS runs a
/// part and never changed again, since our own jobs already use every core of the context.
enum OpenBLAS {
    static let singleThreaded: Void = openblas_set_num_threads(1)
}

/// How many parts a product on OpenBLAS is cut into: one for small products, otherwise slabs of at least 128
/// along its longer side of C (so each part packs only the smaller operand again), at most 16.
func gemmParts(m: Int, n: Int, k: Int) -> Int {
    guard 2 * m * n * k >= smallestSplitProduct else { return 1 }
    return min(16, max(1, max(m, n) / 128))
}

/// FLOPs below which a product stays one part: splitting it would cost more than it gains.
let smallestSplitProduct = 1 << 24

/// One part per thread for products big enough to share, none smaller than two register tiles.
func threadParts(span: Int, unit: Int, threads: Int, flops: Int) -> Int {
    guard flops >= smallestSplitProduct else { return 1 }
    return max(1, min(threads, span / (2 * unit)))
}

/// Where part `part` of `parts` starts along a side of `span`: a multiple of `unit` (the last
/// part ends at `span`), so only the last part has a partial register tile.
func boundary(_ part: Int, of parts: Int, span: Int, unit: Int) -> Int {
    part == parts ? span : span * part / parts / unit * unit
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

/// `gemm` on one thread of our AVX2 kernel at float32 over operands packed ahead
/// (`ds_avx2_pack_a`/`ds_avx2_pack_b`): the same bytes as `gemm` on the unpacked ones.
func packedGEMM(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    FLOPCounter.current?.add(2 * Double(m) * Double(n) * Double(k))
    ds_sgemm_avx2_packed(m, n, k, alpha, a, b, beta, c, ldc)
}
