import Dispatch

/// Splits `0..<count` into one contiguous range per thread of the installed `ComputeContext` and
/// runs them concurrently; small jobs (under `grain` items per thread) use fewer threads, down to
/// running inline.
func parallelRanges(_ count: Int, grain: Int = 4096, _ body: (Range<Int>) -> Void) {
    distribute(count, over: rangeThreads(count, grain: grain), inner: nil) { _, range in body(range) }
}

/// `parallelRanges` with `floats` of scratch memory for each range (see `BufferPool.withScratch`).
func parallelRanges(_ count: Int, grain: Int = 4096, scratch floats: Int,
                    _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
    let threads = rangeThreads(count, grain: grain)
    BufferPool.withScratch(count: floats, slots: threads) { slots in
        distribute(count, over: threads, inner: nil) { slot, range in body(range, slots[slot]) }
    }
}

/// Splits `0..<count` jobs over the context's threads like `parallelRanges`, each job seeing a
/// one-thread context (also when the jobs run inline), so every GEMM inside runs single-threaded
/// on the core that runs its job and gives the same sums whatever the thread count. For many
/// small GEMMs (attention tiles) this also beats splitting each one across cores; our own loops
/// inside `body` run inline.
func parallelJobs(_ count: Int, _ body: (Range<Int>) -> Void) {
    distribute(count, over: jobThreads(count), inner: ComputeContext.current.with(threads: 1)) { _, range in body(range) }
}

/// `parallelJobs` with `floats` of scratch memory for each concurrent range (see `BufferPool.withScratch`).
func parallelJobs(_ count: Int, scratch floats: Int, _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
    let threads = jobThreads(count)
    BufferPool.withScratch(count: floats, slots: threads) { slots in
        distribute(count, over: threads, inner: ComputeContext.current.with(threads: 1)) { slot, range in body(range, slots[slot]) }
    }
}

private func rangeThreads(_ count: Int, grain: Int) -> Int {
    max(1, min(ComputeContext.current.threads, count / max(1, grain)))
}

private func jobThreads(_ count: Int) -> Int { max(1, min(ComputeContext.current.threads, count)) }

/// Runs `body` on `threads` contiguous, disjoint ranges covering `0..<count` with each range's
/// slot number (0..<threads): concurrently when there are several, each with the caller's
/// context at one thread (so what runs inside stays on its core) and FLOP counter; inline, in
/// `inner` when given, when there is one.
private func distribute(_ count: Int, over threads: Int, inner: ComputeContext?, _ body: (Int, Range<Int>) -> Void) {
    guard threads > 1 else {
        if count > 0 {
            if let inner { inner.run { body(0, 0..<count) } } else { body(0, 0..<count) }
        }
        return
    }
    // Task-local values do not reach Dispatch's worker threads, so each range installs them again.
    let inner = ComputeContext.current.with(threads: 1), counter = FLOPCounter.current
    // Each range is disjoint and the call blocks until all finish, so the kernels' raw pointers
    // never race; the box only tells the compiler what it cannot see.
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            inner.run {
                FLOPCounter.$current.withValue(counter) { shared.value(t, (count * t / threads)..<(count * (t + 1) / threads)) }
            }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
