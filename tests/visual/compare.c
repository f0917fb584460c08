/* visual/compare.c — compares a rendered PNG with its reference image.
 *
 *   visual_compare EXPECTED.png ACTUAL.png TOLERANCE MAXFRAC
 *
 * A pixel differs when any of its channels (R, G, B, A) differs by more than TOLERANCE
 * (0..255, e.g. 8 for 8/255). The images match when they have the same size and the
 * fraction of differing pixels is at most MAXFRAC (0..1, e.g. 0.005; "0.5%" also works).
 * On a mismatch, ACTUAL stays where it is and a diff image is written beside it
 * (ACTUAL with "-actual.png" or ".png" replaced by "-diff.png"): the reference faded to
 * grey, with differing pixels in red (brighter = larger difference).
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

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s EXPECTED.png ACTUAL.png TOLERANCE(0-255) MAXFRAC(0-1 or N%%)\n",
            argv[0]);
    return 2;
  }
  const char *expected = argv[1], *actual = argv[2];
  char *end;
  long tol = strtol(argv[3], &end, 10);
  if (end == argv[3] || *end || tol < 0 || tol > 255) {
    fprintf(stderr, "compare: TOLERANCE must be a whole number from 0 to 255, not '%s'\n", argv[3]);
    return 2;
  }
  double maxfrac = strtod(argv[4], &end);
  if (end != argv[4] && *end == '%' && !end[1]) maxfrac /= 100, end++;
  if (end == argv[4] || *end || maxfrac < 0 || maxfrac > 1) {
    fprintf(stderr, "compare: MAXFRAC must be a fraction from 0 to 1 (or a percentage), not '%s'\n",
            argv[4]);
    return 2;
  }

  cairo_surface_t *e = load(expected);
  if (!e) {
    fprintf(stderr,
            "compare: no usable reference image; if this is a new case, look at '%s' and "
            "copy it to '%s'\n",
            actual, expected);
    return 2;
  }
  cairo_surface_t *a = load(actual);
  if (!a) {
    cairo_surface_destroy(e);
    return 2;
  }
  int w = cairo_image_surface_get_width(e), h = cairo_image_surface_get_height(e);
  int aw = cairo_image_surface_get_width(a), ah = cairo_image_surface_get_height(a);
  char *dpath = diff_path(actual);
  if (dpath) remove(dpath); /* never leave a diff from an earlier run */
  if (w != aw || h != ah) {
    printf("FAIL: %s is %dx%d, the reference %s is %dx%d\n", actual, aw, ah, expected, w, h);
    free(dpath);
    cairo_surface_destroy(e);
    cairo_surface_destroy(a);
    return 1;
  }

  cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  const unsigned char *ed = cairo_image_surface_get_data(e), *ad = cairo_image_surface_get_data(a);
  unsigned char *dd = cairo_image_surface_get_data(d);
  int es = cairo_image_surface_get_stride(e), as = cairo_image_surface_get_stride(a);
  int ds = cairo_image_surface_get_stride(d);
  long long bad = 0;
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
      if (worst > maxdiff) maxdiff = worst;
      if (worst > tol) {
        bad++;
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
  double total = (double)w * h, frac = bad / total;
  bool ok = frac <= maxfrac;
  printf("%s: %lld of %.0f pixels (%.3f%%) differ by more than %ld/255 in some channel; "
         "allowed %.3f%%; largest channel difference %d/255\n",
         ok ? "PASS" : "FAIL", bad, total, 100 * frac, tol, 100 * maxfrac, maxdiff);
  if (bad) printf("  differing pixels lie within x %d..%d, y %d..%d\n", minx, maxx, miny, maxy);
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
  free(dpath);
  cairo_surface_destroy(d);
  cairo_surface_destroy(e);
  cairo_surface_destroy(a);
  return rc;
}
