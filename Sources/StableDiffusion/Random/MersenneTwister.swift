/// The 32-bit Mersenne Twister exactly as PyTorch's `at::mt19937` (ATen/core/MT19937RNGEngine.h)
/// runs it, which is also the output sequence of `std::mt19937`: seeded from the low 32 bits of
/// the seed, the state regenerated in one pass when the 624 words are used up.
struct MersenneTwister: Sendable {
    private static let stateSize = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    private var state: [UInt32]
    private var next: Int

    /// `at::mt19937(seed)`: only `seed & 0xffffffff` reaches the state.
    init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.state = state
        next = Self.stateSize
    }

    /// The next 32-bit output (`engine_()`).
    mutating func nextUInt32() -> UInt32 {
        if next == Self.stateSize { regenerate() }
        var y = state[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shift
        state.withUnsafeMutableBufferPointer { s in
            for k in 0..<n {
                let mixed = (s[k] & Self.upperMask) | (s[(k + 1) % n] & Self.lowerMask)
                s[k] = s[(k + m) % n] ^ (mixed >> 1) ^ (mixed & 1 == 0 ? 0 : Self.matrixA)
            }
        }
        next = 0
    }
}
