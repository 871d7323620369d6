// The instruction-set variants of ckernels.h's ds_winograd_* (winograd_avx512.c, winograd_avx2.c),
// chosen by winograd.c; not part of the module's interface.
#ifndef DIFFUSIONSWEEP_WINOGRAD_H
#define DIFFUSIONSWEEP_WINOGRAD_H

#define WINOGRAD_VARIANT(suffix)                                                                          \
    void ds_winograd_weights_##suffix(int m, long cin, long coBegin, long coEnd, long ciBegin, long ciEnd,   \
                                      const float *w, float *u);                                            \
    void ds_winograd_input_##suffix(int m, const float *x, long height, long width, long padTop, long padLeft, \
                                    long channels, long tilesX, long tilesY, long tileRow0, long tileRows,     \
                                    long cBegin, long cEnd, long tiles, float *v, float *buffer);              \
    void ds_winograd_output_##suffix(int m, const float *mm, long channels, long tiles, long tilesX,          \
                                     long tilesY, long tileRow0, long tileRows, long coBegin, long coEnd,      \
                                     const float *bias, float *y, long outH, long outW);

WINOGRAD_VARIANT(avx512)
WINOGRAD_VARIANT(avx2)

#endif
