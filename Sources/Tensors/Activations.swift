import Foundation

extension Tensor {
    /// `x·σ(x)`, as `torch.nn.functional.silu`.
    public func silu() -> Tensor {
        mapElements(vector: siluVector, scalar: siluScalar)
    }

    /// `x·σ(1.702x)`, the `quick_gelu` of OpenAI's CLIP (transformers' `QuickGELUActivation`).
    public func quickGELU() -> Tensor {
        mapElements(vector: { $0 / (1 + vectorExp(-1.702 * $0)) }, scalar: { $0 / (1 + scalarExp(-1.702 * $0)) })
    }

    /// Exact GELU `x·Φ(x)` with the error function, as `torch.nn.functional.gelu(approximate="none")`.
    public func gelu() -> Tensor {
        mapElements(vector: geluVector, scalar: geluScalar)
    }

    /// GELU's tanh approximation, as `torch.nn.functional.gelu(approximate="tanh")`.
    public func tanhGELU() -> Tensor {
        // tanh(u) = 1 − 2/(e^{2u}+1), so the whole expression stays in the SIMD exp.
        let c: Float = 0.797_884_56  // √(2/π)
        return mapElements(vector: { x in
            let u = c * (x + 0.044715 * x * x * x)
            return 0.5 * x * (2 - 2 / (vectorExp(2 * u) + 1))
        }, scalar: { x in 0.5 * x * (1 + tanhf(c * (x + 0.044715 * x * x * x))) })
    }

    /// diffusers' `GEGLU` after its projection: the last dimension splits into halves `(h, gate)`
    /// and the result is `h · gelu(gate)`.
    public func geglu() -> Tensor {
        let width = shape[rank - 1]
        precondition(width % 2 == 0, "geglu: last dimension \(width) is odd")
        let half = width / 2, rows = count / max(width, 1)
        let (out, y) = Tensor.empty(Array(shape.dropLast()) + [half])
        let x = pointer
        parallelRanges(rows, grain: max(1, 4096 / max(half, 1))) { range in
            for r in range {
                let src = x + r * width, dst = y + r * half
                var i = 0
                while i + 16 <= half {
                    let h = UnsafeRawPointer(src + i).loadUnaligned(as: Vector.self)
                    let gate = UnsafeRawPointer(src + half + i).loadUnaligned(as: Vector.self)
                    UnsafeMutableRawPointer(dst + i).storeBytes(of: h * geluVector(gate), as: Vector.self)
                    i += 16
                }
                for i in i..<half { dst[i] = src[i] * geluScalar(src[half + i]) }
            }
        }
        return out
    }

    func mapElements(vector: (Vector) -> Vector, scalar: (Float) -> Float) -> Tensor {
        let (out, y) = Tensor.empty(shape)
        let x = pointer
        parallelRanges(count, grain: 16384) { range in
            mapBlocks(x + range.lowerBound, y + range.lowerBound, count: range.count, vector: vector, scalar: scalar)
        }
        return out
    }
}

@inline(__always)
func siluVector(_ x: Vector) -> Vector { x / (1 + vectorExp(-x)) }

/// Lane 0 of `siluVector`, so a value gets the same bytes on either path.
@inline(__always)
func siluScalar(_ x: Float) -> Float { x / (1 + scalarExp(-x)) }

/// `x·½·(1 + erf(x/√2))` in PyTorch's order, with its vectorised erf.
@inline(__always)
func geluVector(_ x: Vector) -> Vector { x * 0.5 * (1 + vectorErf(x * 0.707_106_77)) }

/// Lane 0 of `geluVector`, so a value gets the same bytes on either path.
@inline(__always)
func geluScalar(_ x: Float) -> Float { geluVector(Vector(repeating: x))[0] }

extension Tensor {
    /// `max(x, 0)`, as `torch.nn.functional.relu`.
    public func relu() -> Tensor {
        mapElements(vector: { atLeast($0, 0) }, scalar: { Swift.max($0, 0) })
    }
}
