// Single-precision GEMM for AVX2 + FMA CPUs (Haswell and later, AMD Zen): the blocking of
// sgemm_blocked.h with a 6 × 16 register tile (12 ymm accumulators, as BLIS's Haswell kernel),
// which broadcasts A and loads B two vectors at a time.
#include "avx2.h"
#include "ckernels.h"
#include "sgemm_blocked.h"

// 12 accumulators leave room for two B vectors and a broadcast; a 256 × 384 panel of B is
// 384 KB, within a Zen 2/3 or Skylake core's 512 KB–1 MB of L2. A is packed (one stream of six
// values per depth); read in place, it measured the same within noise on Zen 3.
enum { MR = 6, NR = 16, KC = 256, NC = 384, PACK_A = 1 };

int ds_avx2_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// C[0..<mr, 0..<nr] = alpha·(A strip · B strip) + beta·C over kc depths, for nr ≤ 8·vectors;
// inlined with a constant `vectors` so a narrow right edge of C skips the half it does not have.
AVX2 static inline __attribute__((always_inline))
void tile(int vectors, long kc, const float *a, long rowStride, long depthStride, const float *b,
          float *c, long ldc, long mr, long nr, float alpha, float beta) {
    // A's MR rows (packed, kc × MR floats) stay in L1 across the strips of B.
    const float *rows[MR];
    tile_rows(MR, a, rowStride, mr, rows);
    // C's rows are far apart: fetching them now hides the misses behind the depth loop.
    for (long i = 0; i < mr; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    __m256 acc[MR][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_setzero_ps();
    for (long p = 0; p < kc; p++, b += NR) {
        long at = p * depthStride;
        __m256 bv[2];
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) bv[v] = _mm256_load_ps(b + 8 * v);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(rows[i] + at);
#pragma clang loop unroll(full)
            for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
        }
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        float *row = c + i * ldc;
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) {
            __m256 r = _mm256_mul_ps(va, acc[i][v]);
            if (nr >= 8 * (v + 1)) {
                if (beta != 0) r = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8 * v), r);
                _mm256_storeu_ps(row + 8 * v, r);
            } else {
                __m256i lanes = first_lanes8(nr - 8 * v);
                if (beta != 0) r = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8 * v, lanes), r);
                _mm256_maskstore_ps(row + 8 * v, lanes, r);
            }
        }
    }
}

AVX2 static void micro_kernel(long kc, const float *a, long rowStride, long depthStride, const float *b,
                              float *c, long ldc, long mr, long nr, float alpha, float beta) {
    if (nr <= 8) tile(1, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta);
    else tile(2, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta);
}

int ds_sgemm_avx2(int transA, int transB, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    return blocked_sgemm((struct blocking){MR, NR, KC, NC, PACK_A}, micro_kernel, transA, transB, m, n, k, alpha,
                         a, lda, b, ldb, beta, c, ldc);
}
