import Foundation

/// Keeps the memory of tensors that die while it is installed and hands it to later tensors of
/// the same size. A UNet step or VAE decode makes hundreds of short-lived activations of a few
/// sizes; taken fresh from the allocator, each large one is a new mapping whose pages the kernel
/// zeroes on first touch (a fifth of a VAE decode's time), and call after call repeats it.
///
/// A pool is installed for the duration of a call (`BufferPool.scoped`), never process-wide:
/// tensors made inside take their storage from it and give it back when released, wherever that
/// happens. The pipeline (`LatentDiffusion`) owns one, so its next step and its next image reuse
/// the memory of the last instead of faulting in fresh pages; the pool and what it holds are
/// freed once its owner and the last tensor it made are gone.
public final class BufferPool: @unchecked Sendable {
    @TaskLocal static var current: BufferPool?

    /// Bytes of released buffers kept for reuse at most; the oldest go back to the system first.
    let retainLimit: Int
    private let lock = NSLock()
    /// Released buffers, oldest first.
    private var retained: [(pointer: UnsafeMutableRawPointer, byteCount: Int)] = []
    private var retainedBytes = 0
    private var counts = Usage()

    /// How many buffers the pool has handed out: new from the allocator, or kept from earlier.
    public struct Usage: Equatable, Sendable {
        public var allocated = 0
        public var reused = 0
    }

    /// Buffers handed out so far (the ones below `smallest` never pass through the pool).
    public var usage: Usage { lock.withLock { counts } }

    /// 1 GiB keeps a UNet step's whole working set and the VAE's largest buffers while adding at
    /// most that much to the peak (2 GiB would keep all of a decode, but peak above PyTorch's).
    public init(retainLimit: Int = 1 << 30) { self.retainLimit = retainLimit }

    /// Bytes of released buffers held now.
    var heldBytes: Int { lock.withLock { retainedBytes } }

    deinit {
        for buffer in retained { buffer.pointer.deallocate() }
    }

    /// Runs `body` with a pool installed: the current one if a caller already installed one (so
    /// a whole denoising loop shares one), otherwise `pool`, or a new one for this call.
    public static func scoped<R, E: Error>(in pool: BufferPool? = nil, _ body: () throws(E) -> R) throws(E) -> R {
        if current != nil { return try body() }
        let result: Result<R, E> = $current.withValue(pool ?? BufferPool()) {
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
        let storage = TensorStorage(count: count, pool: pool)
        return withExtendedLifetime(storage) { body(storage.pointer) }
    }

    /// The most recently released buffer of this size, or new memory.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let reused = lock.withLock { () -> UnsafeMutableRawPointer? in
            guard let index = retained.lastIndex(where: { $0.byteCount == byteCount }) else {
                counts.allocated += 1
                return nil
            }
            counts.reused += 1
            retainedBytes -= byteCount
            return retained.remove(at: index).pointer
        }
        return reused ?? .allocate(byteCount: byteCount, alignment: 64)
    }

    /// Keeps a released buffer, sending the oldest ones back to the system beyond `retainLimit`:
    /// after a UNet loop the VAE's buffers replace the UNet's instead of adding to them.
    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let evicted = lock.withLock { () -> [UnsafeMutableRawPointer] in
            guard byteCount <= retainLimit else { return [pointer] }
            var count = 0
            while retainedBytes + byteCount > retainLimit {
                retainedBytes -= retained[count].byteCount
                count += 1
            }
            defer { retained.removeFirst(count) }
            retained.append((pointer, byteCount))
            retainedBytes += byteCount
            return retained[..<count].map(\.pointer)
        }
        for pointer in evicted { pointer.deallocate() }
    }
}
