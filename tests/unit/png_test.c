/* Unit tests for render/png.c, the PNG encoder: what a reader decodes is exactly what
 * was drawn, the file is opaque RGB, the bytes depend only on the pixels (the same
 * surface twice gives the same file; no tIME or text chunks), and a full disk is an
 * error, not a crash or a silently short file.
 *
 * Every case goes through encode() below, so a change to bm_png_encode's signature
 * touches one function here. Decoding uses Cairo's PNG reader (libpng), independent of
 * the encoder under test. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <cairo.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "core/error.h"
#include "render/render.h"

/* ---- helpers ---------------------------------------------------------------- */

/* The one call of the code under test. */
static bm_status encode(cairo_surface_t *s, FILE *f, bm_error *err) {
  cairo_surface_flush(s);
  bm_sink sink = {.f = f};
  bm_status st = bm_png_encode(cairo_image_surface_get_data(s), cairo_image_surface_get_width(s),
                               cairo_image_surface_get_height(s), cairo_image_surface_get_stride(s),
                               &sink, err);
  if (!st && sink.failed)
    st = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "cannot write the PNG (disk full?)");
  return st;
}

typedef struct {
  char *buf;
  size_t len;
} png_bytes;

static png_bytes encode_to_memory(cairo_surface_t *s) {
  png_bytes b = {0};
  FILE *f = open_memstream(&b.buf, &b.len);
  assert_non_null(f);
  bm_error err;
  bm_error_clear(&err);
  if (encode(s, f, &err) != BM_OK) fail_msg("bm_png_encode: %s", err.msg);
  assert_int_equal(fclose(f), 0);
  return b;
}

typedef struct {
  const png_bytes *b;
  size_t pos;
} reader;

static cairo_status_t read_cb(void *closure, unsigned char *data, unsigned int len) {
  reader *r = closure;
  if (r->b->len - r->pos < len) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->b->buf + r->pos, len);
  r->pos += len;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *decode(const png_bytes *b) {
  reader r = {b, 0};
  cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_cb, &r);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
    fail_msg("Cairo cannot read the PNG back: %s", cairo_status_to_string(cairo_surface_status(s)));
  cairo_surface_flush(s);
  return s;
}

static uint32_t be32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return ntohl(v);
}

/* Walks the chunks: checks the signature, every length and CRC, IHDR first and IEND
 * last; writes the chunk types, in order, into types (4 letters each, NUL-terminated). */
static void walk_chunks(const png_bytes *b, char *types, size_t cap) {
  static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  const unsigned char *p = (const unsigned char *)b->buf;
  assert_true(b->len >= 8 && !memcmp(p, sig, 8));
  size_t pos = 8, nt = 0;
  types[0] = 0;
  while (pos < b->len) {
    assert_true(b->len - pos >= 12);
    uint32_t len = be32(p + pos);
    assert_true(b->len - pos - 12 >= len);
    uLong crc = crc32(0, p + pos + 4, 4 + len);
    if (crc != be32(p + pos + 8 + len))
      fail_msg("chunk %.4s at byte %zu: bad CRC", (const char *)p + pos + 4, pos);
    assert_true(nt + 5 < cap);
    memcpy(types + nt, p + pos + 4, 4);
    nt += 4;
    types[nt] = 0;
    pos += 12 + len;
  }
  assert_int_equal(pos, b->len);
  assert_true(nt >= 12 && !memcmp(types, "IHDR", 4) && !strcmp(types + nt - 4, "IEND"));
}

/* A premultiplied ARGB32 pixel. */
static uint32_t argb(unsigned a, unsigned r, unsigned g, unsigned b) {
  return (uint32_t)a << 24 | (uint32_t)r << 16 | (uint32_t)g << 8 | b;
}

static void set_px(cairo_surface_t *s, int x, int y, uint32_t v) {
  unsigned char *d = cairo_image_surface_get_data(s);
  ((uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x] = v;
}

static uint32_t get_px(cairo_surface_t *s, int x, int y) {
  const unsigned char *d = cairo_image_surface_get_data(s);
  return ((const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x];
}

/* Deterministic noise: deflate cannot shrink it, so the file is larger than the pixels. */
static cairo_surface_t *noise_surface(int w, int h) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  uint32_t state = 12345;
  cairo_surface_flush(s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      state = state * 1664525u + 1013904223u;
      set_px(s, x, y, 0xff000000u | state >> 8);
    }
  cairo_surface_mark_dirty(s);
  return s;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_decoded_pixels_are_the_drawn_ones(void **state) {
  (void)state;
  enum { W = 7, H = 5 };
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_flush(s);
  uint32_t want[H][W];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      /* every row differs from the one above (the Up filter), channels all distinct */
      uint32_t v = argb(255, (unsigned)(x * 37 + y * 11) & 0xff, (unsigned)(200 - x * 13 - y * 7),
                        (unsigned)(x * y * 29 + 3) & 0xff);
      set_px(s, x, y, v);
      want[y][x] = v & 0xffffff;
    }
  /* pure colours, black, white */
  const uint32_t pure[] = {argb(255, 255, 0, 0), argb(255, 0, 255, 0), argb(255, 0, 0, 255),
                           argb(255, 0, 0, 0), argb(255, 255, 255, 255)};
  for (int i = 0; i < 5; i++) {
    set_px(s, i, 0, pure[i]);
    want[0][i] = pure[i] & 0xffffff;
  }
  /* semi-transparent and fully transparent pixels: the file is opaque RGB and carries
   * Cairo's premultiplied values, i.e. the colour as if over black. (Maps are painted on
   * an opaque background, so these do not occur in a rendered map.) 50% of (200,100,50)
   * is stored premultiplied as (100,50,25). */
  set_px(s, 5, 0, argb(128, 100, 50, 25));
  want[0][5] = 0x643219;
  set_px(s, 6, 0, argb(0, 0, 0, 0));
  want[0][6] = 0;
  cairo_surface_mark_dirty(s);

  png_bytes b = encode_to_memory(s);
  /* IHDR: W x H, 8 bits per channel, colour type 2 (RGB, no alpha), not interlaced */
  const unsigned char *ihdr = (const unsigned char *)b.buf + 16;
  assert_memory_equal(b.buf + 12, "IHDR", 4);
  assert_int_equal(be32(ihdr), W);
  assert_int_equal(be32(ihdr + 4), H);
  assert_int_equal(ihdr[8], 8);
  assert_int_equal(ihdr[9], 2);
  assert_int_equal(ihdr[12], 0);

  cairo_surface_t *d = decode(&b);
  assert_int_equal(cairo_image_surface_get_format(d), CAIRO_FORMAT_RGB24);
  assert_int_equal(cairo_image_surface_get_width(d), W);
  assert_int_equal(cairo_image_surface_get_height(d), H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint32_t got = get_px(d, x, y) & 0xffffff;
      if (got != want[y][x])
        fail_msg("pixel (%d,%d): decoded %06x, drawn %06x", x, y, got, want[y][x]);
    }
  cairo_surface_destroy(d);
  cairo_surface_destroy(s);
  free(b.buf);
}

static void test_large_noisy_image_round_trips(void **state) {
  (void)state;
  /* 700 x 700 of noise: 1.47 MB of pixels that do not compress, written as many IDAT
   * chunks, the Up filter working on unrelated rows */
  enum { W = 700, H = 700 };
  cairo_surface_t *s = noise_surface(W, H);
  png_bytes b = encode_to_memory(s);
  assert_true(b.len > (size_t)W * H * 3);
  char types[4096];
  walk_chunks(&b, types, sizeof types);
  cairo_surface_t *d = decode(&b);
  assert_int_equal(cairo_image_surface_get_width(d), W);
  assert_int_equal(cairo_image_surface_get_height(d), H);
  long bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      bad += (get_px(d, x, y) & 0xffffff) != (get_px(s, x, y) & 0xffffff);
  assert_int_equal(bad, 0);
  cairo_surface_destroy(d);
  cairo_surface_destroy(s);
  free(b.buf);
}

/* Rows are filtered four pixels at a time where the CPU can, the rest one at a time: every
 * width round the step (and below it) must round-trip, the first row (nothing above) too. */
static void test_every_width_round_trips(void **state) {
  (void)state;
  for (int w = 1; w <= 70; w++) {
    cairo_surface_t *s = noise_surface(w, 3);
    png_bytes b = encode_to_memory(s);
    cairo_surface_t *d = decode(&b);
    assert_int_equal(cairo_image_surface_get_width(d), w);
    long bad = 0;
    for (int y = 0; y < 3; y++)
      for (int x = 0; x < w; x++)
        bad += (get_px(d, x, y) & 0xffffff) != (get_px(s, x, y) & 0xffffff);
    if (bad) fail_msg("width %d: %ld pixels differ", w, bad);
    cairo_surface_destroy(d);
    cairo_surface_destroy(s);
    free(b.buf);
  }
}

/* The encoder deflates pieces of rows on several threads: the number of threads
 * ($BORDERMAP_THREADS) must change neither the pixels nor one byte of the file. A map-like image
 * (flat colours, shapes, a band of noise) of 1500 x 1200 is cut into several pieces. */
static void test_thread_count_changes_no_byte(void **state) {
  (void)state;
  enum { W = 1500, H = 1200 };
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0.85, 0.91, 0.95);
  cairo_paint(cr);
  for (int i = 0; i < 40; i++) {
    cairo_set_source_rgb(cr, (i * 37 % 100) / 100.0, (i * 61 % 100) / 100.0, 0.4);
    cairo_arc(cr, 37.0 * i, 29.0 * i, 20 + 3 * i, 0, 6.3);
    cairo_fill(cr);
  }
  cairo_destroy(cr);
  cairo_surface_flush(s);
  uint32_t st = 7;
  for (int y = 500; y < 540; y++) /* incompressible rows in the middle of a piece */
    for (int x = 0; x < W; x++) {
      st = st * 1664525u + 1013904223u;
      set_px(s, x, y, 0xff000000u | st >> 8);
    }
  cairo_surface_mark_dirty(s);
  const char *counts[] = {"1", "2", "3", "8"};
  png_bytes b[4];
  for (int i = 0; i < 4; i++) {
    setenv("BORDERMAP_THREADS", counts[i], 1);
    b[i] = encode_to_memory(s);
  }
  unsetenv("BORDERMAP_THREADS");
  for (int i = 1; i < 4; i++) {
    assert_int_equal(b[i].len, b[0].len);
    assert_memory_equal(b[i].buf, b[0].buf, b[0].len);
  }
  assert_true(b[0].len < (size_t)W * H / 4); /* it compresses: the pieces share their context */
  cairo_surface_t *d = decode(&b[0]);
  long bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      bad += (get_px(d, x, y) & 0xffffff) != (get_px(s, x, y) & 0xffffff);
  assert_int_equal(bad, 0);
  cairo_surface_destroy(d);
  cairo_surface_destroy(s);
  for (int i = 0; i < 4; i++)
    free(b[i].buf);
}

static void test_same_pixels_same_bytes_and_no_time_chunk(void **state) {
  (void)state;
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 48);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0.9, 0.93, 0.96);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.8, 0.2, 0.1);
  cairo_arc(cr, 30, 20, 12, 0, 6.3);
  cairo_fill(cr);
  cairo_destroy(cr);
  cairo_surface_flush(s);

  png_bytes b1 = encode_to_memory(s);
  png_bytes b2 = encode_to_memory(s);
  assert_int_equal(b1.len, b2.len);
  assert_memory_equal(b1.buf, b2.buf, b1.len);

  /* nothing that varies from run to run or machine to machine: only IHDR, IDAT, IEND */
  char types[4096];
  walk_chunks(&b1, types, sizeof types);
  for (size_t i = 0; types[i]; i += 4)
    if (memcmp(types + i, "IHDR", 4) && memcmp(types + i, "IDAT", 4) &&
        memcmp(types + i, "IEND", 4))
      fail_msg("unexpected chunk %.4s (chunks: %s)", types + i, types);
  assert_null(strstr(types, "tIME"));
  free(b1.buf);
  free(b2.buf);
  cairo_surface_destroy(s);
}

static void test_full_disk_is_an_error(void **state) {
  (void)state;
  FILE *f = fopen("/dev/full", "wb");
  if (!f) skip();
  bm_error err;

  /* unbuffered: the very first write fails */
  setvbuf(f, NULL, _IONBF, 0);
  cairo_surface_t *small = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
  bm_error_clear(&err);
  assert_int_equal(encode(small, f, &err), BM_ERR_IO);
  assert_int_equal(err.code, BM_ERR_IO);
  assert_true(strlen(err.msg) > 0);
  fclose(f);

  /* buffered, as the canvas writes: more than any stdio buffer, so the encoder itself
   * must see a write fail, and stop */
  f = fopen("/dev/full", "wb");
  assert_non_null(f);
  cairo_surface_t *big = noise_surface(400, 400);
  bm_error_clear(&err);
  assert_int_equal(encode(big, f, &err), BM_ERR_IO);
  assert_int_equal(err.code, BM_ERR_IO);
  fclose(f);
  cairo_surface_destroy(small);
  cairo_surface_destroy(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decoded_pixels_are_the_drawn_ones),
      cmocka_unit_test(test_large_noisy_image_round_trips),
      cmocka_unit_test(test_every_width_round_trips),
      cmocka_unit_test(test_thread_count_changes_no_byte),
      cmocka_unit_test(test_same_pixels_same_bytes_and_no_time_chunk),
      cmocka_unit_test(test_full_disk_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
