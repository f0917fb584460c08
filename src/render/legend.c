/* render/legend.c — the legend's entries, the content map furniture is placed
 * by, and the story's painters (routes, areas, callout markers, swatches). */
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/furniture.h"
#include "render/render.h"

/* ---- legend entries ------------------------------------------------------ */

static const char *const symbol_names[] = {"site",
                                           "ring",
                                           "route",
                                           "hatch",
                                           "fill",
                                           "border",
                                           "highlight-country",
                                           "highlight-province",
                                           "disputed",
                                           "callout",
                                           "text"};

const char *bm_legend_symbol_name(const bm_legend_item *it) {
  if (it->symbol == BM_LEGEND_SITE) return bm_site_kind_name(it->site_kind);
  return symbol_names[it->symbol];
}

bool bm_legend_symbol_parse(const char *name, bm_legend_item *it) {
  bm_site_kind k;
  if (bm_site_kind_parse(name, &k)) {
    it->symbol = BM_LEGEND_SITE;
    it->site_kind = k;
    return true;
  }
  for (int i = 1; i < (int)(sizeof symbol_names / sizeof symbol_names[0]); i++)
    if (!strcmp(name, symbol_names[i])) {
      it->symbol = (bm_legend_symbol)i;
      return true;
    }
  return false;
}

const char *bm_legend_site_text(bm_site_kind k) {
  switch (k) {
  case BM_SITE_FACTORY: return "Factory";
  case BM_SITE_MILITARY_BASE: return "Military base";
  case BM_SITE_AIRFIELD: return "Airfield";
  case BM_SITE_CITY: return "City";
  default: return "Site";
  }
}

static bool same(const bm_legend_item *a, const bm_legend_item *b) {
  return a->symbol == b->symbol && (a->symbol != BM_LEGEND_SITE || a->site_kind == b->site_kind) &&
         !strcmp(a->text ? a->text : "", b->text ? b->text : "") && !strcmp(a->marker, b->marker);
}

bool bm_legend_add(bm_legend *L, const bm_legend_item *item) {
  for (size_t i = 0; i < L->n; i++)
    if (same(&L->v[i], item)) return true;
  if (L->n == L->cap) {
    size_t cap = L->cap ? L->cap * 2 : 16;
    bm_legend_item *v = realloc(L->v, cap * sizeof *v);
    if (!v) return false;
    L->v = v;
    L->cap = cap;
  }
  bm_legend_item *d = &L->v[L->n];
  *d = *item;
  d->text = bm_strdup(item->text ? item->text : "");
  if (!d->text) return false;
  L->n++;
  return true;
}

void bm_legend_free(bm_legend *L) {
  for (size_t i = 0; i < L->n; i++)
    free(L->v[i].text);
  free(L->v);
  L->v = NULL;
  L->n = L->cap = 0;
}

bool bm_legend_apply_spec(bm_legend *L, const bm_legend_spec *spec) {
  if (spec->n_items) {
    bm_legend_free(L);
    for (size_t i = 0; i < spec->n_items; i++) {
      bm_legend_item it = {.arrow = true};
      if (!bm_legend_symbol_parse(spec->items[i].symbol, &it)) it.symbol = BM_LEGEND_TEXT;
      it.text = spec->items[i].text;
      if (!bm_legend_add(L, &it)) return false;
    }
    return true;
  }
  size_t w = 0;
  for (size_t i = 0; i < L->n; i++) {
    const char *name = bm_legend_symbol_name(&L->v[i]);
    bool hide = false;
    for (size_t h = 0; h < spec->n_hide; h++)
      if (!strcmp(spec->hide[h], name)) hide = true;
    if (hide) {
      free(L->v[i].text);
      continue;
    }
    for (size_t r = 0; r < spec->n_names; r++)
      if (!strcmp(spec->names[r].symbol, name)) {
        char *t = bm_strdup(spec->names[r].text);
        if (!t) return false;
        free(L->v[i].text);
        L->v[i].text = t;
      }
    L->v[w++] = L->v[i];
  }
  L->n = w;
  return true;
}

/* ---- content map --------------------------------------------------------- */

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

cairo_t *bm_content_cairo(bm_content *c) { return c->cr; }

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

/* ---- painters ------------------------------------------------------------- */

static void set_color(cairo_t *cr, bm_color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

static void path_of(cairo_t *cr, const bm_geom *g) {
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

static void set_dash(cairo_t *cr, bm_dash_kind dash, double w, double k) {
  double dashed[2] = {6 * k, 3.5 * k}, dotted[2] = {0.01, 2.6 * w + 1.5 * k};
  if (dash == BM_DASH_DASHED)
    cairo_set_dash(cr, dashed, 2, 0);
  else if (dash == BM_DASH_DOTTED) {
    cairo_set_dash(cr, dotted, 2, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  } else
    cairo_set_dash(cr, NULL, 0, 0);
}

void bm_paint_route(cairo_t *cr, const bm_geom *line, bm_color color, double width,
                    bm_dash_kind dash, bool arrow, double k) {
  if (line->nparts == 0) return;
  cairo_save(cr);
  cairo_new_path(cr);
  path_of(cr, line);
  set_color(cr, color);
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  set_dash(cr, dash, width, k);
  /* dots as wide as a thin line would be invisible */
  if (dash == BM_DASH_DOTTED) cairo_set_line_width(cr, fmax(width * 1.8, 1.8 * k));
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  if (arrow) {
    /* at the end of the last part, pointing along its last few pixels */
    const double *p = bm_geom_part_xy(line, line->nparts - 1);
    size_t n = bm_geom_part_len(line, line->nparts - 1);
    if (n >= 2) {
      double ex = p[2 * n - 2], ey = p[2 * n - 1], bx = ex, by = ey;
      double len = 7 * k + 2 * width;
      for (size_t i = n - 1; i-- > 0;) {
        bx = p[2 * i], by = p[2 * i + 1];
        if (hypot(ex - bx, ey - by) >= len) break;
      }
      double a = atan2(ey - by, ex - bx), w = len * 0.45;
      cairo_new_path(cr);
      cairo_move_to(cr, ex, ey);
      cairo_line_to(cr, ex - len * cos(a) + w * sin(a), ey - len * sin(a) - w * cos(a));
      cairo_line_to(cr, ex - len * cos(a) * 0.8, ey - len * sin(a) * 0.8);
      cairo_line_to(cr, ex - len * cos(a) - w * sin(a), ey - len * sin(a) + w * cos(a));
      cairo_close_path(cr);
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
}

void bm_paint_area(cairo_t *cr, const bm_geom *area, bm_color color, bool hatch, double k) {
  if (area->nparts == 0) return;
  cairo_save(cr);
  cairo_new_path(cr);
  path_of(cr, area);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  if (hatch) {
    cairo_clip_preserve(cr);
    bm_bbox b = bm_geom_bbox(area);
    double gap = 5 * k, h = b.maxy - b.miny;
    cairo_save(cr);
    cairo_new_path(cr);
    /* 45° lines on a grid fixed to the frame, so neighbouring areas line up */
    double start = floor((b.minx - h) / gap) * gap;
    for (double x = start; x <= b.maxx; x += gap) {
      cairo_move_to(cr, x, b.maxy);
      cairo_line_to(cr, x + h, b.miny);
    }
    cairo_set_source_rgba(cr, color.r, color.g, color.b, color.a * 0.75);
    cairo_set_line_width(cr, 1.0 * k);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_reset_clip(cr);
  } else {
    cairo_set_source_rgba(cr, color.r, color.g, color.b, color.a * 0.28);
    cairo_fill_preserve(cr);
  }
  set_color(cr, color);
  cairo_set_line_width(cr, 0.9 * k);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void bm_paint_callout(cairo_t *cr, bm_text *text, const char *marker, double x, double y,
                      const bm_style *st, double k) {
  double r = 8.5 * k;
  cairo_save(cr);
  cairo_new_path(cr);
  cairo_arc(cr, x, y, r + 1.2 * k, 0, 2 * M_PI);
  set_color(cr, st->land);
  cairo_fill(cr);
  cairo_arc(cr, x, y, r, 0, 2 * M_PI);
  set_color(cr, st->accent2);
  cairo_fill(cr);
  bm_text_style ts = {.size = 10.5 * k, .weight = 700};
  PangoLayout *l = bm_text_layout(text, marker, &ts);
  double w, h;
  bm_text_size(l, &w, &h);
  cairo_move_to(cr, x - w / 2, y - h / 2);
  cairo_set_source_rgb(cr, 1, 1, 1);
  pango_cairo_show_layout(cr, l);
  g_object_unref(l);
  cairo_restore(cr);
}

void bm_paint_legend_swatch(cairo_t *cr, bm_text *text, const bm_legend_item *it, double x,
                            double y, double size, const bm_style *st, double k) {
  double hw = size * 0.8, hh = size * 0.45;
  cairo_save(cr);
  cairo_new_path(cr);
  switch (it->symbol) {
  case BM_LEGEND_SITE:
    bm_paint_site_symbol(cr, it->site_kind, x, y, st->site_symbol_size * k, st);
    break;
  case BM_LEGEND_RING: {
    double dash[2] = {st->ring_dash[0] * k, st->ring_dash[1] * k};
    cairo_arc(cr, x, y + size * 0.9, size * 1.15, M_PI * 1.22, M_PI * 1.78);
    set_color(cr, st->accent);
    cairo_set_line_width(cr, st->ring_width * k);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
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
    bm_paint_route(cr, &g, st->accent, st->route_width * k, it->dash, it->arrow, k);
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
      bm_paint_area(cr, &g, st->accent, it->symbol == BM_LEGEND_HATCH, k);
    else if (it->symbol == BM_LEGEND_HL_COUNTRY) {
      bm_paint_fill(cr, &g, st->highlight_country);
      bm_paint_stroke(cr, &g, st->border, st->border_width * k, NULL, 0);
    } else {
      bm_paint_fill(cr, &g, st->highlight_province);
      bm_paint_stroke(cr, &g, st->highlight_province_outline, st->highlight_province_width * k,
                      NULL, 0);
    }
    bm_geom_free(&g);
    break;
  }
  case BM_LEGEND_BORDER:
    cairo_move_to(cr, x - hw, y);
    cairo_line_to(cr, x + hw, y);
    set_color(cr, st->accent);
    cairo_set_line_width(cr, st->story_border_width * k);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(cr);
    break;
  case BM_LEGEND_DISPUTED: {
    double dash[2] = {st->disputed_dash[0] * k, st->disputed_dash[1] * k};
    cairo_move_to(cr, x - hw, y);
    cairo_line_to(cr, x + hw, y);
    set_color(cr, st->disputed);
    cairo_set_line_width(cr, st->disputed_width * k);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
    break;
  }
  case BM_LEGEND_CALLOUT: bm_paint_callout(cr, text, it->marker, x, y, st, k); break;
  case BM_LEGEND_TEXT: break;
  }
  cairo_restore(cr);
}
