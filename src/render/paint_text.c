/* render/paint_text.c — painters for text: placed labels (straight, with a
 * note line, or bent along a line), their leaders, and the debug boxes. */
#include <math.h>
#include <string.h>

#include "render/render.h"

void bm_paint_text(bm_backend *be, PangoLayout *layout, double x, double y, bm_color color,
                   double halo_w, bm_color halo) {
  bm_be_text(
      be,
      &(bm_text_run){
          .layout = layout, .x = x, .y = y, .color = color, .halo_width = halo_w, .halo = halo});
}

static bm_color label_color(const bm_label *l, const bm_style *st) {
  const char *layer = l->layer;
  if (!strcmp(layer, "country")) return st->country_label;
  if (!strcmp(layer, "province")) return st->accent;
  if (!strcmp(layer, "river")) return st->river_label;
  if (!strcmp(layer, "region") || !strcmp(layer, "text-region")) return st->region_label;
  if (!strcmp(layer, "water")) return st->river_label;
  if (!strcmp(layer, "city") || !strcmp(layer, "town")) return st->text_muted;
  return st->text;
}

static void paint_leader(bm_backend *be, const bm_label *l, double k, const bm_style *st) {
  double dx = l->lx - l->ax, dy = l->ly - l->ay, d = hypot(dx, dy);
  double start = fmin(l->offset * 0.6, d);
  if (d <= start + 1) return;
  bm_path p;
  bm_path_init(&p);
  bm_path_move(&p, l->ax + dx / d * start, l->ay + dy / d * start);
  bm_path_line(&p, l->lx, l->ly);
  bm_be_stroke(
      be, &p,
      &(bm_stroke){.color = st->halo, .width = 3 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_be_stroke(
      be, &p,
      &(bm_stroke){
          .color = st->text_muted, .width = 0.8 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_path_free(&p);
}

static void boxes(bm_backend *be, const bm_bbox *b, size_t n, bm_color c, double width) {
  bm_path p;
  bm_path_init(&p);
  for (size_t i = 0; i < n; i++)
    bm_path_rect(&p, b[i].minx, b[i].miny, b[i].maxx - b[i].minx, b[i].maxy - b[i].miny);
  bm_be_stroke(be, &p,
               &(bm_stroke){.color = c, .width = width, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_path_free(&p);
}

void bm_paint_labels(bm_backend *be, const bm_labeler *lb, double k, const bm_style *st,
                     bool debug_boxes) {
  double halo = st->halo_width * k;
  if (debug_boxes) { /* every candidate considered, faint */
    const bm_bbox *cb;
    size_t n = bm_labeler_candidates(lb, &cb);
    boxes(be, cb, n, (bm_color){0.5, 0.5, 0.5, 0.35}, 0.5);
  }
  /* leaders, then every halo, then every glyph: no halo covers another label's glyphs */
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (l->placed && l->leader) paint_leader(be, l, k, st);
  }
  for (int pass = BM_TEXT_PAINT_HALO; pass <= BM_TEXT_PAINT_GLYPHS; pass++)
    for (size_t i = 0; i < bm_labeler_count(lb); i++) {
      const bm_label *l = bm_labeler_at(lb, i);
      if (!l->placed) continue;
      bm_color color = label_color(l, st);
      if (l->kind == BM_LABEL_LINE && l->path) {
        bm_be_text_on_path(be, &(bm_text_path){.layout = l->layout,
                                               .path = l->path,
                                               .npath = l->npath,
                                               .s0 = l->s0,
                                               .color = color,
                                               .halo_width = halo,
                                               .halo = st->halo,
                                               .paint = (bm_text_paint)pass});
      } else {
        bm_be_text(be, &(bm_text_run){.layout = l->layout,
                                      .x = l->tx,
                                      .y = l->ty,
                                      .color = color,
                                      .halo_width = halo,
                                      .halo = st->halo,
                                      .paint = (bm_text_paint)pass});
        if (l->note_layout)
          bm_be_text(be, &(bm_text_run){.layout = l->note_layout,
                                        .x = l->nx,
                                        .y = l->ny,
                                        .color = st->text_muted,
                                        .halo_width = halo,
                                        .halo = st->halo,
                                        .paint = (bm_text_paint)pass});
      }
      if (debug_boxes && pass == BM_TEXT_PAINT_GLYPHS) {
        const bm_bbox *b;
        size_t n = bm_labeler_boxes(lb, i, &b);
        boxes(be, b, n, (bm_color){0, 0.4, 1, 0.8}, 1);
      }
    }
}
