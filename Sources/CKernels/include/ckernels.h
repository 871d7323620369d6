#ifndef DIFFUSIONSWEEP_CKERNELS_H
#define DIFFUSIONSWEEP_CKERNELS_H

#include <stddef.h>

/// 1 when this CPU (and OS) runs AVX-512F code, which ds_sgemm, ds_row_max and ds_exp_sum need, else 0.
int ds_avx512_available(void);

/// 1 when this CPU runs AVX2, FMA and F16C code, which ds_sgemm_avx2 needs, else 0.
int ds_avx2_available(void);

/// Row-major, single-threaded C = alpha·op(A)·op(B) + beta·C, op(A) m×k and op(B) k×n.
/// Every element of C is summed in an order fixed by k alone (blocks of k in turn, each an FMA
/// chain in k order), so the result does not depend on how callers split C between threads.
/// With beta = 0, C is never read. Returns 0, or -1 when the packing buffers cannot be allocated.
int ds_sgemm(int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// ds_sgemm for AVX2 + FMA CPUs (a 6 × 16 register tile, sgemm_avx2.c), with the same guarantees.
int ds_sgemm_avx2(int transA, int transB, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Formats of ds_sgemm_avx2_half_b's B: IEEE binary16 or bfloat16 values.
enum { DS_F32 = 0, DS_F16 = 1, DS_BF16 = 2 };

/// ds_sgemm_avx2 with B in F16 or BF16 (`bFormat`), widened exactly to float32 as it is packed,
/// so the same bytes as ds_sgemm_avx2 over B's float32 copy without making one. Returns 0, -1
/// when the packing buffers cannot be allocated, -2 for another format.
int ds_sgemm_avx2_half_b(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                         const unsigned short *b, int bFormat, long ldb, float beta, float *c, long ldc);

/// ds_sgemm_avx2's register tile (MR rows × NR columns) and depth block (KC), which fix the
/// layouts of operands packed ahead.
enum { DS_AVX2_MR = 6, DS_AVX2_NR = 16, DS_AVX2_KC = 256 };

/// op(A) (m × k) packed ahead for ds_sgemm_avx2_packed, round_up(m, MR)·k floats: depth block p0
/// (of KC) at round_up(m, MR)·p0, in it each panel of MR rows i0… at i0·kc, MR values per depth
/// (rows past m repeat the last one).
void ds_avx2_pack_a(int transA, long m, long k, const float *a, long lda, float *dst);

/// op(B) (k × n) packed ahead, round_up(n, NR)·k floats: depth block p0 at round_up(n, NR)·p0, in it
/// each strip of NR columns j0… at j0·kc, NR values per depth (columns past n zero). dst is 32-byte
/// aligned: the packing stores it and the product reads it with aligned vector moves.
void ds_avx2_pack_b(int transB, long k, long n, const float *b, long ldb, float *dst);

/// ds_sgemm_avx2 over operands packed ahead (ds_avx2_pack_a, ds_avx2_pack_b or
/// ds_exp_pack_a_avx2): the same bytes, with no packing and no allocation per call.
void ds_sgemm_avx2_packed(long m, long n, long k, float alpha, const float *a, const float *b, float beta, float *c,
                          long ldc);

/// C (m × n) = A · B + beta·C over one depth block of kc ≤ KC: A read in place (row i at a + i·lda,
/// kc consecutive values), B that depth block as ds_avx2_pack_b packs it (strips of NR columns at
/// j0·kc). One step of ds_sgemm_avx2's loop, so blocks added in depth order with beta = 1 after the
/// first give its bytes.
void ds_avx2_multiply_block(long m, long n, long kc, const float *a, long lda, const float *b, float beta, float *c,
                            long ldc);

/// 1 when this CPU runs ds_sbgemm (AVX512-BF16 with AVX512-F and -BW), else 0.
int ds_bf16_available(void);

/// ds_sgemm with both operands rounded to bfloat16 (round to nearest even, denormals to zero,
/// as the hardware's conversion does) and float32 sums: each element of C is the float32 sum,
/// over pairs of depths in order, of both products of a pair (`vdpbf16ps`). Same splitting
/// guarantee as ds_sgemm. Returns 0, or -1 when the packing buffers cannot be allocated.
int ds_sbgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// `value` rounded to bfloat16 as ds_sbgemm rounds its operands (the upper 16 bits of a float).
unsigned short ds_bf16_round(float value);

/// The largest of `count` floats (NaN entries ignored; -infinity when count is 0).
float ds_row_max(const float *row, long count);

/// row[i] = exp(row[i] - maximum) in place; returns their sum. exp is the Cephes polynomial of
/// Tensors' `vectorExp` with fused multiply-adds (within an ulp of it), sixteen lanes per instruction.
float ds_exp_sum(float *row, long count, float maximum);

/// ds_row_max and ds_exp_sum for AVX2 + FMA CPUs, eight lanes per instruction (softmax_passes.h).
float ds_row_max_avx2(const float *row, long count);
float ds_exp_sum_avx2(float *row, long count, float maximum);

/// ds_exp_sum_avx2 on each of `rows` rows of `count` scores (row r at scores + r·ld, its maximum
/// maxima[r], its sum to sums[r]), then the exponentials packed as ds_avx2_pack_a packs A (rows ×
/// count) into dst: attention's probabilities, ready for their product with the values.
void ds_exp_pack_a_avx2(float *scores, long ld, long rows, long count, const float *maxima, float *sums, float *dst);

/// 1 when this CPU runs the ds_winograd_* transforms (AVX-512F, or AVX2 and FMA), else 0.
int ds_winograd_available(void);

/// Winograd F(m×m, 3×3), m = 2 or 4, α = m + 2 (winograd_transforms.h), in AVX-512 where the CPU
/// has it, else in AVX2 (the same operations in the same order per value). For each transform point
/// ξ < α², the caller multiplies U_ξ (cout × cin) by V_ξ (cin × tiles) into M_ξ (cout × tiles).
/// The points of one row are adjacent (u[co][ξ][ci], v[c][ξ][t], m[co][ξ][t]), so each matrix
/// has leading dimension α²·cin or α²·tiles and the transforms touch nearby memory.
/// Tiles are counted over the image rows of tiles `tileRow0 ..< tileRow0 + tileRows`, where tile
/// row r is tile row r % tilesY of image r / tilesY, each tilesX tiles wide (t = row·tilesX + x).

/// u[co − coBegin][ξ][ci − ciBegin] for co in [coBegin, coEnd) and ci in [ciBegin, ciEnd), from weights
/// w[cout][cin][3][3]: each row of U_ξ (ciEnd − ciBegin values) at α²·(ciEnd − ciBegin) from the last.
void ds_winograd_weights(int m, long cin, long coBegin, long coEnd, long ciBegin, long ciEnd, const float *w,
                         float *u);

/// Floats per row of the scratch `buffer` of ds_winograd_input, which holds α of them.
long ds_winograd_row_buffer(int m, long width, long padLeft, long tilesX);

/// v[c][ξ][t] for channels c in [cBegin, cEnd) of x[n][channels][height][width], zero-padded.
void ds_winograd_input(int m, const float *x, long height, long width, long padTop, long padLeft,
                       long channels, long tilesX, long tilesY, long tileRow0, long tileRows,
                       long cBegin, long cEnd, long tiles, float *v, float *buffer);

/// y[n][co][..][..] = Aᵀ M A + bias[co] (bias may be NULL) for co in [coBegin, coEnd); outputs
/// past outH × outW are not written.
void ds_winograd_output(int m, const float *mm, long channels, long tiles, long tilesX, long tilesY,
                        long tileRow0, long tileRows, long coBegin, long coEnd, const float *bias,
                        float *y, long outH, long outW);

/// glibc's mallopt(M_MMAP_THRESHOLD, bytes): blocks of at least `bytes` are mapped each by itself
/// (and the threshold stops adapting), so freeing one returns it to the system. 1 on success.
int ds_set_mmap_threshold(int bytes);

/// mremap(mapping, bytes, newBytes, MREMAP_MAYMOVE): the pages the mapping has keep their place
/// (and contents) in the new one, so only growth is memory the kernel must zero on first touch.
/// NULL on failure (the old mapping is then unchanged).
void *ds_remap(void *mapping, size_t bytes, size_t newBytes);

#endif
