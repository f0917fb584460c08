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
    for (size_t k = 1; k < n; k++) cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
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
      if (i == 0) cairo_move_to(cr, rr * cos(a), rr * sin(a));
      else cairo_line_to(cr, rr * cos(a), rr * sin(a));
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
  if (!strcmp(layer, "site")) return st->text;
  if (!strcmp(layer, "country")) return st->country_label;
  if (!strcmp(layer, "province")) return st->accent;
  if (!strcmp(layer, "city") || !strcmp(layer, "town")) return st->text_muted;
  return st->text;
}

void bm_paint_labels(cairo_t *cr, const bm_labeler *lb, double k, const bm_style *st,
                     bool debug_boxes) {
  double halo = st->halo_width * k;
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (!l->placed) continue;
    if (l->leader) {
      /* from the symbol's edge to the nearest point of the label box */
      double bx = fmin(fmax(l->ax, l->box.minx), l->box.maxx);
      double by = fmin(fmax(l->ay, l->box.miny), l->box.maxy);
      double dx = bx - l->ax, dy = by - l->ay, d = hypot(dx, dy);
      double start = l->offset * 0.6;
      if (d > start) {
        cairo_new_path(cr);
        cairo_move_to(cr, l->ax + dx / d * start, l->ay + dy / d * start);
        cairo_line_to(cr, bx, by);
        set_color(cr, st->halo);
        cairo_set_line_width(cr, 3 * k);
        cairo_stroke_preserve(cr);
        set_color(cr, st->text_muted);
        cairo_set_line_width(cr, 0.8 * k);
        cairo_stroke(cr);
      }
    }
    bm_paint_text(cr, l->layout, l->tx, l->ty, label_color(l, st), halo, st->halo);
    if (l->note_layout) bm_paint_text(cr, l->note_layout, l->nx, l->ny, st->text_muted, halo, st->halo);
    if (debug_boxes) {
      cairo_rectangle(cr, l->box.minx, l->box.miny, l->box.maxx - l->box.minx, l->box.maxy - l->box.miny);
      cairo_set_source_rgba(cr, 0, 0.4, 1, 0.8);
      cairo_set_line_width(cr, 1);
      cairo_stroke(cr);
    }
  }
}
