#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "render/render.h"

static void set_color(cairo_t *cr, bm_color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

static void add_path(cairo_t *cr, const bm_geom *g) {
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i);
    if (n == 0) continue;
    cairo_move_to(cr, p[0], p[1]);
    for (size_t k = 1; k < n; k++)
      cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
    if (g->type == BM_GEOM_POLYGON) cairo_close_path(cr);
  }
}

void bm_paint_fill(cairo_t *cr, const bm_geom *g, bm_color fill) {
  if (g->nparts == 0) return;
  cairo_new_path(cr);
  add_path(cr, g);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  set_color(cr, fill);
  cairo_fill(cr);
}

void bm_paint_stroke(cairo_t *cr, const bm_geom *g, bm_color color, double width,
                     const double *dash, int ndash) {
  if (g->nparts == 0 || width <= 0) return;
  cairo_new_path(cr);
  add_path(cr, g);
  set_color(cr, color);
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, ndash ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  cairo_set_dash(cr, dash, ndash, 0);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0);
}

/* Symbols are drawn in the accent colour with a thin halo ring of land colour
 * so they read over borders. Each kind has one simple shape that works in one
 * colour at 12-16 px: factory (a sawtooth-roof building), military base (a
 * star), airfield (a plane-like cross), city (a dot in a ring), generic (a
 * filled circle). */
void bm_paint_site_symbol(cairo_t *cr, bm_site_kind kind, double x, double y, double size,
                          const bm_style *st) {
  double r = size / 2;
  cairo_save(cr);
  cairo_new_path(cr);
  cairo_translate(cr, x, y);
  /* background disc so the symbol never merges with lines beneath it */
  cairo_arc(cr, 0, 0, r * 1.05, 0, 2 * M_PI);
  set_color(cr, st->land);
  cairo_fill(cr);
  set_color(cr, st->accent);
  switch (kind) {
  case BM_SITE_FACTORY: {
    double s = r * 0.8;
    cairo_move_to(cr, -s, s);
    cairo_line_to(cr, -s, -s * 0.2);
    cairo_line_to(cr, -s * 0.33, -s * 0.75);
    cairo_line_to(cr, -s * 0.33, -s * 0.2);
    cairo_line_to(cr, s * 0.33, -s * 0.75);
    cairo_line_to(cr, s * 0.33, -s * 0.2);
    cairo_line_to(cr, s, -s * 0.75);
    cairo_line_to(cr, s, s);
    cairo_close_path(cr);
    cairo_fill(cr);
    break;
  }
  case BM_SITE_MILITARY_BASE: {
    for (int i = 0; i < 10; i++) {
      double a = -M_PI / 2 + i * M_PI / 5, rr = (i % 2 ? 0.42 : 1.0) * r;
      if (i == 0)
        cairo_move_to(cr, rr * cos(a), rr * sin(a));
      else
        cairo_line_to(cr, rr * cos(a), rr * sin(a));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
    break;
  }
  case BM_SITE_AIRFIELD: {
    double s = r * 0.9;
    cairo_set_line_width(cr, r * 0.28);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_move_to(cr, 0, -s);
    cairo_line_to(cr, 0, s);
    cairo_move_to(cr, -s, -s * 0.05);
    cairo_line_to(cr, s, -s * 0.05);
    cairo_move_to(cr, -s * 0.45, s * 0.8);
    cairo_line_to(cr, s * 0.45, s * 0.8);
    cairo_stroke(cr);
    break;
  }
  case BM_SITE_CITY:
    cairo_arc(cr, 0, 0, r * 0.75, 0, 2 * M_PI);
    cairo_set_line_width(cr, r * 0.22);
    cairo_stroke(cr);
    cairo_arc(cr, 0, 0, r * 0.35, 0, 2 * M_PI);
    cairo_fill(cr);
    break;
  default:
    cairo_arc(cr, 0, 0, r * 0.6, 0, 2 * M_PI);
    cairo_fill(cr);
    break;
  }
  cairo_restore(cr);
}

void bm_paint_place_dot(cairo_t *cr, double x, double y, bool capital, double k,
                        const bm_style *st) {
  cairo_new_path(cr);
  if (capital) {
    double r = st->capital_dot_size * k / 2;
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    set_color(cr, st->land);
    cairo_fill_preserve(cr);
    set_color(cr, st->city_dot);
    cairo_set_line_width(cr, r * 0.3);
    cairo_stroke(cr);
    cairo_arc(cr, x, y, r * 0.45, 0, 2 * M_PI);
    cairo_fill(cr);
  } else {
    cairo_arc(cr, x, y, st->city_dot_size * k / 2, 0, 2 * M_PI);
    set_color(cr, st->city_dot);
    cairo_fill(cr);
  }
}

void bm_paint_text(cairo_t *cr, PangoLayout *layout, double x, double y, bm_color color,
                   double halo_w, bm_color halo) {
  cairo_save(cr);
  cairo_new_path(cr);
  cairo_move_to(cr, x, y);
  if (halo_w > 0) {
    pango_cairo_layout_path(cr, layout);
    set_color(cr, halo);
    cairo_set_line_width(cr, 2 * halo_w);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, x, y);
  }
  set_color(cr, color);
  pango_cairo_show_layout(cr, layout);
  cairo_restore(cr);
}

static bm_color label_color(const bm_label *l, const bm_style *st) {
  const char *layer = l->layer;
  if (!strcmp(layer, "country")) return st->country_label;
  if (!strcmp(layer, "province")) return st->accent;
  if (!strcmp(layer, "river")) return st->river_label;
  if (!strcmp(layer, "region")) return st->region_label;
  if (!strcmp(layer, "city") || !strcmp(layer, "town")) return st->text_muted;
  return st->text;
}

/* Text along a line: the layout's outline, shaped as a whole (so joined
 * scripts stay joined), is bent point by point onto the label's path: x
 * becomes arc length from s0, y the distance above the line. */
static void line_text_path(cairo_t *cr, const bm_label *l) {
  double w, h;
  bm_text_size(l->layout, &w, &h);
  cairo_new_path(cr);
  cairo_move_to(cr, 0, 0);
  pango_cairo_layout_path(cr, l->layout);
  cairo_path_t *flat = cairo_copy_path_flat(cr);
  cairo_new_path(cr);
  for (int i = 0; i < flat->num_data; i += flat->data[i].header.length) {
    cairo_path_data_t *d = &flat->data[i];
    if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
      cairo_close_path(cr);
      continue;
    }
    double x = d[1].point.x, y = d[1].point.y, px, py, a;
    bm_polyline_at(l->path, l->npath, l->s0 + x, &px, &py, &a);
    double up = h / 2 + 1 + (h / 2 - y);
    double X = px + sin(a) * up, Y = py - cos(a) * up;
    if (d->header.type == CAIRO_PATH_MOVE_TO)
      cairo_move_to(cr, X, Y);
    else
      cairo_line_to(cr, X, Y);
  }
  cairo_path_destroy(flat);
}

static void paint_leader(cairo_t *cr, const bm_label *l, double k, const bm_style *st) {
  double dx = l->lx - l->ax, dy = l->ly - l->ay, d = hypot(dx, dy);
  double start = fmin(l->offset * 0.6, d);
  if (d <= start + 1) return;
  cairo_new_path(cr);
  cairo_move_to(cr, l->ax + dx / d * start, l->ay + dy / d * start);
  cairo_line_to(cr, l->lx, l->ly);
  set_color(cr, st->halo);
  cairo_set_line_width(cr, 3 * k);
  cairo_stroke_preserve(cr);
  set_color(cr, st->text_muted);
  cairo_set_line_width(cr, 0.8 * k);
  cairo_stroke(cr);
}

void bm_paint_labels(cairo_t *cr, const bm_labeler *lb, double k, const bm_style *st,
                     bool debug_boxes) {
  double halo = st->halo_width * k;
  if (debug_boxes) { /* every candidate considered, faint */
    const bm_bbox *cb;
    size_t n = bm_labeler_candidates(lb, &cb);
    cairo_set_source_rgba(cr, 0.5, 0.5, 0.5, 0.35);
    cairo_set_line_width(cr, 0.5);
    for (size_t i = 0; i < n; i++)
      cairo_rectangle(cr, cb[i].minx, cb[i].miny, cb[i].maxx - cb[i].minx, cb[i].maxy - cb[i].miny);
    cairo_stroke(cr);
  }
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (!l->placed) continue;
    bm_color color = label_color(l, st);
    if (l->leader) paint_leader(cr, l, k, st);
    if (l->kind == BM_LABEL_LINE && l->path) {
      cairo_save(cr);
      line_text_path(cr, l);
      set_color(cr, st->halo);
      cairo_set_line_width(cr, 2 * halo);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve(cr);
      set_color(cr, color);
      cairo_fill(cr);
      cairo_restore(cr);
    } else {
      bm_paint_text(cr, l->layout, l->tx, l->ty, color, halo, st->halo);
      if (l->note_layout)
        bm_paint_text(cr, l->note_layout, l->nx, l->ny, st->text_muted, halo, st->halo);
    }
    if (debug_boxes) {
      const bm_bbox *b;
      size_t n = bm_labeler_boxes(lb, i, &b);
      cairo_set_source_rgba(cr, 0, 0.4, 1, 0.8);
      cairo_set_line_width(cr, 1);
      for (size_t j = 0; j < n; j++)
        cairo_rectangle(cr, b[j].minx, b[j].miny, b[j].maxx - b[j].minx, b[j].maxy - b[j].miny);
      cairo_stroke(cr);
    }
  }
}
