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

    /// A new size first sends back the oldest buffers beyond the slack; the limit caps what stays.
    @Test func missesAndTheLimitEvictTheOldest() {
        let pool = BufferPool(retainLimit: 3 << 20, missSlack: 1 << 20)
        BufferPool.scoped(in: pool) {
            let alive = (0..<4).map { _ in Tensor(shape: [1 << 18]) }
            withExtendedLifetime(alive) {}
        }
        #expect(pool.heldBytes == 3 * mib, "four 1 MiB buffers released under a 3 MiB limit")
        let kept = BufferPool.scoped(in: pool) { () -> Tensor in
            let other = Tensor(shape: [1 << 19])  // a 2 MiB miss may leave only 1 MiB − 2 MiB held: all go
            #expect(pool.heldBytes == 0)
            return other
        }
        #expect(kept.shape == [1 << 19])
    }

    /// An installed pool wins over the one a nested call names, so a whole generation shares one.
    @Test func nestedCallsShareTheOuterPool() {
        let outer = BufferPool(), inner = BufferPool()
        BufferPool.scoped(in: outer) { BufferPool.scoped(in: inner) { _ = Tensor(shape: [1 << 18]) } }
        #expect(outer.heldBytes == mib && inner.heldBytes == 0)
    }
}
