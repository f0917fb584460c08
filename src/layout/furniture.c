#include "layout/furniture.h"

#include <glib-object.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bm_text_style tstyle(double size, int weight, double wrap) {
  return (bm_text_style){.size = size, .weight = weight, .wrap_width = wrap};
}

/* A furniture text style: right-to-left in an RTL map. */
static bm_text_style fstyle(const bm_furniture *f, double size, int weight, double wrap) {
  bm_text_style ts = tstyle(size, weight, wrap);
  ts.rtl = f->rtl;
  return ts;
}

static void unref(PangoLayout **l) {
  if (*l) g_object_unref(*l);
  *l = NULL;
}

void bm_furniture_free(bm_furniture *f) {
  unref(&f->title);
  unref(&f->subtitle);
  unref(&f->credit);
  unref(&f->legend_title);
  unref(&f->bar_layout);
  unref(&f->bar_note_layout);
  unref(&f->north_layout);
  for (size_t i = 0; f->legend_text && i < f->legend.n; i++)
    unref(&f->legend_text[i]);
  for (size_t i = 0; f->panel_text && i < f->panel.n; i++)
    unref(&f->panel_text[i]);
  free(f->legend_text);
  free(f->panel_text);
  f->legend_text = f->panel_text = NULL;
  bm_legend_free(&f->legend);
  bm_legend_free(&f->panel);
  bm_geom_free(&f->inset_land);
  bm_geom_free(&f->inset_lines);
  bm_geom_free(&f->inset_outline);
  for (size_t i = 0; i < f->n_inset_labels; i++)
    unref(&f->inset_labels[i].layout);
  free(f->inset_labels);
  for (size_t i = 0; i < f->n_grat_labels; i++)
    unref(&f->grat_labels[i].layout);
  free(f->grat_labels);
  f->inset_labels = f->grat_labels = NULL;
  f->n_inset_labels = f->n_grat_labels = 0;
}

bool bm_furniture_add_box(bm_furniture *f, bm_bbox b) {
  if (f->nboxes >= BM_FURNITURE_MAX_BOXES) return false;
  f->boxes[f->nboxes++] = b;
  return true;
}

static void credit_line(bm_furniture *f, const bm_style *st, const char *credit, const char *date,
                        const char *view) {
  unref(&f->credit);
  char line[1400];
  const char *sep = bm_lang_message(f->lang, "separator");
  snprintf(line, sizeof line, "%s%s%s%s%s%s%s", credit ? credit : "", credit ? sep : "",
           bm_lang_message(f->lang, "base_map"), view ? sep : "", view ? view : "", date ? sep : "",
           date ? date : "");
  double w = f->width, h = f->height, cw, ch;
  bm_text_style cs = fstyle(f, st->credit_size * f->k, 400, w - 2 * f->pad);
  f->credit = bm_text_layout(f->text, line, &cs);
  bm_text_size(f->credit, &cw, &ch);
  f->cx = f->pad;
  f->cy = h - f->pad * 0.6 - ch;
  /* the credit's box is the last one layout added; right to left, it ends at the right
   * padding */
  double right = bm_text_right(f->credit);
  f->credit_box = (bm_bbox){f->cx + right - cw, f->cy, f->cx + right, f->cy + ch};
  if (f->rtl) {
    f->cx = w - f->pad - right;
    f->credit_box = (bm_bbox){w - f->pad - cw, f->cy, w - f->pad, f->cy + ch};
    f->boxes[f->nboxes - 1] = (bm_bbox){w - f->pad - cw - 6 * f->k, f->cy - 3 * f->k, w, h};
  } else
    f->boxes[f->nboxes - 1] = (bm_bbox){0, f->cy - 3 * f->k, f->cx + cw + 6 * f->k, h};
}

void bm_furniture_layout(bm_furniture *f, bm_text *text, const bm_style *st, double k, int width,
                         int height, const char *title, const char *subtitle, const char *credit) {
  double w = width;
  f->text = text;
  f->k = k;
  f->width = width;
  f->height = height;
  f->pad = 16 * k;
  double maxw = w * 0.55, tw = 0, th = 0, sw = 0, sh = 0;
  if (title) {
    bm_text_style ts = fstyle(f, st->title_size * k, 700, maxw);
    f->title = bm_text_layout(text, title, &ts);
    bm_text_size(f->title, &tw, &th);
  }
  if (subtitle) {
    bm_text_style ts = fstyle(f, st->subtitle_size * k, 400, maxw);
    f->subtitle = bm_text_layout(text, subtitle, &ts);
    bm_text_size(f->subtitle, &sw, &sh);
  }
  f->tx = f->pad;
  f->ty = f->pad;
  f->sy = f->ty + th + (th > 0 ? 4 * k : 0);
  f->nboxes = 0;
  f->title_box = bm_bbox_empty();
  /* right to left, both lines are aligned right within maxw: their right edge is the
   * right padding */
  if (f->rtl) f->tx = w - f->pad - maxw;
  if (title || subtitle) {
    double bw = fmax(tw, sw);
    f->title_box = f->rtl ? (bm_bbox){w - f->pad - bw, f->ty, w - f->pad, f->sy + sh}
                          : (bm_bbox){f->pad, f->ty, f->pad + bw, f->sy + sh};
    f->boxes[f->nboxes++] = f->rtl ? (bm_bbox){w - f->pad - bw - 6 * k, 0, w, f->sy + sh + 6 * k}
                                   : (bm_bbox){0, 0, f->pad + bw + 6 * k, f->sy + sh + 6 * k};
  }
  f->nboxes++;
  credit_line(f, st, credit, NULL, NULL);
}

void bm_furniture_set_date(bm_furniture *f, const bm_style *st, const char *credit,
                           const char *date) {
  if (date) credit_line(f, st, credit, date, NULL);
}

void bm_furniture_set_credit(bm_furniture *f, const bm_style *st, const char *credit,
                             const char *date, const char *view) {
  if (date || view) credit_line(f, st, credit, date, view);
}

/* ---- arranging the corners ------------------------------------------------- */

static bool overlaps(bm_bbox a, bm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

typedef struct {
  double top[5], bottom[5]; /* per corner: the stack's free edge */
} stacks;

static bm_bbox box_at(const bm_furniture *f, const stacks *s, bm_corner c, double w, double h) {
  double W = f->width, H = f->height, pad = f->pad;
  double x = (c == BM_CORNER_TOP_LEFT || c == BM_CORNER_BOTTOM_LEFT) ? pad : W - pad - w;
  if (c == BM_CORNER_TOP_LEFT || c == BM_CORNER_TOP_RIGHT)
    return (bm_bbox){x, s->top[c], x + w, s->top[c] + h};
  double bottom = s->bottom[c];
  /* over the credit line when the box would reach into it */
  bm_bbox b = {x, bottom - h, x + w, bottom};
  for (int i = 0; i < f->nboxes; i++)
    if (overlaps(b, f->boxes[i]) && f->boxes[i].maxy >= H - 1) {
      bottom = fmin(bottom, f->boxes[i].miny - 4 * f->k);
      b = (bm_bbox){x, bottom - h, x + w, bottom};
    }
  return b;
}

static bool fits(const bm_furniture *f, bm_bbox b) {
  if (b.minx < 0 || b.miny < 0 || b.maxx > f->width || b.maxy > f->height) return false;
  for (int i = 0; i < f->nboxes; i++)
    if (overlaps(b, f->boxes[i])) return false;
  return true;
}

/* Picks a corner for a w x h box: `at` when the spec sets it, else the feasible
 * corner with the least content (ties broken by `pref`, the usual place). */
static bool place(bm_furniture *f, stacks *s, bm_corner at, const bm_corner pref[4], double w,
                  double h, bm_content *content, bm_bbox *out, bm_corner *where) {
  double best = HUGE_VAL;
  bool found = false;
  for (int i = 0; i < 4; i++) {
    bm_corner c = at ? at : pref[i];
    bm_bbox b = box_at(f, s, c, w, h);
    if (!fits(f, b) && !at) continue;
    double score = (content ? bm_content_sum(content, b) : 0) + i * 0.03 * w * h;
    if (score < best) {
      best = score;
      *out = b;
      *where = c;
      found = true;
    }
    if (at) break;
  }
  if (!found) return false;
  double gap = 8 * f->k;
  if (*where == BM_CORNER_TOP_LEFT || *where == BM_CORNER_TOP_RIGHT)
    s->top[*where] = out->maxy + gap;
  else
    s->bottom[*where] = out->miny - gap;
  bm_furniture_add_box(f, bm_bbox_grow(*out, 2 * f->k, 2 * f->k));
  return true;
}

/* Lays out a legend's rows; returns its size. */
static void legend_size(bm_furniture *f, const bm_style *st, const bm_legend *L,
                        PangoLayout ***texts, const char *title, PangoLayout **title_out, double *w,
                        double *h) {
  double k = f->k, pad = 8 * k;
  f->swatch_w = 30 * k;
  f->row_h_min = 17 * k;
  *texts = calloc(L->n ? L->n : 1, sizeof **texts);
  double tw = 0, th = 0, rows = 0;
  if (title && title_out) {
    bm_text_style ts = fstyle(f, st->legend_size * k, 700, 240 * k);
    *title_out = bm_text_layout(f->text, title, &ts);
    bm_text_size(*title_out, &tw, &th);
    th += 4 * k;
  }
  double maxw = tw;
  for (size_t i = 0; *texts && i < L->n; i++) {
    bool note = L->v[i].symbol == BM_LEGEND_TEXT;
    bm_text_style ts =
        fstyle(f, (note ? st->legend_size - 1 : st->legend_size) * k, 400, (note ? 250 : 220) * k);
    ts.italic = note;
    (*texts)[i] = bm_text_layout(f->text, L->v[i].text, &ts);
    double rw, rh;
    bm_text_size((*texts)[i], &rw, &rh);
    maxw = fmax(maxw, (note ? 0 : f->swatch_w) + rw);
    rows += fmax(rh, note ? rh : f->row_h_min) + 3 * k;
  }
  *w = maxw + 2 * pad;
  *h = th + rows + 2 * pad - 3 * k;
}

static bm_corner mirror(bm_corner c) {
  switch (c) {
  case BM_CORNER_TOP_LEFT: return BM_CORNER_TOP_RIGHT;
  case BM_CORNER_TOP_RIGHT: return BM_CORNER_TOP_LEFT;
  case BM_CORNER_BOTTOM_LEFT: return BM_CORNER_BOTTOM_RIGHT;
  case BM_CORNER_BOTTOM_RIGHT: return BM_CORNER_BOTTOM_LEFT;
  default: return c;
  }
}

void bm_furniture_arrange(bm_furniture *f, const bm_style *st, const bm_furniture_request *req,
                          bm_content *content) {
  double k = f->k;
  stacks s;
  for (int c = 0; c < 5; c++)
    s.top[c] = f->pad, s.bottom[c] = f->height - f->pad;
  if (f->title || f->subtitle)
    s.top[f->rtl ? BM_CORNER_TOP_RIGHT : BM_CORNER_TOP_LEFT] = f->boxes[0].maxy + 6 * k;
  bm_corner inset_pref[4] = {BM_CORNER_TOP_RIGHT, BM_CORNER_BOTTOM_RIGHT, BM_CORNER_BOTTOM_LEFT,
                             BM_CORNER_TOP_LEFT};
  bm_corner legend_pref[4] = {BM_CORNER_BOTTOM_RIGHT, BM_CORNER_BOTTOM_LEFT, BM_CORNER_TOP_RIGHT,
                              BM_CORNER_TOP_LEFT};
  bm_corner bar_pref[4] = {BM_CORNER_BOTTOM_LEFT, BM_CORNER_BOTTOM_RIGHT, BM_CORNER_TOP_RIGHT,
                           BM_CORNER_TOP_LEFT};
  bm_corner north_pref[4] = {BM_CORNER_BOTTOM_RIGHT, BM_CORNER_TOP_RIGHT, BM_CORNER_BOTTOM_LEFT,
                             BM_CORNER_TOP_LEFT};
  if (f->rtl) { /* the usual places, mirrored */
    bm_corner *prefs[] = {inset_pref, legend_pref, bar_pref, north_pref};
    for (int p = 0; p < 4; p++)
      for (int i = 0; i < 4; i++)
        prefs[p][i] = mirror(prefs[p][i]);
  }
  if (req->inset && req->inset_w > 0 && req->inset_h > 0)
    f->has_inset = place(f, &s, req->inset_at, inset_pref, req->inset_w, req->inset_h, content,
                         &f->inset_box, &f->inset_corner);
  if (req->legend && f->legend.n) {
    double w, h;
    legend_size(f, st, &f->legend, &f->legend_text, req->legend_title, &f->legend_title, &w, &h);
    f->has_legend = f->legend_text && place(f, &s, req->legend_at, legend_pref, w, h, content,
                                            &f->legend_box, &f->legend_corner);
  }
  if (req->panel && f->panel.n) {
    double w, h;
    legend_size(f, st, &f->panel, &f->panel_text, NULL, NULL, &w, &h);
    f->has_panel = f->panel_text && place(f, &s, req->panel_at, legend_pref, w, h, content,
                                          &f->panel_box, &f->panel_corner);
  }
  if (req->scalebar) {
    double w = req->scalebar_max_px + 56 * k, h = 30 * k;
    if (req->scalebar_note_w > 0) w = req->scalebar_note_w, h = req->scalebar_note_h;
    f->has_scalebar = place(f, &s, req->scalebar_at, bar_pref, w, h, content, &f->scalebar_box,
                            &f->scalebar_corner);
    f->bar_x = f->scalebar_box.minx + 1 * k;
    f->bar_y = f->scalebar_box.miny + 13 * k;
  }
  if (req->north) {
    double w = 22 * k, h = 36 * k;
    bm_corner where;
    f->has_north = place(f, &s, BM_CORNER_AUTO, north_pref, w, h, content, &f->north_box, &where);
    f->north_x = (f->north_box.minx + f->north_box.maxx) / 2;
    f->north_y = f->north_box.miny + 22 * k;
  }
}

static void bar_text(const bm_furniture *f, double km, char *buf, size_t n) {
  bm_lang_km(f->lang, km, buf, n);
}

void bm_furniture_finish_scalebar(bm_furniture *f, const bm_style *st, const bm_scalebar *bar,
                                  const char *note) {
  f->bar = *bar;
  bar_text(f, bar->km, f->bar_text, sizeof f->bar_text);
  bm_text_style ts = tstyle(st->furniture_size * f->k, 400, 0);
  unref(&f->bar_layout);
  f->bar_layout = bm_text_layout(f->text, f->bar_text, &ts);
  unref(&f->bar_note_layout);
  if (note && *note) {
    snprintf(f->bar_note, sizeof f->bar_note, "%s", note);
    bm_text_style ns = fstyle(f, st->furniture_size * f->k, 400, 0); /* 10 px at least */
    ns.italic = true;
    f->bar_note_layout = bm_text_layout(f->text, f->bar_note, &ns);
  }
  f->bar_x = bar->x0;
}

double bm_furniture_bar_text_width(bm_furniture *f, const bm_style *st, double km) {
  char t[64];
  bar_text(f, km, t, sizeof t);
  bm_text_style ts = tstyle(st->furniture_size * f->k, 400, 0);
  PangoLayout *l = bm_text_layout(f->text, t, &ts);
  double tw = 0, th = 0;
  if (l) bm_text_size(l, &tw, &th);
  unref(&l);
  return tw;
}

void bm_furniture_scalebar_note(bm_furniture *f, const bm_style *st, const char *note, double *w,
                                double *h) {
  snprintf(f->bar_note, sizeof f->bar_note, "%s", note);
  bm_text_style ns = fstyle(f, st->furniture_size * f->k, 400, 0); /* 10 px at least */
  ns.italic = true;
  unref(&f->bar_note_layout);
  f->bar_note_layout = bm_text_layout(f->text, f->bar_note, &ns);
  *w = *h = 0;
  if (f->bar_note_layout) bm_text_size(f->bar_note_layout, w, h);
  *w += 4 * f->k;
  *h += 4 * f->k;
  f->bar_note_only = true;
}

void bm_graticule_text(double v, bool lon, char *buf, size_t n) {
  double a = fabs(v);
  char num[32];
  if (fabs(a - round(a)) < 1e-9)
    snprintf(num, sizeof num, "%.0f", a);
  else
    snprintf(num, sizeof num, "%g", round(a * 100) / 100);
  const char *h = a < 1e-9 ? "" : lon ? (v > 0 ? "E" : "W") : (v > 0 ? "N" : "S");
  if (lon && fabs(a - 180) < 1e-9) h = "";
  snprintf(buf, n, "%s°%s", num, h);
}

static bool push_label(bm_grat_label **v, size_t *n, bm_text *text, const char *s,
                       const bm_text_style *ts, double x, double y, int align) {
  bm_grat_label *nv = realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv) return false;
  *v = nv;
  bm_grat_label *g = &nv[*n];
  snprintf(g->text, sizeof g->text, "%s", s);
  g->layout = bm_text_layout(text, s, ts);
  double w, h;
  bm_text_size(g->layout, &w, &h);
  g->x = align == 0 ? x - w / 2 : align > 0 ? x - w : x;
  g->y = y - h / 2;
  (*n)++;
  return true;
}

bool bm_furniture_add_grat_label(bm_furniture *f, const bm_style *st, double value, bool lon,
                                 double x, double y) {
  char s[32];
  bm_graticule_text(value, lon, s, sizeof s);
  bm_text_style ts = tstyle(st->furniture_size * f->k, 400, 0);
  ts.italic = false;
  size_t before = f->n_grat_labels;
  if (!push_label(&f->grat_labels, &f->n_grat_labels, f->text, s, &ts, x, y, lon ? 0 : 1))
    return false;
  bm_grat_label *g = &f->grat_labels[before];
  double w, h;
  bm_text_size(g->layout, &w, &h);
  /* labels at the top edge hang from it; at the right edge they stay inside */
  if (lon) g->y = fmax(g->y, 2 * f->k);
  bm_bbox b = {g->x - 2, g->y - 1, g->x + w + 2, g->y + h + 1};
  /* a label under other furniture, or off the frame, is left out */
  bool clear = b.minx >= 0 && b.maxx <= f->width && b.miny >= 0 && b.maxy <= f->height;
  for (int i = 0; clear && i < f->nboxes; i++)
    if (overlaps(b, f->boxes[i])) clear = false;
  if (!clear || !bm_furniture_add_box(f, b)) {
    unref(&g->layout);
    f->n_grat_labels = before;
  }
  return true;
}

bool bm_furniture_add_inset_label(bm_furniture *f, const bm_style *st, const char *text, double x,
                                  double y) {
  /* CARTOGRAPHY.md: no text under about 10 px at 1200 px width, the inset's included */
  bm_text_style ts = tstyle((st->furniture_size - 0.5) * f->k, 600, 0);
  ts.uppercase = true;
  ts.letter_spacing = 0.08;
  size_t before = f->n_inset_labels;
  if (!push_label(&f->inset_labels, &f->n_inset_labels, f->text, text, &ts, x, y, 0)) return false;
  bm_grat_label *g = &f->inset_labels[before];
  double w, h;
  bm_text_size(g->layout, &w, &h);
  /* keep it inside the inset */
  g->x = fmax(f->inset_box.minx + 2 * f->k, fmin(g->x, f->inset_box.maxx - w - 2 * f->k));
  g->y = fmax(f->inset_box.miny + 2 * f->k, fmin(g->y, f->inset_box.maxy - h - 2 * f->k));
  for (size_t i = 0; i < before; i++) {
    double w2, h2;
    bm_text_size(f->inset_labels[i].layout, &w2, &h2);
    if (overlaps((bm_bbox){g->x, g->y, g->x + w, g->y + h},
                 (bm_bbox){f->inset_labels[i].x, f->inset_labels[i].y, f->inset_labels[i].x + w2,
                           f->inset_labels[i].y + h2})) {
      unref(&g->layout);
      f->n_inset_labels = before;
      break;
    }
  }
  return true;
}

void bm_furniture_set_north(bm_furniture *f, const bm_style *st, double angle) {
  f->north_angle = angle;
  bm_text_style ts = tstyle(st->furniture_size * f->k, 700, 0);
  unref(&f->north_layout);
  f->north_layout = bm_text_layout(f->text, bm_lang_message(f->lang, "north"), &ts);
}
