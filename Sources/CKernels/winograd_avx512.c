// The Winograd transforms of winograd_transforms.h for AVX-512F: sixteen tiles (or input
// channels) per zmm vector, with the two-source permutes that AVX-512 has.
#include "ckernels.h"
#include "vec_avx512.h"
#include "winograd.h"

#define NAME(f) f##_avx512

// taps[t][lane] = src[9·lane + t]: tap t of sixteen adjacent input channels' 3×3 kernels (zero in
// lanes past `count`).
AVX512_INLINE void gather_taps(const float *src, long count, vec *taps) {
    lane_mask lanes = first(count);
    const __m512i nine = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32(9));
#pragma clang loop unroll(full)
    for (int t = 0; t < 9; t++) taps[t] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, nine, src + t, 4);
}

// p[j][lane] = row[m·lane + j] for j < α: the j-th input column of sixteen adjacent tiles.
// `row` has at least 16·m + 16 + (α − m) readable floats.
AVX512_INLINE
void columns(int m, const float *row, __m512 *p) {
    if (m == 4) {
        __m512 a = _mm512_loadu_ps(row), b = _mm512_loadu_ps(row + 16);
        __m512 c = _mm512_loadu_ps(row + 32), d = _mm512_loadu_ps(row + 48);
#pragma clang loop unroll(full)
        for (int j = 0; j < 4; j++) {
            // Lanes 0–7 pick elements 4l + j of (a, b), of (c, d); then the two halves are joined.
            __m512i idx = _mm512_add_epi32(_mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 28, 24, 20, 16, 12, 8, 4, 0),
                                           _mm512_set1_epi32(j));
            __m512 low = _mm512_permutex2var_ps(a, idx, b), high = _mm512_permutex2var_ps(c, idx, d);
            p[j] = _mm512_shuffle_f32x4(low, high, 0x44);
        }
        // Columns 4 and 5 are columns 0 and 1 of the next tile.
        p[4] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(_mm512_loadu_ps(row + 64)),
                                                       _mm512_castps_si512(p[0]), 1));
        p[5] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(_mm512_loadu_ps(row + 65)),
                                                       _mm512_castps_si512(p[1]), 1));
    } else {
        __m512 a = _mm512_loadu_ps(row), b = _mm512_loadu_ps(row + 16);
        __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
        p[0] = _mm512_permutex2var_ps(a, even, b);
        p[1] = _mm512_permutex2var_ps(a, _mm512_add_epi32(even, _mm512_set1_epi32(1)), b);
        p[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(_mm512_loadu_ps(row + 32)),
                                                       _mm512_castps_si512(p[0]), 1));
        p[3] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(_mm512_loadu_ps(row + 33)),
                                                       _mm512_castps_si512(p[1]), 1));
    }
}

// Writes m output rows of m·16 values each: y[i][j][lane] goes to column m·lane + j of row i.
AVX512_INLINE
void store_rows(int m, const __m512 *y, float *out, long outW, long rowsLeft, long columnsLeft) {
#pragma clang loop unroll(full)
    for (int i = 0; i < m; i++) {
        if (i >= rowsLeft) break;
        float *row = out + i * outW;
        const __m512 *yi = y + i * m;
        __m512 o[4];
        if (m == 4) {
            // Pairs (y0, y1) and (y2, y3) interleaved, then the pairs of pairs.
            __m512i lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
            __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
            __m512 a0 = _mm512_permutex2var_ps(yi[0], lo, yi[1]), a1 = _mm512_permutex2var_ps(yi[0], hi, yi[1]);
            __m512 b0 = _mm512_permutex2var_ps(yi[2], lo, yi[3]), b1 = _mm512_permutex2var_ps(yi[2], hi, yi[3]);
            __m512i front = _mm512_set_epi32(23, 22, 7, 6, 21, 20, 5, 4, 19, 18, 3, 2, 17, 16, 1, 0);
            __m512i back = _mm512_add_epi32(front, _mm512_set1_epi32(8));
            o[0] = _mm512_permutex2var_ps(a0, front, b0);
            o[1] = _mm512_permutex2var_ps(a0, back, b0);
            o[2] = _mm512_permutex2var_ps(a1, front, b1);
            o[3] = _mm512_permutex2var_ps(a1, back, b1);
        } else {
            __m512i lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
            __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
            o[0] = _mm512_permutex2var_ps(yi[0], lo, yi[1]);
            o[1] = _mm512_permutex2var_ps(yi[0], hi, yi[1]);
        }
#pragma clang loop unroll(full)
        for (int k = 0; k < m; k++) _mm512_mask_storeu_ps(row + 16 * k, first_lanes(columnsLeft - 16 * k), o[k]);
    }
}

#include "winograd_transforms.h"
