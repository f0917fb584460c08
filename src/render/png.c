/* A small PNG encoder: Cairo's own writer spends most of its time in zlib at
 * the default level; level 3 with the Up filter is several times faster and
 * nearly as small for flat-coloured maps. No time or text chunks are written,
 * so the bytes depend only on the pixels. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "render/backend.h"
#include "render/render.h"

static bool chunk(bm_sink *f, const char *type, const unsigned char *data, uint32_t len) {
  uint32_t be = htonl(len);
  uLong crc = crc32(0, (const Bytef *)type, 4);
  if (len) crc = crc32(crc, data, len);
  uint32_t bcrc = htonl((uint32_t)crc);
  return bm_sink_write(f, &be, 4) && bm_sink_write(f, type, 4) && bm_sink_write(f, data, len) &&
         bm_sink_write(f, &bcrc, 4);
}

bm_status bm_png_write(cairo_surface_t *img, FILE *f, bm_error *err) {
  bm_sink sink = {.f = f};
  return bm_png_encode(cairo_image_surface_get_data(img), cairo_image_surface_get_width(img),
                       cairo_image_surface_get_height(img), cairo_image_surface_get_stride(img),
                       &sink, err);
}

bm_status bm_png_encode(const unsigned char *src, int w, int h, int stride, bm_sink *f,
                        bm_error *err) {
  size_t row = (size_t)w * 3 + 1;
  unsigned char *line = malloc(row), *prev = calloc(1, row);
  size_t cap = 1 << 20;
  unsigned char *out = malloc(cap);
  if (!line || !prev || !out) {
    free(line);
    free(prev);
    free(out);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  unsigned char ihdr[13];
  uint32_t bw = htonl((uint32_t)w), bh = htonl((uint32_t)h);
  memcpy(ihdr, &bw, 4);
  memcpy(ihdr + 4, &bh, 4);
  ihdr[8] = 8; /* bit depth */
  ihdr[9] = 2; /* RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  bool ok = bm_sink_write(f, sig, 8) && chunk(f, "IHDR", ihdr, 13);
  z_stream z = {0};
  ok = ok && deflateInit2(&z, 3, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  unsigned char *cur = malloc(row);
  ok = ok && cur;
  for (int y = 0; ok && y <= h; y++) {
    int flush = y == h ? Z_FINISH : Z_NO_FLUSH;
    if (y < h) {
      const uint32_t *px = (const uint32_t *)(src + (size_t)y * stride);
      cur[0] = 0;
      for (int x = 0; x < w; x++) {
        /* the map is painted on an opaque background, so alpha is 255 */
        uint32_t p = px[x];
        cur[1 + 3 * x] = (unsigned char)(p >> 16);
        cur[2 + 3 * x] = (unsigned char)(p >> 8);
        cur[3 + 3 * x] = (unsigned char)p;
      }
      line[0] = 2; /* Up filter */
      for (size_t i = 1; i < row; i++)
        line[i] = (unsigned char)(cur[i] - prev[i]);
      memcpy(prev, cur, row);
      z.next_in = line;
      z.avail_in = (uInt)row;
    } else {
      z.next_in = NULL;
      z.avail_in = 0;
    }
    int rc;
    do {
      z.next_out = out;
      z.avail_out = (uInt)cap;
      rc = deflate(&z, flush);
      if (rc < 0 && rc != Z_BUF_ERROR) ok = false; /* never spin on a zlib error */
      size_t have = cap - z.avail_out;
      if (have) ok = ok && chunk(f, "IDAT", out, (uint32_t)have);
    } while (ok && (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END)));
  }
  deflateEnd(&z);
  ok = ok && chunk(f, "IEND", NULL, 0);
  free(cur);
  free(line);
  free(prev);
  free(out);
  if (!ok) return bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "cannot write the PNG (disk full?)");
  return BM_OK;
}
