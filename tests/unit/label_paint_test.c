/* label_paint_test — labels as painted, measured on the pixels (issue 10):
 * every halo first, then every glyph, so that the halo of one label never
 * covers the glyphs of its neighbour (the T of "Tajo" lost an arm); the ink of
 * a letter-spaced, two-line label stays inside its collision box ("PONTIC
 * STEPPE" ran into "BALKAN PEN."). Renders through the Cairo PNG backend and
 * reads the pixels back. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cmocka.h>

#include "label/label.h"
#include "render/render.h"
#include "spec/style.h"
#include "text/text.h"
#include "png_memory.h"
#include "text_fixture.h"

enum { W = 400, H = 120 };

static bm_label label_at(const char *text, double x) {
  return (bm_label){.text = (char *)text,
                    .layer = "country",
                    .kind = BM_LABEL_POINT,
                    .ax = x,
                    .ay = 60,
                    .offset = 4,
                    .style = {.size = 40, .weight = 400}};
}

/* Paints the labels of lb (each with a wide white halo, 14 px: wider than the gap between two
 * glyphs) into a PNG and returns the decoded image; on grey, so that halos show. */
static cairo_surface_t *paint(bm_labeler *lb) {
  bm_style st;
  bm_style_defaults(&st);
  st.halo_width = 14;
  st.country_label = (bm_color){0, 0, 0, 1};
  st.halo = (bm_color){1, 1, 1, 1};
  bm_sink sink = {0};
  bm_backend *be;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_backend_cairo_create(BM_FORMAT_PNG, W, H, 96, &sink, &be, &err), BM_OK);
  bm_path p;
  bm_path_init(&p);
  bm_path_rect(&p, 0, 0, W, H);
  bm_be_fill(be, &p, (bm_color){0.6, 0.6, 0.6, 1});
  bm_path_free(&p);
  bm_paint_labels(be, lb, 1, &st, false);
  assert_int_equal(bm_be_finish(be, &err), BM_OK);
  bm_be_destroy(be);
  cairo_surface_t *s = png_from_memory(sink.data, sink.len);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  free(sink.data);
  return s;
}

static int dark(cairo_surface_t *s, int x, int y) {
  const uint32_t *row =
      (const uint32_t *)(cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s));
  return (int)(255 - ((row[x] >> 8) & 0xff)); /* 255 - green */
}

/* Two labels side by side, boxes touching but not overlapping: the ink of the
 * first, painted alone, is all still there when the second is painted too. */
static void test_neighbour_halo_keeps_glyphs(void **state) {
  (void)state;
  static const bm_point_pos right[] = {BM_POS_RIGHT};
  bm_labeler *alone = bm_labeler_create(g_text, (bm_bbox){0, 0, W, H});
  bm_labeler_set_point_order(alone, right, 1);
  bm_label a = label_at("Tajo", 20);
  assert_true(bm_labeler_add(alone, &a));
  assert_true(bm_labeler_place(alone));
  const bm_label *pa = bm_labeler_at(alone, 0);
  assert_true(pa->placed);
  double end = pa->box.maxx;

  bm_labeler *both = bm_labeler_create(g_text, (bm_bbox){0, 0, W, H});
  bm_labeler_set_point_order(both, right, 1);
  bm_label b = label_at("Tajo", end - 4 + 0.01); /* its box starts where a's ends */
  b.priority = 1;
  assert_true(bm_labeler_add(both, &a));
  assert_true(bm_labeler_add(both, &b));
  assert_true(bm_labeler_place(both));
  assert_true(bm_labeler_at(both, 0)->placed);
  assert_true(bm_labeler_at(both, 1)->placed);

  cairo_surface_t *one = paint(alone), *two = paint(both);
  int lost = 0, ink = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < (int)ceil(end); x++)
      if (dark(one, x, y) > 128) {
        ink++;
        if (dark(two, x, y) < 64) lost++;
      }
  assert_true(ink > 100);
  if (lost) fail_msg("%d of %d ink pixels of the first label were painted over", lost, ink);
  cairo_surface_destroy(one);
  cairo_surface_destroy(two);
  bm_labeler_destroy(alone);
  bm_labeler_destroy(both);
}

/* The ink of a placed label, measured on the pixels, lies inside its box. */
static void ink_inside_box(bm_label *req, const char *what) {
  bm_labeler *lb = bm_labeler_create(g_text, (bm_bbox){0, 0, W, H});
  assert_true(bm_labeler_add(lb, req));
  assert_true(bm_labeler_place(lb));
  const bm_label *l = bm_labeler_at(lb, 0);
  assert_true(l->placed);
  cairo_surface_t *img = paint(lb);
  int x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (dark(img, x, y) > 160) {
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
      }
  assert_true(x1 >= 0);
  if (x0 < floor(l->box.minx) - 1 || x1 > ceil(l->box.maxx) + 1 || y0 < floor(l->box.miny) - 1 ||
      y1 > ceil(l->box.maxy) + 1)
    fail_msg("%s: ink %d,%d-%d,%d outside its box %.1f,%.1f-%.1f,%.1f", what, x0, y0, x1, y1,
             l->box.minx, l->box.miny, l->box.maxx, l->box.maxy);
  cairo_surface_destroy(img);
  bm_labeler_destroy(lb);
}

static void test_spaced_two_line_area_label_inside_box(void **state) {
  (void)state;
  /* an area too narrow for one line: it wraps onto two, centred, letter-spaced */
  bm_geom area;
  bm_geom_init(&area, BM_GEOM_POLYGON);
  assert_true(bm_geom_begin_part(&area));
  const double ring[] = {120, 5, 280, 5, 280, 115, 120, 115, 120, 5};
  for (int i = 0; i < 5; i++)
    assert_true(bm_geom_add(&area, ring[2 * i], ring[2 * i + 1]));
  bm_label l = {
      .area = &area,

      .text = "Pontic Steppe",
      .layer = "country",
      .kind = BM_LABEL_AREA,
      .ax = 200,
      .ay = 60,
      .offset = 60,
      .style = {
          .size = 16, .weight = 400, .italic = true, .uppercase = true, .letter_spacing = 0.4}};
  ink_inside_box(&l, "PONTIC STEPPE");
  bm_label one = l;
  one.text = "Badakhshan";
  one.offset = 200;
  one.area = NULL;
  ink_inside_box(&one, "BADAKHSHAN");
  bm_geom_free(&area);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_neighbour_halo_keeps_glyphs),
      cmocka_unit_test(test_spaced_two_line_area_label_inside_box),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
