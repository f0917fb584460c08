/* render/paint_furniture.c — painters for the furniture: legend and callout
 * panel, scale bar, north arrow, inset locator, graticule labels, title block
 * and credit line. */
#include <math.h>

#include "render/render.h"

static void panel_bg(bm_backend *be, bm_bbox b, const bm_style *st) {
  bm_path p;
  bm_path_init(&p);
  bm_path_rect(&p, b.minx, b.miny, b.maxx - b.minx, b.maxy - b.miny);
  bm_be_fill(be, &p, st->legend_background);
  bm_path_free(&p);
}

static void paint_legend(const bm_furniture *f, bm_backend *be, const bm_style *st,
                         const bm_legend *L, PangoLayout *const *texts, PangoLayout *title,
                         bm_bbox box) {
  double k = f->k, pad = 8 * k;
  panel_bg(be, box, st);
  double y = box.miny + pad;
  /* right to left: the title and text end at the right padding, symbols on the right */
  bool rtl = f->rtl;
  if (title) {
    double w, h;
    bm_text_size(title, &w, &h);
    double tx = rtl ? box.maxx - pad - bm_text_right(title) : box.minx + pad;
    bm_paint_text(be, title, tx, y, st->text, 0, st->halo);
    y += h + 4 * k;
  }
  for (size_t i = 0; i < L->n; i++) {
    double w, h;
    bm_text_size(texts[i], &w, &h);
    bool note = L->v[i].symbol == BM_LEGEND_TEXT;
    double row = note ? h : fmax(h, f->row_h_min);
    double sx =
        rtl ? box.maxx - pad - f->swatch_w / 2 + 3 * k : box.minx + pad + f->swatch_w / 2 - 3 * k;
    if (!note)
      bm_paint_legend_swatch(be, f->text, &L->v[i], sx, y + fmin(row, f->row_h_min) / 2, 12 * k, st,
                             k);
    double tx = box.minx + pad + (note ? 0 : f->swatch_w);
    if (rtl) tx = box.maxx - pad - (note ? 0 : f->swatch_w) - bm_text_right(texts[i]);
    double ty = y + (row - h) / 2;
    if (h > f->row_h_min) ty = y; /* wrapped text starts at the top */
    bm_paint_text(be, texts[i], tx, ty, note ? st->text_muted : st->text, 0, st->halo);
    y += row + 3 * k;
  }
}

static void paint_scalebar(const bm_furniture *f, bm_backend *be, const bm_style *st) {
  double k = f->k, x = f->bar_x, y = f->bar_y, len = f->bar.px, tick = 4 * k;
  double halo = st->halo_width * k;
  bm_path p;
  bm_path_init(&p);
  bm_path_move(&p, x, y - tick);
  bm_path_line(&p, x, y);
  bm_path_line(&p, x + len, y);
  bm_path_line(&p, x + len, y - tick);
  /* a halo under the bar so it reads over anything */
  bm_be_stroke(be, &p,
               &(bm_stroke){.color = st->halo,
                            .width = 1.2 * k + 2 * halo,
                            .cap = BM_CAP_SQUARE,
                            .join = BM_JOIN_MITER});
  bm_be_stroke(
      be, &p,
      &(bm_stroke){.color = st->text, .width = 1.2 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_MITER});
  /* the middle tick */
  bm_path_reset(&p);
  bm_path_move(&p, x + len / 2, y);
  bm_path_line(&p, x + len / 2, y - tick * 0.6);
  bm_be_stroke(
      be, &p,
      &(bm_stroke){.color = st->text, .width = 1.0 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_MITER});
  bm_path_free(&p);
  double tw, th;
  bm_text_size(f->bar_layout, &tw, &th);
  bm_paint_text(be, f->bar_layout, x + len + 5 * k, y - th * 0.75, st->text, halo, st->halo);
  if (f->bar_note_layout) {
    /* in a right corner the note ends at the frame's padding, not past the edge */
    double nw, nh, nx = x;
    bm_text_size(f->bar_note_layout, &nw, &nh);
    if (f->scalebar_corner == BM_CORNER_TOP_RIGHT || f->scalebar_corner == BM_CORNER_BOTTOM_RIGHT)
      nx = fmin(x, f->scalebar_box.maxx - nw);
    bm_paint_text(be, f->bar_note_layout, nx, y + 2 * k, st->text_muted, halo, st->halo);
  }
}

static void paint_north(const bm_furniture *f, bm_backend *be, const bm_style *st) {
  double k = f->k, x = f->north_x, y = f->north_y, a = f->north_angle, l = 11 * k;
  bm_paint_north_arrow(be, x, y, a, k, st);
  if (f->north_layout) {
    double tw, th;
    bm_text_size(f->north_layout, &tw, &th);
    double tx = x + sin(a) * (l + th * 0.6) - tw / 2, ty = y - cos(a) * (l + th * 0.6) - th / 2;
    bm_paint_text(be, f->north_layout, tx, ty, st->text, st->halo_width * k, st->halo);
  }
}

static void paint_inset(const bm_furniture *f, bm_backend *be, const bm_style *st) {
  double k = f->k;
  bm_bbox b = f->inset_box;
  bm_path frame;
  bm_path_init(&frame);
  bm_path_rect(&frame, b.minx, b.miny, b.maxx - b.minx, b.maxy - b.miny);
  bm_be_clip(be, &frame);
  bm_be_fill(be, &frame, st->water);
  bm_paint_fill(be, &f->inset_land, st->land);
  bm_paint_stroke(be, &f->inset_lines, st->border, 0.5 * k, NULL, 0);
  /* the main map's extent: a translucent tint and an accent outline, names over it */
  bm_color tint = st->accent;
  tint.a = 0.15;
  bm_paint_fill(be, &f->inset_outline, tint);
  bm_paint_stroke(be, &f->inset_outline, st->accent, 1.5 * k, NULL, 0);
  for (size_t i = 0; i < f->n_inset_labels; i++)
    bm_paint_text(be, f->inset_labels[i].layout, f->inset_labels[i].x, f->inset_labels[i].y,
                  st->country_label, st->halo_width * k * 0.8, st->halo);
  bm_be_unclip(be);
  bm_be_stroke(
      be, &frame,
      &(bm_stroke){
          .color = st->border, .width = 0.8 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_path_free(&frame);
}

void bm_paint_graticule_labels(bm_backend *be, const bm_furniture *f, const bm_style *st) {
  for (size_t i = 0; i < f->n_grat_labels; i++)
    bm_paint_text(be, f->grat_labels[i].layout, f->grat_labels[i].x, f->grat_labels[i].y,
                  st->text_muted, st->halo_width * f->k, st->halo);
}

/* Each piece of furniture in its own layer, in paint order. */
void bm_paint_furniture(bm_backend *be, const bm_furniture *f, const bm_style *st) {
  double halo = st->halo_width * f->k * 1.5;
  if (f->has_inset) {
    bm_be_layer(be, "inset");
    paint_inset(f, be, st);
    bm_be_end_layer(be);
  }
  if (f->has_legend || f->has_panel) {
    bm_be_layer(be, "legend");
    if (f->has_legend)
      paint_legend(f, be, st, &f->legend, f->legend_text, f->legend_title, f->legend_box);
    if (f->has_panel) paint_legend(f, be, st, &f->panel, f->panel_text, NULL, f->panel_box);
    bm_be_end_layer(be);
  }
  if (f->has_scalebar && f->bar_note_only && f->bar_note_layout) {
    /* the scale varies too much for a bar: the note in its place */
    bm_be_layer(be, "scale-bar");
    bm_paint_text(be, f->bar_note_layout, f->scalebar_box.minx + 2 * f->k,
                  f->scalebar_box.miny + 2 * f->k, st->text_muted, st->halo_width * f->k, st->halo);
    bm_be_end_layer(be);
  } else if (f->has_scalebar && f->bar_layout) {
    bm_be_layer(be, "scale-bar");
    paint_scalebar(f, be, st);
    bm_be_end_layer(be);
  }
  if (f->has_north) {
    bm_be_layer(be, "north-arrow");
    paint_north(f, be, st);
    bm_be_end_layer(be);
  }
  bm_be_layer(be, "title");
  if (f->title) bm_paint_text(be, f->title, f->tx, f->ty, st->title, halo, st->halo);
  if (f->subtitle) bm_paint_text(be, f->subtitle, f->tx, f->sy, st->text_muted, halo, st->halo);
  bm_be_end_layer(be);
  bm_be_layer(be, "credit");
  if (f->credit) bm_paint_text(be, f->credit, f->cx, f->cy, st->credit, halo, st->halo);
  bm_be_end_layer(be);
}
