// The two row passes of attention's online softmax, in AVX-512. Tensors is compiled for AVX2,
// where these passes took 40% of attention's time next to the AVX-512 GEMM.
#include "avx512.h"
#include "ckernels.h"
#include <math.h>

AVX512 float ds_row_max(const float *row, long count) {
    __m512 maxima = _mm512_set1_ps(-INFINITY);
    long i = 0;
    // max(v, m) returns m where v is NaN, so NaN entries are skipped.
    for (; i + 16 <= count; i += 16) maxima = _mm512_max_ps(_mm512_loadu_ps(row + i), maxima);
    if (i < count) {
        __mmask16 m = first_lanes(count - i);
        maxima = _mm512_mask_max_ps(maxima, m, _mm512_maskz_loadu_ps(m, row + i), maxima);
    }
    return _mm512_reduce_max_ps(maxima);
}

// Same operations, in the same order, as `vectorExp` in Sources/Tensors/VectorMath.swift.
AVX512 static inline __m512 exp16(__m512 x) {
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 clamped = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.3762626f));
    __m512 shifted = _mm512_add_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504f)), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_add_ps(_mm512_sub_ps(clamped, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f))),
                             _mm512_mul_ps(n, _mm512_set1_ps(2.1219444e-4f)));
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.16657959e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.00000012e-1f));
    p = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(p, r), r), r), _mm512_set1_ps(1.0f));
    __m512i exponent = _mm512_slli_epi32(_mm512_add_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(127)), 23);
    __m512 result = _mm512_mul_ps(p, _mm512_castsi512_ps(exponent));
    __mmask16 underflow = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.33654f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(underflow, result, _mm512_setzero_ps());
}

AVX512 float ds_exp_sum(float *row, long count, float maximum) {
    __m512 sums = _mm512_setzero_ps(), m = _mm512_set1_ps(maximum);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i), m));
        _mm512_storeu_ps(row + i, e);
        sums = _mm512_add_ps(sums, e);
    }
    if (i < count) {
        __mmask16 lanes = first_lanes(count - i);
        __m512 e = _mm512_maskz_mov_ps(lanes, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, row + i), m)));
        _mm512_mask_storeu_ps(row + i, lanes, e);
        sums = _mm512_add_ps(sums, e);
    }
    return _mm512_reduce_add_ps(sums);
}
