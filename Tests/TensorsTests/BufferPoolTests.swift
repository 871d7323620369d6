import Foundation
import Testing
@testable import Tensors

@Suite struct BufferPoolTests {
    private let mib = 1 << 20

    /// A tensor made after one of the same size died gets its memory; other sizes do not.
    @Test func reusesTheMemoryOfADeadTensorOfTheSameSize() {
        let pool = BufferPool()
        let first = BufferPool.scoped(in: pool) { Tensor(shape: [1 << 18]).storage.pointer }
        #expect(pool.heldBytes == mib)
        let (same, other) = BufferPool.scoped(in: pool) { () -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) in
            let same = Tensor(shape: [1 << 18]), other = Tensor(shape: [1 << 17])
            return withExtendedLifetime((same, other)) { (same.storage.pointer, other.storage.pointer) }
        }
        #expect(same == first)
        #expect(other != first)
    }

    /// A miss gives back the oldest buffers while the pool would hold more than the most its
    /// tensors had alive at once plus the slack; within that bound it keeps everything.
    @Test func aMissGivesBackTheOldestBeyondThePeakInUsePlusSlack() {
        let pool = BufferPool(slack: mib)
        BufferPool.scoped(in: pool) {
            let alive = (0..<4).map { _ in Tensor(shape: [1 << 18]) }
            withExtendedLifetime(alive) {}
        }
        #expect(pool.usage.peakInUseBytes == 4 * mib && pool.heldBytes == 4 * mib, "released buffers are all kept")
        BufferPool.scoped(in: pool) {
            // 0.5 MiB in use beside 4 MiB held stays within 4 MiB + 1 MiB: nothing goes.
            allocate(1 << 17) { #expect(pool.heldBytes == 4 * mib) }
            // 2 MiB in use beside 4.5 MiB held would not: the two oldest (1 MiB each) go.
            allocate(1 << 19) { #expect(pool.heldBytes == 2 * mib + mib / 2) }
            allocate(1 << 18) { #expect(pool.usage.reused == 1, "a 1 MiB buffer is still kept") }
        }
        #expect(pool.usage.allocated == 6)
        #expect(pool.usage.peakBytes <= pool.usage.peakInUseBytes + mib, "never above the peak in use plus the slack")
    }

    /// A miss above the bound makes the new buffer from the held one that fits best, and its
    /// pages come along: resident before the new tensor writes anything (a buffer mapped afresh
    /// has none until first touch). A loop slightly above the bound would otherwise have the
    /// kernel zero fresh pages on every pass.
    @Test func aMissAboveTheBoundRecyclesTheBestFittingBuffersPages() {
        let pool = BufferPool(slack: mib)
        BufferPool.scoped(in: pool) {
            let big = TensorStorage(count: 1 << 19), small = TensorStorage(count: 1 << 17)
            big.pointer.update(repeating: 1, count: big.count)
            small.pointer.update(repeating: 1, count: small.count)
        }
        #expect(pool.heldBytes == 2 * mib + mib / 2)
        // Within the bound (2.5 MiB at most alive + 1 MiB) nothing goes: a fresh mapping, no pages yet.
        let fresh = TensorStorage(count: 1 << 16, pool: pool)
        #expect(residentPages(fresh) == 0 && pool.usage.recycled == 0)
        // 1.25 MiB more in use would put the pool above it: the 2 MiB buffer is the one that fits.
        let recycled = TensorStorage(count: 5 << 16, pool: pool)
        #expect(pool.usage.recycled == 1)
        #expect(pool.heldBytes == mib / 2, "only the best fit went; the 0.5 MiB buffer is kept")
        #expect(residentPages(recycled) == 5 * mib / 4 / Int(getpagesize()), "the 2 MiB buffer's pages came along")
        withExtendedLifetime((fresh, recycled)) {}
    }

    private func residentPages(_ storage: TensorStorage) -> Int {
        let page = Int(getpagesize()), pages = (storage.count * 4 + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(UnsafeMutableRawPointer(storage.pointer), storage.count * 4, &vector) == 0 else { return -1 }
        return vector.filter { $0 & 1 == 1 }.count
    }

    /// Makes a tensor of `count` floats and checks the pool while it is alive; it dies on return.
    private func allocate(_ count: Int, whileAlive check: () -> Void) {
        let tensor = Tensor(shape: [count])
        withExtendedLifetime(tensor) { check() }
    }

    /// An installed pool wins over the one a nested call names, so a whole generation shares one.
    @Test func nestedCallsShareTheOuterPool() {
        let outer = BufferPool(), inner = BufferPool()
        BufferPool.scoped(in: outer) { BufferPool.scoped(in: inner) { _ = Tensor(shape: [1 << 18]) } }
        #expect(outer.heldBytes == mib && inner.heldBytes == 0)
    }

    /// Parallel jobs get one scratch buffer per thread, all taken before any job runs: however
    /// the jobs happen to overlap, a second call finds every buffer the first one made.
    @Test func parallelScratchIsTakenPerThreadBeforeTheJobsRun() {
        let pool = BufferPool(), floats = 1 << 18
        ComputeContext(threads: 2).run {
            for _ in 0..<2 {
                BufferPool.scoped(in: pool) {
                    parallelJobs(8, scratch: floats) { _, _ in
                        #expect(pool.usage.inUseBytes == 2 * mib, "both threads' buffers are taken up front")
                    }
                }
            }
        }
        #expect(pool.usage.allocated == 2 && pool.usage.reused == 2)
    }
}
