/* layout/content.c — a coarse raster of where the map's content is, for
 * choosing furniture corners (see layout/furniture.h). Cairo rasterises it. */
#include <cairo.h>
#include <math.h>
#include <stdlib.h>

#include "layout/furniture.h"

#define CONTENT_SCALE 4

struct bm_content {
  cairo_surface_t *s;
  cairo_t *cr;
  int w, h;
};

bm_content *bm_content_create(int width, int height) {
  bm_content *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->w = (width + CONTENT_SCALE - 1) / CONTENT_SCALE;
  c->h = (height + CONTENT_SCALE - 1) / CONTENT_SCALE;
  c->s = cairo_image_surface_create(CAIRO_FORMAT_A8, c->w, c->h);
  c->cr = cairo_create(c->s);
  cairo_scale(c->cr, 1.0 / CONTENT_SCALE, 1.0 / CONTENT_SCALE);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    bm_content_destroy(c);
    return NULL;
  }
  return c;
}

void bm_content_destroy(bm_content *c) {
  if (!c) return;
  if (c->cr) cairo_destroy(c->cr);
  if (c->s) cairo_surface_destroy(c->s);
  free(c);
}

static void geom_path(cairo_t *cr, const bm_geom *g) {
  cairo_new_path(cr);
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i);
    if (!n) continue;
    cairo_move_to(cr, p[0], p[1]);
    for (size_t k = 1; k < n; k++)
      cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
    if (g->type == BM_GEOM_POLYGON) cairo_close_path(cr);
  }
}

void bm_content_geom(bm_content *c, const bm_geom *g, double weight, double width) {
  if (g->nparts == 0) return;
  geom_path(c->cr, g);
  cairo_set_source_rgba(c->cr, 0, 0, 0, weight);
  if (width > 0) {
    cairo_set_line_width(c->cr, width);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(c->cr);
  } else {
    cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_fill(c->cr);
  }
}

void bm_content_box(bm_content *c, bm_bbox b, double weight) {
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, b.minx, b.miny, b.maxx - b.minx, b.maxy - b.miny);
  cairo_set_source_rgba(c->cr, 0, 0, 0, weight);
  cairo_fill(c->cr);
}

double bm_content_sum(bm_content *c, bm_bbox b) {
  cairo_surface_flush(c->s);
  const unsigned char *d = cairo_image_surface_get_data(c->s);
  int stride = cairo_image_surface_get_stride(c->s);
  int x0 = (int)floor(b.minx / CONTENT_SCALE), y0 = (int)floor(b.miny / CONTENT_SCALE);
  int x1 = (int)ceil(b.maxx / CONTENT_SCALE), y1 = (int)ceil(b.maxy / CONTENT_SCALE);
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->w) x1 = c->w;
  if (y1 > c->h) y1 = c->h;
  double sum = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      sum += d[y * stride + x];
  return sum / 255.0 * CONTENT_SCALE * CONTENT_SCALE;
}
