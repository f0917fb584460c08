/* render/paint_geom.c — painters for geometry: filled areas, stroked lines,
 * hatched story areas and routes with arrowheads. */
#include <math.h>

#include "render/render.h"

void bm_paint_fill(bm_backend *be, const bm_geom *g, bm_color fill) {
  if (g->nparts == 0) return;
  bm_path p;
  bm_path_init(&p);
  bm_path_geom(&p, g);
  bm_be_fill(be, &p, fill);
  bm_path_free(&p);
}

void bm_paint_stroke(bm_backend *be, const bm_geom *g, bm_color color, double width,
                     const double *dash, int ndash) {
  if (g->nparts == 0 || width <= 0) return;
  bm_path p;
  bm_path_init(&p);
  bm_path_geom(&p, g);
  bm_stroke s = {.color = color,
                 .width = width,
                 .dash = ndash ? dash : NULL,
                 .ndash = ndash,
                 .cap = ndash ? BM_CAP_BUTT : BM_CAP_ROUND,
                 .join = BM_JOIN_ROUND};
  bm_be_stroke(be, &p, &s);
  bm_path_free(&p);
}

void bm_paint_route(bm_backend *be, const bm_geom *line, bm_color color, double width,
                    bm_dash_kind dash, bool arrow, double k) {
  if (line->nparts == 0) return;
  double dashed[2] = {6 * k, 3.5 * k}, dotted[2] = {0.01, 2.6 * width + 1.5 * k};
  bm_stroke s = {.color = color, .width = width, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND};
  if (dash == BM_DASH_DASHED) {
    s.dash = dashed;
    s.ndash = 2;
  } else if (dash == BM_DASH_DOTTED) {
    s.dash = dotted;
    s.ndash = 2;
    s.cap = BM_CAP_ROUND;
    /* dots as wide as a thin line would be invisible */
    s.width = fmax(width * 1.8, 1.8 * k);
  }
  bm_path p;
  bm_path_init(&p);
  bm_path_geom(&p, line);
  bm_be_stroke(be, &p, &s);
  if (arrow) {
    /* at the end of the last part, pointing along its last few pixels */
    const double *xy = bm_geom_part_xy(line, line->nparts - 1);
    size_t n = bm_geom_part_len(line, line->nparts - 1);
    if (n >= 2) {
      double ex = xy[2 * n - 2], ey = xy[2 * n - 1], bx = ex, by = ey;
      double len = 7 * k + 2 * width;
      for (size_t i = n - 1; i-- > 0;) {
        bx = xy[2 * i], by = xy[2 * i + 1];
        if (hypot(ex - bx, ey - by) >= len) break;
      }
      double a = atan2(ey - by, ex - bx), w = len * 0.45;
      bm_path_reset(&p);
      bm_path_move(&p, ex, ey);
      bm_path_line(&p, ex - len * cos(a) + w * sin(a), ey - len * sin(a) - w * cos(a));
      bm_path_line(&p, ex - len * cos(a) * 0.8, ey - len * sin(a) * 0.8);
      bm_path_line(&p, ex - len * cos(a) - w * sin(a), ey - len * sin(a) + w * cos(a));
      bm_path_close(&p);
      bm_be_fill(be, &p, color);
    }
  }
  bm_path_free(&p);
}

void bm_paint_area(bm_backend *be, const bm_geom *area, bm_color color, bool hatch, double k) {
  if (area->nparts == 0) return;
  bm_path outline;
  bm_path_init(&outline);
  bm_path_geom(&outline, area);
  if (hatch) {
    bm_be_clip(be, &outline);
    bm_bbox b = bm_geom_bbox(area);
    double gap = 5 * k, h = b.maxy - b.miny;
    /* 45° lines on a grid fixed to the frame, so neighbouring areas line up */
    bm_path lines;
    bm_path_init(&lines);
    double start = floor((b.minx - h) / gap) * gap;
    for (double x = start; x <= b.maxx; x += gap) {
      bm_path_move(&lines, x, b.maxy);
      bm_path_line(&lines, x + h, b.miny);
    }
    bm_color c = color;
    c.a *= 0.75;
    bm_be_stroke(
        be, &lines,
        &(bm_stroke){.color = c, .width = 1.0 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
    bm_path_free(&lines);
    bm_be_unclip(be);
  } else {
    bm_color c = color;
    c.a *= 0.28;
    bm_be_fill(be, &outline, c);
  }
  bm_be_stroke(
      be, &outline,
      &(bm_stroke){.color = color, .width = 0.9 * k, .cap = BM_CAP_BUTT, .join = BM_JOIN_ROUND});
  bm_path_free(&outline);
}
