import Foundation

/// Keeps the memory of tensors that die while it is installed and hands it to later tensors of
/// the same size. A UNet step or VAE decode makes hundreds of short-lived activations of a few
/// sizes; taken fresh from the allocator, each large one is a new mapping whose pages the kernel
/// zeroes on first touch (a fifth of a VAE decode's time), and call after call repeats it.
///
/// A pool is installed for the duration of a call (`BufferPool.scoped`), never process-wide:
/// tensors made inside take their storage from it and give it back when released, wherever that
/// happens. A model owns one, so its next call reuses the memory of the last one instead of
/// faulting in fresh pages; the pool and what it holds are freed once its owner and the last
/// tensor it made are gone.
public final class BufferPool: @unchecked Sendable {
    @TaskLocal static var current: BufferPool?

    /// Bytes of released buffers kept for reuse at most; the oldest go back to the system first.
    let retainLimit: Int
    private let lock = NSLock()
    /// Released buffers, oldest first, each with the call that released it (every `scoped` call
    /// made while this pool is installed counts, nested ones too: a UNet step, a VAE decode).
    private var retained: [(pointer: UnsafeMutableRawPointer, byteCount: Int, call: Int)] = []
    private var retainedBytes = 0
    private var call = 0

    public init(retainLimit: Int = 1 << 31) { self.retainLimit = retainLimit }

    /// Bytes of released buffers held now.
    var heldBytes: Int { lock.withLock { retainedBytes } }

    deinit {
        for buffer in retained { buffer.pointer.deallocate() }
    }

    /// Runs `body` as a new call with a pool installed: the current one if a caller already
    /// installed one (so a whole denoising loop shares one), otherwise `pool`, or a new one.
    public static func scoped<R, E: Error>(in pool: BufferPool? = nil, _ body: () throws(E) -> R) throws(E) -> R {
        if let current {
            current.lock.withLock { current.call += 1 }
            return try body()
        }
        let pool = pool ?? BufferPool()
        pool.lock.withLock { pool.call += 1 }
        let result: Result<R, E> = $current.withValue(pool) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Buffers only below this size come from the allocator's own reusable heap anyway.
    static let smallest = 1 << 16

    /// Runs `body` with `count` floats of scratch memory (uninitialised) from `pool`, or from the
    /// allocator, and gives it back afterwards. Parallel jobs run outside the task that installed
    /// the pool, so their caller reads `current` and hands it over.
    static func withScratch<R>(from pool: BufferPool?, count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let bytes = Swift.max(count, 1) * 4
        let pool = bytes >= smallest ? pool : nil
        let raw = pool?.take(byteCount: bytes) ?? .allocate(byteCount: bytes, alignment: 64)
        defer { if let pool { pool.give(raw, byteCount: bytes) } else { raw.deallocate() } }
        return body(raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1)))
    }

    /// The most recently released buffer of this size, or new memory. A new buffer first sends
    /// buffers that earlier calls released back to the system, oldest first and as many bytes as
    /// it needs, so the pool adds little to the peak: a call whose sizes differ from the last
    /// call's (the VAE after the UNet) trades the old buffers for its own instead of keeping both,
    /// while a call like the last one finds all it needs.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let (reused, evicted) = lock.withLock { () -> (UnsafeMutableRawPointer?, [UnsafeMutableRawPointer]) in
            if let index = retained.lastIndex(where: { $0.byteCount == byteCount }) {
                retainedBytes -= byteCount
                return (retained.remove(at: index).pointer, [])
            }
            return (nil, evictOldest(atLeast: byteCount, before: call))
        }
        for pointer in evicted { pointer.deallocate() }
        return reused ?? .allocate(byteCount: byteCount, alignment: 64)
    }

    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let evicted = lock.withLock { () -> [UnsafeMutableRawPointer] in
            guard byteCount <= retainLimit else { return [pointer] }
            let evicted = evictOldest(atLeast: retainedBytes + byteCount - retainLimit, before: .max)
            retained.append((pointer, byteCount, call))
            retainedBytes += byteCount
            return evicted
        }
        for pointer in evicted { pointer.deallocate() }
    }

    /// Removes the oldest released buffers, of calls before `call` only, until `bytes` are
    /// removed or none are left; the caller holds the lock and frees them after releasing it.
    private func evictOldest(atLeast bytes: Int, before call: Int) -> [UnsafeMutableRawPointer] {
        var removed = 0, count = 0
        while removed < bytes && count < retained.count && retained[count].call < call {
            removed += retained[count].byteCount
            count += 1
        }
        let evicted = retained[..<count].map(\.pointer)
        retained.removeFirst(count)
        retainedBytes -= removed
        return evicted
    }
}
