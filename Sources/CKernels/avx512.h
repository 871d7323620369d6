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

#endif
