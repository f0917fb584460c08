/* layers/geo.c — the story's own geometry in lon/lat: range rings, routes,
 * named borders, buffers. Geodesics come from PROJ, through proj/. */
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "proj/proj.h"
#include "story/story.h"

bm_status bm_story_resolve_place(const bm_place_ref *ref, const bm_site *sites, size_t n,
                                 const char *what, const char *spec_path, double *lon, double *lat,
                                 bm_error *err) {
  if (!ref->site) {
    *lon = ref->lon;
    *lat = ref->lat;
    return BM_OK;
  }
  for (size_t i = 0; i < n; i++)
    if (bm_name_equal(sites[i].name, ref->site)) {
      *lon = sites[i].lon;
      *lat = sites[i].lat;
      return BM_OK;
    }
  char list[800] = "";
  size_t k = 0;
  for (size_t i = 0; i < n && k < sizeof list; i++)
    k += (size_t)snprintf(list + k, sizeof list - k, "%s'%s'", i ? ", " : "", sites[i].name);
  return bm_error_set(err, BM_ERR_SPEC, spec_path, ref->pos.line, ref->pos.col,
                      "unknown site '%s' as %s; give one of the map's sites (%s) or [lon, lat]",
                      ref->site, what, n ? list : "it has none");
}

bool bm_story_ring(double lon, double lat, double radius_m, int n, bm_geom *out) {
  bm_geom_reset(out, BM_GEOM_POLYGON);
  if (n < 8) n = 8;
  /* a circle around a pole has no closed ring in lon/lat */
  if (bm_geodesic_distance(lon, lat, lon, lat > 0 ? 90 : -90) <= radius_m) return false;
  if (!bm_geom_begin_part(out)) return false;
  for (int i = 0; i <= n; i++) {
    double x, y;
    bm_geodesic_direct(lon, lat, 360.0 * (i % n) / n, radius_m, &x, &y);
    if (!bm_geom_add(out, bm_lon_unwrap(x, lon), y)) return false;
  }
  return true;
}

bool bm_story_route(double lon1, double lat1, double lon2, double lat2, bm_path_kind path,
                    double step_m, bm_geom *out) {
  bm_geom_reset(out, BM_GEOM_LINE);
  if (!bm_geom_begin_part(out)) return false;
  if (step_m <= 0) step_m = 10000;
  if (path == BM_PATH_GREAT_CIRCLE) {
    double azi1 = 0, s12 = bm_geodesic_inverse(lon1, lat1, lon2, lat2, &azi1);
    int n = (int)ceil(s12 / step_m);
    if (n < 1) n = 1;
    if (n > 20000) n = 20000;
    for (int i = 0; i <= n; i++) {
      double x, y;
      if (i == 0)
        x = lon1, y = lat1;
      else if (i == n)
        x = lon2, y = lat2;
      else
        bm_geodesic_direct(lon1, lat1, azi1, s12 * i / n, &x, &y);
      if (!bm_geom_add(out, bm_lon_unwrap(x, lon1), y)) return false;
    }
    return true;
  }
  /* rhumb: straight in Mercator; made by PROJ so no hand trigonometry */
  if (fabs(lat1) > 89 || fabs(lat2) > 89) return false;
  char def[160];
  snprintf(def, sizeof def, "+proj=merc +lon_0=%.9f +datum=WGS84 +units=m +no_defs", lon1);
  bm_proj *p = NULL;
  if (bm_proj_create(def, &p, NULL)) return false;
  double ends[4] = {lon1, lat1, bm_lon_unwrap(lon2, lon1), lat2};
  bm_proj_forward(p, ends, 2);
  double d = hypot(ends[2] - ends[0], ends[3] - ends[1]);
  /* Mercator's scale is 1/cos(lat): steps in metres of the map are shorter on the ground */
  double cosmax = fmax(cos(fmin(fabs(lat1), fabs(lat2)) * M_PI / 180), 0.02);
  int n = (int)ceil(d * cosmax / step_m);
  if (n < 1) n = 1;
  if (n > 20000) n = 20000;
  double *xy = malloc(sizeof(double) * 2 * (size_t)(n + 1));
  bool ok = xy != NULL;
  for (int i = 0; ok && i <= n; i++) {
    xy[2 * i] = ends[0] + (ends[2] - ends[0]) * i / n;
    xy[2 * i + 1] = ends[1] + (ends[3] - ends[1]) * i / n;
  }
  if (ok) bm_proj_inverse(p, xy, (size_t)n + 1);
  for (int i = 0; ok && i <= n; i++) {
    double x = i == 0 ? lon1 : i == n ? bm_lon_unwrap(lon2, lon1) : bm_lon_unwrap(xy[2 * i], lon1);
    double y = i == 0 ? lat1 : i == n ? lat2 : xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y) || x == HUGE_VAL)
      ok = false;
    else
      ok = bm_geom_add(out, x, y);
  }
  free(xy);
  bm_proj_destroy(p);
  return ok;
}

static bool code_is(const char *v, const char *code) { return v && !bm_strcasecmp(v, code); }

bm_status bm_story_match_border(const bm_features *lines, const bm_country_ref *a,
                                const bm_country_ref *b, const char *spec_path, bool *mask,
                                bm_error *err) {
  int hits = 0;
  for (size_t i = 0; i < lines->n; i++) {
    const char *l = bm_feature_attr(lines, i, "ADM0_A3_L"),
               *r = bm_feature_attr(lines, i, "ADM0_A3_R");
    if ((code_is(l, a->code) && code_is(r, b->code)) ||
        (code_is(l, b->code) && code_is(r, a->code))) {
      mask[i] = true;
      hits++;
    }
  }
  if (hits) return BM_OK;
  /* list a's neighbours in the data, so the user sees what would be valid */
  char list[400] = "";
  size_t k = 0;
  int shown = 0;
  for (size_t i = 0; i < lines->n && k < sizeof list; i++) {
    const char *l = bm_feature_attr(lines, i, "ADM0_A3_L"),
               *r = bm_feature_attr(lines, i, "ADM0_A3_R");
    const char *other = code_is(l, a->code) ? r : code_is(r, a->code) ? l : NULL;
    if (!other || !*other || strstr(list, other)) continue;
    k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", shown++ ? ", " : "", other);
  }
  return bm_error_set(err, BM_ERR_SPEC, spec_path, a->pos.line, a->pos.col,
                      "unknown border %s-%s: Natural Earth's boundary lines have no border "
                      "between %s and %s; %s%s%s",
                      a->code, b->code, a->code, b->code,
                      shown ? a->code : "no country has that code", shown ? " borders: " : "",
                      list);
}

bm_status bm_story_match_border_class(const bm_features *lines, const unsigned char *cls,
                                      bm_boundary_class want, const bm_country_ref *a,
                                      const bm_country_ref *b, const char *spec_path,
                                      bm_spec_pos pos, bool *mask, bm_error *err) {
  bm_status st = bm_story_match_border(lines, a, b, spec_path, mask, err);
  if (st) return st;
  bool shared[BM_BOUNDARY_CLASS_COUNT] = {false};
  int hits = 0;
  for (size_t i = 0; i < lines->n; i++) {
    if (!mask[i]) continue;
    if (cls[i] < BM_BOUNDARY_CLASS_COUNT) shared[cls[i]] = true;
    if (cls[i] == want)
      hits++;
    else
      mask[i] = false;
  }
  if (hits) return BM_OK;
  char list[200] = "";
  size_t k = 0;
  for (int c = 0; c < BM_BOUNDARY_CLASS_COUNT && k < sizeof list; c++)
    if (shared[c])
      k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "",
                            bm_boundary_class_name((bm_boundary_class)c));
  return bm_error_set(err, BM_ERR_SPEC, spec_path, pos.line, pos.col,
                      "border %s-%s: no line of class %s lies between %s and %s in this view "
                      "of Natural Earth's boundary lines; the lines between them are: %s (set "
                      "class: to one of these)",
                      a->code, b->code, bm_boundary_class_name(want), a->code, b->code, list);
}

double bm_story_geodesic_length(const bm_geom *g) {
  double len = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    for (size_t k = 1; k < bm_geom_part_len(g, i); k++)
      len += bm_geodesic_distance(p[2 * k - 2], p[2 * k - 1], p[2 * k], p[2 * k + 1]);
  }
  return len;
}

bool bm_story_line_midpoint(const bm_geom *g, double *lon, double *lat) {
  double best = -1;
  size_t bi = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    double len = 0;
    for (size_t k = 1; k < bm_geom_part_len(g, i); k++)
      len += bm_geodesic_distance(p[2 * k - 2], p[2 * k - 1], p[2 * k], p[2 * k + 1]);
    if (len > best) best = len, bi = i;
  }
  if (best < 0) return false;
  const double *p = bm_geom_part_xy(g, bi);
  size_t n = bm_geom_part_len(g, bi);
  if (n == 1 || best == 0) {
    *lon = p[0], *lat = p[1];
    return true;
  }
  double acc = 0;
  for (size_t k = 1; k < n; k++) {
    double d = bm_geodesic_distance(p[2 * k - 2], p[2 * k - 1], p[2 * k], p[2 * k + 1]);
    if (acc + d >= best / 2) {
      double t = d > 0 ? (best / 2 - acc) / d : 0;
      *lon = p[2 * k - 2] + t * (p[2 * k] - p[2 * k - 2]);
      *lat = p[2 * k - 1] + t * (p[2 * k + 1] - p[2 * k - 1]);
      return true;
    }
    acc += d;
  }
  *lon = p[2 * n - 2], *lat = p[2 * n - 1];
  return true;
}

void bm_story_format_km(double metres, char *buf, size_t n) {
  long km = lround(metres / 1000);
  if (km >= 1000)
    snprintf(buf, n, "%ld,%03ld km", km / 1000, km % 1000);
  else
    snprintf(buf, n, "%ld km", km);
}

/* ---- buffers ------------------------------------------------------------ */

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* One piece of line (lon/lat, n points) buffered by dist_m in an azimuthal
 * equidistant projection centred on the piece, back in lon/lat (densified so
 * that straight edges in the projection stay true in lon/lat). Longitudes come
 * back unwrapped around the piece's centre, itself unwrapped around *ref (the
 * previous piece's centre, updated here), so the pieces of a line across 180
 * meet in one continuous longitude range and their union joins them. */
static GEOSGeometry *buffer_piece(GEOSContextHandle_t h, const double *ll, size_t n, double dist_m,
                                  double *ref) {
  double clon = 0, clat = 0;
  /* centre: the middle vertex is good enough for a piece of at most 500 km */
  clon = ll[2 * (n / 2)], clat = ll[2 * (n / 2) + 1];
  if (isfinite(*ref)) clon = bm_lon_unwrap(clon, *ref);
  *ref = clon;
  char def[200];
  snprintf(def, sizeof def, "+proj=aeqd +lat_0=%.9f +lon_0=%.9f +datum=WGS84 +units=m +no_defs",
           clat, clon);
  bm_proj *p = NULL;
  if (bm_proj_create(def, &p, NULL)) return NULL;
  double *xy = malloc(sizeof(double) * 2 * n);
  GEOSGeometry *res = NULL;
  if (!xy) goto out;
  memcpy(xy, ll, sizeof(double) * 2 * n);
  for (size_t i = 0; i < n; i++)
    xy[2 * i] = bm_lon_unwrap(xy[2 * i], clon);
  bm_proj_forward(p, xy, n);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)(n == 1 ? 1 : n), 2);
  for (size_t i = 0; i < n; i++)
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, xy[2 * i], xy[2 * i + 1]);
  GEOSGeometry *g = n == 1 ? GEOSGeom_createPoint_r(h, cs) : GEOSGeom_createLineString_r(h, cs);
  GEOSGeometry *b = g ? GEOSBuffer_r(h, g, dist_m, 24) : NULL;
  if (g) GEOSGeom_destroy_r(h, g);
  if (!b) goto out;
  /* densify to 1% of the distance (at most 2 km) before going back to lon/lat */
  GEOSGeometry *d = GEOSDensify_r(h, b, fmin(dist_m * 0.05, 2000));
  GEOSGeom_destroy_r(h, b);
  if (!d) goto out;
  /* inverse-project every ring */
  int nr = GEOSGetNumInteriorRings_r(h, d);
  GEOSGeometry **holes = calloc((size_t)(nr > 0 ? nr : 1), sizeof *holes);
  GEOSGeometry *shell = NULL;
  for (int r = -1; holes && r < nr; r++) {
    const GEOSGeometry *ring =
        r < 0 ? GEOSGetExteriorRing_r(h, d) : GEOSGetInteriorRingN_r(h, d, r);
    const GEOSCoordSequence *rs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned m = 0;
    GEOSCoordSeq_getSize_r(h, rs, &m);
    double *q = malloc(sizeof(double) * 2 * (m ? m : 1));
    for (unsigned i = 0; q && i < m; i++)
      GEOSCoordSeq_getXY_r(h, rs, i, &q[2 * i], &q[2 * i + 1]);
    if (q) bm_proj_inverse(p, q, m);
    GEOSCoordSequence *ns = GEOSCoordSeq_create_r(h, m, 2);
    for (unsigned i = 0; q && i < m; i++)
      GEOSCoordSeq_setXY_r(h, ns, i, bm_lon_unwrap(q[2 * i], clon), q[2 * i + 1]);
    free(q);
    GEOSGeometry *lr = GEOSGeom_createLinearRing_r(h, ns);
    if (r < 0)
      shell = lr;
    else
      holes[r] = lr;
  }
  if (shell) res = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)(nr > 0 ? nr : 0));
  free(holes);
  GEOSGeom_destroy_r(h, d);
out:
  free(xy);
  bm_proj_destroy(p);
  return res;
}

static bool add_polygon_rings(GEOSContextHandle_t h, const GEOSGeometry *poly, bm_geom *out) {
  int nr = GEOSGetNumInteriorRings_r(h, poly);
  for (int r = -1; r < nr; r++) {
    const GEOSGeometry *ring =
        r < 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, r);
    const GEOSCoordSequence *rs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned m = 0;
    GEOSCoordSeq_getSize_r(h, rs, &m);
    if (m < 4) continue;
    if (!bm_geom_begin_part(out)) return false;
    for (unsigned i = 0; i < m; i++) {
      double x, y;
      GEOSCoordSeq_getXY_r(h, rs, i, &x, &y);
      if (!bm_geom_add(out, x, y)) return false;
    }
  }
  return true;
}

bm_status bm_story_buffer(const bm_geom *line, double dist_m, bm_geom *out, bm_error *err) {
  bm_geom_reset(out, BM_GEOM_POLYGON);
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  GEOSGeometry **pieces = NULL;
  size_t np = 0, cap = 0;
  bm_status st = BM_OK;
  const double piece_m = 500e3;
  double ref = NAN; /* the longitude the pieces are unwrapped around */
  for (size_t i = 0; !st && i < line->nparts; i++) {
    const double *p = bm_geom_part_xy(line, i);
    size_t n = bm_geom_part_len(line, i);
    if (line->type == BM_GEOM_POINT) n = n ? 1 : 0;
    size_t start = 0;
    while (!st && start < n) {
      /* grow the piece up to piece_m of geodesic length */
      size_t end = start + 1;
      double len = 0;
      while (end < n && line->type != BM_GEOM_POINT) {
        len += bm_geodesic_distance(p[2 * end - 2], p[2 * end - 1], p[2 * end], p[2 * end + 1]);
        end++;
        if (len >= piece_m) break;
      }
      if (np == cap) {
        cap = cap ? cap * 2 : 16;
        GEOSGeometry **v = realloc(pieces, cap * sizeof *v);
        if (!v) {
          st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
          break;
        }
        pieces = v;
      }
      GEOSGeometry *b = buffer_piece(h, p + 2 * start, end - start, dist_m, &ref);
      if (!b) {
        st = bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "cannot buffer a line (GEOS)");
        break;
      }
      pieces[np++] = b;
      if (end >= n) break;
      start = end - 1; /* pieces share their end vertex */
    }
    if (line->type == BM_GEOM_POINT && n) {
      /* every point of a point geometry is its own piece */
      for (size_t k = 1; !st && k < bm_geom_part_len(line, i); k++) {
        GEOSGeometry *b = buffer_piece(h, p + 2 * k, 1, dist_m, &ref);
        if (!b) break;
        if (np == cap) {
          cap = cap * 2;
          GEOSGeometry **v = realloc(pieces, cap * sizeof *v);
          if (!v) break;
          pieces = v;
        }
        pieces[np++] = b;
      }
    }
  }
  if (!st && np) {
    GEOSGeometry *coll =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, pieces, (unsigned)np);
    np = 0; /* owned by the collection now */
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll) GEOSGeom_destroy_r(h, coll);
    if (!u)
      st = bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "cannot join the buffer's pieces (GEOS)");
    else {
      int t = GEOSGeomTypeId_r(h, u);
      bool ok = true;
      if (t == GEOS_POLYGON)
        ok = add_polygon_rings(h, u, out);
      else
        for (int k = 0; ok && k < GEOSGetNumGeometries_r(h, u); k++)
          ok = add_polygon_rings(h, GEOSGetGeometryN_r(h, u, k), out);
      if (!ok) st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      GEOSGeom_destroy_r(h, u);
    }
  }
  for (size_t i = 0; i < np; i++)
    GEOSGeom_destroy_r(h, pieces[i]);
  free(pieces);
  GEOS_finish_r(h);
  return st;
}
