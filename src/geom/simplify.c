#include "geom/simplify.h"

#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

void bm_geom_simplify(bm_geom *g, double tol) {
  if (g->type == BM_GEOM_POINT) return;
  size_t out = 0, out_parts = 0;
  double tol2 = tol * tol;
  bool poly = g->type == BM_GEOM_POLYGON;
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
    size_t len = out - start;
    if ((poly && len < 4) || len < 2) {
      out = start;
      continue;
    }
    g->part[out_parts++] = start;
  }
  g->npts = out;
  g->nparts = out_parts;
  if (g->part) g->part[out_parts] = out;
}

double bm_geom_ring_area(const bm_geom *g, size_t i) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  double a = 0;
  for (size_t k = 0; k + 1 < n; k++) a += p[2 * k] * p[2 * k + 3] - p[2 * k + 2] * p[2 * k + 1];
  return fabs(a) / 2;
}

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

bool bm_geom_label_anchor(const bm_geom *g, double *x, double *y, double *radius) {
  if (g->type != BM_GEOM_POLYGON || g->nparts == 0) return false;
  size_t best = 0;
  double best_area = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    double a = bm_geom_ring_area(g, i);
    if (a > best_area) best_area = a, best = i;
  }
  if (best_area <= 0) return false;
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  const double *p = bm_geom_part_xy(g, best);
  size_t n = bm_geom_part_len(g, best);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
  for (size_t k = 0; k < n; k++) GEOSCoordSeq_setXY_r(h, cs, (unsigned)k, p[2 * k], p[2 * k + 1]);
  GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, cs);
  GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0) : NULL;
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
