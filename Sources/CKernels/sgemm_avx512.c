// Goto/BLIS-style single-precision GEMM for AVX-512: op(B) is packed in kc × NC panels, op(A) is
// read in place, and an MR × NR tile of C (24 zmm accumulators) is updated by a micro-kernel
// that broadcasts A and loads B four vectors at a time.
#include "avx512.h"
#include "ckernels.h"
#include <stdlib.h>
#include <string.h>

// MR × NR is the register tile (24 accumulators); MR rows of A (MR × KC) stay in L1 while the
// packed B panel (KC × NC, 768 KB) stays in L2.
enum { MR = 6, NR = 64, KC = 384, NC = 512 };

static long min_long(long a, long b) { return a < b ? a : b; }

int ds_avx512_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// Depths [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), as strips of NR columns, each
// stored depth-major (NR values per depth), columns past nc zero.
static void pack_b(int trans, const float *b, long ldb, long p0, long kc, long j0, long nc, float *dst) {
    for (long s = 0; s < nc; s += NR, dst += NR * kc) {
        long cols = min_long(NR, nc - s);
        if (trans) {
            if (cols < NR) memset(dst, 0, sizeof(float) * NR * kc);
            for (long j = 0; j < cols; j++) {
                const float *src = b + (j0 + s + j) * ldb + p0;
                for (long p = 0; p < kc; p++) dst[p * NR + j] = src[p];
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + s;
                memcpy(dst + p * NR, src, sizeof(float) * cols);
                if (cols < NR) memset(dst + p * NR + cols, 0, sizeof(float) * (NR - cols));
            }
        }
    }
}

// C[0..<mr, 0..<nr] = alpha·(A strip · B strip) + beta·C over kc depths, for nr ≤ 16·vectors;
// inlined with a constant `vectors` so narrow edges of C skip the columns they do not have.
AVX512 static inline __attribute__((always_inline))
void tile(int vectors, long kc, const float *a, long rowStride, long depthStride, const float *b,
          float *c, long ldc, long mr, long nr, float alpha, float beta) {
    // A is read in place: its MR rows (kc × MR floats) stay in L1 across the strips of B. Rows
    // past mr repeat the last one, so nothing outside A is read; their results are dropped.
    const float *rows[MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) rows[i] = a + (i < mr ? i : mr - 1) * rowStride;
    __m512 acc[MR][4];
    start_tile(vectors, MR, acc, c, ldc, mr);
    for (long p = 0; p < kc; p++, b += NR) {
        long at = p * depthStride;
        __m512 bv[4];
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(rows[i][at]);
#pragma clang loop unroll(full)
            for (int v = 0; v < vectors; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        store_tile_row(vectors, acc[i], c + i * ldc, nr, alpha, beta);
    }
}

AVX512 static void micro_kernel(long kc, const float *a, long rowStride, long depthStride, const float *b,
                                float *c, long ldc, long mr, long nr, float alpha, float beta) {
    switch ((nr + 15) / 16) {
    case 1: tile(1, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta); break;
    case 2: tile(2, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta); break;
    case 3: tile(3, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta); break;
    default: tile(4, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta); break;
    }
}

int ds_sgemm(int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) { scale_c(m, n, beta, c, ldc); return 0; }
    long kcMax = min_long(KC, k), ncMax = min_long(NC, (n + NR - 1) / NR * NR);
    float *pb = aligned_alloc(64, sizeof(float) * ncMax * kcMax);
    if (!pb) return -1;
    long rowStride = transA ? 1 : lda, depthStride = transA ? lda : 1;
    for (long j0 = 0; j0 < n; j0 += NC) {
        long nc = min_long(NC, n - j0);
        for (long p0 = 0; p0 < k; p0 += KC) {
            long kc = min_long(KC, k - p0);
            // Later depth blocks add to what the first one wrote.
            float blockBeta = p0 == 0 ? beta : 1;
            pack_b(transB, b, ldb, p0, kc, j0, nc, pb);
            for (long i = 0; i < m; i += MR)
                for (long js = 0; js < nc; js += NR)
                    micro_kernel(kc, a + i * rowStride + p0 * depthStride, rowStride, depthStride,
                                 pb + js * kc, c + i * ldc + j0 + js, ldc,
                                 min_long(MR, m - i), min_long(NR, nc - js), alpha, blockBeta);
        }
    }
    free(pb);
    return 0;
}
