// The W-float vector interface the shared kernels (winograd_transforms.h, softmax_passes.h) are
// written over, in AVX2 + FMA: W = 8 lanes of a ymm register, masks as vmaskmovps takes them.
#ifndef DIFFUSIONSWEEP_VEC_AVX2_H
#define DIFFUSIONSWEEP_VEC_AVX2_H
#include "avx2.h"

#define TARGET AVX2
#define AVX2_INLINE AVX2 static inline __attribute__((always_inline))
enum { W = 8 };
typedef __m256 vec;
typedef __m256i lane_mask;

AVX2_INLINE lane_mask first(long count) { return first_lanes8(count); }
AVX2_INLINE vec v_zero(void) { return _mm256_setzero_ps(); }
AVX2_INLINE vec v_set1(float x) { return _mm256_set1_ps(x); }
AVX2_INLINE vec v_load(const float *p) { return _mm256_loadu_ps(p); }
AVX2_INLINE void v_store(float *p, vec v) { _mm256_storeu_ps(p, v); }
// The lanes of m from p, 0 in the others (nothing outside them is read).
AVX2_INLINE vec v_load_masked(lane_mask m, const float *p) { return _mm256_maskload_ps(p, m); }
// The first `count` lanes of v to p (all for count ≥ 8), as avx2.h's store_first8.
AVX2_INLINE void v_store_first(float *p, long count, vec v) { store_first8(p, count, v); }
// The lanes of m from p, `fill` in the others.
AVX2_INLINE vec v_load_or(lane_mask m, const float *p, float fill) {
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
// v in the lanes of m, 0 in the others.
AVX2_INLINE vec v_keep(lane_mask m, vec v) { return _mm256_and_ps(v, _mm256_castsi256_ps(m)); }
AVX2_INLINE vec v_add(vec a, vec b) { return _mm256_add_ps(a, b); }
AVX2_INLINE vec v_sub(vec a, vec b) { return _mm256_sub_ps(a, b); }
AVX2_INLINE vec v_mul(vec a, vec b) { return _mm256_mul_ps(a, b); }
AVX2_INLINE vec v_min(vec a, vec b) { return _mm256_min_ps(a, b); }
AVX2_INLINE vec v_max(vec a, vec b) { return _mm256_max_ps(a, b); }
AVX2_INLINE vec v_fmadd(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
// 2ⁿ for the integer n held in the low mantissa bits of `shifted` (n + 1.5·2²³).
AVX2_INLINE vec v_pow2(vec shifted) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(127)), 23));
}
// 0 where x < limit, else v.
AVX2_INLINE vec v_zero_below(vec x, float limit, vec v) {
    return _mm256_andnot_ps(_mm256_cmp_ps(x, _mm256_set1_ps(limit), _CMP_LT_OQ), v);
}
AVX2_INLINE float reduce_max(vec v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}
AVX2_INLINE float reduce_add(vec v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

#endif
