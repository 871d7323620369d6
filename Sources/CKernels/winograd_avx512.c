// Winograd F(m×m, 3×3) transforms for stride-1 3×3 convolutions (Lavin & Gray, "Fast Algorithms
// for Convolutional Neural Networks", 2015), m = 2 or 4, α = m + 2 points per side. The caller
// multiplies, for each of the α² transform points ξ, U_ξ (cout × cin) by V_ξ (cin × tiles) into
// M_ξ (cout × tiles) with its GEMM; these functions produce U and V and turn M into the output.
// Every value depends on its own tile and channel alone, so any split of the work between threads
// gives the same bytes. The transforms run sixteen tiles (or input channels) per vector.
#include "avx512.h"
#include "ckernels.h"
#include <stdlib.h>
#include <string.h>

// Interpolation points 0, ±1, ±2 (and ∞) for F(4,3), 0, ±1 for F(2,3): the small integer points
// that keep the transforms' rounding error lowest.
static const float BT4[36] = {
    4, 0, -5, 0, 1, 0,
    0, -4, -4, 1, 1, 0,
    0, 4, -4, -1, 1, 0,
    0, -2, -1, 2, 1, 0,
    0, 2, -1, -2, 1, 0,
    0, 4, 0, -5, 0, 1,
};
static const float G4[18] = {
    1.0f / 4, 0, 0,
    -1.0f / 6, -1.0f / 6, -1.0f / 6,
    -1.0f / 6, 1.0f / 6, -1.0f / 6,
    1.0f / 24, 1.0f / 12, 1.0f / 6,
    1.0f / 24, -1.0f / 12, 1.0f / 6,
    0, 0, 1,
};
static const float AT4[24] = {
    1, 1, 1, 1, 1, 0,
    0, 1, -1, 2, -2, 0,
    0, 1, 1, 4, 4, 0,
    0, 1, -1, 8, -8, 1,
};
static const float BT2[16] = {
    1, 0, -1, 0,
    0, 1, 1, 0,
    0, -1, 1, 0,
    0, 1, 0, -1,
};
static const float G2[12] = {
    1, 0, 0,
    0.5f, 0.5f, 0.5f,
    0.5f, -0.5f, 0.5f,
    0, 0, 1,
};
static const float AT2[8] = {
    1, 1, 1, 0,
    0, 1, -1, -1,
};

enum { MAX_ALPHA = 6 };

// out[r] = Σ_c mat[r·cols + c]·in[c·stride] for r < rows. Inlined with constant tables, zero
// coefficients vanish and ±1 become additions, so each transform costs only its real terms.
AVX512 static inline __attribute__((always_inline))
void apply(int rows, int cols, const float *mat, const __m512 *in, int stride, __m512 *out, int outStride) {
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        __m512 acc = _mm512_setzero_ps();
        int started = 0;
#pragma clang loop unroll(full)
        for (int c = 0; c < cols; c++) {
            float k = mat[r * cols + c];
            __m512 x = in[c * stride];
            if (k == 0) continue;
            if (!started) {
                acc = k == 1 ? x : k == -1 ? _mm512_sub_ps(_mm512_setzero_ps(), x) : _mm512_mul_ps(_mm512_set1_ps(k), x);
                started = 1;
            } else if (k == 1) {
                acc = _mm512_add_ps(acc, x);
            } else if (k == -1) {
                acc = _mm512_sub_ps(acc, x);
            } else {
                acc = _mm512_fmadd_ps(_mm512_set1_ps(k), x, acc);
            }
        }
        out[r * outStride] = acc;
    }
}

// ---- weights: u[co − coBegin][ξ][ci] = (G g Gᵀ)[ξ] for g = w[co][ci], sixteen input channels at a time.

AVX512 static inline __attribute__((always_inline))
void weights(int m, long cout, long cin, long coBegin, long coEnd, const float *w, float *u) {
    const int alpha = m + 2;
    const float *g = m == 4 ? G4 : G2;
    const __m512i nine = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32(9));
    for (long co = coBegin; co < coEnd; co++) {
        for (long ci = 0; ci < cin; ci += 16) {
            __mmask16 lanes = first_lanes(cin - ci);
            const float *src = w + (co * cin + ci) * 9;
            __m512 taps[9], rows[MAX_ALPHA * 3], points[MAX_ALPHA * MAX_ALPHA];
#pragma clang loop unroll(full)
            for (int t = 0; t < 9; t++)
                taps[t] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, nine, src + t, 4);
            // G·g: α × 3, then (G·g)·Gᵀ: α × α.
#pragma clang loop unroll(full)
            for (int kx = 0; kx < 3; kx++) apply(alpha, 3, g, taps + kx, 3, rows + kx, 3);
#pragma clang loop unroll(full)
            for (int i = 0; i < alpha; i++) apply(alpha, 3, g, rows + 3 * i, 1, points + alpha * i, 1);
#pragma clang loop unroll(full)
            for (int p = 0; p < alpha * alpha; p++)
                _mm512_mask_storeu_ps(u + ((co - coBegin) * alpha * alpha + p) * cin + ci, lanes, points[p]);
        }
    }
}

AVX512 void ds_winograd_weights(int m, long cout, long cin, long coBegin, long coEnd, const float *w, float *u) {
    if (m == 4) weights(4, cout, cin, coBegin, coEnd, w, u);
    else weights(2, cout, cin, coBegin, coEnd, w, u);
}

// ---- input: v[c][ξ][t] = (Bᵀ d B)[ξ] for the α × α patch d of tile t in channel c.

// p[j][lane] = row[m·lane + j] for j < α: the j-th input column of sixteen adjacent tiles.
// `row` has at least 16·m + 16 + (α − m) readable floats.
AVX512 static inline __attribute__((always_inline))
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

AVX512 static inline __attribute__((always_inline))
void input(int m, const float *x, long height, long width, long padTop, long padLeft, long channels,
           long tilesX, long tilesY, long tileRow0, long tileRows, long cBegin, long cEnd, long tiles,
           float *v, float *buffer, long bufferWidth) {
    const int alpha = m + 2;
    const float *bt = m == 4 ? BT4 : BT2;
    for (long c = cBegin; c < cEnd; c++) {
        for (long r = 0; r < tileRows; r++) {
            long n = (tileRow0 + r) / tilesY, ty = (tileRow0 + r) % tilesY;
            const float *plane = x + (n * channels + c) * height * width;
            // The α input rows of this tile row, zero-padded left and right (and zero outside
            // the image), so the vector loads below never test bounds.
            for (int i = 0; i < alpha; i++) {
                float *dst = buffer + i * bufferWidth;
                long iy = ty * m + i - padTop;
                if (iy < 0 || iy >= height) { memset(dst, 0, sizeof(float) * bufferWidth); continue; }
                long copy = width < bufferWidth - padLeft ? width : bufferWidth - padLeft;
                memset(dst, 0, sizeof(float) * padLeft);
                memcpy(dst + padLeft, plane + iy * width, sizeof(float) * copy);
                memset(dst + padLeft + copy, 0, sizeof(float) * (bufferWidth - padLeft - copy));
            }
            for (long tx = 0; tx < tilesX; tx += 16) {
                __mmask16 lanes = first_lanes(tilesX - tx);
                __m512 d[MAX_ALPHA * MAX_ALPHA], rows[MAX_ALPHA * MAX_ALPHA], points[MAX_ALPHA * MAX_ALPHA];
#pragma clang loop unroll(full)
                for (int i = 0; i < alpha; i++) columns(m, buffer + i * bufferWidth + tx * m, d + alpha * i);
                // d·B along each row, then Bᵀ·(d·B) down the columns.
#pragma clang loop unroll(full)
                for (int i = 0; i < alpha; i++) apply(alpha, alpha, bt, d + alpha * i, 1, rows + alpha * i, 1);
#pragma clang loop unroll(full)
                for (int j = 0; j < alpha; j++) apply(alpha, alpha, bt, rows + j, alpha, points + j, alpha);
                float *out = v + c * alpha * alpha * tiles + r * tilesX + tx;
#pragma clang loop unroll(full)
                for (int p = 0; p < alpha * alpha; p++) _mm512_mask_storeu_ps(out + p * tiles, lanes, points[p]);
            }
        }
    }
}

long ds_winograd_row_buffer(int m, long width, long padLeft, long tilesX) {
    long needed = ((tilesX + 15) / 16) * 16 * m + 16 + 2;
    long image = width + padLeft;
    return needed > image ? needed : image;
}

AVX512 void ds_winograd_input(int m, const float *x, long height, long width, long padTop, long padLeft,
                              long channels, long tilesX, long tilesY, long tileRow0, long tileRows,
                              long cBegin, long cEnd, long tiles, float *v, float *buffer) {
    long bufferWidth = ds_winograd_row_buffer(m, width, padLeft, tilesX);
    if (m == 4)
        input(4, x, height, width, padTop, padLeft, channels, tilesX, tilesY, tileRow0, tileRows, cBegin, cEnd,
              tiles, v, buffer, bufferWidth);
    else
        input(2, x, height, width, padTop, padLeft, channels, tilesX, tilesY, tileRow0, tileRows, cBegin, cEnd,
              tiles, v, buffer, bufferWidth);
}

// ---- output: y = Aᵀ M A + bias for each tile, written into the output rows.

// Writes m output rows of m·16 values each: y[i][j][lane] goes to column m·lane + j of row i.
AVX512 static inline __attribute__((always_inline))
void store(int m, const __m512 *y, float *out, long outW, long rowsLeft, long columnsLeft) {
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
            __m512i first = _mm512_set_epi32(23, 22, 7, 6, 21, 20, 5, 4, 19, 18, 3, 2, 17, 16, 1, 0);
            __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(8));
            o[0] = _mm512_permutex2var_ps(a0, first, b0);
            o[1] = _mm512_permutex2var_ps(a0, second, b0);
            o[2] = _mm512_permutex2var_ps(a1, first, b1);
            o[3] = _mm512_permutex2var_ps(a1, second, b1);
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

AVX512 static inline __attribute__((always_inline))
void output(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY, long tileRow0,
            long tileRows, long coBegin, long coEnd, const float *bias, float *y, long outH, long outW) {
    const int alpha = m + 2;
    const float *at = m == 4 ? AT4 : AT2;
    for (long co = coBegin; co < coEnd; co++) {
        __m512 b = _mm512_set1_ps(bias ? bias[co] : 0);
        for (long r = 0; r < tileRows; r++) {
            long n = (tileRow0 + r) / tilesY, ty = (tileRow0 + r) % tilesY;
            float *plane = y + (n * channels + co) * outH * outW;
            for (long tx = 0; tx < tilesX; tx += 16) {
                __mmask16 lanes = first_lanes(tilesX - tx);
                const float *src = mm + co * alpha * alpha * tiles + r * tilesX + tx;
                __m512 points[MAX_ALPHA * MAX_ALPHA], rows[4 * MAX_ALPHA], out[16];
#pragma clang loop unroll(full)
                for (int p = 0; p < alpha * alpha; p++)
                    points[p] = _mm512_maskz_loadu_ps(lanes, src + p * tiles);
                // Aᵀ·M down the columns, then (Aᵀ·M)·A along each row.
#pragma clang loop unroll(full)
                for (int j = 0; j < alpha; j++) apply(m, alpha, at, points + j, alpha, rows + j, alpha);
#pragma clang loop unroll(full)
                for (int i = 0; i < m; i++) apply(m, alpha, at, rows + alpha * i, 1, out + m * i, 1);
#pragma clang loop unroll(full)
                for (int k = 0; k < m * m; k++) out[k] = _mm512_add_ps(out[k], b);
                store(m, out, plane + ty * m * outW + tx * m, outW, outH - ty * m, outW - tx * m);
            }
        }
    }
}

AVX512 void ds_winograd_output(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY,
                               long tileRow0, long tileRows, long coBegin, long coEnd, const float *bias,
                               float *y, long outH, long outW) {
    if (m == 4)
        output(4, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias, y, outH, outW);
    else
        output(2, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias, y, outH, outW);
}
