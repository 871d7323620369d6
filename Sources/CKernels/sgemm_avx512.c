// Goto/BLIS-style single-precision GEMM for AVX-512: op(B) is packed in kc × NC panels, op(A) is
// read in place, and an MR × NR tile of C (24 zmm accumulators) is updated by a micro-kernel
// that broadcasts A and loads B four vectors at a time.
#include "avx512.h"
#include "ckernels.h"
#include "sgemm_blocked.h"

// 24 accumulators; a 384 × 512 panel of B is 768 KB, in L2.
enum { MR = 6, NR = 64, KC = 384, NC = 512 };

int ds_avx512_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// C[0..<mr, 0..<nr] = alpha·(A strip · B strip) + beta·C over kc depths, for nr ≤ 16·vectors;
// inlined with a constant `vectors` so narrow edges of C skip the columns they do not have.
AVX512 static inline __attribute__((always_inline))
void tile(int vectors, long kc, const float *a, long rowStride, long depthStride, const float *b,
          float *c, long ldc, long mr, long nr, float alpha, float beta) {
    // A is read in place: its MR rows (kc × MR floats) stay in L1 across the strips of B.
    const float *rows[MR];
    tile_rows(MR, a, rowStride, mr, rows);
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
    return blocked_sgemm((struct blocking){MR, NR, KC, NC}, micro_kernel, transA, transB, m, n, k, alpha,
                         a, lda, b, ldb, beta, c, ldc);
}
