/// A 16-bit floating-point format a checkpoint stores weights in.
public enum HalfFormat: String, Sendable, CaseIterable {
    /// IEEE 754 binary16 (safetensors `F16`, torch.float16).
    case f16
    /// bfloat16: the upper half of a float32 (safetensors `BF16`).
    case bf16
}

/// Memory behind a half tensor: borrowed from an owner (a memory-mapped checkpoint, which it
/// keeps alive) or owned (allocated here, freed on release).
final class HalfStorage: @unchecked Sendable {
    let pointer: UnsafePointer<UInt16>
    private let owner: AnyObject?

    init(borrowing pointer: UnsafePointer<UInt16>, owner: AnyObject) {
        self.pointer = pointer
        self.owner = owner
    }

    init(count: Int, initializingWith initializer: (UnsafeMutableBufferPointer<UInt16>) -> Void) {
        let memory = UnsafeMutablePointer<UInt16>.allocate(capacity: max(count, 1))
        initializer(UnsafeMutableBufferPointer(start: memory, count: count))
        pointer = UnsafePointer(memory)
        owner = nil
    }

    deinit {
        if owner == nil { UnsafeMutablePointer(mutating: pointer).deallocate() }
    }
}

/// A dense, row-major, read-only array of F16 or BF16 values, kept at two bytes per element:
/// a checkpoint's weight as the file stores it. It is never computed with directly; products
/// widen the part they need to float32 (`widen`), which is exact, so they give the same bytes as
/// weights widened once at load would.
public struct HalfTensor: Sendable {
    public let format: HalfFormat
    public let shape: [Int]
    let storage: HalfStorage

    public var count: Int { shape.reduce(1, *) }

    /// Values another object owns (e.g. a mapped file), without copying them; `pointer` must be
    /// 2-byte aligned.
    public init(format: HalfFormat, shape: [Int], borrowing pointer: UnsafePointer<UInt16>, owner: AnyObject) {
        precondition(Int(bitPattern: pointer) % 2 == 0, "HalfTensor: values must be 2-byte aligned")
        self.init(format: format, shape: shape, storage: HalfStorage(borrowing: pointer, owner: owner))
    }

    /// Values written once by `initializer` (the raw 16-bit patterns), held in memory of its own.
    public init(format: HalfFormat, shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<UInt16>) -> Void) {
        self.init(format: format, shape: shape, storage: HalfStorage(count: shape.reduce(1, *), initializingWith: initializer))
    }

    /// float32 `values` rounded to the nearest value of `format` (ties to even), as torch's `.to(dtype)` rounds.
    public init(format: HalfFormat, rounding values: Tensor) {
        self.init(format: format, shape: values.shape) { out in
            values.withUnsafeBufferPointer { source in
                for i in out.indices { out[i] = format.bits(nearest: source[i]) }
            }
        }
    }

    private init(format: HalfFormat, shape: [Int], storage: HalfStorage) {
        self.format = format
        self.shape = shape
        self.storage = storage
    }

    /// The same values under another shape with as many elements.
    public func reshaped(_ newShape: [Int]) -> HalfTensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return HalfTensor(format: format, shape: newShape, storage: storage)
    }

    /// All values as an owned float32 tensor (what loading did before half weights stayed half).
    public func widened() -> Tensor {
        Tensor(shape: shape) { out in widen(0..<count, into: out.baseAddress!) }
    }

    /// Elements `elements` (in row-major order) as float32, exactly, into `out`.
    func widen(_ elements: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let source = storage.pointer + elements.lowerBound
        switch format {
        case .f16:
            for i in 0..<elements.count { out[i] = Float(Float16(bitPattern: source[i])) }
        case .bf16:
            for i in 0..<elements.count { out[i] = Float(bitPattern: UInt32(source[i]) << 16) }
        }
    }
}

extension HalfFormat {
    /// The 16-bit pattern of the value of this format nearest to `value` (ties to even).
    func bits(nearest value: Float) -> UInt16 {
        switch self {
        case .f16:
            return Float16(value).bitPattern
        case .bf16:
            let bits = value.bitPattern
            guard !value.isNaN else { return UInt16(bits >> 16) | 0x40 }
            let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
            return UInt16(rounded >> 16)
        }
    }
}
