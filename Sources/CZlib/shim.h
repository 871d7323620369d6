#ifndef DIFFUSIONSWEEP_CZLIB_SHIM_H
#define DIFFUSIONSWEEP_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; this wraps it for Swift. 15 + 16: a gzip stream with a 32 KB window. */
static inline int swift_inflate_init_gzip(z_stream *stream) { return inflateInit2(stream, 15 + 16); }
#endif
