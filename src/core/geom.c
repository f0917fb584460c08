#include "core/geom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bm_bbox bm_bbox_empty(void) { return (bm_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY}; }

bool bm_bbox_is_empty(bm_bbox b) { return !(b.minx <= b.maxx && b.miny <= b.maxy); }

void bm_bbox_add(bm_bbox *b, double x, double y) {
  if (x < b->minx) b->minx = x;
  if (x > b->maxx) b->maxx = x;
  if (y < b->miny) b->miny = y;
  if (y > b->maxy) b->maxy = y;
}

bool bm_bbox_intersects(bm_bbox a, bm_bbox b) {
  return !(a.maxx < b.minx || b.maxx < a.minx || a.maxy < b.miny || b.maxy < a.miny);
}

bm_bbox bm_bbox_grow(bm_bbox b, double dx, double dy) {
  return (bm_bbox){b.minx - dx, b.miny - dy, b.maxx + dx, b.maxy + dy};
}

void bm_geom_init(bm_geom *g, bm_geom_type type) {
  memset(g, 0, sizeof *g);
  g->type = type;
}

void bm_geom_free(bm_geom *g) {
  free(g->xy);
  free(g->part);
  bm_geom_init(g, BM_GEOM_NONE);
}

void bm_geom_reset(bm_geom *g, bm_geom_type type) {
  g->type = type;
  g->npts = 0;
  g->nparts = 0;
}

static bool ensure_parts(bm_geom *g, size_t n) {
  if (n <= g->cap_parts) return true;
  size_t cap = g->cap_parts ? g->cap_parts * 2 : 8;
  while (cap < n)
    cap *= 2;
  size_t *p = realloc(g->part, cap * sizeof *p);
  if (!p) return false;
  g->part = p;
  g->cap_parts = cap;
  return true;
}

bool bm_geom_begin_part(bm_geom *g) {
  if (!ensure_parts(g, g->nparts + 2)) return false;
  g->part[g->nparts++] = g->npts;
  g->part[g->nparts] = g->npts;
  return true;
}

bool bm_geom_add(bm_geom *g, double x, double y) {
  if (g->nparts == 0 && !bm_geom_begin_part(g)) return false;
  if (g->npts + 1 > g->cap_pts) {
    size_t cap = g->cap_pts ? g->cap_pts * 2 : 64;
    double *p = realloc(g->xy, cap * 2 * sizeof *p);
    if (!p) return false;
    g->xy = p;
    g->cap_pts = cap;
  }
  g->xy[2 * g->npts] = x;
  g->xy[2 * g->npts + 1] = y;
  g->npts++;
  g->part[g->nparts] = g->npts;
  return true;
}

size_t bm_geom_part_len(const bm_geom *g, size_t i) {
  size_t end = (i + 1 < g->nparts) ? g->part[i + 1] : g->npts;
  return end - g->part[i];
}

double *bm_geom_part_xy(const bm_geom *g, size_t i) { return g->xy + 2 * g->part[i]; }

void bm_geom_drop_short_parts(bm_geom *g, size_t min_pts) {
  size_t out_pts = 0, out_parts = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    size_t n = bm_geom_part_len(g, i);
    if (n < min_pts) continue;
    memmove(g->xy + 2 * out_pts, bm_geom_part_xy(g, i), n * 2 * sizeof(double));
    g->part[out_parts++] = out_pts;
    out_pts += n;
  }
  g->npts = out_pts;
  g->nparts = out_parts;
  if (g->part) g->part[out_parts] = out_pts;
}

bm_bbox bm_geom_bbox(const bm_geom *g) {
  bm_bbox b = bm_bbox_empty();
  for (size_t i = 0; i < g->npts; i++)
    bm_bbox_add(&b, g->xy[2 * i], g->xy[2 * i + 1]);
  return b;
}

bool bm_geom_copy(bm_geom *dst, const bm_geom *src) {
  bm_geom_init(dst, src->type);
  for (size_t i = 0; i < src->nparts; i++) {
    if (!bm_geom_begin_part(dst)) return false;
    const double *p = bm_geom_part_xy(src, i);
    for (size_t k = 0; k < bm_geom_part_len(src, i); k++)
      if (!bm_geom_add(dst, p[2 * k], p[2 * k + 1])) return false;
  }
  return true;
}

void bm_bbox_outline(bm_bbox b, int n, double *pts) {
  double w = b.maxx - b.minx, h = b.maxy - b.miny;
  for (int i = 0; i < n; i++) {
    double t = (double)i / n;
    double *q0 = pts + 2 * i, *q1 = pts + 2 * (n + i), *q2 = pts + 2 * (2 * n + i),
           *q3 = pts + 2 * (3 * n + i);
    q0[0] = b.minx + t * w, q0[1] = b.miny;
    q1[0] = b.maxx, q1[1] = b.miny + t * h;
    q2[0] = b.maxx - t * w, q2[1] = b.maxy;
    q3[0] = b.minx, q3[1] = b.maxy - t * h;
  }
}

double bm_lon_unwrap(double lon, double ref) {
  if (!isfinite(lon) || !isfinite(ref)) return lon;
  return ref + remainder(lon - ref, 360.0);
}

bool bm_geom_contains(const bm_geom *g, double x, double y) {
  if (g->type != BM_GEOM_POLYGON) return false;
  bool in = false;
  for (size_t r = 0; r < g->nparts; r++) {
    const double *p = bm_geom_part_xy(g, r);
    size_t n = bm_geom_part_len(g, r);
    if (!n) continue;
    /* whether the previous vertex lies above y, carried along: one comparison per vertex
     * (labels test thousands of points against countries of tens of thousands) */
    bool above_j = p[2 * (n - 1) + 1] > y;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
      bool above_i = p[2 * i + 1] > y;
      if (above_i != above_j) {
        double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
        if (x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
      }
      above_j = above_i;
    }
  }
  return in;
}
