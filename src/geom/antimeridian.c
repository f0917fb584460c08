#include "geom/antimeridian.h"

#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* -1: ring i touches the cut on the west (-180) side, 1: on the east side, 0: neither. */
static int ring_side(const bm_geom *g, size_t i) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  int side = 0;
  for (size_t k = 0; k < n && !side; k++) {
    if (p[2 * k] >= BM_ANTIMERIDIAN_CUT && p[2 * k] <= 180.0) side = 1;
    if (p[2 * k] <= -BM_ANTIMERIDIAN_CUT && p[2 * k] >= -180.0) side = -1;
  }
  return side;
}

bool bm_geom_cut_at_antimeridian(const bm_geom *g) {
  if (g->type != BM_GEOM_POLYGON) return false;
  bool east = false, west = false;
  for (size_t i = 0; i < g->nparts && !(east && west); i++) {
    int s = ring_side(g, i);
    east |= s > 0;
    west |= s < 0;
  }
  return east && west;
}

/* Ring i as a GEOS polygon, moved a whole turn east when west, with its cut
 * vertices on 180; NULL when it has too few points. */
static GEOSGeometry *cut_ring(GEOSContextHandle_t h, const bm_geom *g, size_t i, bool west) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  bool closed = n > 0 && p[0] == p[2 * n - 2] && p[1] == p[2 * n - 1];
  size_t m = closed ? n : n + 1;
  if (m < 4) return NULL;
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)m, 2);
  if (!cs) return NULL;
  for (size_t k = 0; k < m; k++) {
    size_t at = k % n;
    double x = p[2 * at] + (west ? 360 : 0);
    if (fabs(x - 180) <= 180 - BM_ANTIMERIDIAN_CUT) x = 180;
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)k, x, p[2 * at + 1]);
  }
  GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, cs);
  GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0) : NULL;
  if (!poly) return NULL;
  if (GEOSisValid_r(h, poly) == 1) return poly;
  GEOSGeometry *valid = GEOSMakeValid_r(h, poly);
  GEOSGeom_destroy_r(h, poly);
  return valid;
}

static bool add_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, bm_geom *out) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned n = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4) return true;
  if (!bm_geom_begin_part(out)) return false;
  for (unsigned k = 0; k < n; k++) {
    double x, y;
    GEOSCoordSeq_getXY_r(h, cs, k, &x, &y);
    if (!bm_geom_add(out, x, y)) return false;
  }
  return true;
}

/* Appends the rings of every polygon in geometry u to out. */
static bool add_polygons(GEOSContextHandle_t h, const GEOSGeometry *u, bm_geom *out) {
  int type = GEOSGeomTypeId_r(h, u);
  if (type == GEOS_POLYGON) {
    if (!add_ring(h, GEOSGetExteriorRing_r(h, u), out)) return false;
    for (int r = 0; r < GEOSGetNumInteriorRings_r(h, u); r++)
      if (!add_ring(h, GEOSGetInteriorRingN_r(h, u, r), out)) return false;
    return true;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    for (int k = 0; k < GEOSGetNumGeometries_r(h, u); k++)
      if (!add_polygons(h, GEOSGetGeometryN_r(h, u, k), out)) return false;
  }
  return true;
}

bool bm_geom_join_antimeridian(bm_geom *g) {
  if (!bm_geom_cut_at_antimeridian(g)) return true;
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  GEOSGeometry **pieces = calloc(g->nparts, sizeof *pieces);
  unsigned np = 0;
  bool ok = pieces != NULL, mem = ok;
  for (size_t i = 0; ok && i < g->nparts; i++) {
    int s = ring_side(g, i);
    if (!s) continue;
    GEOSGeometry *poly = cut_ring(h, g, i, s < 0);
    if (poly) pieces[np++] = poly;
  }
  GEOSGeometry *coll =
      ok && np ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, pieces, np) : NULL;
  if (coll) np = 0; /* the collection owns them */
  GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
  bm_geom out;
  bm_geom_init(&out, BM_GEOM_POLYGON);
  if (u) {
    /* the rings away from the cut, as they were, then the merged ones */
    for (size_t i = 0; mem && i < g->nparts; i++) {
      if (ring_side(g, i)) continue;
      const double *p = bm_geom_part_xy(g, i);
      mem = bm_geom_begin_part(&out);
      for (size_t k = 0; mem && k < bm_geom_part_len(g, i); k++)
        mem = bm_geom_add(&out, p[2 * k], p[2 * k + 1]);
    }
    mem = mem && add_polygons(h, u, &out);
    if (mem) {
      bm_geom_free(g);
      *g = out;
    } else
      bm_geom_free(&out);
    GEOSGeom_destroy_r(h, u);
  }
  if (coll) GEOSGeom_destroy_r(h, coll);
  for (unsigned k = 0; k < np; k++)
    GEOSGeom_destroy_r(h, pieces[k]);
  free(pieces);
  GEOS_finish_r(h);
  return mem;
}
