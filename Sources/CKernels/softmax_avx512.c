// softmax_passes.h in AVX-512. Tensors is compiled for AVX2, where these passes took 40% of
// attention's time next to the AVX-512 GEMM.
#include "ckernels.h"
#include "vec_avx512.h"

#define NAME(f) f

#include "softmax_passes.h"
