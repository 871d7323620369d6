// Shared by the AVX-512 kernels; not part of the module's interface (include/ckernels.h).
#ifndef DIFFUSIONSWEEP_AVX512_H
#define DIFFUSIONSWEEP_AVX512_H
#include <immintrin.h>

// The kernels opt in per function, so the target compiles for the baseline CPU and only calls
// them where ds_avx512_available() says so.
#define AVX512 __attribute__((target("avx512f")))

// A mask of the first `count` of 16 lanes (none for count ≤ 0, all for count ≥ 16).
static inline __mmask16 first_lanes(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

// Zeroes a tile's rows × vectors accumulators and fetches the mr rows of C it will write: C's
// rows are far apart, so fetching them now hides the misses behind the depth loop.
AVX512 static inline __attribute__((always_inline))
void start_tile(int vectors, int rows, __m512 acc[][4], const float *c, long ldc, long mr) {
    for (long i = 0; i < mr; i++)
        for (int v = 0; v < vectors; v++) _mm_prefetch((const char *)(c + i * ldc + 16 * v), _MM_HINT_T0);
#pragma clang loop unroll(full)
    for (int i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) acc[i][v] = _mm512_setzero_ps();
}

// Row `row` of C = alpha·acc + beta·row over its first nr ≤ 16·vectors columns (C is not read
// for beta = 0): how every micro-kernel writes its tile out.
AVX512 static inline __attribute__((always_inline))
void store_tile_row(int vectors, const __m512 *acc, float *row, long nr, float alpha, float beta) {
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int v = 0; v < vectors; v++) {
        __mmask16 m = first_lanes(nr - 16 * v);
        __m512 r = _mm512_mul_ps(va, acc[v]);
        if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, row + 16 * v), r);
        _mm512_mask_storeu_ps(row + 16 * v, m, r);
    }
}

#endif
