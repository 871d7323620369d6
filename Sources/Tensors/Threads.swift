import COpenBLAS
import Dispatch

/// The one thread-count setting. OpenBLAS keeps it and our own loops read it back, so BLAS calls
/// and element-wise kernels always use the same number of cores.
public enum Threads {
    public static var count: Int { max(1, Int(openblas_get_num_threads())) }

    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}

/// Splits `0..<count` into one contiguous range per thread and runs them concurrently; small
/// jobs (under `grain` items per thread) use fewer threads, down to running inline.
func parallelRanges(_ count: Int, grain: Int = 4096, _ body: (Range<Int>) -> Void) {
    let threads = min(Threads.count, max(1, count / max(1, grain)))
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    split(count, over: threads, body)
}

/// Splits `0..<count` jobs over our threads like `parallelRanges`, with OpenBLAS held to one
/// thread meanwhile (also when the jobs run inline), so every GEMM inside runs single-threaded on
/// the core that runs its job and gives the same sums whatever the thread count. For many small
/// GEMMs (attention tiles) this also beats splitting each one across cores. The count is
/// restored before returning; our own loops inside `body` see one thread and run inline.
func parallelJobs(_ count: Int, _ body: (Range<Int>) -> Void) {
    let saved = Threads.count
    if saved > 1 { Threads.set(1) }
    defer { if saved > 1 { Threads.set(saved) } }
    let threads = min(saved, count)
    guard threads > 1 else {
        if count > 0 { body(0..<count) }
        return
    }
    let counter = FLOPCounter.current
    split(count, over: threads) { range in FLOPCounter.$current.withValue(counter) { body(range) } }
}

/// Runs `body` on `threads` contiguous, disjoint ranges covering `0..<count`, concurrently.
private func split(_ count: Int, over threads: Int, _ body: (Range<Int>) -> Void) {
    // Each range is disjoint and the call blocks until all finish, so the kernels' raw pointers
    // never race; the box only tells the compiler what it cannot see.
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            shared.value((count * t / threads)..<(count * (t + 1) / threads))
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
