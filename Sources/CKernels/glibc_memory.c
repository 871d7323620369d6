// glibc calls Swift's Glibc module does not export: mallopt (malloc.h) and mremap (variadic).
#define _GNU_SOURCE
#include <malloc.h>
#include <sys/mman.h>
#include "ckernels.h"

int ds_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

void *ds_remap(void *mapping, size_t bytes, size_t newBytes) {
    void *moved = mremap(mapping, bytes, newBytes, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
}
