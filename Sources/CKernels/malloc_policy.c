// glibc's mallopt, which Swift's Glibc module does not export (malloc.h).
#include <malloc.h>
#include "ckernels.h"

int ds_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
