/* A small PNG encoder: Cairo's own writer spends most of its time in zlib at
 * the default level; level 3 with the Up filter is several times faster and
 * nearly as small for flat-coloured maps. No time or text chunks are written,
 * so the bytes depend only on the pixels.
 *
 * The image is cut into pieces of whole rows, a fixed number per piece for a
 * given width (about 1 MiB of filtered data), and each piece is deflated on its
 * own, as pigz does: primed with the 32 KiB of filtered data before it, ended on
 * a byte boundary (Z_SYNC_FLUSH), the last one with Z_FINISH; the pieces are
 * joined into one zlib stream whose Adler-32 is combined from theirs. The pieces
 * are the same whatever the number of threads, so every thread count writes the
 * same bytes. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/util.h"
#include "render/backend.h"

#define PNG_LEVEL 3
#define PIECE_BYTES (1u << 20)
#define WINDOW 32768

static bool chunk(bm_sink *f, const char *type, const unsigned char *data, uint32_t len) {
  uint32_t be = htonl(len);
  uLong crc = crc32(0, (const Bytef *)type, 4);
  if (len) crc = crc32(crc, data, len);
  uint32_t bcrc = htonl((uint32_t)crc);
  return bm_sink_write(f, &be, 4) && bm_sink_write(f, type, 4) && bm_sink_write(f, data, len) &&
         bm_sink_write(f, &bcrc, 4);
}

typedef struct {
  unsigned char *out; /* this piece's raw deflate data */
  size_t len;
  uLong adler; /* of its filtered bytes */
  size_t raw;  /* how many filtered bytes */
  bool ok;
} piece;

typedef struct {
  const unsigned char *src;
  int w, h, stride, rows; /* rows per piece */
  size_t row;             /* filtered bytes per row: 1 + 3w */
  piece *p;
  int npieces;
  atomic_int next;
} job;

/* One row as PNG wants it: filter byte 2 (Up), then each byte of RGB minus the
 * same byte of the row above (0 above the first row). The map is painted on an
 * opaque background, so alpha is 255 and dropped. */
static void filter_pixels(const uint32_t *px, const uint32_t *up, unsigned char *o, int from,
                          int w) {
  for (int x = from; x < w; x++) {
    uint32_t p = px[x], q = up ? up[x] : 0;
    o[3 * x] = (unsigned char)((p >> 16) - (q >> 16));
    o[3 * x + 1] = (unsigned char)((p >> 8) - (q >> 8));
    o[3 * x + 2] = (unsigned char)(p - q);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <tmmintrin.h>
/* The same, four pixels at a time with SSSE3's byte shuffle (every x86-64 CPU since 2006
 * has it; the scalar loop cost 25 instructions a pixel, a third of encoding a world map's
 * 24 million pixels). Each step stores 16 bytes of which 12 are the four pixels': the 4
 * beyond are written over by the next step, and the last steps leave room for them in the
 * row. Returns the pixels done. */
__attribute__((target("ssse3"))) static int
filter_pixels_ssse3(const uint32_t *px, const uint32_t *up, unsigned char *o, int w) {
  const __m128i rgb = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  int x = 0;
  for (; x + 6 <= w; x += 4) {
    __m128i p = _mm_loadu_si128((const __m128i *)(px + x));
    __m128i q = up ? _mm_loadu_si128((const __m128i *)(up + x)) : _mm_setzero_si128();
    _mm_storeu_si128((__m128i *)(o + 3 * x), _mm_shuffle_epi8(_mm_sub_epi8(p, q), rgb));
  }
  return x;
}
#endif

static void filter_row(const job *j, int y, unsigned char *line) {
  const uint32_t *px = (const uint32_t *)(j->src + (size_t)y * j->stride);
  const uint32_t *up = y > 0 ? (const uint32_t *)(j->src + (size_t)(y - 1) * j->stride) : NULL;
  line[0] = 2;
  int done = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("ssse3")) done = filter_pixels_ssse3(px, up, line + 1, j->w);
#endif
  filter_pixels(px, up, line + 1, done, j->w);
}

static bool deflate_piece(const job *j, int k, unsigned char *buf) {
  piece *pc = &j->p[k];
  int y0 = k * j->rows, y1 = y0 + j->rows < j->h ? y0 + j->rows : j->h;
  /* the filtered rows before this piece, as its dictionary (at most 32 KiB) */
  int dict_rows = y0 == 0 ? 0 : (int)((WINDOW + j->row - 1) / j->row);
  if (dict_rows > y0) dict_rows = y0;
  size_t n = 0;
  for (int y = y0 - dict_rows; y < y1; y++, n += j->row)
    filter_row(j, y, buf + n);
  size_t dict = (size_t)dict_rows * j->row;
  size_t dict_len = dict > WINDOW ? WINDOW : dict;
  pc->raw = n - dict;
  pc->adler = adler32(1L, buf + dict, (uInt)pc->raw);
  z_stream z = {0};
  if (deflateInit2(&z, PNG_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  bool ok = !dict_len || deflateSetDictionary(&z, buf + dict - dict_len, (uInt)dict_len) == Z_OK;
  size_t cap = deflateBound(&z, pc->raw) + 16;
  pc->out = malloc(cap);
  ok = ok && pc->out;
  if (ok) {
    z.next_in = buf + dict;
    z.avail_in = (uInt)pc->raw;
    z.next_out = pc->out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, y1 == j->h ? Z_FINISH : Z_SYNC_FLUSH);
    ok = (y1 == j->h ? rc == Z_STREAM_END : rc == Z_OK) && z.avail_in == 0;
    pc->len = cap - z.avail_out;
  }
  deflateEnd(&z);
  return ok;
}

static void *worker(void *arg) {
  job *j = arg;
  int dict_rows = (int)((WINDOW + j->row - 1) / j->row);
  unsigned char *buf = malloc((size_t)(j->rows + dict_rows) * j->row);
  for (int k; (k = atomic_fetch_add(&j->next, 1)) < j->npieces;)
    j->p[k].ok = buf && deflate_piece(j, k, buf);
  free(buf);
  return NULL;
}

bm_status bm_png_encode(const unsigned char *src, int w, int h, int stride, bm_sink *f,
                        bm_error *err) {
  job j = {.src = src, .w = w, .h = h, .stride = stride, .row = (size_t)w * 3 + 1};
  j.rows = (int)(PIECE_BYTES / j.row);
  if (j.rows < 1) j.rows = 1;
  j.npieces = h > 0 ? (h + j.rows - 1) / j.rows : 0;
  j.p = calloc((size_t)j.npieces + 1, sizeof *j.p);
  if (!j.p) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  atomic_init(&j.next, 0);
  bm_run_threads(worker, &j, j.npieces > 8 ? 8 : j.npieces);

  bool ok = true;
  for (int k = 0; k < j.npieces; k++)
    ok = ok && j.p[k].ok;
  static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  unsigned char ihdr[13];
  uint32_t bw = htonl((uint32_t)w), bh = htonl((uint32_t)h);
  memcpy(ihdr, &bw, 4);
  memcpy(ihdr + 4, &bh, 4);
  ihdr[8] = 8; /* bit depth */
  ihdr[9] = 2; /* RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  ok = ok && bm_sink_write(f, sig, 8) && chunk(f, "IHDR", ihdr, 13);
  /* the zlib header of a level-3 stream with a 32 KiB window, then the pieces, then
   * the Adler-32 of all the filtered data; one IDAT per piece */
  static const unsigned char zhead[2] = {0x78, 0x5E};
  uLong adler = 1L;
  for (int k = 0; ok && k < j.npieces; k++) {
    piece *pc = &j.p[k];
    adler = k ? adler32_combine(adler, pc->adler, (z_off_t)pc->raw) : pc->adler;
    if (k == 0) {
      unsigned char *first = malloc(pc->len + 2);
      ok = first != NULL;
      if (ok) {
        memcpy(first, zhead, 2);
        memcpy(first + 2, pc->out, pc->len);
        ok = chunk(f, "IDAT", first, (uint32_t)(pc->len + 2));
      }
      free(first);
    } else {
      ok = chunk(f, "IDAT", pc->out, (uint32_t)pc->len);
    }
  }
  if (ok) {
    uint32_t a = htonl((uint32_t)adler);
    ok = chunk(f, "IDAT", (const unsigned char *)&a, 4) && chunk(f, "IEND", NULL, 0);
  }
  for (int k = 0; k < j.npieces; k++)
    free(j.p[k].out);
  free(j.p);
  if (!ok) return bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "cannot write the PNG (disk full?)");
  return BM_OK;
}
