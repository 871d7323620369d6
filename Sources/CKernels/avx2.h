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

#endif
