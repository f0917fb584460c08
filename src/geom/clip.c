/* geom/clip.c — cutting geometry to a box (see geom/clip.h). */
#include "geom/clip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- clipping to a box ------------------------------------------------ */

typedef struct {
  double *v;
  size_t n, cap;
} ptbuf;

static bool pt_push(ptbuf *b, double x, double y) {
  if (b->n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    double *v = realloc(b->v, cap * 2 * sizeof *v);
    if (!v) return false;
    b->v = v;
    b->cap = cap;
  }
  b->v[2 * b->n] = x;
  b->v[2 * b->n + 1] = y;
  b->n++;
  return true;
}

/* edge 0: x >= minx, 1: x <= maxx, 2: y >= miny, 3: y <= maxy */
static bool inside(int edge, bm_bbox r, double x, double y) {
  switch (edge) {
  case 0: return x >= r.minx;
  case 1: return x <= r.maxx;
  case 2: return y >= r.miny;
  default: return y <= r.maxy;
  }
}

static void cross(int edge, bm_bbox r, double x1, double y1, double x2, double y2, double *x,
                  double *y) {
  double t;
  if (edge < 2) {
    double e = edge == 0 ? r.minx : r.maxx;
    t = (e - x1) / (x2 - x1);
    *x = e;
    *y = y1 + t * (y2 - y1);
  } else {
    double e = edge == 2 ? r.miny : r.maxy;
    t = (e - y1) / (y2 - y1);
    *y = e;
    *x = x1 + t * (x2 - x1);
  }
}

static bool clip_ring(const double *p, size_t n, bm_bbox r, ptbuf *a, ptbuf *b, bm_geom *out) {
  a->n = 0;
  for (size_t i = 0; i < n; i++)
    if (!pt_push(a, p[2 * i], p[2 * i + 1])) return false;
  for (int e = 0; e < 4 && a->n > 0; e++) {
    b->n = 0;
    for (size_t i = 0; i < a->n; i++) {
      double cx = a->v[2 * i], cy = a->v[2 * i + 1];
      size_t j = (i + a->n - 1) % a->n;
      double px = a->v[2 * j], py = a->v[2 * j + 1];
      bool cin = inside(e, r, cx, cy), pin = inside(e, r, px, py);
      double x, y;
      if (cin) {
        if (!pin) {
          cross(e, r, px, py, cx, cy, &x, &y);
          if (!pt_push(b, x, y)) return false;
        }
        if (!pt_push(b, cx, cy)) return false;
      } else if (pin) {
        cross(e, r, px, py, cx, cy, &x, &y);
        if (!pt_push(b, x, y)) return false;
      }
    }
    ptbuf t = *a;
    *a = *b;
    *b = t;
  }
  if (a->n < 3) return true;
  if (!bm_geom_begin_part(out)) return false;
  for (size_t i = 0; i < a->n; i++)
    if (!bm_geom_add(out, a->v[2 * i], a->v[2 * i + 1])) return false;
  return bm_geom_add(out, a->v[0], a->v[1]); /* close */
}

/* Liang-Barsky on one segment; returns false when it misses r. */
static bool clip_segment(bm_bbox r, double *x1, double *y1, double *x2, double *y2) {
  double t0 = 0, t1 = 1, dx = *x2 - *x1, dy = *y2 - *y1;
  double p[4] = {-dx, dx, -dy, dy};
  double q[4] = {*x1 - r.minx, r.maxx - *x1, *y1 - r.miny, r.maxy - *y1};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    double t = q[i] / p[i];
    if (p[i] < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
  }
  double ox = *x1, oy = *y1;
  *x1 = ox + t0 * dx;
  *y1 = oy + t0 * dy;
  *x2 = ox + t1 * dx;
  *y2 = oy + t1 * dy;
  return true;
}

static bool clip_line(const double *p, size_t n, bm_bbox r, bm_geom *out) {
  bool open = false; /* a part is being written */
  double lx = 0, ly = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    double x1 = p[2 * i], y1 = p[2 * i + 1], x2 = p[2 * i + 2], y2 = p[2 * i + 3];
    if (!clip_segment(r, &x1, &y1, &x2, &y2)) {
      open = false;
      continue;
    }
    if (!open || x1 != lx || y1 != ly) {
      if (!bm_geom_begin_part(out) || !bm_geom_add(out, x1, y1)) return false;
      open = true;
    }
    if (!bm_geom_add(out, x2, y2)) return false;
    lx = x2;
    ly = y2;
    /* the segment left r: the next one starts a new part */
    if (x2 != p[2 * i + 2] || y2 != p[2 * i + 3]) open = false;
  }
  return true;
}

bool bm_geom_clip_rect(const bm_geom *g, bm_bbox r, bm_geom *out) {
  bm_geom_reset(out, g->type);
  bm_bbox gb = bm_geom_bbox(g);
  if (!bm_bbox_intersects(gb, r)) return true;
  bool whole = gb.minx >= r.minx && gb.maxx <= r.maxx && gb.miny >= r.miny && gb.maxy <= r.maxy;
  bool ok = true;
  ptbuf a = {0}, b = {0};
  for (size_t i = 0; ok && i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i);
    if (whole || g->type == BM_GEOM_POINT) {
      bool started = false;
      for (size_t k = 0; ok && k < n; k++) {
        double x = p[2 * k], y = p[2 * k + 1];
        if (!whole && !(x >= r.minx && x <= r.maxx && y >= r.miny && y <= r.maxy)) continue;
        if (!started) ok = bm_geom_begin_part(out);
        started = true;
        ok = ok && bm_geom_add(out, x, y);
      }
    } else if (g->type == BM_GEOM_POLYGON) {
      ok = clip_ring(p, n, r, &a, &b, out);
    } else {
      ok = clip_line(p, n, r, out);
    }
  }
  free(a.v);
  free(b.v);
  return ok;
}
