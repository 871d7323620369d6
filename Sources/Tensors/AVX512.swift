import CKernels

/// Whether this CPU runs the AVX-512 kernels of CKernels (GEMM, softmax passes); checked once.
enum AVX512 {
    static let available = ds_avx512_available() != 0
}
