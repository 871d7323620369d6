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
    /// Released buffers, oldest first.
    private var retained: [(pointer: UnsafeMutableRawPointer, byteCount: Int)] = []
    private var retainedBytes = 0

    /// Released bytes that may stay held while a new buffer is allocated: a little slack keeps a
    /// repeated call free of misses, while a call with new sizes trades old buffers for its own.
    let missSlack: Int

    public init(retainLimit: Int = 1 << 31, missSlack: Int = 1 << 29) {
        (self.retainLimit, self.missSlack) = (retainLimit, missSlack)
    }

    /// Bytes of released buffers held now.
    var heldBytes: Int { lock.withLock { retainedBytes } }

    deinit {
        for buffer in retained { buffer.pointer.deallocate() }
    }

    /// Runs `body` with a pool installed: the current one if a caller already installed one
    /// (so a whole denoising loop shares one), otherwise `pool`, or a new one for this call.
    public static func scoped<R, E: Error>(in pool: BufferPool? = nil, _ body: () throws(E) -> R) throws(E) -> R {
        if current != nil { return try body() }
        let result: Result<R, E> = $current.withValue(pool ?? BufferPool()) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Buffers only below this size come from the allocator's own reusable heap anyway.
    static let smallest = 1 << 16

    /// The most recently released buffer of this size, or new memory. A new buffer first sends
    /// the oldest released ones back to the system until at most `missSlack` bytes stay held, so
    /// what the pool holds adds little to the peak: a call whose sizes differ from the last
    /// call's (the VAE after the UNet) trades the old buffers for its own instead of keeping both.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let (reused, evicted) = lock.withLock { () -> (UnsafeMutableRawPointer?, [UnsafeMutableRawPointer]) in
            if let index = retained.lastIndex(where: { $0.byteCount == byteCount }) {
                retainedBytes -= byteCount
                return (retained.remove(at: index).pointer, [])
            }
            return (nil, evictOldest(atLeast: retainedBytes + byteCount - missSlack))
        }
        for pointer in evicted { pointer.deallocate() }
        return reused ?? PageAllocation.allocate(byteCount: byteCount)
    }

    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let evicted = lock.withLock { () -> [UnsafeMutableRawPointer] in
            guard byteCount <= retainLimit else { return [pointer] }
            let evicted = evictOldest(atLeast: retainedBytes + byteCount - retainLimit)
            retained.append((pointer, byteCount))
            retainedBytes += byteCount
            return evicted
        }
        for pointer in evicted { pointer.deallocate() }
    }

    /// Removes the oldest released buffers until `bytes` are removed or none are left; the caller
    /// holds the lock and frees them after releasing it.
    private func evictOldest(atLeast bytes: Int) -> [UnsafeMutableRawPointer] {
        var removed = 0, count = 0
        while removed < bytes && count < retained.count {
            removed += retained[count].byteCount
            count += 1
        }
        let evicted = retained[..<count].map(\.pointer)
        retained.removeFirst(count)
        retainedBytes -= removed
        return evicted
    }
}
