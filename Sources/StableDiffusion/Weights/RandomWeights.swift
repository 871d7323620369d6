import Tensors

/// Deterministic random parameters for any name and shape, so full-size architectures can be
/// built and timed without weight files. Matrices get PyTorch's default `U(±1/√fan_in)` scale;
/// vectors named `weight` (norm gains) sit near 1 and other vectors near 0.
public struct RandomWeights: ParameterSource {
    public let seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    public func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        let state = name.utf8.reduce(seed ^ 0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 } | 1
        let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
        let (scale, offset): (Float, Float) = shape.count > 1 ? (1 / Float(fanIn).squareRoot(), 0)
            : (0.05, name.hasSuffix("weight") ? 1 : 0)
        return Self.uniform(shape, state: state, scale: scale, offset: offset)
    }

    /// xorshift64 values in `offset ± scale`, uniform; `state` must be non-zero.
    public static func uniform(_ shape: [Int], state initial: UInt64, scale: Float, offset: Float) -> Tensor {
        var state = initial
        return Tensor(shape: shape) { out in
            for i in out.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                out[i] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale + offset
            }
        }
    }
}
