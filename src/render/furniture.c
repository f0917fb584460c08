#include "render/furniture.h"

#include <glib-object.h>
#include <math.h>
#include <stdio.h>

#include "render/render.h"

static bm_text_style tstyle(double size, int weight, double wrap) {
  return (bm_text_style){.size = size, .weight = weight, .wrap_width = wrap};
}

void bm_furniture_free(bm_furniture *f) {
  if (f->title) g_object_unref(f->title);
  if (f->subtitle) g_object_unref(f->subtitle);
  if (f->credit) g_object_unref(f->credit);
  f->title = f->subtitle = f->credit = NULL;
}

void bm_furniture_layout(bm_furniture *f, bm_text *text, const bm_style *st, double k, int width,
                         int height, const char *title, const char *subtitle, const char *credit) {
  double w = width, h = height;
  f->pad = 16 * k;
  double maxw = w * 0.55, tw = 0, th = 0, sw = 0, sh = 0, cw, ch;
  if (title) {
    bm_text_style ts = tstyle(st->title_size * k, 700, maxw);
    f->title = bm_text_layout(text, title, &ts);
    bm_text_size(f->title, &tw, &th);
  }
  if (subtitle) {
    bm_text_style ts = tstyle(st->subtitle_size * k, 400, maxw);
    f->subtitle = bm_text_layout(text, subtitle, &ts);
    bm_text_size(f->subtitle, &sw, &sh);
  }
  f->tx = f->pad;
  f->ty = f->pad;
  f->sy = f->ty + th + (th > 0 ? 4 * k : 0);
  f->nboxes = 0;
  if (title || subtitle)
    f->boxes[f->nboxes++] = (bm_bbox){0, 0, f->pad + fmax(tw, sw) + 6 * k, f->sy + sh + 6 * k};
  char line[1024];
  snprintf(line, sizeof line, "%s%sBase map: Natural Earth", credit ? credit : "",
           credit ? "  ·  " : "");
  bm_text_style cs = tstyle(st->credit_size * k, 400, w - 2 * f->pad);
  f->credit = bm_text_layout(text, line, &cs);
  bm_text_size(f->credit, &cw, &ch);
  f->cx = f->pad;
  f->cy = h - f->pad * 0.6 - ch;
  f->boxes[f->nboxes++] = (bm_bbox){0, f->cy - 3 * k, f->cx + cw + 6 * k, h};
}

void bm_furniture_paint(const bm_furniture *f, cairo_t *cr, const bm_style *st, double k) {
  double halo = st->halo_width * k * 1.5;
  if (f->title) bm_paint_text(cr, f->title, f->tx, f->ty, st->title, halo, st->halo);
  if (f->subtitle) bm_paint_text(cr, f->subtitle, f->tx, f->sy, st->text_muted, halo, st->halo);
  if (f->credit) bm_paint_text(cr, f->credit, f->cx, f->cy, st->credit, halo, st->halo);
}
