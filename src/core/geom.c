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
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
      double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
  }
  return in;
}

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
