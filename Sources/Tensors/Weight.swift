/// A layer's weight matrix (a linear or convolution weight, an embedding table) as loaded: a
/// float32 tensor (memory-mapped from an F32 file, or computed, e.g. a fused LoRA), or the F16/BF16
/// values of a half-precision checkpoint, kept at two bytes per element. SDXL's UNet alone is
/// 10 GB as float32 and 5 GB as F16, so a half checkpoint is never held as a float32 copy: each
/// product widens the layer's weight as its GEMM packs it (`withGEMMOperand`, where the kernel
/// can) or into scratch memory just before multiplying it (`withFloat32`); both are exact, so
/// every image is the same as with float32 weights.
public struct Weight: Sendable {
    public enum Values: Sendable {
        case float32(Tensor)
        case half(HalfTensor)
    }

    public let values: Values

    public init(_ tensor: Tensor) { values = .float32(tensor) }
    public init(_ half: HalfTensor) { values = .half(half) }

    public var shape: [Int] {
        switch values {
        case let .float32(tensor): tensor.shape
        case let .half(half): half.shape
        }
    }

    public var count: Int { shape.reduce(1, *) }

    /// Bytes its values take in memory: 4 per element as float32, 2 as F16/BF16.
    public var byteCount: Int {
        switch values {
        case .float32: 4 * count
        case .half: 2 * count
        }
    }

    /// The values as a float32 tensor: the tensor itself, or an owned copy of half values.
    public var float32: Tensor {
        switch values {
        case let .float32(tensor): tensor
        case let .half(half): half.widened()
        }
    }

    public func reshaped(_ shape: [Int]) -> Weight {
        switch values {
        case let .float32(tensor): Weight(tensor.reshaped(shape))
        case let .half(half): Weight(half.reshaped(shape))
        }
    }

    /// Calls `body` with the whole weight as float32: a float32 weight in place, a half one
    /// widened into scratch from the installed pool (as large as this one layer, 59 MB for SDXL's largest).
    /// The product then runs exactly as over float32 weights, one GEMM of the same shape, so
    /// its bytes do not depend on the GEMM's blocking (OpenBLAS's sums do depend on the shape
    /// it is given, so a product is never split to widen less at a time).
    func withFloat32<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        switch values {
        case let .float32(tensor):
            return body(tensor.pointer)
        case let .half(half):
            return BufferPool.withScratch(count: Self.scratchFloats(count)) { scratch in
                parallelRanges(count, grain: 1 << 16) { part in half.widen(part, into: scratch + part.lowerBound) }
                return body(scratch)
            }
        }
    }

    /// Calls `body` with the weight as a product's right-hand operand: its half values as they are
    /// where the context's kernel widens them while packing (no scratch copy, same bytes), else
    /// `withFloat32`'s float32 values.
    func withGEMMOperand<R>(_ body: (GEMMOperand) -> R) -> R {
        if case let .half(half) = values, ComputeContext.current.packsWithAVX2 {
            return withExtendedLifetime(half.storage) { body(.half(half.storage.pointer, half.format)) }
        }
        return withFloat32 { body(.float32($0)) }
    }

    /// Scratch sizes rounded up to a power of two, so the buffer pool (which reuses buffers of
    /// equal size) sees a handful of sizes instead of one per layer shape.
    static func scratchFloats(_ floats: Int) -> Int {
        floats <= 1 ? 1 : 1 << (Int.bitWidth - (floats - 1).leadingZeroBitCount)
    }

    /// Rows `ids` of a `[rows, width]` table (an embedding lookup), as float32.
    public func gatherRows(_ ids: [Int]) -> Tensor {
        precondition(shape.count == 2, "gatherRows: table \(shape) is not a matrix")
        switch values {
        case let .float32(tensor):
            return tensor.gatherRows(ids)
        case let .half(half):
            let width = shape[1]
            return Tensor(shape: [ids.count, width]) { out in
                for (row, id) in ids.enumerated() {
                    precondition(id >= 0 && id < shape[0], "gatherRows: id \(id) outside 0..<\(shape[0])")
                    half.widen((id * width)..<((id + 1) * width), into: out.baseAddress! + row * width)
                }
            }
        }
    }
}
