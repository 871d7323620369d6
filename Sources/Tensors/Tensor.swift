/// Memory behind a tensor: either owned (64-byte aligned, freed on release, or taken from and
/// given back to the installed `BufferPool`) or borrowed from an owner such as a memory-mapped
/// weights file, which it keeps alive.
public final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    private let owner: AnyObject?
    private let pool: BufferPool?

    /// Memory for `count` floats from `pool` (by default the installed one) when it is large
    /// enough to be worth keeping, else from the allocator.
    init(count: Int, pool: BufferPool? = BufferPool.current) {
        let bytes = max(count, 1) * 4
        self.pool = bytes >= BufferPool.smallest ? pool : nil
        let raw = self.pool?.take(byteCount: bytes) ?? .allocate(byteCount: bytes, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
        owner = nil
    }

    init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.owner = owner
        pool = nil
    }

    /// Whether the memory is this storage's own (writable) rather than borrowed from an owner.
    var ownsMemory: Bool { owner == nil }

    deinit {
        guard owner == nil else { return }
        if let pool {
            pool.give(UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * 4)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }
}

/// A dense, row-major float32 array. Tensors are immutable once made: every operation returns a
/// new tensor, so a tensor that borrows read-only mapped weights is never written through. The
/// one exception, `groupNormInPlace`, writes only over memory no other tensor can see.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    var storage: TensorStorage

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// A tensor whose elements are written once by `initializer`, which sees all of them.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let storage = TensorStorage(count: shape.reduce(1, *))
        try initializer(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        self.shape = shape
        self.storage = storage
    }

    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape) { $0.initialize(repeating: value) }
    }

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.init(shape: shape) { _ = $0.initialize(from: scalars) }
    }

    /// A tensor over memory another object owns (e.g. a mapped file), without copying it.
    public init(shape: [Int], borrowing pointer: UnsafePointer<Float>, owner: AnyObject) {
        self.shape = shape
        storage = TensorStorage(borrowing: pointer, count: shape.reduce(1, *), owner: owner)
    }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// Uninitialised storage for kernels that write every element themselves.
    static func empty(_ shape: [Int]) -> (Tensor, UnsafeMutablePointer<Float>) {
        let storage = TensorStorage(count: shape.reduce(1, *))
        return (Tensor(shape: shape, storage: storage), storage.pointer)
    }

    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

    /// The same elements under another shape; `-1` stands for the one dimension left to infer.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let unknown = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            dims[unknown] = known == 0 ? 0 : count / known
        }
        precondition(dims.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: dims, storage: storage)
    }
}
