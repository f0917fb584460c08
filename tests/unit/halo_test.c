/* halo_test — a PNG's label halos are grown from the glyphs' coverage instead of stroked
 * (src/render/cairo_backend.c): measured on the pixels against the stroked halo Cairo
 * draws for the same text (the PDF and SVG way), they must cover the same ground: as many
 * halo pixels, none far out of place, for straight text and for text along a line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairo.h>
#include <cmocka.h>
#include <pango/pangocairo.h>

#include "png_memory.h"
#include "render/render.h"
#include "text/text.h"
#include "text_fixture.h"

enum { W = 360, H = 100 };
static const bm_color grey = {0.4, 0.4, 0.4, 1}, white = {1, 1, 1, 1}, black = {0, 0, 0, 1};

/* "Khorugh & Wakhan" in 32 px Noto Sans Bold: round and straight strokes, a counter
 * (the o), joins. */
static PangoLayout *sample(void) {
  return bm_text_layout(g_text, "Khorugh & Wakhan", &(bm_text_style){.size = 32, .weight = 700});
}

/* The text painted by the PNG backend, halo of width r, white on grey. */
static cairo_surface_t *grown(PangoLayout *l, double r, bool along_line) {
  bm_sink sink = {0};
  bm_backend *be;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_backend_cairo_create(BM_FORMAT_PNG, W, H, 96, &sink, &be, &err), BM_OK);
  bm_path p;
  bm_path_init(&p);
  bm_path_rect(&p, 0, 0, W, H);
  bm_be_fill(be, &p, grey);
  bm_path_free(&p);
  double w, h;
  bm_text_size(l, &w, &h);
  if (along_line) { /* a straight line, so the text lands where the straight one does */
    double line[] = {-100, 20 + h + 1, 1000, 20 + h + 1};
    bm_be_text_on_path(be, &(bm_text_path){.layout = l, .path = line, .npath = 2, .s0 = 120,
                                           .color = black, .halo_width = r, .halo = white});
  } else {
    bm_be_text(be, &(bm_text_run){.layout = l, .x = 20, .y = 20, .color = black,
                                  .halo_width = r, .halo = white});
  }
  assert_int_equal(bm_be_finish(be, &err), BM_OK);
  bm_be_destroy(be);
  cairo_surface_t *s = png_from_memory(sink.data, sink.len);
  free(sink.data);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  return s;
}

/* The same text with the halo Cairo strokes: outline, pen 2r wide, round joins; the glyphs
 * shown (hinted), or filled as outlines as text along a line is. */
static cairo_surface_t *stroked(PangoLayout *l, double r, double x, bool outline) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, grey.r, grey.g, grey.b);
  cairo_paint(cr);
  cairo_move_to(cr, x, 20);
  pango_cairo_layout_path(cr, l);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 2 * r);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
  cairo_move_to(cr, x, 20);
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (outline) {
    pango_cairo_layout_path(cr, l);
    cairo_fill(cr);
  } else {
    pango_cairo_show_layout(cr, l);
  }
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

static int green(cairo_surface_t *s, int x, int y) {
  const uint32_t *row =
      (const uint32_t *)(cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s));
  return (int)((row[x] >> 8) & 0xff);
}

typedef struct {
  long halo_a, halo_b; /* pixels lighter than the grey: the halos' area */
  long far_off;        /* pixels off glyphs more than 96/255 apart */
  double mean;         /* mean difference, /255 */
} comparison;

static comparison compare(cairo_surface_t *a, cairo_surface_t *b) {
  comparison c = {0};
  int bg = (int)lround(grey.g * 255);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int ga = green(a, x, y), gb = green(b, x, y), d = abs(ga - gb);
      c.halo_a += ga > bg + 8;
      c.halo_b += gb > bg + 8;
      /* off by a halo, not by a glyph's edge (unhinted outlines along a line) */
      c.far_off += d > 96 && ga >= bg - 8 && gb >= bg - 8;
      c.mean += d;
    }
  c.mean /= (double)W * H;
  return c;
}

static void expect_alike(comparison c, double r) {
  printf("halo %.1f px: %ld grown vs %ld stroked halo pixels, %ld far off, mean diff %.2f/255\n",
         r, c.halo_a, c.halo_b, c.far_off, c.mean);
  assert_true(c.halo_b > 1000);
  /* the same area within 3% (a halo 0.5 px thinner or wider is ~10% off); hardly a pixel
   * far off (at sharp corners the coverage is a rough measure of the distance to the
   * outline: a few pixels; a lost or misplaced halo is hundreds); little difference on the
   * whole */
  assert_true(labs(c.halo_a - c.halo_b) * 100 <= 3 * c.halo_b);
  assert_true(c.far_off * 200 <= c.halo_b);
  assert_true(c.mean < 2.0);
}

static void test_straight_text_halo_matches_stroke(void **state) {
  (void)state;
  PangoLayout *l = sample();
  for (double r = 1.5; r <= 6; r += 2.25) {
    cairo_surface_t *a = grown(l, r, false), *b = stroked(l, r, 20, false);
    expect_alike(compare(a, b), r);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
  }
  g_object_unref(l);
}

static void test_text_along_line_halo_matches_stroke(void **state) {
  (void)state;
  PangoLayout *l = sample();
  /* s0 = 120 on a line starting at x = -100: the text starts at x = 20 */
  cairo_surface_t *a = grown(l, 3.5, true), *b = stroked(l, 3.5, 20, true);
  expect_alike(compare(a, b), 3.5);
  cairo_surface_destroy(a);
  cairo_surface_destroy(b);
  g_object_unref(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_straight_text_halo_matches_stroke),
      cmocka_unit_test(test_text_along_line_halo_matches_stroke),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
