import CKernels
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

    /// Bytes the pool may hold beyond the most its tensors ever had alive at once.
    let slack: Int
    private let lock = NSLock()
    /// Released buffers, oldest first.
    private var retained: [Buffer] = []
    private var counts = Usage()

    /// What the pool has handed out: buffers new from the system or kept from earlier, and bytes.
    public struct Usage: Equatable, Sendable {
        public var allocated = 0
        /// Of the allocated, those made from a buffer the pool gave back for them (its pages kept).
        public var recycled = 0
        public var reused = 0
        /// Bytes of its buffers alive in tensors now, and at most so far.
        public var inUseBytes = 0
        public var peakInUseBytes = 0
        /// Bytes of released buffers it holds now.
        public var heldBytes = 0
        /// The most memory it had from the system at once (in use + held): what it adds to the
        /// process's peak, at most `peakInUseBytes + slack`.
        public var peakBytes = 0
    }

    /// Counts and bytes so far (the buffers below `smallest` never pass through the pool).
    public var usage: Usage { lock.withLock { counts } }

    /// A UNet step reuses the same sizes step after step, but a decode after it asks for larger
    /// ones: kept without a bound, the UNet's buffers would sit beside the decode's at its peak.
    /// So on a miss the pool gives back buffers (`take` says which) whenever its memory would
    /// exceed the most its tensors ever had alive at once by more than `slack`: the decode
    /// replaces the UNet's buffers instead of adding to them. The slack holds buffers of the
    /// sizes not alive at that peak, which a loop needs again next time round: a SD 1.5 guided
    /// step at 512² has 200 MiB alive at most but asks for 0.6 GiB of distinct sizes (with
    /// 256 MiB of slack it would map 69 buffers afresh every step); its 676 MiB decode asks for
    /// about 2 GiB.
    public init(slack: Int = 512 << 20) { self.slack = slack }

    /// Bytes of released buffers held now.
    var heldBytes: Int { usage.heldBytes }

    deinit {
        for buffer in retained { Self.release(buffer.pointer, byteCount: buffer.byteCount) }
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

    /// Runs `body` with `slots` buffers of `count` floats of scratch memory (uninitialised) each,
    /// from the installed pool or the allocator, and gives them back afterwards. Parallel jobs
    /// take theirs here, one per slot, before they start, rather than each inside its job: how
    /// many are alive at once is then the slot count, never a matter of which job runs when, so
    /// a pool that kept them from an earlier call always has enough.
    static func withScratch<R>(count: Int, slots: Int, _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        let storages = (0..<slots).map { _ in TensorStorage(count: count) }
        return withExtendedLifetime(storages) { body(storages.map(\.pointer)) }
    }

    /// Runs `body` with one buffer of `count` floats of scratch memory, as above.
    static func withScratch<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        withScratch(count: count, slots: 1) { body($0[0]) }
    }

    /// The most recently released buffer of this size; else, while the pool would go above its
    /// bound, the held buffer that fits best (the smallest at least this large) or failing that
    /// the oldest ones go back, and the new buffer is made from the best fit of those. A loop
    /// whose sizes add up to a little more than the bound misses on every pass, and mapped afresh
    /// each new buffer's pages would be zeroed by the kernel on first touch (a tenth of a 1-step
    /// SD-Turbo image's time); remapped, they keep their place.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let (reused, evicted) = lock.withLock { () -> (UnsafeMutableRawPointer?, [Buffer]) in
            counts.inUseBytes += byteCount
            counts.peakInUseBytes = max(counts.peakInUseBytes, counts.inUseBytes)
            if let index = retained.lastIndex(where: { $0.byteCount == byteCount }) {
                counts.reused += 1
                counts.heldBytes -= byteCount
                return (retained.remove(at: index).pointer, [])
            }
            counts.allocated += 1
            var evicted: [Buffer] = []
            var overBound: Bool { counts.inUseBytes + counts.heldBytes > counts.peakInUseBytes + slack }
            if overBound, let fit = Self.smallestAtLeast(byteCount, in: retained) {
                counts.heldBytes -= retained[fit].byteCount
                evicted.append(retained.remove(at: fit))
            }
            while overBound, !retained.isEmpty {
                let oldest = retained.removeFirst()
                counts.heldBytes -= oldest.byteCount
                evicted.append(oldest)
            }
            if !evicted.isEmpty { counts.recycled += 1 }
            counts.peakBytes = max(counts.peakBytes, counts.inUseBytes + counts.heldBytes)
            return (nil, evicted)
        }
        if let reused { return reused }
        guard let fit = Self.bestFit(evicted, for: byteCount) else { return Self.map(byteCount: byteCount) }
        // Back to the system first, so growing the one kept can take their pages.
        for (index, buffer) in evicted.enumerated() where index != fit { Self.release(buffer.pointer, byteCount: buffer.byteCount) }
        if let moved = ds_remap(evicted[fit].pointer, evicted[fit].byteCount, byteCount) { return moved }
        Self.release(evicted[fit].pointer, byteCount: evicted[fit].byteCount)
        return Self.map(byteCount: byteCount)
    }

    typealias Buffer = (pointer: UnsafeMutableRawPointer, byteCount: Int)

    /// The buffer whose pages best make one of `byteCount`: the smallest at least that large
    /// (the fewest pages given back), else the largest (the fewest new ones).
    private static func bestFit(_ buffers: [Buffer], for byteCount: Int) -> Int? {
        smallestAtLeast(byteCount, in: buffers) ?? buffers.indices.max { buffers[$0].byteCount < buffers[$1].byteCount }
    }

    private static func smallestAtLeast(_ byteCount: Int, in buffers: [Buffer]) -> Int? {
        buffers.indices.filter { buffers[$0].byteCount >= byteCount }.min { buffers[$0].byteCount < buffers[$1].byteCount }
    }

    /// Keeps a released buffer (its memory stays the pool's until a miss needs the room).
    func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        lock.withLock {
            counts.inUseBytes -= byteCount
            counts.heldBytes += byteCount
            retained.append((pointer, byteCount))
        }
    }

    /// Pool buffers are whole pages mapped for the pool alone, not taken from malloc's heap:
    /// giving one back unmaps it, so the bound above is what the process really holds (freed
    /// heap chunks may stay resident, and a larger request may not fit in them).
    private static func map(byteCount: Int) -> UnsafeMutableRawPointer {
        guard let pointer = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              pointer != MAP_FAILED else {
            // Out of address space or memory: as the allocator itself would fail.
            preconditionFailure("BufferPool: cannot map \(byteCount) bytes (errno \(errno))")
        }
        return pointer
    }

    private static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        munmap(pointer, byteCount)
    }
}

extension BufferPool.Usage: CustomStringConvertible {
    /// The counts a render prints after each image: flat from the second image on.
    public var description: String { "\(allocated) buffers allocated (\(recycled) recycled), \(reused) reused" }
}
