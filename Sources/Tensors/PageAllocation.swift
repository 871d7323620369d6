#if canImport(Glibc)
import Glibc
#endif

/// Memory for tensors: 64-byte aligned, and large buffers 2 MiB aligned and marked for
/// transparent huge pages, so faulting them in and walking them in a GEMM costs one page-table
/// entry per 2 MiB instead of one per 4 KiB (Linux only offers huge pages on request by default).
enum PageAllocation {
    static let hugePage = 1 << 21

    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= 2 * hugePage else { return .allocate(byteCount: byteCount, alignment: 64) }
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: hugePage)
        #if canImport(Glibc)
        _ = madvise(pointer, byteCount, MADV_HUGEPAGE)
        #endif
        return pointer
    }
}
