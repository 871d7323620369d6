// Single-precision GEMM for AVX2 + FMA CPUs (Haswell and later, AMD Zen): a 6 × 16 register tile
// (12 ymm accumulators, as BLIS's Haswell kernel) in BLIS's loop order (sgemm_blocked.h), which
// broadcasts A and loads B two vectors at a time.
#include "avx2.h"
#include "ckernels.h"
#include "sgemm_blocked.h"

// A 256 × 16 strip of B (16 KB) stays in a 32 KB L1 while a 120 × 256 block of A (120 KB, read
// in place) streams from a 512 KB L2; NC only bounds the packed panel of B (1 MB, in L3).
// On Zen 3 this order with vector packing took sgemm 2048³ on two threads from ~73 GFLOP/s
// (the A-in-L1 order of the AVX-512 kernel, scalar packing) to 105–120.
enum { MR = DS_AVX2_MR, NR = DS_AVX2_NR, KC = DS_AVX2_KC, NC = 1024, MC = 120 };
static const struct blocking BLOCKING = {MR, NR, KC, NC};

int ds_avx2_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

// C[0..<mr, 0..<nr] = alpha·(A strip · B strip) + beta·C over kc depths, for nr ≤ 8·vectors;
// inlined with a constant `vectors` so a narrow right edge of C skips the half it does not have,
// and with a constant `packed` so packed A is read at fixed offsets (MR values per depth).
AVX2 static inline __attribute__((always_inline))
void tile(int vectors, int packed, long kc, const float *a, long rowStride, long depthStride, const float *b,
          float *c, long ldc, long mr, long nr, float alpha, float beta) {
    const float *rows[MR];
    tile_rows(MR, a, rowStride, mr, rows);
    // C's rows are far apart: fetching them now hides the misses behind the depth loop.
    for (long i = 0; i < mr; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    __m256 acc[MR][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_setzero_ps();
    for (long p = 0; p < kc; p++, b += NR) {
        __m256 bv[2];
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) bv[v] = _mm256_load_ps(b + 8 * v);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(packed ? a + p * MR + i : rows[i] + p * depthStride);
#pragma clang loop unroll(full)
            for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
        }
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        float *row = c + i * ldc;
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) {
            __m256 r = _mm256_mul_ps(va, acc[i][v]);
            if (nr >= 8 * (v + 1)) {
                if (beta != 0) r = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8 * v), r);
                _mm256_storeu_ps(row + 8 * v, r);
            } else {
                __m256i lanes = first_lanes8(nr - 8 * v);
                if (beta != 0) r = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8 * v, lanes), r);
                store_first8(row + 8 * v, nr - 8 * v, r);
            }
        }
    }
}

AVX2 static void micro_kernel(long kc, const float *a, long rowStride, long depthStride, const float *b,
                              float *c, long ldc, long mr, long nr, float alpha, float beta) {
    if (rowStride == 1 && depthStride == MR) {
        if (nr <= 8) tile(1, 1, kc, a, 1, MR, b, c, ldc, mr, nr, alpha, beta);
        else tile(2, 1, kc, a, 1, MR, b, c, ldc, mr, nr, alpha, beta);
    } else {
        if (nr <= 8) tile(1, 0, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta);
        else tile(2, 0, kc, a, rowStride, depthStride, b, c, ldc, mr, nr, alpha, beta);
    }
}

// Eight consecutive values of B from `index` on, and one, as float32: F16 and BF16 widen exactly,
// so a product over half values gives the bytes it gives over their float32 copy.
AVX2 static inline __attribute__((always_inline)) __m256 load8(int format, const void *b, long index) {
    if (format == DS_F32) return _mm256_loadu_ps((const float *)b + index);
    __m128i h = _mm_loadu_si128((const __m128i *)((const unsigned short *)b + index));
    if (format == DS_F16) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

AVX2 static inline __attribute__((always_inline)) float load1(int format, const void *b, long index) {
    if (format == DS_F32) return ((const float *)b)[index];
    unsigned short h = ((const unsigned short *)b)[index];
    if (format == DS_F16) return _cvtsh_ss(h);
    unsigned int bits = (unsigned int)h << 16;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

// pack_b_strips over B in `format`, with whole groups of eight columns moved through registers:
// a row of B in vector copies, a transposed B (a linear layer's weight, attention's keys) eight
// columns × eight depths at a time instead of one scattered store per value.
AVX2 static inline __attribute__((always_inline))
void pack_b_as(int format, long nr, int trans, const void *b, long ldb, long p0, long kc, long j0, long nc, float *dst) {
    for (long s = 0; s < nc; s += nr, dst += nr * kc) {
        long cols = min_long(nr, nc - s);
        for (long h = 0; h < nr; h += 8) {
            long group = min_long(8, cols - h), p = 0;
            if (!trans) {
                for (; group == 8 && p < kc; p++)
                    _mm256_store_ps(dst + p * nr + h, load8(format, b, (p0 + p) * ldb + j0 + s + h));
                for (; p < kc; p++)
                    for (long j = 0; j < 8; j++)
                        dst[p * nr + h + j] = j < group ? load1(format, b, (p0 + p) * ldb + j0 + s + h + j) : 0;
                continue;
            }
            long first = (j0 + s + h) * ldb + p0;
            for (; group == 8 && p + 8 <= kc; p += 8) {
                __m256 r[8];
#pragma clang loop unroll(full)
                for (int j = 0; j < 8; j++) r[j] = load8(format, b, first + j * ldb + p);
                transpose8x8(r);
#pragma clang loop unroll(full)
                for (int q = 0; q < 8; q++) _mm256_store_ps(dst + (p + q) * nr + h, r[q]);
            }
            for (; p < kc; p++)
                for (long j = 0; j < 8; j++) dst[p * nr + h + j] = j < group ? load1(format, b, first + j * ldb + p) : 0;
        }
    }
}

AVX2 static void pack_b(long nr, int trans, const void *b, long ldb, long p0, long kc, long j0, long nc, float *dst) {
    pack_b_as(DS_F32, nr, trans, b, ldb, p0, kc, j0, nc, dst);
}

AVX2 static void pack_b_f16(long nr, int trans, const void *b, long ldb, long p0, long kc, long j0, long nc, float *dst) {
    pack_b_as(DS_F16, nr, trans, b, ldb, p0, kc, j0, nc, dst);
}

AVX2 static void pack_b_bf16(long nr, int trans, const void *b, long ldb, long p0, long kc, long j0, long nc, float *dst) {
    pack_b_as(DS_BF16, nr, trans, b, ldb, p0, kc, j0, nc, dst);
}

// pack_a_block for an A whose rows are contiguous in depth: six rows × eight depths at a time
// through registers, each depth's six values stored as four plus two.
AVX2 static void pack_a(long MRows, const float *a, long rowStride, long depthStride, long mr, long kc, float *dst) {
    if (MRows != MR || depthStride != 1) { pack_a_block(MRows, a, rowStride, depthStride, mr, kc, dst); return; }
    const float *rows[MR];
    tile_rows(MR, a, rowStride, mr, rows);
    long p = 0;
    for (; p + 8 <= kc; p += 8) {
        __m256 r[8];
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) r[i] = _mm256_loadu_ps(rows[i] + p);
        r[6] = r[7] = _mm256_setzero_ps();
        transpose8x8(r);
#pragma clang loop unroll(full)
        for (int q = 0; q < 8; q++) {
            float *to = dst + (p + q) * MR;
            _mm_storeu_ps(to, _mm256_castps256_ps128(r[q]));
            _mm_storel_pi((__m64 *)(to + 4), _mm256_extractf128_ps(r[q], 1));
        }
    }
    for (; p < kc; p++)
        for (int i = 0; i < MR; i++) dst[p * MR + i] = rows[i][p];
}

int ds_sgemm_avx2(int transA, int transB, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    return blocked_sgemm_b_in_l1(BLOCKING, MC, micro_kernel, pack_b, transA, transB,
                                 m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int ds_sgemm_avx2_half_b(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                         const unsigned short *b, int bFormat, long ldb, float beta, float *c, long ldc) {
    if (bFormat != DS_F16 && bFormat != DS_BF16) return -2;
    return blocked_sgemm_b_in_l1(BLOCKING, MC, micro_kernel, bFormat == DS_F16 ? pack_b_f16 : pack_b_bf16, transA,
                                 transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void ds_avx2_pack_a(int transA, long m, long k, const float *a, long lda, float *dst) {
    pack_a_ahead(BLOCKING, pack_a, transA, m, k, a, lda, dst);
}

void ds_avx2_pack_b(int transB, long k, long n, const float *b, long ldb, float *dst) {
    pack_b_ahead(BLOCKING, pack_b, transB, k, n, b, ldb, dst);
}

void ds_sgemm_avx2_packed(long m, long n, long k, float alpha, const float *a, const float *b, float beta, float *c,
                          long ldc) {
    packed_sgemm(BLOCKING, MC, micro_kernel, m, n, k, alpha, a, b, beta, c, ldc);
}

void ds_avx2_multiply_block(long m, long n, long kc, const float *a, long lda, const float *b, float beta, float *c,
                            long ldc) {
    multiply_block(BLOCKING, micro_kernel, m, n, kc, a, lda, lda, 1, b, c, ldc, 1, beta);
}

// Six rows at a time, each exponentiated in place and then packed while still in L1.
void ds_exp_pack_a_avx2(float *scores, long ld, long rows, long count, const float *maxima, float *sums, float *dst) {
    for (long i0 = 0; i0 < rows; i0 += MR) {
        long mr = min_long(MR, rows - i0);
        for (long i = i0; i < i0 + mr; i++) sums[i] = ds_exp_sum_avx2(scores + i * ld, count, maxima[i]);
        pack_a_panel(BLOCKING, pack_a, scores, ld, 1, i0, rows, count, dst);
    }
}
