import CKernels

/// Whether this CPU runs the AVX-512 kernels of CKernels (GEMM, softmax passes); checked once.
enum AVX512 {
    static let available = ds_avx512_available() != 0
}

/// Whether this CPU runs the AVX2 + FMA kernels of CKernels (GEMM, softmax passes); checked once.
enum AVX2 {
    static let available = ds_avx2_available() != 0
}
