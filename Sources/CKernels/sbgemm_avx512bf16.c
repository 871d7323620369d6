// GEMM with bfloat16 operands and float32 sums, for AVX512-BF16: `vdpbf16ps` multiplies pairs of
// bf16 values along the depth and adds both products to a float32 lane. Both operands are packed
// as such pairs (one 32-bit word per row or column and pair of depths): op(B) in kc × NC panels
// of NR-column strips, op(A) MR rows at a time. Otherwise the same blocking as ds_sgemm.
#include "avx512.h"
#include "ckernels.h"
#include "sgemm_blocked.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BF16 __attribute__((target("avx512f,avx512bw,avx512bf16")))

// Depth blocks of KC values (KC / 2 pairs): a 512 × 512 bf16 panel of B is 512 KB, in L2.
enum { MR = 6, NR = 64, KC = 512, NC = 512 };

int ds_bf16_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512bf16");
}

unsigned short ds_bf16_round(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7F800000u) == 0) return (uint16_t)((bits >> 16) & 0x8000u);      // zero, denormal: ±0
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x40u); // NaN stays NaN
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}

// The pair word of depths (even, odd): the even one in the low half, as vdpbf16ps pairs them.
static inline uint32_t pair(float even, float odd) {
    return (uint32_t)ds_bf16_round(even) | (uint32_t)ds_bf16_round(odd) << 16;
}

// Words of `pairs` consecutive depth pairs of a contiguous row of `count` floats (count ≤ 2·pairs;
// depths past count are 0), rounded by the hardware as ds_bf16_round does.
BF16 static void pack_row(const float *src, long count, uint32_t *dst, long pairs) {
    long q = 0;
    for (; 2 * q + 32 <= count; q += 16) {
        __m512bh r = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + 2 * q + 16), _mm512_loadu_ps(src + 2 * q));
        _mm512_storeu_si512(dst + q, (__m512i)r);
    }
    for (; q < pairs; q++) dst[q] = pair(2 * q < count ? src[2 * q] : 0, 2 * q + 1 < count ? src[2 * q + 1] : 0);
}

// MR rows of op(A) from row i, depths [p0, p0 + kc), as rows of kcp pair words; rows past mr are 0.
BF16 static void pack_a(int trans, const float *a, long lda, long i, long mr, long p0, long kc, long kcp, uint32_t *dst) {
    for (long r = 0; r < MR; r++, dst += kcp) {
        if (r >= mr) { memset(dst, 0, sizeof(uint32_t) * kcp); continue; }
        if (!trans) { pack_row(a + (i + r) * lda + p0, kc, dst, kcp); continue; }
        for (long q = 0; q < kcp; q++) {
            long p = p0 + 2 * q;
            dst[q] = pair(a[p * lda + i + r], 2 * q + 1 < kc ? a[(p + 1) * lda + i + r] : 0);
        }
    }
}

// Depths [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), as strips of NR columns, each stored
// pair-major (NR words per depth pair), columns past nc and the depth past an odd kc zero.
BF16 static void pack_b(int trans, const float *b, long ldb, long p0, long kc, long kcp, long j0, long nc, uint32_t *dst) {
    // Interleaves the 16 bf16 of one depth (low half) with the 16 of the next (high half).
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    // Transposed: 16 columns of op(B) packed as rows of words, then gathered 16 at a time (one
    // word from each), in L1; storing each word to its place in the panel instead touched a new
    // cache line per word and cost more than the products of a linear layer.
    uint32_t rows[16 * (KC / 2)] __attribute__((aligned(64)));
    const __m512i across = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                              _mm512_set1_epi32((int)kcp));
    for (long s = 0; s < nc; s += NR, dst += NR * kcp) {
        long cols = min_long(NR, nc - s);
        if (cols < NR) memset(dst, 0, sizeof(uint32_t) * NR * kcp);
        if (trans) {
            for (long v = 0; v < cols; v += 16) {
                long group = min_long(16, cols - v);
                for (long j = 0; j < 16; j++) {
                    if (j < group) pack_row(b + (j0 + s + v + j) * ldb + p0, kc, rows + j * kcp, kcp);
                    else memset(rows + j * kcp, 0, sizeof(uint32_t) * kcp);
                }
                for (long q = 0; q < kcp; q++)
                    _mm512_store_si512(dst + q * NR + v, _mm512_i32gather_epi32(across, (const int *)(rows + q), 4));
            }
            continue;
        }
        for (long q = 0; q < kcp; q++) {
            const float *even = b + (p0 + 2 * q) * ldb + j0 + s;
            int hasOdd = 2 * q + 1 < kc;
            for (long v = 0; v < cols; v += 16) {
                __mmask16 m = first_lanes(cols - v);
                __m512 x = _mm512_maskz_loadu_ps(m, even + v);
                __m512 y = hasOdd ? _mm512_maskz_loadu_ps(m, even + ldb + v) : _mm512_setzero_ps();
                __m512i both = (__m512i)_mm512_cvtne2ps_pbh(y, x);
                _mm512_store_si512(dst + q * NR + v, _mm512_permutexvar_epi16(interleave, both));
            }
        }
    }
}

// C[0..<mr, 0..<nr] = alpha·(A rows · B strip) + beta·C over kcp depth pairs, nr ≤ 16·vectors.
BF16 static inline __attribute__((always_inline))
void tile(int vectors, long kcp, const uint32_t *a, const uint32_t *b, float *c, long ldc, long mr, long nr,
          float alpha, float beta) {
    __m512 acc[MR][4];
    start_tile(vectors, MR, acc, c, ldc, mr);
    for (long q = 0; q < kcp; q++, b += NR) {
        __m512i bv[4];
#pragma clang loop unroll(full)
        for (int v = 0; v < vectors; v++) bv[v] = _mm512_load_si512(b + 16 * v);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512i ai = _mm512_set1_epi32((int)a[i * kcp + q]);
#pragma clang loop unroll(full)
            for (int v = 0; v < vectors; v++) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], (__m512bh)ai, (__m512bh)bv[v]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        store_tile_row(vectors, acc[i], c + i * ldc, nr, alpha, beta);
    }
}

BF16 static void micro_kernel(long kcp, const uint32_t *a, const uint32_t *b, float *c, long ldc, long mr, long nr,
                              float alpha, float beta) {
    switch ((nr + 15) / 16) {
    case 1: tile(1, kcp, a, b, c, ldc, mr, nr, alpha, beta); break;
    case 2: tile(2, kcp, a, b, c, ldc, mr, nr, alpha, beta); break;
    case 3: tile(3, kcp, a, b, c, ldc, mr, nr, alpha, beta); break;
    default: tile(4, kcp, a, b, c, ldc, mr, nr, alpha, beta); break;
    }
}

// 64-byte aligned memory for `words` 32-bit words (aligned_alloc wants a multiple of 64 bytes).
static uint32_t *words(long count) {
    return aligned_alloc(64, (size_t)((count * 4 + 63) / 64 * 64));
}

BF16 int ds_sbgemm(int transA, int transB, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) { scale_c(m, n, beta, c, ldc); return 0; }
    long kcpMax = (min_long(KC, k) + 1) / 2, ncMax = min_long(NC, (n + NR - 1) / NR * NR);
    uint32_t *pb = words(ncMax * kcpMax), *pa = words(MR * kcpMax);
    if (!pb || !pa) { free(pb); free(pa); return -1; }
    for (long j0 = 0; j0 < n; j0 += NC) {
        long nc = min_long(NC, n - j0);
        for (long p0 = 0; p0 < k; p0 += KC) {
            long kc = min_long(KC, k - p0), kcp = (kc + 1) / 2;
            // Later depth blocks add to what the first one wrote.
            float blockBeta = p0 == 0 ? beta : 1;
            pack_b(transB, b, ldb, p0, kc, kcp, j0, nc, pb);
            for (long i = 0; i < m; i += MR) {
                long mr = min_long(MR, m - i);
                pack_a(transA, a, lda, i, mr, p0, kc, kcp, pa);
                for (long js = 0; js < nc; js += NR)
                    micro_kernel(kcp, pa, pb + js * kcp, c + i * ldc + j0 + js, ldc, mr, min_long(NR, nc - js),
                                 alpha, blockBeta);
            }
        }
    }
    free(pb);
    free(pa);
    return 0;
}
