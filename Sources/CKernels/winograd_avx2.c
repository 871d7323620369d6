// The Winograd transforms of winograd_transforms.h for AVX2 + FMA: eight tiles (or input
// channels) per ymm vector; the columns of tiles and the output rows are regrouped by 4 × 4
// transposes inside the two 128-bit halves.
#include "ckernels.h"
#include "vec_avx2.h"
#include "winograd.h"

#define NAME(f) f##_avx2

// taps[t][lane] = src[9·lane + t]: tap t of eight adjacent input channels' 3×3 kernels (lanes
// past `count` repeat the last channel). Taps 0–7 are eight rows loaded and transposed, tap 8 one
// gather: nine gathers made the weight transform cost a third of the products it feeds on Zen 3.
AVX2_INLINE void gather_taps(const float *src, long count, vec *taps) {
    long last = count < 8 ? count - 1 : 7;
#pragma clang loop unroll(full)
    for (int c = 0; c < 8; c++) taps[c] = _mm256_loadu_ps(src + 9 * (c < last ? c : last));
    transpose8x8(taps);
    __m256i index = _mm256_min_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)last));
    taps[8] = _mm256_i32gather_ps(src + 8, _mm256_mullo_epi32(index, _mm256_set1_epi32(9)), 4);
}

// The rows (r0, r1, r2, r3) transposed inside each 128-bit half: out[j] holds element j of
// each row's half, the four low halves first.
AVX2_INLINE void transpose_halves(vec r0, vec r1, vec r2, vec r3, vec *out) {
    vec t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    vec t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    out[0] = _mm256_shuffle_ps(t0, t2, 0x44);
    out[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
    out[2] = _mm256_shuffle_ps(t1, t3, 0x44);
    out[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
}

// p moved down one lane, with `next` in the last lane: column j + m from column j.
AVX2_INLINE vec next_tile(vec p, const float *next) {
    vec down = _mm256_permutevar8x32_ps(p, _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0));
    return _mm256_blend_ps(down, _mm256_broadcast_ss(next), 0x80);
}

// p[j][lane] = row[m·lane + j] for j < α: the j-th input column of eight adjacent tiles.
// `row` has at least 8·m + 2 readable floats.
AVX2_INLINE
void columns(int m, const float *row, vec *p) {
    if (m == 4) {
        // Each 128-bit half of a load is one tile; pair tiles l and l + 4, then transpose.
        vec a = _mm256_loadu_ps(row), b = _mm256_loadu_ps(row + 8);
        vec c = _mm256_loadu_ps(row + 16), d = _mm256_loadu_ps(row + 24);
        transpose_halves(_mm256_permute2f128_ps(a, c, 0x20), _mm256_permute2f128_ps(a, c, 0x31),
                         _mm256_permute2f128_ps(b, d, 0x20), _mm256_permute2f128_ps(b, d, 0x31), p);
        // Columns 4 and 5 are columns 0 and 1 of the next tile.
        p[4] = next_tile(p[0], row + 32);
        p[5] = next_tile(p[1], row + 33);
    } else {
        vec a = _mm256_loadu_ps(row), b = _mm256_loadu_ps(row + 8);
        // Even and odd elements per half, then the halves' 64-bit quarters put in order.
        p[0] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
        p[1] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
        p[2] = next_tile(p[0], row + 16);
        p[3] = next_tile(p[1], row + 17);
    }
}

// Writes m output rows of m·8 values each: y[i][j][lane] goes to column m·lane + j of row i.
AVX2_INLINE
void store_rows(int m, const vec *y, float *out, long outW, long rowsLeft, long columnsLeft) {
#pragma clang loop unroll(full)
    for (int i = 0; i < m; i++) {
        if (i >= rowsLeft) break;
        float *row = out + i * outW;
        const vec *yi = y + i * m;
        vec o[4];
        if (m == 4) {
            // Transposed, q[l] holds tiles l and l + 4; pairs of them are joined in order.
            vec q[4];
            transpose_halves(yi[0], yi[1], yi[2], yi[3], q);
            o[0] = _mm256_permute2f128_ps(q[0], q[1], 0x20);
            o[1] = _mm256_permute2f128_ps(q[2], q[3], 0x20);
            o[2] = _mm256_permute2f128_ps(q[0], q[1], 0x31);
            o[3] = _mm256_permute2f128_ps(q[2], q[3], 0x31);
        } else {
            vec lo = _mm256_unpacklo_ps(yi[0], yi[1]), hi = _mm256_unpackhi_ps(yi[0], yi[1]);
            o[0] = _mm256_permute2f128_ps(lo, hi, 0x20);
            o[1] = _mm256_permute2f128_ps(lo, hi, 0x31);
        }
#pragma clang loop unroll(full)
        for (int k = 0; k < m; k++) v_store_first(row + 8 * k, columnsLeft - 8 * k, o[k]);
    }
}

#include "winograd_transforms.h"
