/* render/paint_symbol.c — painters for point symbols: site symbols, populated
 * places, callout markers, the north arrow and legend swatches. */
#include <math.h>

#include "render/render.h"

static void disc(bm_backend *be, double x, double y, double r, bm_color c) {
  bm_path p;
  bm_path_init(&p);
  bm_path_arc(&p, x, y, r, 0, 2 * M_PI);
  bm_be_fill(be, &p, c);
  bm_path_free(&p);
}

static void ring(bm_backend *be, double x, double y, double r, double width, bm_color c) {
  bm_path p;
  bm_path_init(&p);
  bm_path_arc(&p, x, y, r, 0, 2 * M_PI);
  bm_be_stroke(be, &p,
               &(bm_stroke){.color = c, .width = width, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_path_free(&p);
}

/* Symbols are drawn in the accent colour on a disc of land colour so they
 * read over borders. Each kind has one simple shape that works in one colour
 * at 12-16 px: factory (a sawtooth-roof building), military base (a star),
 * airfield (a plane-like cross), city (a dot in a ring), generic (a disc). */
void bm_paint_site_symbol(bm_backend *be, bm_site_kind kind, double x, double y, double size,
                          const bm_style *st) {
  double r = size / 2;
  disc(be, x, y, r * 1.05, st->land);
  bm_path p;
  bm_path_init(&p);
  switch (kind) {
  case BM_SITE_FACTORY: {
    double s = r * 0.8;
    bm_path_move(&p, x - s, y + s);
    bm_path_line(&p, x - s, y - s * 0.2);
    bm_path_line(&p, x - s * 0.33, y - s * 0.75);
    bm_path_line(&p, x - s * 0.33, y - s * 0.2);
    bm_path_line(&p, x + s * 0.33, y - s * 0.75);
    bm_path_line(&p, x + s * 0.33, y - s * 0.2);
    bm_path_line(&p, x + s, y - s * 0.75);
    bm_path_line(&p, x + s, y + s);
    bm_path_close(&p);
    bm_be_fill(be, &p, st->accent);
    break;
  }
  case BM_SITE_MILITARY_BASE:
    for (int i = 0; i < 10; i++) {
      double a = -M_PI / 2 + i * M_PI / 5, rr = (i % 2 ? 0.42 : 1.0) * r;
      if (i == 0)
        bm_path_move(&p, x + rr * cos(a), y + rr * sin(a));
      else
        bm_path_line(&p, x + rr * cos(a), y + rr * sin(a));
    }
    bm_path_close(&p);
    bm_be_fill(be, &p, st->accent);
    break;
  case BM_SITE_AIRFIELD: {
    double s = r * 0.9;
    bm_path_move(&p, x, y - s);
    bm_path_line(&p, x, y + s);
    bm_path_move(&p, x - s, y - s * 0.05);
    bm_path_line(&p, x + s, y - s * 0.05);
    bm_path_move(&p, x - s * 0.45, y + s * 0.8);
    bm_path_line(&p, x + s * 0.45, y + s * 0.8);
    bm_be_stroke(
        be, &p,
        &(bm_stroke){
            .color = st->accent, .width = r * 0.28, .cap = BM_CAP_ROUND, .join = BM_JOIN_ROUND});
    break;
  }
  case BM_SITE_CITY:
    ring(be, x, y, r * 0.75, r * 0.22, st->accent);
    disc(be, x, y, r * 0.35, st->accent);
    break;
  default: disc(be, x, y, r * 0.6, st->accent); break;
  }
  bm_path_free(&p);
}

void bm_paint_place_dot(bm_backend *be, double x, double y, bool capital, double k,
                        const bm_style *st) {
  if (capital) {
    double r = st->capital_dot_size * k / 2;
    disc(be, x, y, r, st->land);
    ring(be, x, y, r, r * 0.3, st->city_dot);
    disc(be, x, y, r * 0.45, st->city_dot);
  } else {
    disc(be, x, y, st->city_dot_size * k / 2, st->city_dot);
  }
}

void bm_paint_callout(bm_backend *be, bm_text *text, const char *marker, double x, double y,
                      const bm_style *st, double k) {
  double r = 8.5 * k;
  disc(be, x, y, r + 1.2 * k, st->land);
  disc(be, x, y, r, st->accent2);
  bm_text_style ts = {.size = 10.5 * k, .weight = 700};
  PangoLayout *l = bm_text_layout(text, marker, &ts);
  double w, h;
  bm_text_size(l, &w, &h);
  bm_be_text(be, &(bm_text_run){
                     .layout = l, .x = x - w / 2, .y = y - h / 2, .color = (bm_color){1, 1, 1, 1}});
  g_object_unref(l);
}

void bm_paint_north_arrow(bm_backend *be, double x, double y, double angle, double k,
                          const bm_style *st) {
  double l = 11 * k, w = 5 * k, ca = cos(angle), sa = sin(angle);
  /* the arrow's outline, turned by angle about (x, y) */
  const double pts[4][2] = {{0, -l}, {w, l * 0.6}, {0, l * 0.25}, {-w, l * 0.6}};
  bm_path p;
  bm_path_init(&p);
  for (int i = 0; i < 4; i++) {
    double px = x + pts[i][0] * ca - pts[i][1] * sa, py = y + pts[i][0] * sa + pts[i][1] * ca;
    if (i == 0)
      bm_path_move(&p, px, py);
    else
      bm_path_line(&p, px, py);
  }
  bm_path_close(&p);
  bm_be_stroke(be, &p,
               &(bm_stroke){.color = st->halo,
                            .width = 2 * st->halo_width * k,
                            .cap = BM_CAP_BUTT,
                            .join = BM_JOIN_ROUND});
  bm_be_fill(be, &p, st->text);
  bm_path_free(&p);
}

static void swatch_line(bm_backend *be, double x0, double x1, double y, const bm_stroke *s) {
  bm_path p;
  bm_path_init(&p);
  bm_path_move(&p, x0, y);
  bm_path_line(&p, x1, y);
  bm_be_stroke(be, &p, s);
  bm_path_free(&p);
}

void bm_paint_legend_swatch(bm_backend *be, bm_text *text, const bm_legend_item *it, double x,
                            double y, double size, const bm_style *st, double k) {
  double hw = size * 0.8, hh = size * 0.45;
  switch (it->symbol) {
  case BM_LEGEND_SITE:
    bm_paint_site_symbol(be, it->site_kind, x, y, st->site_symbol_size * k, st);
    break;
  case BM_LEGEND_RING: {
    double dash[2] = {st->ring_dash[0] * k, st->ring_dash[1] * k};
    bm_path p;
    bm_path_init(&p);
    bm_path_arc(&p, x, y + size * 0.9, size * 1.15, M_PI * 1.22, M_PI * 1.78);
    bm_be_stroke(be, &p,
                 &(bm_stroke){.color = st->accent,
                              .width = st->ring_width * k,
                              .dash = dash,
                              .ndash = 2,
                              .cap = BM_CAP_BUTT,
                              .join = BM_JOIN_ROUND});
    bm_path_free(&p);
    break;
  }
  case BM_LEGEND_ROUTE: {
    bm_geom g;
    bm_geom_init(&g, BM_GEOM_LINE);
    bm_geom_begin_part(&g);
    for (int i = 0; i <= 12; i++) {
      double t = i / 12.0;
      bm_geom_add(&g, x - hw + 2 * hw * t, y + hh * 0.6 - sin(t * M_PI) * hh * 0.9);
    }
    bm_paint_route(be, &g, st->accent, st->route_width * k, it->dash, it->arrow, k);
    bm_geom_free(&g);
    break;
  }
  case BM_LEGEND_HATCH:
  case BM_LEGEND_FILL:
  case BM_LEGEND_HL_COUNTRY:
  case BM_LEGEND_HL_PROVINCE: {
    bm_geom g;
    bm_geom_init(&g, BM_GEOM_POLYGON);
    bm_geom_begin_part(&g);
    bm_geom_add(&g, x - hw, y - hh);
    bm_geom_add(&g, x + hw, y - hh);
    bm_geom_add(&g, x + hw, y + hh);
    bm_geom_add(&g, x - hw, y + hh);
    bm_geom_add(&g, x - hw, y - hh);
    if (it->symbol == BM_LEGEND_HATCH || it->symbol == BM_LEGEND_FILL)
      bm_paint_area(be, &g, st->accent, it->symbol == BM_LEGEND_HATCH, k);
    else if (it->symbol == BM_LEGEND_HL_COUNTRY) {
      bm_paint_fill(be, &g, st->highlight_country);
      bm_paint_stroke(be, &g, st->border, st->border_width * k, NULL, 0);
    } else {
      bm_paint_fill(be, &g, st->highlight_province);
      bm_paint_stroke(be, &g, st->highlight_province_outline, st->highlight_province_width * k,
                      NULL, 0);
    }
    bm_geom_free(&g);
    break;
  }
  case BM_LEGEND_BORDER: {
    /* a line of control or a disputed line keeps its dash, as on the map */
    double dash[4];
    int nd = bm_style_boundary_dash(
        st, it->line_class, k * fmin(st->story_border_width / fmax(st->disputed_width, 0.1), 1.6),
        dash);
    swatch_line(be, x - hw, x + hw, y,
                &(bm_stroke){.color = st->accent,
                             .width = st->story_border_width * k,
                             .dash = nd ? dash : NULL,
                             .ndash = nd,
                             .cap = BM_CAP_BUTT,
                             .join = BM_JOIN_ROUND});
    break;
  }
  case BM_LEGEND_DISPUTED:
  case BM_LEGEND_LINE_OF_CONTROL:
  case BM_LEGEND_INDEFINITE:
  case BM_LEGEND_LEASE:
  case BM_LEGEND_OVERLAY: {
    bm_boundary_class c = it->symbol == BM_LEGEND_LINE_OF_CONTROL ? BM_BOUNDARY_LINE_OF_CONTROL
                          : it->symbol == BM_LEGEND_INDEFINITE    ? BM_BOUNDARY_INDEFINITE
                          : it->symbol == BM_LEGEND_LEASE         ? BM_BOUNDARY_LEASE
                          : it->symbol == BM_LEGEND_OVERLAY       ? BM_BOUNDARY_OVERLAY
                                                                  : BM_BOUNDARY_DISPUTED;
    double dash[4];
    int nd = bm_style_boundary_dash(st, c, k, dash);
    swatch_line(be, x - hw, x + hw, y,
                &(bm_stroke){.color = st->disputed,
                             .width = st->disputed_width * k,
                             .dash = dash,
                             .ndash = nd,
                             .cap = BM_CAP_BUTT,
                             .join = BM_JOIN_ROUND});
    break;
  }
  case BM_LEGEND_CALLOUT: bm_paint_callout(be, text, it->marker, x, y, st, k); break;
  case BM_LEGEND_TEXT: break;
  }
}
