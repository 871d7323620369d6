import Dispatch

/// Splits `0..<count` into one contiguous range per thread of the installed `ComputeContext` and
/// runs them concurrently; small jobs (under `grain` items per thread) use fewer threads, down to
/// running inline.
func parallelRanges(_ count: Int, grain: Int = 4096, _ body: (Range<Int>) -> Void) {
    let threads = min(ComputeContext.current.threads, max(1, count / max(1, grain)))
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    split(count, over: threads, body)
}

/// Splits `0..<count` jobs over the context's threads like `parallelRanges`, each job seeing a
/// one-thread context (also when the jobs run inline), so every GEMM inside runs single-threaded
/// on the core that runs its job and gives the same sums whatever the thread count. For many
/// small GEMMs (attention tiles) this also beats splitting each one across cores; our own loops
/// inside `body` run inline.
func parallelJobs(_ count: Int, _ body: (Range<Int>) -> Void) {
    let context = ComputeContext.current
    let inner = context.with(threads: 1)
    let threads = min(context.threads, count)
    guard threads > 1 else {
        if count > 0 { inner.run { body(0..<count) } }
        return
    }
    split(count, over: threads, body)
}

/// Runs `body` on `threads` contiguous, disjoint ranges covering `0..<count`, concurrently, each
/// with the caller's context at one thread (so what runs inside stays on its core) and FLOP counter.
private func split(_ count: Int, over threads: Int, _ body: (Range<Int>) -> Void) {
    // Task-local values do not reach Dispatch's worker threads, so each range installs them again.
    let inner = ComputeContext.current.with(threads: 1), counter = FLOPCounter.current
    // Each range is disjoint and the call blocks until all finish, so the kernels' raw pointers
    // never race; the box only tells the compiler what it cannot see.
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            inner.run {
                FLOPCounter.$current.withValue(counter) { shared.value((count * t / threads)..<(count * (t + 1) / threads)) }
            }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
