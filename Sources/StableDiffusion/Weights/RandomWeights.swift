import Tensors

/// Deterministic random parameters for any name and shape, so full-size architectures can be
/// built and timed without weight files. Matrices get PyTorch's default `U(±1/√fan_in)` scale;
/// vectors named `weight` (norm gains) sit near 1 and other vectors near 0. With `stored`, the
/// values are those of a checkpoint saved in that half format, held as loading one holds them:
/// weight matrices at two bytes per element, vectors widened to float32.
public struct RandomWeights: ParameterSource {
    public let seed: UInt64
    /// The half format the values are rounded to and weights kept in; nil for float32.
    public let stored: HalfFormat?

    public init(seed: UInt64 = 0, stored: HalfFormat? = nil) {
        self.seed = seed
        self.stored = stored
    }

    public func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        try weight(name, shape: shape).float32
    }

    public func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        let values = float32(name, shape: shape)
        return stored.map { Weight(HalfTensor(format: $0, rounding: values)) } ?? Weight(values)
    }

    private func float32(_ name: String, shape: [Int]) -> Tensor {
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
