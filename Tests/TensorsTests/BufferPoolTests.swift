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

    /// Beyond the limit the oldest released buffers go; a new size does not evict anything.
    @Test func theLimitEvictsTheOldest() {
        let pool = BufferPool(retainLimit: 3 << 20)
        BufferPool.scoped(in: pool) {
            let alive = (0..<4).map { _ in Tensor(shape: [1 << 18]) }
            withExtendedLifetime(alive) {}
        }
        #expect(pool.heldBytes == 3 * mib, "four 1 MiB buffers released under a 3 MiB limit")
        BufferPool.scoped(in: pool) {
            allocate(1 << 19) { #expect(pool.heldBytes == 3 * mib, "a 2 MiB miss keeps what is held") }
            #expect(pool.heldBytes == 3 * mib, "the 2 MiB buffer replaced the two oldest")
            allocate(1 << 19) { #expect(pool.heldBytes == 1 * mib, "the 2 MiB buffer was reused") }
        }
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
}
