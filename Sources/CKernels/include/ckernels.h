#ifndef DIFFUSIONSWEEP_CKERNELS_H
#define DIFFUSIONSWEEP_CKERNELS_H

/// 1 when this CPU (and OS) runs AVX-512F code, which every other function here needs, else 0.
int ds_avx512_available(void);

/// Row-major, single-threaded C = alpha·op(A)·op(B) + beta·C, op(A) m×k and op(B) k×n.
/// Every element of C is summed in an order fixed by k alone (blocks of k in turn, each an FMA
/// chain in k order), so the result does not depend on how callers split C between threads.
/// With beta = 0, C is never read. Returns 0, or -1 when the packing buffers cannot be allocated.
int ds_sgemm(int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

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
/// Tensors' `vectorExp` (within 2 ulp), sixteen lanes per instruction.
float ds_exp_sum(float *row, long count, float maximum);

#endif
