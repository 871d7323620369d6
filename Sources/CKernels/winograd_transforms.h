// Winograd F(m×m, 3×3) transforms for stride-1 3×3 convolutions (Lavin & Gray, "Fast Algorithms
// for Convolutional Neural Networks", 2015), m = 2 or 4, α = m + 2 points per side. The caller
// multiplies, for each of the α² transform points ξ, U_ξ (cout × cin) by V_ξ (cin × tiles) into
// M_ξ (cout × tiles) with its GEMM; these functions produce U and V and turn M into the output.
// Every value depends on its own tile and channel alone, so any split of the work between threads
// gives the same bytes. The transforms run W tiles (or input channels) per vector.
//
// The algorithm is written once, here, over the vector interface of vec_avx512.h (W = 16) or
// vec_avx2.h (W = 8); winograd_avx512.c and winograd_avx2.c include one of them, define NAME(f)
// (the exported name of f for that instruction set) and the width-specific shuffles gather_taps,
// columns and store_rows, then include this file.
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
#define INLINE TARGET static inline __attribute__((always_inline))

// out[r] = Σ_c mat[r·cols + c]·in[c·stride] for r < rows. Inlined with constant tables, zero
// coefficients vanish and ±1 become additions, so each transform costs only its real terms.
INLINE
void apply(int rows, int cols, const float *mat, const vec *in, int stride, vec *out, int outStride) {
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        vec acc = v_zero();
        int started = 0;
#pragma clang loop unroll(full)
        for (int c = 0; c < cols; c++) {
            float k = mat[r * cols + c];
            vec x = in[c * stride];
            if (k == 0) continue;
            if (!started) {
                acc = k == 1 ? x : k == -1 ? v_sub(v_zero(), x) : v_mul(v_set1(k), x);
                started = 1;
            } else if (k == 1) {
                acc = v_add(acc, x);
            } else if (k == -1) {
                acc = v_sub(acc, x);
            } else {
                acc = v_fmadd(v_set1(k), x, acc);
            }
        }
        out[r * outStride] = acc;
    }
}

// ---- weights: u[co − coBegin][ξ][ci − ciBegin] = (G g Gᵀ)[ξ] for g = w[co][ci], W input channels at a
// time (rows of ciEnd − ciBegin values).

INLINE
void weights(int m, long cin, long coBegin, long coEnd, long ciBegin, long ciEnd, const float *w, float *u) {
    const int alpha = m + 2;
    const float *g = m == 4 ? G4 : G2;
    const long depth = ciEnd - ciBegin;
    for (long co = coBegin; co < coEnd; co++) {
        for (long ci = ciBegin; ci < ciEnd; ci += W) {
            const float *src = w + (co * cin + ci) * 9;
            vec taps[9], rows[MAX_ALPHA * 3], points[MAX_ALPHA * MAX_ALPHA];
            gather_taps(src, ciEnd - ci, taps);
            // G·g: α × 3, then (G·g)·Gᵀ: α × α.
#pragma clang loop unroll(full)
            for (int kx = 0; kx < 3; kx++) apply(alpha, 3, g, taps + kx, 3, rows + kx, 3);
#pragma clang loop unroll(full)
            for (int i = 0; i < alpha; i++) apply(alpha, 3, g, rows + 3 * i, 1, points + alpha * i, 1);
#pragma clang loop unroll(full)
            for (int p = 0; p < alpha * alpha; p++)
                v_store_first(u + ((co - coBegin) * alpha * alpha + p) * depth + ci - ciBegin, ciEnd - ci, points[p]);
        }
    }
}

TARGET void NAME(ds_winograd_weights)(int m, long cin, long coBegin, long coEnd, long ciBegin, long ciEnd,
                                      const float *w, float *u) {
    if (m == 4) weights(4, cin, coBegin, coEnd, ciBegin, ciEnd, w, u);
    else weights(2, cin, coBegin, coEnd, ciBegin, ciEnd, w, u);
}

// ---- input: v[c][ξ][t] = (Bᵀ d B)[ξ] for the α × α patch d of tile t in channel c.

INLINE
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
            for (long tx = 0; tx < tilesX; tx += W) {
                vec d[MAX_ALPHA * MAX_ALPHA], rows[MAX_ALPHA * MAX_ALPHA], points[MAX_ALPHA * MAX_ALPHA];
#pragma clang loop unroll(full)
                for (int i = 0; i < alpha; i++) columns(m, buffer + i * bufferWidth + tx * m, d + alpha * i);
                // d·B along each row, then Bᵀ·(d·B) down the columns.
#pragma clang loop unroll(full)
                for (int i = 0; i < alpha; i++) apply(alpha, alpha, bt, d + alpha * i, 1, rows + alpha * i, 1);
#pragma clang loop unroll(full)
                for (int j = 0; j < alpha; j++) apply(alpha, alpha, bt, rows + j, alpha, points + j, alpha);
                float *out = v + c * alpha * alpha * tiles + r * tilesX + tx;
#pragma clang loop unroll(full)
                for (int p = 0; p < alpha * alpha; p++) v_store_first(out + p * tiles, tilesX - tx, points[p]);
            }
        }
    }
}

TARGET void NAME(ds_winograd_input)(int m, const float *x, long height, long width, long padTop, long padLeft,
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

INLINE
void output(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY, long tileRow0,
            long tileRows, long coBegin, long coEnd, const float *bias, float *y, long outH, long outW) {
    const int alpha = m + 2;
    const float *at = m == 4 ? AT4 : AT2;
    for (long co = coBegin; co < coEnd; co++) {
        vec b = v_set1(bias ? bias[co] : 0);
        for (long r = 0; r < tileRows; r++) {
            long n = (tileRow0 + r) / tilesY, ty = (tileRow0 + r) % tilesY;
            float *plane = y + (n * channels + co) * outH * outW;
            for (long tx = 0; tx < tilesX; tx += W) {
                lane_mask lanes = first(tilesX - tx);
                const float *src = mm + co * alpha * alpha * tiles + r * tilesX + tx;
                vec points[MAX_ALPHA * MAX_ALPHA], rows[4 * MAX_ALPHA], out[16];
#pragma clang loop unroll(full)
                for (int p = 0; p < alpha * alpha; p++)
                    points[p] = v_load_masked(lanes, src + p * tiles);
                // Aᵀ·M down the columns, then (Aᵀ·M)·A along each row.
#pragma clang loop unroll(full)
                for (int j = 0; j < alpha; j++) apply(m, alpha, at, points + j, alpha, rows + j, alpha);
#pragma clang loop unroll(full)
                for (int i = 0; i < m; i++) apply(m, alpha, at, rows + alpha * i, 1, out + m * i, 1);
#pragma clang loop unroll(full)
                for (int k = 0; k < m * m; k++) out[k] = v_add(out[k], b);
                store_rows(m, out, plane + ty * m * outW + tx * m, outW, outH - ty * m, outW - tx * m);
            }
        }
    }
}

TARGET void NAME(ds_winograd_output)(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY,
                               long tileRow0, long tileRows, long coBegin, long coEnd, const float *bias,
                               float *y, long outH, long outW) {
    if (m == 4)
        output(4, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias, y, outH, outW);
    else
        output(2, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias, y, outH, outW);
}
