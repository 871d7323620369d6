import Foundation
import Tensors

/// PyTorch's CPU generator (mt19937) with `torch.randn`'s sampling paths.
///
/// `TorchGenerator(seed: s).randn(shape)` returns the float32 values of
/// `torch.randn(shape, generator=torch.Generator().manual_seed(s))`, and further calls continue the
/// stream as further `torch.randn` calls on that generator do.
///
/// - Seeds: PyTorch keeps the full 64-bit seed but the engine sees only its low 32 bits, so `s` and
///   `s + 2³²` draw the same numbers. Python's `manual_seed` accepts −2⁶³ … 2⁶⁴−1 and maps a
///   negative seed to its two's-complement `UInt64` (`UInt64(bitPattern:)`).
/// - Tensors of 16 or more elements (`normal_fill`): one uniform `(u32 & 0xFFFFFF) · 2⁻²⁴` per
///   element, then `BoxMuller16` on each whole block of 16; when the count is not a multiple of
///   16, the last 16 elements are overwritten with 16 fresh uniforms, transformed again.
/// - Fewer than 16 elements (`at::normal_distribution<double>`): each pair of values takes two
///   53-bit doubles (two engine outputs each, first output high), `u1` giving the angle and `u2`
///   the radius `sqrt(-2 log1p(-u2))`; it returns `r cos` and keeps `r sin` for the next value,
///   a cache that outlives the call and that the ≥ 16 path neither reads nor clears.
///
/// The ≥ 16 path reproduces the AVX2 kernel that PyTorch picks on x86-64 (also on AVX-512 CPUs);
/// PyTorch's fallback kernel (`ATEN_CPU_CAPABILITY=default`, ARM) calls the C library's `logf`,
/// `cosf` and `sinf` instead and differs by an ulp or so in about 40 % of the values.
public struct TorchGenerator: Sendable {
    /// The seed as given, like `torch.Generator.initial_seed()`.
    public let seed: UInt64
    private var engine: MersenneTwister
    /// `next_double_normal_sample_`, the second value of the last scalar Box–Muller pair.
    private var cachedNormal: Double?

    public init(seed: UInt64) {
        self.seed = seed
        engine = MersenneTwister(seed: seed)
        cachedNormal = nil
    }

    /// `torch.randn(shape, generator=self)` in float32.
    public mutating func randn(_ shape: [Int]) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "randn: negative dimension in \(shape)")
        let count = shape.reduce(1, *)
        return Tensor(shape: shape) { values in
            if count >= 16 {
                fillNormal(values)
            } else {
                for i in 0..<count { values[i] = Float(nextScalarNormal()) }
            }
        }
    }

    /// `normal_fill` for float32.
    private mutating func fillNormal(_ values: UnsafeMutableBufferPointer<Float>) {
        let count = values.count
        for i in 0..<count { values[i] = nextUniformFloat() }
        for base in stride(from: 0, to: count - 15, by: 16) {
            BoxMuller16.transform(values, at: base)
        }
        if count % 16 != 0 {
            let base = count - 16
            for i in base..<count { values[i] = nextUniformFloat() }
            BoxMuller16.transform(values, at: base)
        }
    }

    /// `at::uniform_real_distribution<float>(0, 1)`: 24 bits of one output.
    private mutating func nextUniformFloat() -> Float {
        Float(engine.nextUInt32() & 0xFF_FFFF) * (1 / Float(1 << 24))
    }

    /// `at::uniform_real_distribution<double>(0, 1)`: 53 bits of `random64()`.
    private mutating func nextUniformDouble() -> Double {
        let high = UInt64(engine.nextUInt32()), low = UInt64(engine.nextUInt32())
        return Double((high << 32 | low) & (1 << 53 - 1)) * (1 / Double(UInt64(1) << 53))
    }

    /// `at::normal_distribution<double>(0, 1)` with the generator's cached second value.
    private mutating func nextScalarNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = nextUniformDouble()
        let u2 = nextUniformDouble()
        let radius = (-2 * log1p(-u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return radius * cos(theta)
    }
}
