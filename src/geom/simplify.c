#include "geom/simplify.h"

#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* After compacting part i's kept vertices into xy[start..*out): the part stays when it is still
 * a line (2 vertices) or a ring (4), else it is dropped. */
static void end_part(bm_geom *g, size_t start, size_t *out, size_t *out_parts) {
  size_t len = *out - start;
  if ((g->type == BM_GEOM_POLYGON && len < 4) || len < 2)
    *out = start;
  else
    g->part[(*out_parts)++] = start;
}

static void end_parts(bm_geom *g, size_t out, size_t out_parts) {
  g->npts = out;
  g->nparts = out_parts;
  if (g->part) g->part[out_parts] = out;
}

/* Douglas-Peucker on one part of n vertices: marks in keep the vertices kept, so that every
 * vertex dropped lies within tol of the kept polyline. stack: room for 2n indices. */
static void straighten_part(const double *xy, size_t n, double tol, unsigned char *keep,
                            size_t *stack) {
  size_t top = 0;
  keep[0] = keep[n - 1] = 1;
  stack[top++] = 0, stack[top++] = n - 1;
  double tol2 = tol * tol;
  while (top) {
    size_t b = stack[--top], a = stack[--top];
    double ax = xy[2 * a], ay = xy[2 * a + 1], dx = xy[2 * b] - ax, dy = xy[2 * b + 1] - ay;
    double len2 = dx * dx + dy * dy, far2 = -1;
    size_t far = a;
    for (size_t k = a + 1; k < b; k++) { /* the vertex farthest from the segment a-b */
      double px = xy[2 * k] - ax, py = xy[2 * k + 1] - ay;
      double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      double ex = px - t * dx, ey = py - t * dy, d2 = ex * ex + ey * ey;
      if (d2 > far2) far2 = d2, far = k;
    }
    if (far2 > tol2) {
      keep[far] = 1;
      stack[top++] = a, stack[top++] = far;
      stack[top++] = far, stack[top++] = b;
    }
  }
}

void bm_geom_straighten(bm_geom *g, double tol) {
  if (g->type == BM_GEOM_POINT || !g->npts) return;
  unsigned char *keep = calloc(g->npts, 1);
  size_t *stack = malloc(2 * g->npts * sizeof *stack);
  if (!keep || !stack) goto done; /* out of memory: the geometry stays as it is */
  size_t out = 0, out_parts = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    size_t first = g->part[i], n = bm_geom_part_len(g, i), start = out;
    if (n >= 3) straighten_part(g->xy + 2 * first, n, tol, keep + first, stack);
    for (size_t k = first; k < first + n; k++)
      if (n < 3 || keep[k]) {
        g->xy[2 * out] = g->xy[2 * k];
        g->xy[2 * out + 1] = g->xy[2 * k + 1];
        out++;
      }
    end_part(g, start, &out, &out_parts); /* a ring straightened flat goes */
  }
  end_parts(g, out, out_parts);
done:
  free(keep);
  free(stack);
}

void bm_geom_simplify(bm_geom *g, double tol) {
  if (g->type == BM_GEOM_POINT) return;
  size_t out = 0, out_parts = 0;
  double tol2 = tol * tol;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i), start = out;
    for (size_t k = 0; k < n; k++) {
      double x = p[2 * k], y = p[2 * k + 1];
      bool last = k + 1 == n;
      if (out > start && !last) {
        double dx = x - g->xy[2 * out - 2], dy = y - g->xy[2 * out - 1];
        if (dx * dx + dy * dy < tol2) continue;
      }
      g->xy[2 * out] = x;
      g->xy[2 * out + 1] = y;
      out++;
    }
    end_part(g, start, &out, &out_parts);
  }
  end_parts(g, out, out_parts);
}

double bm_geom_ring_area(const bm_geom *g, size_t i) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  double a = 0;
  for (size_t k = 0; k + 1 < n; k++)
    a += p[2 * k] * p[2 * k + 3] - p[2 * k + 2] * p[2 * k + 1];
  return fabs(a) / 2;
}

static bool near(const double *a, const double *b, double tol) {
  return fabs(a[0] - b[0]) <= tol && fabs(a[1] - b[1]) <= tol;
}

bool bm_geom_join_lines(const bm_geom *g, double tol, bm_geom *out) {
  bm_geom_reset(out, BM_GEOM_LINE);
  size_t n = g->nparts;
  bool *used = calloc(n + 1, sizeof *used);
  bool ok = used != NULL;
  for (size_t start = 0; ok && start < n; start++) {
    if (used[start]) continue;
    /* grow a chain of parts forwards from its end, then backwards from its start */
    size_t head = n, tail = n; /* the chain is win[head..tail) of a 2n-wide window */
    size_t *win = malloc(2 * (n + 1) * sizeof *win);
    bool *wflip = malloc(2 * (n + 1) * sizeof *wflip);
    if (!win || !wflip) {
      free(win);
      free(wflip);
      ok = false;
      break;
    }
    win[tail] = start, wflip[tail++] = false;
    used[start] = true;
    for (int dir = 0; dir < 2; dir++)
      for (bool grew = true; grew;) {
        grew = false;
        /* the free end of the chain on this side */
        size_t pi = dir == 0 ? win[tail - 1] : win[head];
        bool pf = dir == 0 ? wflip[tail - 1] : wflip[head];
        const double *pp = bm_geom_part_xy(g, pi);
        size_t pl = bm_geom_part_len(g, pi);
        bool at_end = (dir == 0) != pf; /* which vertex of that part is the free end */
        const double *endpt = at_end ? pp + 2 * (pl - 1) : pp;
        for (size_t q = 0; q < n && !grew; q++) {
          if (used[q]) continue;
          const double *qp = bm_geom_part_xy(g, q);
          size_t ql = bm_geom_part_len(g, q);
          const double *qs = qp, *qe = qp + 2 * (ql - 1);
          bool f;
          if (near(endpt, dir == 0 ? qs : qe, tol))
            f = false;
          else if (near(endpt, dir == 0 ? qe : qs, tol))
            f = true;
          else
            continue;
          used[q] = grew = true;
          if (dir == 0)
            win[tail] = q, wflip[tail++] = f;
          else
            win[--head] = q, wflip[head] = f;
        }
      }
    if (!bm_geom_begin_part(out)) ok = false;
    for (size_t c = head; ok && c < tail; c++) {
      const double *p = bm_geom_part_xy(g, win[c]);
      size_t len = bm_geom_part_len(g, win[c]);
      for (size_t k = (c == head ? 0 : 1); ok && k < len; k++) {
        size_t v = wflip[c] ? len - 1 - k : k;
        ok = bm_geom_add(out, p[2 * v], p[2 * v + 1]);
      }
    }
    free(win);
    free(wflip);
  }
  free(used);
  return ok;
}

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* Even-odd test of (x, y) against ring i alone. */
static bool ring_contains(const bm_geom *g, size_t i, double x, double y) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  bool in = false;
  for (size_t k = 0, j = n - 1; k < n; j = k++) {
    double xk = p[2 * k], yk = p[2 * k + 1], xj = p[2 * j], yj = p[2 * j + 1];
    if ((yk > y) != (yj > y) && x < (xj - xk) * (y - yk) / (yj - yk) + xk) in = !in;
  }
  return in;
}

static GEOSGeometry *geos_ring(GEOSContextHandle_t h, const bm_geom *g, size_t i) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
  if (!cs) return NULL;
  for (size_t k = 0; k < n; k++)
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)k, p[2 * k], p[2 * k + 1]);
  return GEOSGeom_createLinearRing_r(h, cs);
}

/* Is ring j a hole of ring outer, i.e. inside it (tested at j's first vertex)? A ring
 * nested deeper (an island in a lake) lies inside a hole anyway, so it changes nothing. */
static bool is_hole_of(const bm_geom *g, bm_bbox o, size_t outer, size_t j) {
  if (j == outer || bm_geom_part_len(g, j) < 4 || bm_geom_ring_area(g, j) <= 0) return false;
  const double *p = bm_geom_part_xy(g, j);
  size_t n = bm_geom_part_len(g, j);
  for (size_t k = 0; k < n; k++)
    if (p[2 * k] < o.minx || p[2 * k] > o.maxx || p[2 * k + 1] < o.miny || p[2 * k + 1] > o.maxy)
      return false;
  return ring_contains(g, outer, p[0], p[1]);
}

bool bm_geom_label_anchor(const bm_geom *g, double *x, double *y, double *radius) {
  if (g->type != BM_GEOM_POLYGON || g->nparts == 0) return false;
  size_t best = 0;
  double best_area = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    double a = bm_geom_ring_area(g, i);
    if (a > best_area) best_area = a, best = i;
  }
  if (best_area <= 0) return false;
  /* the rings inside it (lakes, enclaves such as Lesotho in South Africa) are its holes:
   * the label keeps out of them */
  bm_bbox ob = bm_bbox_empty();
  const double *op = bm_geom_part_xy(g, best);
  for (size_t k = 0; k < bm_geom_part_len(g, best); k++)
    bm_bbox_add(&ob, op[2 * k], op[2 * k + 1]);
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  GEOSGeometry *ring = geos_ring(h, g, best);
  GEOSGeometry **holes = malloc(g->nparts * sizeof *holes);
  unsigned nholes = 0;
  bool holes_ok = holes != NULL;
  for (size_t j = 0; ring && holes && j < g->nparts; j++)
    if (is_hole_of(g, ob, best, j)) {
      holes[nholes] = geos_ring(h, g, j);
      if (holes[nholes]) nholes++;
    }
  if (!holes_ok && ring) GEOSGeom_destroy_r(h, ring);
  /* GEOS owns the rings from here */
  GEOSGeometry *poly = ring && holes_ok ? GEOSGeom_createPolygon_r(h, ring, holes, nholes) : NULL;
  free(holes);
  bool ok = false;
  if (poly) {
    GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(h, poly, 1.0);
    if (mic) {
      double x0, y0, x1, y1;
      const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, mic);
      if (s && GEOSCoordSeq_getXY_r(h, s, 0, &x0, &y0) && GEOSCoordSeq_getXY_r(h, s, 1, &x1, &y1)) {
        *x = x0;
        *y = y0;
        *radius = hypot(x1 - x0, y1 - y0);
        ok = true;
      }
      GEOSGeom_destroy_r(h, mic);
    }
    GEOSGeom_destroy_r(h, poly);
  }
  GEOS_finish_r(h);
  return ok;
}
