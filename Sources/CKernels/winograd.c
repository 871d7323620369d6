// ckernels.h's Winograd entry points: the AVX-512 transforms where the CPU has AVX-512F, else
// the AVX2 + FMA ones (callers check ds_winograd_available() first).
#include "ckernels.h"
#include "winograd.h"

int ds_winograd_available(void) { return ds_avx512_available() || ds_avx2_available(); }

long ds_winograd_row_buffer(int m, long width, long padLeft, long tilesX) {
    // What the widest variant (16 tiles of m columns per vector, plus the next tile's first
    // columns) reads past a row of tiles.
    long needed = ((tilesX + 15) / 16) * 16 * m + 16 + 2;
    long image = width + padLeft;
    return needed > image ? needed : image;
}

void ds_winograd_weights(int m, long cin, long coBegin, long coEnd, long ciBegin, long ciEnd, const float *w,
                         float *u) {
    if (ds_avx512_available()) ds_winograd_weights_avx512(m, cin, coBegin, coEnd, ciBegin, ciEnd, w, u);
    else ds_winograd_weights_avx2(m, cin, coBegin, coEnd, ciBegin, ciEnd, w, u);
}

void ds_winograd_input(int m, const float *x, long height, long width, long padTop, long padLeft, long channels,
                       long tilesX, long tilesY, long tileRow0, long tileRows, long cBegin, long cEnd, long tiles,
                       float *v, float *buffer) {
    if (ds_avx512_available())
        ds_winograd_input_avx512(m, x, height, width, padTop, padLeft, channels, tilesX, tilesY, tileRow0, tileRows,
                                 cBegin, cEnd, tiles, v, buffer);
    else
        ds_winograd_input_avx2(m, x, height, width, padTop, padLeft, channels, tilesX, tilesY, tileRow0, tileRows,
                               cBegin, cEnd, tiles, v, buffer);
}

void ds_winograd_output(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY, long tileRow0,
                        long tileRows, long coBegin, long coEnd, const float *bias, float *y, long outH, long outW) {
    if (ds_avx512_available())
        ds_winograd_output_avx512(m, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias,
                                  y, outH, outW);
    else
        ds_winograd_output_avx2(m, mm, channels, tiles, tilesX, tilesY, tileRow0, tileRows, coBegin, coEnd, bias,
                                y, outH, outW);
}
