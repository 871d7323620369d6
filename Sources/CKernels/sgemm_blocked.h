// The Goto/BLIS blocking shared by our float32 GEMMs (sgemm_avx512.c, sgemm_avx2.c); each
// supplies only its register tile. Not part of the module's interface (include/ckernels.h).
#ifndef DIFFUSIONSWEEP_SGEMM_BLOCKED_H
#define DIFFUSIONSWEEP_SGEMM_BLOCKED_H
#include <stdlib.h>
#include <string.h>

static inline long min_long(long a, long b) { return a < b ? a : b; }

// C = beta·C for k = 0, where no product is added.
static inline void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
}

// C[0..<mr, 0..<nr] = alpha·(mr rows of A · packed strip of B) + beta·C over kc depths, with
// A's element (row i, depth p) at a[i·rowStride + p·depthStride]; C is not read for beta = 0.
typedef void (*tile_kernel)(long kc, const float *a, long rowStride, long depthStride, const float *b,
                            float *c, long ldc, long mr, long nr, float alpha, float beta);

// The MR pointers a tile reads A's rows through. Rows past mr repeat the last one, so nothing
// outside A is read; the tile drops their results.
static inline __attribute__((always_inline))
void tile_rows(int MRows, const float *a, long rowStride, long mr, const float **rows) {
#pragma clang loop unroll(full)
    for (int i = 0; i < MRows; i++) rows[i] = a + (i < mr ? i : mr - 1) * rowStride;
}

// MR × NR is the register tile; MR rows of A (MR × KC) stay in L1 while the packed B panel
// (KC × NC) stays in L2.
struct blocking { long mr, nr, kc, nc; };

// Depths [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), as strips of nr columns, each
// stored depth-major (nr values per depth), columns past nc zero.
static inline void pack_b_strips(long nr, int trans, const void *values, long ldb, long p0, long kc, long j0, long nc,
                                 float *dst) {
    const float *b = values;
    for (long s = 0; s < nc; s += nr, dst += nr * kc) {
        long cols = min_long(nr, nc - s);
        if (trans) {
            if (cols < nr) memset(dst, 0, sizeof(float) * nr * kc);
            for (long j = 0; j < cols; j++) {
                const float *src = b + (j0 + s + j) * ldb + p0;
                for (long p = 0; p < kc; p++) dst[p * nr + j] = src[p];
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + s;
                memcpy(dst + p * nr, src, sizeof(float) * cols);
                if (cols < nr) memset(dst + p * nr + cols, 0, sizeof(float) * (nr - cols));
            }
        }
    }
}

// mr ≤ MR rows of A over kc depths, depth-major with MR values per depth; rows past mr repeat
// the last one (the tile drops their results).
static inline void pack_a_block(long MRows, const float *a, long rowStride, long depthStride, long mr, long kc,
                                float *dst) {
    for (long p = 0; p < kc; p++)
        for (long i = 0; i < MRows; i++) dst[p * MRows + i] = a[(i < mr ? i : mr - 1) * rowStride + p * depthStride];
}

// pack_b_strips and pack_a_block, or a kernel's faster versions of them (same layouts). B is
// untyped because a packer may read another format (sgemm_avx2.c widens F16/BF16 as it packs).
typedef void (*b_packer)(long nr, int trans, const void *b, long ldb, long p0, long kc, long j0, long nc, float *dst);
typedef void (*a_packer)(long MRows, const float *a, long rowStride, long depthStride, long mr, long kc, float *dst);

// C[0..<rows, 0..<nc] = alpha·(A · B) + beta·C over one depth block of kc, tile by tile: the panel of
// A's rows ib… at a + ib·panelStride, read at (rowStride, depthStride), B's strip of columns js…
// packed at pb + js·kc.
static inline void multiply_block(struct blocking blk, tile_kernel kernel, long rows, long nc, long kc, const float *a,
                                  long panelStride, long rowStride, long depthStride, const float *pb, float *c,
                                  long ldc, float alpha, float beta) {
    for (long js = 0; js < nc; js += blk.nr)
        for (long ib = 0; ib < rows; ib += blk.mr)
            kernel(kc, a + ib * panelStride, rowStride, depthStride, pb + js * kc, c + ib * ldc + js, ldc,
                   min_long(blk.mr, rows - ib), min_long(blk.nr, nc - js), alpha, beta);
}

static inline long round_up(long value, long unit) { return (value + unit - 1) / unit * unit; }

// Operands packed once ahead, for a caller that multiplies the same one many times (attention's
// keys and values, once per query tile): the whole of op(A) (m × k) or op(B) (k × n) in the
// layouts blocked_sgemm_b_in_l1 packs one block at a time. Depth block p0 (of blk.kc) of A starts
// at round_up(m, mr)·p0 and holds A's panels of mr rows (panel i0… at i0·kc); of B, at
// round_up(n, nr)·p0 with B's strips of nr columns (strip j0… at j0·kc).
// The panel of A's rows i0… (A's element (i, p) at a[i·rowStride + p·depthStride]) in every depth
// block, where pack_a_ahead puts it.
static inline void pack_a_panel(struct blocking blk, a_packer pack, const float *a, long rowStride, long depthStride,
                                long i0, long m, long k, float *dst) {
    for (long p0 = 0; p0 < k; p0 += blk.kc) {
        long kc = min_long(blk.kc, k - p0);
        pack(blk.mr, a + i0 * rowStride + p0 * depthStride, rowStride, depthStride, min_long(blk.mr, m - i0), kc,
             dst + round_up(m, blk.mr) * p0 + i0 * kc);
    }
}

static inline void pack_a_ahead(struct blocking blk, a_packer pack, int transA, long m, long k, const float *a,
                                long lda, float *dst) {
    for (long i0 = 0; i0 < m; i0 += blk.mr)
        pack_a_panel(blk, pack, a, transA ? 1 : lda, transA ? lda : 1, i0, m, k, dst);
}

static inline void pack_b_ahead(struct blocking blk, b_packer pack, int transB, long k, long n, const void *b, long ldb,
                                float *dst) {
    for (long p0 = 0; p0 < k; p0 += blk.kc)
        pack(blk.nr, transB, b, ldb, p0, min_long(blk.kc, k - p0), 0, n, dst + round_up(n, blk.nr) * p0);
}

// blocked_sgemm_b_in_l1 over operands packed ahead: the same tiles over the same depth blocks,
// so the same bytes.
static inline void packed_sgemm(struct blocking blk, long mc, tile_kernel kernel, long m, long n, long k, float alpha,
                                const float *pa, const float *pb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) { scale_c(m, n, beta, c, ldc); return; }
    for (long j0 = 0; j0 < n; j0 += blk.nc)
        for (long p0 = 0; p0 < k; p0 += blk.kc) {
            long kc = min_long(blk.kc, k - p0);
            for (long i0 = 0; i0 < m; i0 += mc)
                multiply_block(blk, kernel, min_long(mc, m - i0), min_long(blk.nc, n - j0), kc,
                               pa + round_up(m, blk.mr) * p0 + i0 * kc, kc, 1, blk.mr,
                               pb + round_up(n, blk.nr) * p0 + j0 * kc, c + i0 * ldc + j0, ldc, alpha,
                               p0 == 0 ? beta : 1);
        }
}

// Row-major C = alpha·op(A)·op(B) + beta·C on one thread in BLIS's loop order, for a narrow tile
// (AVX2's 16 columns): each KC × NR strip of B stays in L1 while the MC × KC block of A streams
// past it from L2, so per depth the tile loads MR values of A from L2 instead of NR values of B.
// A is read in place, MR rows at a time: a packed copy of it made inside each product cost more
// than it saved (Zen 3: Winograd's products, whose A is the weights at a stride of α²·cin, ran
// 8–23% faster without it, the others the same). Depth blocks are added in order, each tile an FMA
// chain in depth order, so every element's sum depends on k alone. Returns 0, or -1 when the
// panel cannot be allocated.
static inline int blocked_sgemm_b_in_l1(struct blocking blk, long mc, tile_kernel kernel, b_packer pack_b,
                                        int transA, int transB, long m, long n, long k, float alpha,
                                        const float *a, long lda, const void *b, long ldb, float beta, float *c,
                                        long ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) { scale_c(m, n, beta, c, ldc); return 0; }
    long kcMax = min_long(blk.kc, k), ncMax = min_long(blk.nc, round_up(n, blk.nr));
    float *pb = aligned_alloc(64, sizeof(float) * ncMax * kcMax);
    if (!pb) return -1;
    long rowStride = transA ? 1 : lda, depthStride = transA ? lda : 1;
    for (long j0 = 0; j0 < n; j0 += blk.nc) {
        long nc = min_long(blk.nc, n - j0);
        for (long p0 = 0; p0 < k; p0 += blk.kc) {
            long kc = min_long(blk.kc, k - p0);
            // Later depth blocks add to what the first one wrote.
            float blockBeta = p0 == 0 ? beta : 1;
            pack_b(blk.nr, transB, b, ldb, p0, kc, j0, nc, pb);
            for (long i0 = 0; i0 < m; i0 += mc)
                multiply_block(blk, kernel, min_long(mc, m - i0), nc, kc, a + i0 * rowStride + p0 * depthStride,
                               rowStride, rowStride, depthStride, pb, c + i0 * ldc + j0, ldc, alpha, blockBeta);
        }
    }
    free(pb);
    return 0;
}

// Row-major C = alpha·op(A)·op(B) + beta·C on one thread with each MR-row strip of op(A) in L1
// against KC × NC panels of op(B) in L2, for a wide tile
// (AVX-512's 64 columns, whose strip of B would not fit L1): blocked_sgemm_b_in_l1 with blocks of
// A one tile high, so the same sums.
static inline int blocked_sgemm(struct blocking blk, tile_kernel kernel, int transA, int transB, long m, long n,
                                long k, float alpha, const float *a, long lda, const float *b, long ldb,
                                float beta, float *c, long ldc) {
    return blocked_sgemm_b_in_l1(blk, blk.mr, kernel, pack_b_strips, transA, transB, m, n, k, alpha,
                                 a, lda, b, ldb, beta, c, ldc);
}

#endif
