import Foundation
import Tensors

/// A point on the way from one prompt's encoding to another's: the request's prompt at fraction 0,
/// `target` at 1. Both are encoded as the request says (syntax, clip skip) and padded to one
/// length, then blended.
public struct PromptInterpolation: Equatable, Hashable, Codable, Sendable {
    public enum Method: String, CaseIterable, Codable, Sendable {
        /// Spherical: over the whole flattened encoding as one vector (one angle for all tokens),
        /// `sin((1−t)θ)/sin θ · a + sin(tθ)/sin θ · b`; nearly parallel encodings (|cos θ| > 0.9995) are lerped.
        case slerp
        /// Linear: `(1−t)·a + t·b`.
        case lerp
    }

    public var target: String
    public var fraction: Double
    public var method: Method

    public init(target: String, fraction: Double, method: Method) {
        self.target = target
        self.fraction = fraction
        self.method = method
    }

    /// Cosines above this are treated as parallel, where slerp's division by sin θ loses precision.
    public static let parallelThreshold = 0.9995

    /// `a` and `b` (same shape) blended at `fraction`, in double precision.
    public func blend(_ a: Tensor, _ b: Tensor) -> Tensor {
        let t = fraction
        var (wa, wb) = (1 - t, t)
        if method == .slerp {
            let (dot, normA, normB) = a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    var (dot, aa, bb) = (0.0, 0.0, 0.0)
                    for i in 0..<x.count {
                        dot += Double(x[i]) * Double(y[i])
                        aa += Double(x[i]) * Double(x[i])
                        bb += Double(y[i]) * Double(y[i])
                    }
                    return (dot, aa.squareRoot(), bb.squareRoot())
                }
            }
            let cosine = dot / (normA * normB)
            if abs(cosine) <= Self.parallelThreshold {
                let theta = acos(cosine)
                (wa, wb) = (sin((1 - t) * theta) / sin(theta), sin(t * theta) / sin(theta))
            }
        }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                Tensor(shape: a.shape) { out in
                    for i in 0..<x.count { out[i] = Float(wa * Double(x[i]) + wb * Double(y[i])) }
                }
            }
        }
    }
}
