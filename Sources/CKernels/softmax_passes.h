// The two row passes of attention's online softmax, written once over the vector interface of
// vec_avx512.h (W = 16) or vec_avx2.h (W = 8); softmax_avx512.c and softmax_avx2.c include one of
// them and define NAME(f), the exported name of f for that instruction set.
#include <math.h>

#define PASS TARGET static inline __attribute__((always_inline))

TARGET float NAME(ds_row_max)(const float *row, long count) {
    vec maxima = v_set1(-INFINITY);
    long i = 0;
    // max(v, m) returns m where v is NaN, so NaN entries are skipped.
    for (; i + W <= count; i += W) maxima = v_max(v_load(row + i), maxima);
    if (i < count) maxima = v_max(v_load_or(first(count - i), row + i, -INFINITY), maxima);
    return reduce_max(maxima);
}

// `vectorExp` of Sources/Tensors/VectorMath.swift (Cephes' polynomial) with its multiply-add pairs
// fused: the same constants and steps, within an ulp of it, and ten fewer instructions per vector
// (exp was a fifth of attention's time).
PASS vec exp_lanes(vec x) {
    const vec magic = v_set1(12582912.0f);
    // maxps/minps return their second operand when either is NaN: x goes second so NaN stays NaN.
    vec clamped = v_min(v_set1(88.3762626f), v_max(v_set1(-87.33654f), x));
    vec shifted = v_fmadd(clamped, v_set1(1.44269504f), magic);
    vec n = v_sub(shifted, magic);
    vec r = v_fmadd(n, v_set1(2.1219444e-4f), v_fmadd(n, v_set1(-0.693359375f), clamped));
    vec p = v_set1(1.98756915e-4f);
    p = v_fmadd(p, r, v_set1(1.39819995e-3f));
    p = v_fmadd(p, r, v_set1(8.3334519e-3f));
    p = v_fmadd(p, r, v_set1(4.16657959e-2f));
    p = v_fmadd(p, r, v_set1(1.66666655e-1f));
    p = v_fmadd(p, r, v_set1(5.00000012e-1f));
    p = v_add(v_fmadd(v_mul(p, r), r, r), v_set1(1.0f));
    // 2ⁿ from n's bits in the low mantissa of `shifted`; results below e^-87.3 are flushed to 0.
    return v_zero_below(x, -87.33654f, v_mul(p, v_pow2(shifted)));
}

TARGET float NAME(ds_exp_sum)(float *row, long count, float maximum) {
    vec sums = v_zero(), m = v_set1(maximum);
    long i = 0;
    for (; i + W <= count; i += W) {
        vec e = exp_lanes(v_sub(v_load(row + i), m));
        v_store(row + i, e);
        sums = v_add(sums, e);
    }
    if (i < count) {
        lane_mask lanes = first(count - i);
        vec e = v_keep(lanes, exp_lanes(v_sub(v_load_or(lanes, row + i, 0), m)));
        v_store_first(row + i, count - i, e);
        sums = v_add(sums, e);
    }
    return reduce_add(sums);
}
