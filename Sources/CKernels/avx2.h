// Shared by the AVX2+FMA kernels; not part of the module's interface (include/ckernels.h).
#ifndef DIFFUSIONSWEEP_AVX2_H
#define DIFFUSIONSWEEP_AVX2_H
#include <immintrin.h>

// The kernels opt in per function, so the target compiles for the baseline CPU and only calls
// them where ds_avx2_available() says so (F16C too: every AVX2 CPU has it, and that checks it).
#define AVX2 __attribute__((target("avx2,fma,f16c")))

// A mask of the first `count` of 8 lanes (none for count ≤ 0, all for count ≥ 8), as
// vmaskmovps takes it: the sign bit of each 32-bit lane.
AVX2 static inline __m256i first_lanes8(long count) {
    int n = count >= 8 ? 8 : count <= 0 ? 0 : (int)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// The first `count` lanes of v to p (all for count ≥ 8, none for count ≤ 0). Plain stores, not
// vmaskmovps: on Zen 3 a masked store costs about as much as a dozen plain ones (it made the
// Winograd weight transform cost as much as the products it feeds).
AVX2 static inline __attribute__((always_inline)) void store_first8(float *p, long count, __m256 v) {
    if (count >= 8) { _mm256_storeu_ps(p, v); return; }
    __m128 part = _mm256_castps256_ps128(v);
    if (count >= 4) {
        _mm_storeu_ps(p, part);
        part = _mm256_extractf128_ps(v, 1), p += 4, count -= 4;
    }
    if (count >= 2) {
        _mm_storel_pi((__m64 *)p, part);
        part = _mm_movehl_ps(part, part), p += 2, count -= 2;
    }
    if (count >= 1) _mm_store_ss(p, part);
}

// Rows r[0..<8] become columns: r[q][j] = old r[j][q].
AVX2 static inline void transpose8x8(__m256 r[8]) {
    __m256 t[8], s[8];
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma clang loop unroll(full)
    for (int h = 0; h < 2; h++) {
        s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
}

#endif
