/// SIMD transcendental functions. libm's scalar `expf` would dominate attention softmax and SiLU,
/// so `exp` is evaluated 16 lanes at a time (Cephes' polynomial, ≤ 2 ulp over the float range;
/// the helpers below are written with the SIMD operations Swift lowers to vector instructions).
typealias Vector = SIMD16<Float>

@inline(__always)
func vectorExp(_ x: Vector) -> Vector {
    let clamped = atMost(atLeast(x, -87.33654), 88.3762626)
    // Adding 1.5·2²³ rounds to the nearest integer n and leaves n in the low mantissa bits,
    // avoiding a float→int conversion that Swift's generic SIMD code does lane by lane.
    let magic: Float = 12_582_912
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = Vector(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * r * r + r + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &+ 127) &<< 23
    let result = p * unsafeBitCast(exponent, to: Vector.self)
    return result.replacing(with: 0, where: x .< -87.33654)
}

/// The error function as PyTorch's vectorised CPU kernels compute it (`Vectorized<float>::erf`,
/// which `gelu(approximate="none")` uses): Abramowitz & Stegun 7.1.26, |error| ≤ 1.5·10⁻⁷, with
/// `vectorExp`. libm's scalar `erff` had been 2–3% of a UNet step, one call per GEGLU value.
@inline(__always)
func vectorErf(_ x: Vector) -> Vector {
    let signBits = unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x8000_0000
    let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Vector.self)
    let t = 1 / (0.327_591_1 * magnitude + 1)
    var r = 1.061_405_429 * t - 1.453_152_027
    r = r * t + 1.421_413_741
    r = r * t - 0.284_496_736
    r = r * t + 0.254_829_592
    let y = 1 - r * t * vectorExp(-(x * x))
    return unsafeBitCast(unsafeBitCast(y, to: SIMD16<UInt32>.self) | signBits, to: Vector.self)
}

/// Each lane raised to `bound` if below it, a compare and a select: the standard library's
/// `pointwiseMax` is not inlined and goes lane by lane through memory (9% of attention's time,
/// in the exp of its per-row rescaling). A NaN lane stays NaN, as in torch.
@inline(__always)
func atLeast(_ x: Vector, _ bound: Float) -> Vector { x.replacing(with: bound, where: x .<= bound) }

/// Each lane lowered to `bound` if above it (NaN stays NaN), as `atLeast`.
@inline(__always)
func atMost(_ x: Vector, _ bound: Float) -> Vector { x.replacing(with: bound, where: x .> bound) }

/// Applies `vector` to whole 16-lane blocks and `scalar` to the tail, over `count` floats.
@inline(__always)
func mapBlocks(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
    vector: (Vector) -> Vector, scalar: (Float) -> Float
) {
    var i = 0
    let rawSrc = UnsafeRawPointer(src), rawDst = UnsafeMutableRawPointer(dst)
    while i + 16 <= count {
        let v = rawSrc.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        rawDst.storeBytes(of: vector(v), toByteOffset: i * 4, as: Vector.self)
        i += 16
    }
    while i < count {
        dst[i] = scalar(src[i])
        i += 1
    }
}

@inline(__always)
func scalarExp(_ x: Float) -> Float { vectorExp(Vector(repeating: x))[0] }
