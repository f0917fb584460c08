/* band_test — a PNG's geometry is painted in horizontal bands, each by its own Cairo
 * context, and a band skips the paths that miss it (src/render/cairo_backend.c). Painted
 * in bands, every path must give the same bytes as painted on the whole image: paths
 * that only reach into a band by their stroke's width, a round cap, an arc's radius, or
 * a segment whose ends both lie outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "png_memory.h"
#include "render/render.h"

enum { W = 200, H = 160, NBANDS = 4 }; /* bands of 40 rows: 0, 40, 80, 120 */
static const bm_color paper = {1, 1, 1, 1}, ink = {0.1, 0.2, 0.6, 1}, tint = {0.8, 0.2, 0.1, 0.6};

static void paint(bm_backend *be) {
  bm_path p;
  bm_path_init(&p);
  /* a wide line 5 px above the boundary at 40: its lower half lies in the second band */
  bm_path_move(&p, 10, 35);
  bm_path_line(&p, 190, 35);
  bm_be_stroke(be, &p, &(bm_stroke){.color = ink, .width = 14, .cap = BM_CAP_BUTT});
  /* a line ending 4 px above the boundary at 80: only its round cap reaches below */
  bm_path_reset(&p);
  bm_path_move(&p, 100, 50);
  bm_path_line(&p, 100, 76);
  bm_be_stroke(be, &p, &(bm_stroke){.color = ink, .width = 12, .cap = BM_CAP_ROUND});
  /* a thin triangle from the first band to the last, no corner in the two between */
  bm_path_reset(&p);
  bm_path_move(&p, 20, 5);
  bm_path_line(&p, 60, 8);
  bm_path_line(&p, 30, 150);
  bm_path_close(&p);
  bm_be_fill(be, &p, tint);
  /* a dashed diagonal with its ends in the first and last band */
  bm_path_reset(&p);
  bm_path_move(&p, 120, 2);
  bm_path_line(&p, 190, 158);
  double dash[2] = {7, 4};
  bm_be_stroke(
      be, &p, &(bm_stroke){.color = ink, .width = 3, .dash = dash, .ndash = 2, .cap = BM_CAP_BUTT});
  /* a circle centred in the last band, reaching into the third by its radius */
  bm_path_reset(&p);
  bm_path_move(&p, 170, 135);
  bm_path_arc(&p, 150, 135, 20, 0, 6.283185307179586);
  bm_be_fill(be, &p, tint);
  /* a sharp V with a mitre join, its tip 4 px above the boundary at 40: the mitre's spike
   * (6.7 px past the tip) reaches below */
  bm_path_reset(&p);
  bm_path_move(&p, 55, 20);
  bm_path_line(&p, 60, 36);
  bm_path_line(&p, 65, 20);
  bm_be_stroke(be, &p,
               &(bm_stroke){.color = ink, .width = 4, .cap = BM_CAP_BUTT, .join = BM_JOIN_MITER});
  /* a curve whose control points, not its ends, lie in the second band */
  bm_path_reset(&p);
  bm_path_move(&p, 40, 30);
  bm_path_curve(&p, 60, 70, 90, 70, 110, 30);
  bm_be_stroke(be, &p, &(bm_stroke){.color = ink, .width = 2, .cap = BM_CAP_ROUND});
  bm_path_free(&p);
}

/* The PNG's bytes, painted on the whole image or in bands. */
static bm_sink render(bool in_bands) {
  bm_sink sink = {0};
  bm_backend *be;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_backend_cairo_create(BM_FORMAT_PNG, W, H, 96, &sink, &be, &err), BM_OK);
  bm_path frame;
  bm_path_init(&frame);
  bm_path_rect(&frame, 0, 0, W, H);
  bm_be_fill(be, &frame, paper);
  bm_path_free(&frame);
  if (in_bands) {
    bm_backend *band[NBANDS];
    for (int k = 0; k < NBANDS; k++)
      assert_int_equal(bm_backend_band(be, H * k / NBANDS, H * (k + 1) / NBANDS, &band[k], &err),
                       BM_OK);
    bm_backend_bands_begin(be);
    for (int k = 0; k < NBANDS; k++) {
      paint(band[k]);
      assert_int_equal(band[k]->status, BM_OK);
      bm_be_destroy(band[k]);
    }
    bm_backend_bands_end(be);
  } else {
    paint(be);
  }
  assert_int_equal(bm_be_finish(be, &err), BM_OK);
  bm_be_destroy(be);
  return sink;
}

static void test_bands_paint_what_the_whole_image_does(void **state) {
  (void)state;
  bm_sink whole = render(false), bands = render(true);
  assert_int_equal(whole.len, bands.len);
  assert_memory_equal(whole.data, bands.data, whole.len);
  free(whole.data);
  free(bands.data);
}

/* and that is not because the paths missed the bands: each reaches where it should */
static void test_each_path_reaches_into_the_next_band(void **state) {
  (void)state;
  bm_sink bands = render(true);
  cairo_surface_t *s = png_from_memory(bands.data, bands.len);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  const unsigned char *px = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s);
  /* the wide line's lower half, the round cap, the triangle between its corners, the
   * circle's top, the curve's lowest point, the mitre's spike: each in a band it only reaches
   * into */
  int at[][2] = {{50, 41}, {100, 81}, {33, 100}, {150, 117}, {75, 60}, {60, 41}};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
    uint32_t v = *(const uint32_t *)(px + (size_t)at[i][1] * stride + 4 * at[i][0]);
    if ((v & 0xffffff) == 0xffffff) fail_msg("no paint at (%d, %d)", at[i][0], at[i][1]);
  }
  cairo_surface_destroy(s);
  free(bands.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bands_paint_what_the_whole_image_does),
      cmocka_unit_test(test_each_path_reaches_into_the_next_band),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
