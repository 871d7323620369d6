#ifndef DIFFUSIONSWEEP_CKERNELS_H
#define DIFFUSIONSWEEP_CKERNELS_H

/// 1 when this CPU runs `ds_sgemm` (AVX-512F), else 0; callers fall back to cblas_sgemm.
int ds_sgemm_available(void);

/// Row-major, single-threaded C = alpha·op(A)·op(B) + beta·C, op(A) m×k and op(B) k×n.
/// Every element of C is summed in an order fixed by k alone (blocks of k in turn, each an FMA
/// chain in k order), so the result does not depend on how callers split C between threads.
/// With beta = 0, C is never read. Returns 0, or -1 when the packing buffers cannot be allocated.
int ds_sgemm(int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#endif
