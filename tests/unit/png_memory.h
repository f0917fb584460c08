/* tests/unit/png_memory.h — what unit tests that read back a rendered PNG share: the
 * bytes bordermap wrote to memory decoded by Cairo (its own PNG reader, not ours). */
#ifndef BM_TEST_PNG_MEMORY_H
#define BM_TEST_PNG_MEMORY_H

#include <cairo.h>
#include <string.h>

typedef struct {
  const unsigned char *p;
  size_t n, at;
} png_reader;

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int len) {
  png_reader *r = closure;
  if (r->at + len > r->n) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->p + r->at, len);
  r->at += len;
  return CAIRO_STATUS_SUCCESS;
}

/* The PNG in p[0..n) as an image surface (check cairo_surface_status). */
static inline cairo_surface_t *png_from_memory(const unsigned char *p, size_t n) {
  png_reader r = {p, n, 0};
  return cairo_image_surface_create_from_png_stream(read_png, &r);
}

#endif
