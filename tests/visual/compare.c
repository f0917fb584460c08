/* visual/compare.c — compares a rendered PNG with its reference image, strictly.
 *
 *   visual_compare EXPECTED.png ACTUAL.png [TOLERANCE [MAXPIXELS]]
 *
 * Output is deterministic, so the files should be identical: when their bytes are
 * equal the images match at once. Otherwise both are decoded and compared pixel by
 * pixel: a pixel differs when any of its channels (R, G, B, A) differs by more than
 * TOLERANCE (0..255, default 2, i.e. 2/255); the images match when they have the
 * same size and at most MAXPIXELS pixels differ (default 0). One missing label is
 * some hundred pixels, so any allowance must stay far below that.
 * On a mismatch, ACTUAL stays where it is and a diff image is written beside it
 * (ACTUAL with "-actual.png" or ".png" replaced by "-diff.png"): the reference faded to
 * grey, with differing pixels in red (brighter = larger difference); the count, the
 * bounding box of the differing pixels and the 64x64 tiles holding most of them are
 * printed.
 * Exit: 0 match, 1 mismatch, 2 bad arguments or unreadable images.
 */
#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_surface_t *load(const char *path) {
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "compare: cannot read '%s' as PNG: %s\n", path,
            cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return NULL;
  }
  /* draw into ARGB32 so RGB24 and ARGB32 files compare the same way */
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  cairo_surface_t *c = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create(c);
  cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  cairo_surface_flush(c);
  return c;
}

static char *diff_path(const char *actual) {
  size_t n = strlen(actual);
  char *out = malloc(n + 16);
  if (!out) return NULL;
  const char *suffixes[] = {"-actual.png", ".png"};
  for (int i = 0; i < 2; i++) {
    size_t k = strlen(suffixes[i]);
    if (n >= k && !strcmp(actual + n - k, suffixes[i])) {
      snprintf(out, n + 16, "%.*s-diff.png", (int)(n - k), actual);
      return out;
    }
  }
  snprintf(out, n + 16, "%s-diff.png", actual);
  return out;
}

static int chan(uint32_t p, int shift) { return (int)((p >> shift) & 0xff); }

/* 1 when both files can be read and hold the same bytes, 0 when they differ, -1 when
 * one cannot be read (the PNG decoder then says why). */
static int same_bytes(const char *p1, const char *p2) {
  FILE *f1 = fopen(p1, "rb"), *f2 = fopen(p2, "rb");
  int rc = -1;
  if (f1 && f2) {
    static unsigned char b1[1 << 16], b2[1 << 16];
    rc = 1;
    for (;;) {
      size_t n1 = fread(b1, 1, sizeof b1, f1), n2 = fread(b2, 1, sizeof b2, f2);
      if (n1 != n2 || memcmp(b1, b2, n1)) {
        rc = 0;
        break;
      }
      if (n1 < sizeof b1) {
        if (ferror(f1) || ferror(f2)) rc = -1;
        break;
      }
    }
  }
  if (f1) fclose(f1);
  if (f2) fclose(f2);
  return rc;
}

static bool parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

enum { TILE = 64, NTOP = 5 };

int main(int argc, char **argv) {
  if (argc < 3 || argc > 5) {
    fprintf(
        stderr,
        "usage: %s EXPECTED.png ACTUAL.png [TOLERANCE(0-255, default 2) [MAXPIXELS(default 0)]]\n",
        argv[0]);
    return 2;
  }
  const char *expected = argv[1], *actual = argv[2];
  long tol = 2, maxpix = 0;
  if (argc > 3 && !parse_long(argv[3], 0, 255, &tol)) {
    fprintf(stderr, "compare: TOLERANCE must be a whole number from 0 to 255, not '%s'\n", argv[3]);
    return 2;
  }
  if (argc > 4 && !parse_long(argv[4], 0, 1000000000L, &maxpix)) {
    fprintf(stderr, "compare: MAXPIXELS must be a whole number of pixels (0 or more), not '%s'\n",
            argv[4]);
    return 2;
  }

  char *dpath = diff_path(actual);
  if (dpath) remove(dpath); /* never leave a diff from an earlier run */
  if (same_bytes(expected, actual) == 1) {
    printf("PASS: %s is byte-identical to the reference %s\n", actual, expected);
    free(dpath);
    return 0;
  }

  cairo_surface_t *e = load(expected);
  if (!e) {
    fprintf(stderr,
            "compare: no usable reference image; if this is a new case, look at '%s' and "
            "copy it to '%s'\n",
            actual, expected);
    free(dpath);
    return 2;
  }
  cairo_surface_t *a = load(actual);
  if (!a) {
    free(dpath);
    cairo_surface_destroy(e);
    return 2;
  }
  int w = cairo_image_surface_get_width(e), h = cairo_image_surface_get_height(e);
  int aw = cairo_image_surface_get_width(a), ah = cairo_image_surface_get_height(a);
  if (w != aw || h != ah) {
    printf("FAIL: %s is %dx%d, the reference %s is %dx%d\n", actual, aw, ah, expected, w, h);
    free(dpath);
    cairo_surface_destroy(e);
    cairo_surface_destroy(a);
    return 1;
  }

  int tw = (w + TILE - 1) / TILE, th = (h + TILE - 1) / TILE;
  long *tiles = calloc((size_t)tw * th, sizeof *tiles);
  cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  if (!tiles || cairo_surface_status(d) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "compare: out of memory\n");
    free(tiles);
    free(dpath);
    cairo_surface_destroy(d);
    cairo_surface_destroy(e);
    cairo_surface_destroy(a);
    return 2;
  }
  const unsigned char *ed = cairo_image_surface_get_data(e), *ad = cairo_image_surface_get_data(a);
  unsigned char *dd = cairo_image_surface_get_data(d);
  int es = cairo_image_surface_get_stride(e), as = cairo_image_surface_get_stride(a);
  int ds = cairo_image_surface_get_stride(d);
  long long bad = 0, changed = 0;
  int maxdiff = 0, minx = w, miny = h, maxx = -1, maxy = -1;
  for (int y = 0; y < h; y++) {
    const uint32_t *er = (const uint32_t *)(ed + (size_t)y * es);
    const uint32_t *ar = (const uint32_t *)(ad + (size_t)y * as);
    uint32_t *dr = (uint32_t *)(dd + (size_t)y * ds);
    for (int x = 0; x < w; x++) {
      int worst = 0;
      for (int sh = 0; sh < 32; sh += 8) {
        int v = abs(chan(er[x], sh) - chan(ar[x], sh));
        if (v > worst) worst = v;
      }
      if (worst) changed++;
      if (worst > maxdiff) maxdiff = worst;
      if (worst > tol) {
        bad++;
        tiles[(size_t)(y / TILE) * tw + x / TILE]++;
        if (x < minx) minx = x;
        if (x > maxx) maxx = x;
        if (y < miny) miny = y;
        if (y > maxy) maxy = y;
        int r = 128 + worst / 2;
        dr[x] = 0xff000000u | (uint32_t)r << 16;
      } else {
        /* the reference, light grey, for orientation */
        int g = (chan(er[x], 16) * 30 + chan(er[x], 8) * 59 + chan(er[x], 0) * 11) / 100;
        g = 192 + g / 4;
        dr[x] = 0xff000000u | (uint32_t)g << 16 | (uint32_t)g << 8 | (uint32_t)g;
      }
    }
  }
  cairo_surface_mark_dirty(d);
  bool ok = bad <= maxpix;
  printf("%s: %lld of %lld pixels differ by more than %ld/255 in some channel (allowed: %ld); "
         "%lld differ at all; largest channel difference %d/255\n",
         ok ? "PASS" : "FAIL", bad, (long long)w * h, tol, maxpix, changed, maxdiff);
  if (bad) {
    printf("  differing pixels lie within x %d..%d, y %d..%d (%dx%d px)\n", minx, maxx, miny, maxy,
           maxx - minx + 1, maxy - miny + 1);
    /* the tiles that hold most of them, so that two distant changes are told apart */
    printf("  most in the %dx%d tiles:", TILE, TILE);
    for (int k = 0; k < NTOP; k++) {
      size_t best = 0;
      for (size_t t = 1; t < (size_t)tw * th; t++)
        if (tiles[t] > tiles[best]) best = t;
      if (!tiles[best]) break;
      int x0 = (int)(best % tw) * TILE, y0 = (int)(best / tw) * TILE;
      printf("%s x %d..%d y %d..%d: %ld", k ? ";" : "", x0, x0 + TILE - 1, y0, y0 + TILE - 1,
             tiles[best]);
      tiles[best] = 0;
    }
    printf("\n");
  }
  int rc = ok ? 0 : 1;
  if (!ok && dpath) {
    cairo_status_t st = cairo_surface_write_to_png(d, dpath);
    if (st == CAIRO_STATUS_SUCCESS)
      printf("  actual image: %s\n  diff image:   %s (red: differs; grey: the reference)\n", actual,
             dpath);
    else
      printf("  actual image: %s\n  cannot write the diff image %s: %s\n", actual, dpath,
             cairo_status_to_string(st));
  }
  free(tiles);
  free(dpath);
  cairo_surface_destroy(d);
  cairo_surface_destroy(e);
  cairo_surface_destroy(a);
  return rc;
}
