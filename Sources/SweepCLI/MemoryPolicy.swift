import CKernels

/// How this process's allocator gives memory back. glibc raises its mmap threshold (up to
/// 32 MiB) each time a mapped block is freed; after that, blocks of tens of MB (a text encoder's
/// widened half weights, activations outside a model's buffer pool) come from heap arenas and stay
/// resident once freed: 0.8 GiB after SDXL's text encoders. A fixed 1 MiB threshold maps every
/// large block by itself, so freeing one returns it (a full-size SDXL 1024² image: peak resident
/// 10.3 → 9.1 GiB, no slower). Process-wide, so it is set here in the executable, not the library.
enum MemoryPolicy {
    static func mapLargeBlocksSeparately() {
        _ = ds_set_mmap_threshold(1 << 20)
    }
}
