#ifndef DIFFUSIONSWEEP_CPNG_SHIM_H
#define DIFFUSIONSWEEP_CPNG_SHIM_H
#include <png.h>

/* PNG_IMAGE_VERSION and the format constants are plain enough for Swift, but PNG_IMAGE_SIZE and
   friends are function-like macros; these wrap the ones we use. */
static inline png_uint_32 swift_png_image_version(void) { return PNG_IMAGE_VERSION; }
static inline png_uint_32 swift_png_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline png_uint_32 swift_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline int swift_png_image_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }
#endif
