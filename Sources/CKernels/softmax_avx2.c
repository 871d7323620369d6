// softmax_passes.h in AVX2: Swift's 16-lane SIMD code of the fallback goes lane by lane through
// the stack for min and max.
#include "ckernels.h"
#include "vec_avx2.h"

#define NAME(f) f##_avx2

#include "softmax_passes.h"
