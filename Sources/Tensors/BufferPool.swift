import Foundation

/// Keeps the memory of tensors that die while it is installed and hands it to later tensors of
/// the same size. A UNet step or VAE decode makes hundreds of short-lived activations of a few
/// sizes; taken fresh from the allocator, each large one is a new mapping whose pages the kernel
/// zeroes on first touch (a fifth of a VAE decode's time), and step after step repeats it.
///
/// A pool is installed for the duration of a call (`BufferPool.scoped`), never process-wide:
/// tensors made inside take their storage from it and give it back when released, wherever that
/// happens; the pool and what it holds are freed once the last such tensor is gone.
public final class BufferPool: @unchecked Sendable {
    @TaskLocal static var current: BufferPool?

    /// Bytes of released buffers kept for reuse at most; beyond this they go back to the system,
    /// so the pool adds little to peak memory.
    let retainLimit: Int
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var retained = 0

    init(retainLimit: Int = 1 << 30) { self.retainLimit = retainLimit }

    deinit {
        for pointers in free.values { for pointer in pointers { pointer.deallocate() } }
    }

    /// Runs `body` with a pool installed: the current one if a caller already installed one
    /// (so a whole denoising loop shares one), otherwise a new one for this call.
    public static func scoped<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        if current != nil { return try body() }
        let result: Result<R, E> = $current.withValue(BufferPool()) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Buffers only below this size come from the allocator's own reusable heap anyway.
    static let smallest = 1 << 16

    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if let pointer = lock.withLock({ () -> UnsafeMutableRawPointer? in
            guard let pointer = free[byteCount]?.popLast() else { return nil }
            retained -= byteCount
            return pointer
        }) { return pointer }
        return .allocate(byteCount: byteCount, alignment: 64)
    }

    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let kept = lock.withLock { () -> Bool in
            guard retained + byteCount <= retainLimit else { return false }
            free[byteCount, default: []].append(pointer)
            retained += byteCount
            return true
        }
        if !kept { pointer.deallocate() }
    }
}
