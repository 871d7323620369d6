extension Tensor {
    /// `self + other`. `other` may have the same shape, or broadcast the way the models need:
    /// a shape matching our trailing dimensions (a bias repeated over rows), or our leading
    /// dimensions followed by 1s or nothing (a per-channel value spread over each feature map).
    public func adding(_ other: Tensor) -> Tensor { combine(other) { $0 + $1 } }

    /// `self * other` with the same broadcasting as `adding`.
    public func multiplying(_ other: Tensor) -> Tensor { combine(other) { $0 * $1 } }

    /// `self * factor`.
    public func scaled(by factor: Float) -> Tensor {
        mapElements(vector: { $0 * factor }, scalar: { $0 * factor })
    }

    /// `self / divisor`, dividing (not multiplying by the reciprocal) as torch does.
    public func divided(by divisor: Float) -> Tensor {
        mapElements(vector: { $0 / divisor }, scalar: { $0 / divisor })
    }

    /// Each element limited to `lower...upper`, as `torch.clamp`.
    public func clamped(to lower: Float, _ upper: Float) -> Tensor {
        mapElements(vector: { atMost(atLeast($0, lower), upper) },
                    scalar: { Swift.min(Swift.max($0, lower), upper) })
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.adding(rhs) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.multiplying(rhs) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.scaled(by: rhs) }

    private func combine(_ other: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        let (out, y) = Tensor.empty(shape)
        let x = pointer, z = other.pointer
        if other.shape == shape {
            parallelRanges(count, grain: 16384) { range in
                for i in range { y[i] = op(x[i], z[i]) }
            }
        } else if other.rank <= rank, Array(shape.suffix(other.rank)) == other.shape {
            let width = other.count
            parallelRanges(count / Swift.max(width, 1), grain: Swift.max(1, 16384 / Swift.max(width, 1))) { range in
                for r in range {
                    for i in 0..<width { y[r * width + i] = op(x[r * width + i], z[i]) }
                }
            }
        } else if let leading = leadingBroadcast(other.shape) {
            let inner = count / Swift.max(leading, 1)
            parallelRanges(leading, grain: Swift.max(1, 16384 / Swift.max(inner, 1))) { range in
                for r in range {
                    let value = z[r]
                    for i in 0..<inner { y[r * inner + i] = op(x[r * inner + i], value) }
                }
            }
        } else {
            preconditionFailure("cannot broadcast \(other.shape) onto \(shape)")
        }
        return out
    }

    /// When `other` is our first k dimensions (optionally followed by 1s), the number of its elements.
    private func leadingBroadcast(_ other: [Int]) -> Int? {
        let trimmed = Array(other.reversed().drop(while: { $0 == 1 }).reversed())
        guard trimmed.count <= rank, Array(shape.prefix(trimmed.count)) == trimmed, other.count <= rank else { return nil }
        return trimmed.reduce(1, *)
    }
}
