// The W-float vector interface the shared kernels (winograd_transforms.h, softmax_passes.h) are
// written over, in AVX-512F: W = 16 lanes of a zmm register, masks in k registers.
#ifndef DIFFUSIONSWEEP_VEC_AVX512_H
#define DIFFUSIONSWEEP_VEC_AVX512_H
#include "avx512.h"

#define TARGET AVX512
#define AVX512_INLINE AVX512 static inline __attribute__((always_inline))
enum { W = 16 };
typedef __m512 vec;
typedef __mmask16 lane_mask;

AVX512_INLINE lane_mask first(long count) { return first_lanes(count); }
AVX512_INLINE vec v_zero(void) { return _mm512_setzero_ps(); }
AVX512_INLINE vec v_set1(float x) { return _mm512_set1_ps(x); }
AVX512_INLINE vec v_load(const float *p) { return _mm512_loadu_ps(p); }
AVX512_INLINE void v_store(float *p, vec v) { _mm512_storeu_ps(p, v); }
// The lanes of m from p, 0 in the others (nothing outside them is read).
AVX512_INLINE vec v_load_masked(lane_mask m, const float *p) { return _mm512_maskz_loadu_ps(m, p); }
// The first `count` lanes of v to p (all for count ≥ 16).
AVX512_INLINE void v_store_first(float *p, long count, vec v) { _mm512_mask_storeu_ps(p, first(count), v); }
// The lanes of m from p, `fill` in the others.
AVX512_INLINE vec v_load_or(lane_mask m, const float *p, float fill) { return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), m, p); }
// v in the lanes of m, 0 in the others.
AVX512_INLINE vec v_keep(lane_mask m, vec v) { return _mm512_maskz_mov_ps(m, v); }
AVX512_INLINE vec v_add(vec a, vec b) { return _mm512_add_ps(a, b); }
AVX512_INLINE vec v_sub(vec a, vec b) { return _mm512_sub_ps(a, b); }
AVX512_INLINE vec v_mul(vec a, vec b) { return _mm512_mul_ps(a, b); }
AVX512_INLINE vec v_min(vec a, vec b) { return _mm512_min_ps(a, b); }
AVX512_INLINE vec v_max(vec a, vec b) { return _mm512_max_ps(a, b); }
AVX512_INLINE vec v_fmadd(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
// 2ⁿ for the integer n held in the low mantissa bits of `shifted` (n + 1.5·2²³).
AVX512_INLINE vec v_pow2(vec shifted) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(127)), 23));
}
// 0 where x < limit, else v.
AVX512_INLINE vec v_zero_below(vec x, float limit, vec v) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(limit), _CMP_LT_OQ), v, _mm512_setzero_ps());
}
AVX512_INLINE float reduce_max(vec v) { return _mm512_reduce_max_ps(v); }
AVX512_INLINE float reduce_add(vec v) { return _mm512_reduce_add_ps(v); }

#endif
