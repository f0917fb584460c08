#include "proj/proj.h"

#include "geom/clip.h"

#include <geodesic.h>
#include <math.h>
#include <proj.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HZ_N = 720 }; /* horizon samples, one per half degree of azimuth */

struct bm_proj {
  PJ_CONTEXT *ctx;
  PJ *pj;
  char definition[512];
  double lon0;
  /* A projection with a horizon (orthographic, perspective): `rot` turns
   * lon/lat into a rotated lon/lat whose north pole is the view's centre, and
   * hz[i] is the rotated latitude of the horizon at rotated longitude
   * -180 + i/2 (a point is visible when its rotated latitude is above it).
   * NULL / unused for every other projection. */
  PJ *rot;
  double clon, clat;
  double hz[HZ_N + 1];
  char method[80];
  bool tears; /* the map tears along the meridian opposite lon0 (not azimuthal) */
};

static void setup_horizon(bm_proj *p);

/* PROJ's proj_create_crs_to_crs looks the pair of CRSs up in its database: 35-50 ms for
 * the first one in a process, more than the whole projection stage of the story map. For a PROJ
 * string on the WGS84 ellipsoid with nothing that shifts the datum (what auto chooses, and the
 * helper CRSs below) the operation it finds is the same pipeline: degrees to radians, the
 * projection on WGS84, then the string's units. direct_pipeline writes that pipeline, with the same
 * steps and so the same numbers (tests/unit/proj_test compares them bit for bit); false for
 * anything else (EPSG codes, WKT, other datums, grids, units), which goes to the database. */
static bool direct_pipeline(const char *def, char *out, size_t n) {
  /* the projection parameters a step takes as they are */
  static const char *const keep[] = {"lat_0", "lon_0",  "lat_1",   "lat_2",   "x_0",
                                     "y_0",   "o_proj", "o_lat_p", "o_lon_p", NULL};
  char buf[512], step[600] = "";
  if (snprintf(buf, sizeof buf, "%s", def) >= (int)sizeof buf) return false;
  bool wgs84 = false, angular = false;
  const char *to_unit = NULL, *proj = NULL;
  for (char *save = NULL, *tok = strtok_r(buf, " \t", &save); tok;
       tok = strtok_r(NULL, " \t", &save)) {
    if (tok[0] != '+') return false;
    const char *key = tok + 1, *eq = strchr(key, '=');
    size_t klen = eq ? (size_t)(eq - key) : strlen(key);
    const char *val = eq ? eq + 1 : "";
#define IS(k) (klen == strlen(k) && !strncmp(key, k, klen))
    if (IS("no_defs") || (IS("type") && !strcmp(val, "crs"))) continue;
    if (IS("datum") || IS("ellps")) {
      if (strcmp(val, "WGS84")) return false;
      wgs84 = true;
      continue;
    }
    if (IS("units")) {
      if (!strcmp(val, "km"))
        to_unit = "km";
      else if (strcmp(val, "m"))
        return false;
      continue;
    }
    if (IS("proj")) {
      /* the projections auto chooses and the helpers' below; PROJ rewrites some others
       * (a tmerc that is a UTM zone becomes utm, with other numbers) */
      static const char *const direct[] = {"laea", "aea",   "eqearth",  "aeqd", "ob_tran", "ortho",
                                           "eqc",  "robin", "natearth", "moll", "merc",    NULL};
      bool ok = false;
      for (int i = 0; direct[i] && !ok; i++)
        ok = !strcmp(val, direct[i]);
      if (!ok) return false;
      proj = val;
    } else {
      bool known = false;
      for (int i = 0; keep[i] && !known; i++)
        known = IS(keep[i]);
      if (!known) return false;
      if (IS("o_proj"))
        angular = !strcmp(val, "longlat") || !strcmp(val, "latlong") || !strcmp(val, "lonlat") ||
                  !strcmp(val, "latlon");
    }
#undef IS
    size_t len = strlen(step);
    snprintf(step + len, sizeof step - len, " +%s", key);
  }
  if (!proj || !wgs84 || (angular && strcmp(proj, "ob_tran"))) return false;
  int w =
      snprintf(out, n,
               "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step%s "
               "+ellps=WGS84%s%s%s",
               step, angular ? " +step +proj=unitconvert +xy_in=rad +xy_out=deg" : "",
               to_unit ? " +step +proj=unitconvert +xy_in=m +xy_out=" : "", to_unit ? to_unit : "");
  return w > 0 && (size_t)w < n;
}

/* From lon/lat degrees (WGS84, longitude first) to the CRS def, or NULL (see the
 * context's errno). */
static PJ *lonlat_to(PJ_CONTEXT *ctx, const char *def) {
  char pipeline[800];
  if (direct_pipeline(def, pipeline, sizeof pipeline)) {
    PJ *pj = proj_create(ctx, pipeline);
    if (pj) return pj;
  }
  PJ *raw = proj_create_crs_to_crs(ctx, "EPSG:4326", def, NULL);
  PJ *pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL;
  if (raw) proj_destroy(raw);
  return pj;
}

/* The CRS a transformation from lonlat_to ends in: PROJ's own target, or for a direct
 * pipeline (which has none) the definition read as a CRS. */
static PJ *target_crs(PJ_CONTEXT *ctx, PJ *pj, const char *def) {
  PJ *t = proj_get_target_crs(ctx, pj);
  if (t) return t;
  char crs[600];
  snprintf(crs, sizeof crs, "%s%s", def, strstr(def, "+type=crs") ? "" : " +type=crs");
  return proj_create(ctx, crs);
}

void bm_proj_auto_definition(bm_bbox ll, char *buf, size_t n) {
  double dlon = ll.maxx - ll.minx, dlat = ll.maxy - ll.miny;
  double lon0 = (ll.minx + ll.maxx) / 2, lat0 = (ll.miny + ll.maxy) / 2;
  /* round the centre so the definition reads well and is stable */
  lon0 = round(lon0 * 10) / 10;
  if (lon0 > 180) lon0 -= 360; /* an extent past 180 (RUS, FJI) */
  lat0 = round(lat0 * 10) / 10;
  const char *tail = "+datum=WGS84 +units=m +no_defs";
  /* an extent that comes within 10 degrees of a pole, on that pole's side of
   * the equator, is a polar map, even when it spans every longitude */
  bool north = ll.maxy >= 80 && ll.miny >= 0, south = ll.miny <= -80 && ll.maxy <= 0;
  if (north || south)
    snprintf(buf, n, "+proj=laea +lat_0=%g +lon_0=%g %s", north ? 90.0 : -90.0, lon0, tail);
  else if (dlon > 200 || dlat > 120)
    snprintf(buf, n, "+proj=eqearth +lon_0=%g %s", lon0, tail);
  else if (dlon > 1.3 * dlat && fabs(lat0) > 15 && dlat > 2) {
    double lat1 = round((ll.miny + dlat / 6) * 10) / 10,
           lat2 = round((ll.maxy - dlat / 6) * 10) / 10;
    snprintf(buf, n, "+proj=aea +lat_1=%g +lat_2=%g +lat_0=%g +lon_0=%g %s", lat1, lat2, lat0, lon0,
             tail);
  } else
    snprintf(buf, n, "+proj=laea +lat_0=%g +lon_0=%g %s", lat0, lon0, tail);
}

bool bm_proj_recentred_definition(const bm_proj *p, double lon0, char *buf, size_t n) {
  PJ *crs = proj_create(p->ctx, p->definition);
  const char *s = crs ? proj_as_proj_string(p->ctx, crs, PJ_PROJ_4, NULL) : NULL;
  bool ok = false;
  if (s && strstr(s, "+proj=") && !strstr(s, "+proj=pipeline")) {
    char rest[1024] = "";
    snprintf(rest, sizeof rest, "%s", s);
    /* drop the central meridian and PROJ's "+type=crs" marker */
    static const char *const drop[] = {"+lon_0=", "+type=crs", NULL};
    for (int d = 0; drop[d]; d++) {
      char *at = strstr(rest, drop[d]);
      if (!at) continue;
      char *end = strchr(at, ' ');
      memmove(at, end ? end + 1 : at + strlen(at), strlen(end ? end + 1 : at + strlen(at)) + 1);
    }
    /* drop a trailing space, then add the new central meridian */
    size_t len = strlen(rest);
    while (len && rest[len - 1] == ' ')
      rest[--len] = 0;
    ok = (size_t)snprintf(buf, n, "%s +lon_0=%g", rest, lon0) < n;
  }
  if (crs) proj_destroy(crs);
  return ok;
}

double bm_proj_max_distortion(const bm_proj *p, bm_bbox frame, int steps) {
  PJ *crs = proj_create(p->ctx, p->definition);
  if (!crs) return HUGE_VAL;
  double worst = 0;
  for (int i = 0; i <= steps; i++)
    for (int j = 0; j <= steps; j++) {
      double xy[2] = {frame.minx + (frame.maxx - frame.minx) * i / steps,
                      frame.miny + (frame.maxy - frame.miny) * j / steps};
      bm_proj_inverse(p, xy, 1);
      if (xy[0] == HUGE_VAL || xy[1] == HUGE_VAL) continue; /* off the earth */
      /* check the point is on the earth: it must project back to where it was */
      double back[2] = {xy[0], xy[1]};
      bm_proj_forward(p, back, 1);
      double tol = 1e-6 * (frame.maxx - frame.minx);
      double x0 = frame.minx + (frame.maxx - frame.minx) * i / steps,
             y0 = frame.miny + (frame.maxy - frame.miny) * j / steps;
      if (back[0] == HUGE_VAL || fabs(back[0] - x0) > tol || fabs(back[1] - y0) > tol) continue;
      if (fabs(xy[1]) > 89.999) continue; /* the factors are undefined at a pole */
      PJ_COORD c = proj_coord(proj_torad(xy[0]), proj_torad(xy[1]), 0, 0);
      PJ_FACTORS f = proj_factors(crs, c);
      if (proj_errno(crs)) {
        proj_errno_reset(crs);
        continue;
      }
      /* the largest linear scale error in any direction: Tissot's semi-axes
       * are the largest and smallest scale at the point (for an equal-area
       * projection a * b = 1, so this also bounds the shape distortion) */
      double d = fmax(fabs(f.tissot_semimajor - 1), fabs(1 - f.tissot_semiminor));
      worst = fmax(worst, d);
    }
  proj_destroy(crs);
  return worst;
}

/* bm_proj_keep's transforms: each used by one owner at a time, the pool itself shared
 * by the threads of the process. */
enum { KEEP_MAX = 8 };
static bm_proj *kept[KEEP_MAX];
static int nkeep;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

void bm_proj_keep(int n) {
  pthread_mutex_lock(&kept_lock);
  nkeep = n < 0 ? 0 : n > KEEP_MAX ? KEEP_MAX : n;
  pthread_mutex_unlock(&kept_lock);
}

static bm_proj *take_kept(const char *definition) {
  bm_proj *p = NULL;
  pthread_mutex_lock(&kept_lock);
  for (int i = 0; !p && i < KEEP_MAX; i++)
    if (kept[i] && !strcmp(kept[i]->definition, definition)) p = kept[i], kept[i] = NULL;
  pthread_mutex_unlock(&kept_lock);
  return p;
}

/* True when p went into the pool. */
static bool put_kept(bm_proj *p) {
  bool put = false;
  pthread_mutex_lock(&kept_lock);
  for (int i = 0; !put && i < nkeep; i++)
    if (!kept[i]) kept[i] = p, put = true;
  pthread_mutex_unlock(&kept_lock);
  return put;
}

static void proj_free(bm_proj *p) {
  if (p->pj) proj_destroy(p->pj);
  if (p->rot) proj_destroy(p->rot);
  if (p->ctx) proj_context_destroy(p->ctx);
  free(p);
}

bm_status bm_proj_create(const char *definition, bm_proj **out, bm_error *err) {
  *out = take_kept(definition);
  if (*out) return BM_OK;
  bm_proj *p = calloc(1, sizeof *p);
  if (!p) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  snprintf(p->definition, sizeof p->definition, "%s", definition);
  p->ctx = proj_context_create();
  proj_log_level(p->ctx, PJ_LOG_NONE);
  /* no network grids: results must not depend on what a CDN answers */
  proj_context_set_enable_network(p->ctx, 0);
  p->pj = lonlat_to(p->ctx, definition);
  if (!p->pj) {
    int e = proj_context_errno(p->ctx);
    bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                 "projection '%s' is not valid (%s); use auto, EPSG:nnnn or a PROJ string such "
                 "as '+proj=laea +lat_0=38 +lon_0=69'",
                 definition, proj_context_errno_string(p->ctx, e));
    proj_free(p);
    return BM_ERR_PROJ;
  }
  PJ *target = target_crs(p->ctx, p->pj, definition);
  PJ_TYPE t = target ? proj_get_type(target) : PJ_TYPE_UNKNOWN;
  bool projected = t == PJ_TYPE_PROJECTED_CRS || t == PJ_TYPE_BOUND_CRS;
  /* central meridian: the projection's own longitude-of-origin parameter,
   * else the longitude that projects to x = 0 on the equator */
  p->lon0 = 0;
  bool found = false;
  PJ *op = target ? proj_crs_get_coordoperation(p->ctx, target) : NULL;
  for (int i = 0; op && i < proj_coordoperation_get_param_count(p->ctx, op); i++) {
    const char *name = NULL;
    double value = 0, conv = 0;
    proj_coordoperation_get_param(p->ctx, op, i, &name, NULL, NULL, &value, NULL, &conv, NULL, NULL,
                                  NULL, NULL);
    if (name && strstr(name, "Latitude") && conv > 0 && !strstr(name, "parallel"))
      p->clat = value * conv * 180 / M_PI;
    if (name && strstr(name, "Longitude") && conv > 0 && !found) {
      p->lon0 = value * conv * 180 / M_PI;
      found = true;
    }
  }
  const char *method = NULL;
  if (op && proj_coordoperation_get_method_info(p->ctx, op, &method, NULL, NULL) && method)
    snprintf(p->method, sizeof p->method, "%s", method);
  if (op) proj_destroy(op);
  if (!found && p->pj) {
    PJ_COORD f = proj_trans(p->pj, PJ_FWD, proj_coord(0, 0, 0, 0));
    PJ_COORD i = proj_trans(p->pj, PJ_INV, proj_coord(0, f.xy.y, 0, 0));
    if (isfinite(i.lp.lam) && fabs(i.lp.lam) <= 360) p->lon0 = i.lp.lam;
  }
  if (target) proj_destroy(target);
  /* Does the map tear along the seam? Points a hair either side of it land
   * far apart on cylindrical, pseudo-cylindrical and conic maps, next to each
   * other on azimuthal ones (which tear only at the antipode, never in view). */
  p->tears = false;
  for (int lat = -60; p->pj && lat <= 60; lat += 30) {
    double s = bm_lon_unwrap(p->lon0 + 180, 0);
    PJ_COORD a = proj_trans(p->pj, PJ_FWD, proj_coord(s - 1e-6, lat, 0, 0));
    PJ_COORD b = proj_trans(p->pj, PJ_FWD, proj_coord(s + 1e-6, lat, 0, 0));
    double d = hypot(a.xy.x - b.xy.x, a.xy.y - b.xy.y);
    if (isfinite(a.xy.x) && isfinite(b.xy.x) && !(d < 1000)) p->tears = true;
  }
  if (!p->pj || !projected) {
    bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                 "projection '%s' is not a projected CRS in metres; a map needs one such as "
                 "EPSG:3857 or '+proj=laea ...' (or auto)",
                 definition);
    proj_free(p);
    return BM_ERR_PROJ;
  }
  setup_horizon(p);
  *out = p;
  return BM_OK;
}

bm_status bm_proj_clone(const bm_proj *p, bm_proj **out, bm_error *err) {
  return bm_proj_create(p->definition, out, err);
}

void bm_proj_destroy(bm_proj *p) {
  if (p && !put_kept(p)) proj_free(p);
}

const char *bm_proj_definition(const bm_proj *p) { return p->definition; }

bool bm_proj_tears(const bm_proj *p) { return p->tears; }

double bm_proj_seam_lon(const bm_proj *p) {
  double s = p->lon0 + 180;
  s = bm_lon_unwrap(s, 0);
  return s;
}

static void trans(const bm_proj *p, PJ_DIRECTION dir, double *xy, size_t n) {
  if (n == 0) return;
  proj_trans_generic(p->pj, dir, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double), n, NULL, 0,
                     0, NULL, 0, 0);
  for (size_t i = 0; i < 2 * n; i++)
    if (!isfinite(xy[i]) || fabs(xy[i]) > 1e12) xy[i] = HUGE_VAL;
}

void bm_proj_forward(const bm_proj *p, double *xy, size_t n) { trans(p, PJ_FWD, xy, n); }
void bm_proj_inverse(const bm_proj *p, double *xy, size_t n) { trans(p, PJ_INV, xy, n); }

/* Adds points so no edge is longer than step degrees: straight lon/lat edges
 * become curves after projection, as they should. */
static bool densify(const bm_geom *in, bm_geom *out, double step) {
  bm_geom_reset(out, in->type);
  for (size_t i = 0; i < in->nparts; i++) {
    const double *p = bm_geom_part_xy(in, i);
    size_t n = bm_geom_part_len(in, i);
    if (!bm_geom_begin_part(out)) return false;
    for (size_t k = 0; k < n; k++) {
      if (k > 0 && in->type != BM_GEOM_POINT) {
        double dx = p[2 * k] - p[2 * k - 2], dy = p[2 * k + 1] - p[2 * k - 1];
        double len = fmax(fabs(dx), fabs(dy));
        if (len > step) {
          int steps = (int)ceil(len / step);
          if (steps > 10000) steps = 10000;
          for (int s = 1; s < steps; s++)
            if (!bm_geom_add(out, p[2 * k - 2] + dx * s / steps, p[2 * k - 1] + dy * s / steps))
              return false;
        }
      }
      if (!bm_geom_add(out, p[2 * k], p[2 * k + 1])) return false;
    }
  }
  return true;
}

/* Drops points that did not project: lines are split there, rings lose the vertex. */
static bool drop_unprojected(const bm_geom *in, bm_geom *out) {
  bm_geom_reset(out, in->type);
  for (size_t i = 0; i < in->nparts; i++) {
    const double *p = bm_geom_part_xy(in, i);
    size_t n = bm_geom_part_len(in, i);
    bool open = false;
    for (size_t k = 0; k < n; k++) {
      bool ok = p[2 * k] != HUGE_VAL && p[2 * k + 1] != HUGE_VAL;
      if (!ok) {
        if (in->type != BM_GEOM_POLYGON) open = false;
        continue;
      }
      if (!open && !bm_geom_begin_part(out)) return false;
      open = true;
      if (!bm_geom_add(out, p[2 * k], p[2 * k + 1])) return false;
    }
  }
  bm_geom_drop_short_parts(out, in->type == BM_GEOM_POLYGON ? 4 : in->type == BM_GEOM_LINE ? 2 : 1);
  return true;
}

/* Appends src's parts to dst, moving x by dx. */
static bool append_shifted(bm_geom *dst, const bm_geom *src, double dx) {
  for (size_t i = 0; i < src->nparts; i++) {
    if (!bm_geom_begin_part(dst)) return false;
    const double *q = bm_geom_part_xy(src, i);
    for (size_t k = 0; k < bm_geom_part_len(src, i); k++)
      if (!bm_geom_add(dst, q[2 * k] + dx, q[2 * k + 1])) return false;
  }
  return true;
}

/* Appends the parts of g inside box r, clipped, to out. */
static bool clip_append(const bm_geom *g, bm_bbox r, bm_geom *out, bm_geom *tmp) {
  return bm_geom_clip_rect(g, r, tmp) && append_shifted(out, tmp, 0);
}

/* ---- the horizon ---------------------------------------------------------- */

/* Transforms n points with pj (any direction), HUGE_VAL where it fails. */
static void trans_pj(PJ *pj, PJ_DIRECTION dir, double *xy, size_t n) {
  if (n == 0) return;
  proj_trans_generic(pj, dir, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double), n, NULL, 0, 0,
                     NULL, 0, 0);
  for (size_t i = 0; i < 2 * n; i++)
    if (!isfinite(xy[i]) || fabs(xy[i]) > 1e12) xy[i] = HUGE_VAL;
}

static bool visible_rot(const bm_proj *p, double lonr, double latr) {
  double xy[2] = {lonr, latr};
  trans_pj(p->rot, PJ_INV, xy, 1);
  if (xy[0] == HUGE_VAL) return false;
  trans_pj(p->pj, PJ_FWD, xy, 1);
  return xy[0] != HUGE_VAL && xy[1] != HUGE_VAL;
}

/* A projection that cannot show a large share of the globe (more than 15% of
 * a 10-degree grid fails) and whose visible part is a cap around its centre
 * has a horizon: find it, one bisection per half degree of azimuth. */
static void setup_horizon(bm_proj *p) {
  enum { NX = 36, NY = 17 };
  double grid[2 * NX * NY];
  for (int i = 0; i < NX; i++)
    for (int j = 0; j < NY; j++) {
      grid[2 * (i * NY + j)] = -175 + 10 * i;
      grid[2 * (i * NY + j) + 1] = -80 + 10 * j;
    }
  trans(p, PJ_FWD, grid, NX * NY);
  int failed = 0;
  for (int i = 0; i < NX * NY; i++)
    failed += grid[2 * i] == HUGE_VAL;
  if (failed < NX * NY * 15 / 100) return;
  p->clon = p->lon0;
  char def[256];
  snprintf(def, sizeof def,
           "+proj=ob_tran +o_proj=longlat +o_lat_p=%.12g +o_lon_p=0 +lon_0=%.12g +datum=WGS84 "
           "+no_defs +type=crs",
           p->clat, bm_lon_unwrap(p->clon + 180, 0));
  p->rot = lonlat_to(p->ctx, def);
  if (!p->rot) return;
  double c[2] = {p->clon, p->clat};
  trans_pj(p->rot, PJ_FWD, c, 1);
  bool ok = c[1] != HUGE_VAL && c[1] > 89.99;
  for (int i = 0; ok && i <= HZ_N; i++) {
    double lonr = -180 + 360.0 * i / HZ_N, hi = 89.9, lo = -89.9;
    if (!visible_rot(p, lonr, hi) || visible_rot(p, lonr, lo)) ok = false;
    for (int it = 0; ok && it < 40; it++) {
      double mid = (hi + lo) / 2;
      if (visible_rot(p, lonr, mid))
        hi = mid;
      else
        lo = mid;
    }
    p->hz[i] = hi + 0.02; /* a little inside, so every kept point projects */
  }
  if (!ok) {
    proj_destroy(p->rot);
    p->rot = NULL;
  }
}

bool bm_proj_has_horizon(const bm_proj *p) { return p->rot != NULL; }

const char *bm_proj_method(const bm_proj *p) { return p->method; }

/* The horizon's rotated latitude at rotated longitude x (any turn). */
static double hz_at(const bm_proj *p, double x) {
  double t = (bm_lon_unwrap(x, 0) + 180) / 360 * HZ_N;
  if (t < 0) t = 0;
  if (t > HZ_N) t = HZ_N;
  int i = (int)floor(t);
  if (i >= HZ_N) i = HZ_N - 1;
  double f = t - i;
  return p->hz[i] * (1 - f) + p->hz[i + 1] * f;
}

bool bm_proj_earth_outline(const bm_proj *p, bm_geom *out) {
  bm_geom_reset(out, BM_GEOM_POLYGON);
  if (!bm_geom_begin_part(out)) return false;
  if (p->rot) {
    double xy[2 * HZ_N];
    for (int i = 0; i < HZ_N; i++) {
      xy[2 * i] = -180 + 360.0 * i / HZ_N;
      xy[2 * i + 1] = p->hz[i];
    }
    trans_pj(p->rot, PJ_INV, xy, HZ_N);
    bm_proj_forward(p, xy, HZ_N);
    for (int i = 0; i < HZ_N; i++)
      if (xy[2 * i] != HUGE_VAL && xy[2 * i + 1] != HUGE_VAL &&
          !bm_geom_add(out, xy[2 * i], xy[2 * i + 1]))
        return false;
  } else {
    /* the lon/lat world's edge, a hair inside the seam, half a degree a step */
    double w = p->lon0 - 180 + 1e-7, e = p->lon0 + 180 - 1e-7;
    enum { NS = 360, NW = 720 };
    double *xy = malloc(sizeof(double) * 2 * (2 * NS + 2 * NW + 4));
    if (!xy) return false;
    size_t n = 0;
    for (int i = 0; i <= NS; i++, n++) /* west edge, south to north */
      xy[2 * n] = w, xy[2 * n + 1] = -90 + 180.0 * i / NS;
    for (int i = 1; i <= NW; i++, n++) /* north edge, west to east */
      xy[2 * n] = w + (e - w) * i / NW, xy[2 * n + 1] = 90;
    for (int i = 1; i <= NS; i++, n++) /* east edge, north to south */
      xy[2 * n] = e, xy[2 * n + 1] = 90 - 180.0 * i / NS;
    for (int i = 1; i < NW; i++, n++) /* south edge, east to west */
      xy[2 * n] = e - (e - w) * i / NW, xy[2 * n + 1] = -90;
    for (size_t i = 0; i < n; i++)
      xy[2 * i] = bm_lon_unwrap(xy[2 * i], 0),
             xy[2 * i + 1] = fmax(-89.999999, fmin(89.999999, xy[2 * i + 1]));
    bm_proj_forward(p, xy, n);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
      if (xy[2 * i] != HUGE_VAL && xy[2 * i + 1] != HUGE_VAL)
        ok = bm_geom_add(out, xy[2 * i], xy[2 * i + 1]);
    free(xy);
    if (!ok) return false;
  }
  bm_geom_drop_short_parts(out, 3);
  return true;
}

/* Even-odd: is (x, y) inside the ring of n points? */
static bool ring_contains(const double *r, size_t n, double x, double y) {
  bool in = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    double xi = r[2 * i], yi = r[2 * i + 1], xj = r[2 * j], yj = r[2 * j + 1];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}

static double ring_signed_area(const double *r, size_t n) {
  double a = 0;
  for (size_t i = 0, j = n - 1; i < n; j = i++)
    a += (r[2 * j] - r[2 * i]) * (r[2 * j + 1] + r[2 * i + 1]);
  return a / 2;
}

/* One part, in rotated lon/lat unwrapped along its course and shifted so that
 * y is the height above the horizon, cut to y >= 0 (the visible cap), its cut
 * edges walked along the horizon, back to lon/lat, appended to out. */
static bool clip_part(const bm_proj *p, const double *ll, size_t n, bm_geom_type type,
                      bm_geom *out) {
  bool poly = type == BM_GEOM_POLYGON;
  double *r = malloc(sizeof(double) * 2 * (n + 4));
  if (!r) return false;
  memcpy(r, ll, sizeof(double) * 2 * n);
  trans_pj(p->rot, PJ_FWD, r, n);
  size_t nv = 0, bad = 0;
  for (size_t k = 0; k < n; k++) {
    if (r[2 * k] == HUGE_VAL) {
      bad++;
      continue;
    }
    nv += r[2 * k + 1] > hz_at(p, r[2 * k]);
  }
  bool c_in = false, a_in = false;
  if (poly) {
    c_in = ring_contains(ll, n, p->clon, p->clat);
    a_in = ring_contains(ll, n, bm_lon_unwrap(p->clon + 180, 0), -p->clat);
  }
  bool ok = true;
  if (bad || nv == n) { /* all on the visible side (or not rotatable): unchanged */
    ok = bm_geom_begin_part(out);
    for (size_t k = 0; ok && k < n; k++)
      ok = bm_geom_add(out, ll[2 * k], ll[2 * k + 1]);
    free(r);
    return ok;
  }
  if (nv == 0 && !c_in) { /* all hidden: nothing */
    free(r);
    return true;
  }
  /* unwrap the rotated longitudes along the part */
  for (size_t k = 1; k < n; k++)
    r[2 * k] = r[2 * k - 2] + remainder(r[2 * k] - r[2 * k - 2], 360);
  size_t m = n;
  if (poly) {
    double a = ring_signed_area(ll, n);
    double want = c_in == a_in ? 0 : (c_in ? 360 : -360) * (a > 0 ? 1 : -1);
    double turn = r[2 * (n - 1)] - r[0] + remainder(r[0] - r[2 * (n - 1)], 360);
    /* a part passing next to a pole may have turned the wrong way round it:
     * flip its largest step */
    for (int fix = 0; fix < 2 && fabs(turn - want) > 1; fix++) {
      size_t big = 1;
      for (size_t k = 1; k < n; k++)
        if (fabs(r[2 * k] - r[2 * k - 2]) > fabs(r[2 * big] - r[2 * big - 2])) big = k;
      double d = (want - turn) > 0 ? 360 : -360;
      for (size_t k = big; k < n; k++)
        r[2 * k] += d;
      turn += d;
    }
    if (fabs(want) > 1) {
      /* round the pole it encloses: the centre (visible) or its antipode */
      double x0 = r[0], pole = c_in ? 90 : -90;
      double xe = x0 + want;
      if (fabs(r[2 * (m - 1)] - xe) > 1e-9 || fabs(r[2 * (m - 1) + 1] - r[1]) > 1e-9)
        r[2 * m] = xe, r[2 * m + 1] = r[1], m++;
      r[2 * m] = xe, r[2 * m + 1] = pole, m++;
      r[2 * m] = x0, r[2 * m + 1] = pole, m++;
    }
  }
  bm_geom in, cut;
  bm_geom_init(&in, type);
  bm_geom_init(&cut, type);
  ok = bm_geom_begin_part(&in);
  double minx = HUGE_VAL, maxx = -HUGE_VAL;
  for (size_t k = 0; ok && k < m; k++) {
    ok = bm_geom_add(&in, r[2 * k], r[2 * k + 1] - hz_at(p, r[2 * k]));
    minx = fmin(minx, r[2 * k]), maxx = fmax(maxx, r[2 * k]);
  }
  if (ok && poly && c_in && a_in) {
    /* it holds both the centre and its antipode: it is all of the cap but the
     * inside of this ring (even-odd) */
    ok = bm_geom_begin_part(&in) && bm_geom_add(&in, minx, -200) &&
         bm_geom_add(&in, minx + 360, -200) && bm_geom_add(&in, minx + 360, 200) &&
         bm_geom_add(&in, minx, 200);
  }
  free(r);
  ok = ok && bm_geom_clip_rect(&in, (bm_bbox){-1e6, 0, 1e6, 1e6}, &cut);
  for (size_t q = 0; ok && q < cut.nparts; q++) {
    const double *c = bm_geom_part_xy(&cut, q);
    size_t cn = bm_geom_part_len(&cut, q);
    bm_geom piece;
    bm_geom_init(&piece, type);
    ok = bm_geom_begin_part(&piece);
    for (size_t k = 0; ok && k < cn; k++) {
      if (k > 0 && fabs(c[2 * k + 1]) < 1e-9 && fabs(c[2 * k - 1]) < 1e-9) {
        /* a cut edge: along the horizon, half a degree a step */
        double x1 = c[2 * k - 2], x2 = c[2 * k];
        int steps = (int)ceil(fabs(x2 - x1) / 0.5);
        if (steps > 2000) steps = 2000;
        for (int s = 1; ok && s < steps; s++)
          ok = bm_geom_add(&piece, x1 + (x2 - x1) * s / steps, 0);
      }
      ok = ok && bm_geom_add(&piece, c[2 * k], c[2 * k + 1]);
    }
    if (poly && ok && cn > 1 && fabs(c[1]) < 1e-9 && fabs(c[2 * cn - 1]) < 1e-9) {
      double x1 = c[2 * cn - 2], x2 = c[0];
      int steps = (int)ceil(fabs(x2 - x1) / 0.5);
      if (steps > 2000) steps = 2000;
      for (int s = 1; ok && s < steps; s++)
        ok = bm_geom_add(&piece, x1 + (x2 - x1) * s / steps, 0);
    }
    for (size_t k = 0; ok && k < piece.npts; k++) {
      double x = piece.xy[2 * k];
      piece.xy[2 * k + 1] = fmin(90, piece.xy[2 * k + 1] + hz_at(p, x));
      piece.xy[2 * k] = bm_lon_unwrap(x, 0);
    }
    if (ok) trans_pj(p->rot, PJ_INV, piece.xy, piece.npts);
    ok = ok && bm_geom_begin_part(out);
    for (size_t k = 0; ok && k < piece.npts; k++)
      if (piece.xy[2 * k] != HUGE_VAL) ok = bm_geom_add(out, piece.xy[2 * k], piece.xy[2 * k + 1]);
    bm_geom_free(&piece);
  }
  bm_geom_free(&in);
  bm_geom_free(&cut);
  return ok;
}

/* Cuts lon/lat geometry to the visible side of the horizon, in place. */
static bool clip_horizon(const bm_proj *p, bm_geom *g) {
  if (!p->rot || g->type == BM_GEOM_POINT) return true;
  bm_geom out;
  bm_geom_init(&out, g->type);
  bool ok = true;
  for (size_t i = 0; ok && i < g->nparts; i++) {
    size_t n = bm_geom_part_len(g, i);
    if (n < 2) continue;
    ok = clip_part(p, bm_geom_part_xy(g, i), n, g->type, &out);
  }
  bm_geom_drop_short_parts(&out, g->type == BM_GEOM_POLYGON ? 3 : 2);
  bm_geom_free(g);
  *g = out;
  return ok;
}

bool bm_proj_geom(const bm_proj *p, bm_geom *g, bm_bbox keep, double max_step_deg) {
  bm_geom a, b;
  bm_geom_init(&a, g->type);
  bm_geom_init(&b, g->type);
  bool ok = true, first = true;
  double seam = bm_proj_seam_lon(p);
  bm_bbox gb = bm_geom_bbox(g);
  /* An azimuthal map does not tear: nothing is cut at its seam. A kept box
   * all round the world cuts no longitude at all (one box round the
   * geometry, so a piece joined across 180 stays whole); a narrower one is
   * cut only where the view ends (windows start at its own west edge). */
  bool done = false;
  if (!p->tears && keep.maxx - keep.minx >= 360 - 1e-9) {
    if (!bm_bbox_is_empty(gb))
      ok = bm_geom_clip_rect(g, (bm_bbox){gb.minx - 1, keep.miny, gb.maxx + 1, keep.maxy}, &a);
    done = true;
  } else if (!p->tears)
    seam = keep.minx;
  /* Geometry may run past +-180: story geometry is built with longitudes
   * unwrapped around its centre, and pieces a data set cut at the antimeridian
   * are joined across it. So the longitudes are cut into windows one turn wide
   * between copies of the seam (so no ring streaks across the map), and in
   * each window the kept box (repeated every turn) is clipped out as one
   * piece: a ring is cut only where the projection tears or the view ends,
   * never at 180 for its own sake. Data inside -180..180 and a kept box that
   * does not span the seam meet one window and one box, as before. */
  for (int t = -2; ok && !done && t <= 1; t++) {
    double w0 = seam + 360.0 * t, w1 = w0 + 360;
    if (!(gb.maxx > w0 + 1e-6 && gb.minx < w1 - 1e-6)) continue;
    /* the kept longitudes in this window: one or two intervals */
    double lo[2], hi[2];
    int n = 0;
    for (int k = -3; k <= 3; k++) {
      double kl = keep.minx + 360.0 * k, kh = keep.maxx + 360.0 * k;
      /* a hair off the seam, unless the box ends exactly on the side of it
       * PROJ sends that longitude to (lon_0 -+ 180 go west and east) */
      bool west_ok = kl > w0 || (kl == w0 && (!p->tears || w0 - p->lon0 == -180));
      bool east_ok = kh < w1 || (kh == w1 && (!p->tears || w1 - p->lon0 == 180));
      double l = west_ok ? kl : w0 + 1e-9, h = east_ok ? kh : w1 - 1e-9;
      if (!(h > l)) continue;
      if (n > 0 && l <= hi[n - 1] + 1e-9)
        hi[n - 1] = fmax(hi[n - 1], h); /* a kept box a whole turn wide */
      else if (n < 2)
        lo[n] = l, hi[n] = h, n++;
    }
    for (int i = 0; ok && i < n; i++) {
      /* a box must overlap the geometry by more than a sliver: data that
       * ends exactly at 180 must not leave a zero-width ring there */
      if (!(gb.maxx > lo[i] + 1e-6 && gb.minx < hi[i] - 1e-6)) continue;
      bm_bbox r = {lo[i], keep.miny, hi[i], keep.maxy};
      if (first) {
        ok = bm_geom_clip_rect(g, r, &a);
        first = false;
      } else
        ok = clip_append(g, r, &a, &b);
    }
  }
  ok = ok && densify(&a, &b, max_step_deg) && clip_horizon(p, &b);
  if (ok) bm_proj_forward(p, b.xy, b.npts);
  ok = ok && drop_unprojected(&b, &a);
  bm_geom_free(&b);
  bm_geom_free(g);
  *g = a;
  return ok;
}

/* ---- view ------------------------------------------------------------- */

static bm_status finish_view(const bm_proj *p, bm_bbox pb, int width, int height, bm_view *v,
                             bm_error *err) {
  double w = pb.maxx - pb.minx, h = pb.maxy - pb.miny;
  if (!(w > 0 && h > 0) || !isfinite(w) || !isfinite(h))
    return bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                        "the extent cannot be shown in projection '%s' (it projects to nothing)",
                        p->definition);
  /* widen the narrower side to the frame's aspect ratio */
  double aspect = (double)width / height;
  if (w / h < aspect) {
    double nw = h * aspect;
    pb.minx -= (nw - w) / 2;
    pb.maxx += (nw - w) / 2;
  } else {
    double nh = w / aspect;
    pb.miny -= (nh - h) / 2;
    pb.maxy += (nh - h) / 2;
  }
  v->width = width;
  v->height = height;
  v->proj = pb;
  v->px_per_m = width / (pb.maxx - pb.minx);

  /* The lon/lat box to read: inverse-project the frame's edges (grown 5%). */
  bm_bbox g = bm_bbox_grow(pb, (pb.maxx - pb.minx) * 0.05, (pb.maxy - pb.miny) * 0.05);
  enum { N = 64 };
  double pts[8 * N];
  bm_bbox_outline(g, N, pts);
  bm_proj_inverse(p, pts, 4 * N);
  bm_bbox q = bm_bbox_empty();
  bool failed = false;
  for (int i = 0; i < 4 * N; i++) {
    if (pts[2 * i] == HUGE_VAL) {
      failed = true;
      continue;
    }
    /* unwrap around the central meridian to see whether the frame crosses the seam */
    double lon = pts[2 * i];
    lon = bm_lon_unwrap(lon, p->lon0);
    bm_bbox_add(&q, lon, pts[2 * i + 1]);
  }
  /* a frame across the seam, or (on a map that does not tear there, such as a
   * polar one) across 180 from both sides: read every longitude */
  if (failed || bm_bbox_is_empty(q) || q.minx < -180 || q.maxx > 180 ||
      (q.minx <= -179 && q.maxx >= 179))
    q.minx = -180, q.maxx = 180;
  if (failed || bm_bbox_is_empty(q)) q.miny = -90, q.maxy = 90;
  /* a pole inside the frame: read up to it */
  double pole[4] = {0, 90, 0, -90};
  bm_proj_forward(p, pole, 2);
  for (int k = 0; k < 2; k++)
    if (pole[2 * k] != HUGE_VAL && pole[2 * k] >= g.minx && pole[2 * k] <= g.maxx &&
        pole[2 * k + 1] >= g.miny && pole[2 * k + 1] <= g.maxy) {
      q.minx = -180, q.maxx = 180;
      if (k == 0)
        q.maxy = 90;
      else
        q.miny = -90;
    }
  q.minx = fmax(q.minx, -180), q.maxx = fmin(q.maxx, 180);
  q.miny = fmax(q.miny, -90), q.maxy = fmin(q.maxy, 90);
  v->query = q;
  /* about one densify step per 4 pixels at the frame's width */
  v->step_deg = fmax((q.maxx - q.minx) / (width / 4.0), 0.005);
  return BM_OK;
}

bm_status bm_view_fit_projected(const bm_proj *p, bm_bbox pb, int width, int height, bm_view *v,
                                bm_error *err) {
  return finish_view(p, pb, width, height, v, err);
}

bm_status bm_view_fit(const bm_proj *p, bm_bbox ll, double margin, int width, int height,
                      bm_view *v, bm_error *err) {
  enum { N = 64 };
  double pts[8 * N];
  bm_bbox_outline(ll, N, pts);
  bm_proj_forward(p, pts, 4 * N);
  bm_bbox pb = bm_bbox_empty();
  for (int i = 0; i < 4 * N; i++)
    if (pts[2 * i] != HUGE_VAL) bm_bbox_add(&pb, pts[2 * i], pts[2 * i + 1]);
  if (bm_bbox_is_empty(pb))
    return bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                        "the extent cannot be shown in projection '%s'", p->definition);
  double w = pb.maxx - pb.minx, h = pb.maxy - pb.miny;
  pb = bm_bbox_grow(pb, w * margin, h * margin);
  return finish_view(p, pb, width, height, v, err);
}

bool bm_view_px_lonlat(const bm_proj *p, const bm_view *v, double x, double y, double *lon,
                       double *lat) {
  double xy[2] = {v->proj.minx + x / v->px_per_m, v->proj.maxy - y / v->px_per_m};
  bm_proj_inverse(p, xy, 1);
  if (xy[0] == HUGE_VAL || xy[1] == HUGE_VAL) return false;
  double back[2] = {xy[0], xy[1]};
  bm_proj_forward(p, back, 1);
  if (back[0] == HUGE_VAL || back[1] == HUGE_VAL) return false;
  bm_view_to_px(v, back, 1);
  if (hypot(back[0] - x, back[1] - y) > 0.01) return false;
  *lon = xy[0];
  *lat = xy[1];
  return true;
}

bm_bbox bm_view_frame_lonlat(const bm_proj *p, const bm_view *v) {
  enum { N = 33 };
  bm_bbox q = bm_bbox_empty();
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double lon, lat;
      if (!bm_view_px_lonlat(p, v, v->width * i / (N - 1.0), v->height * j / (N - 1.0), &lon, &lat))
        continue;
      bm_bbox_add(&q, bm_lon_unwrap(lon, p->lon0), lat);
    }
  if (bm_bbox_is_empty(q)) return q;
  double pole[4] = {0, 90, 0, -90};
  bm_proj_forward(p, pole, 2);
  for (int k = 0; k < 2; k++)
    if (pole[2 * k] != HUGE_VAL && pole[2 * k] >= v->proj.minx && pole[2 * k] <= v->proj.maxx &&
        pole[2 * k + 1] >= v->proj.miny && pole[2 * k + 1] <= v->proj.maxy) {
      q.minx = -180, q.maxx = 180;
      if (k == 0)
        q.maxy = 90;
      else
        q.miny = -90;
    }
  if (q.maxx - q.minx >= 359.999) return (bm_bbox){-180, q.miny, 180, q.maxy};
  q.minx = bm_lon_unwrap(q.minx, 0), q.maxx = bm_lon_unwrap(q.maxx, 0);
  return q;
}

void bm_view_to_px(const bm_view *v, double *xy, size_t n) {
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = (xy[2 * i] - v->proj.minx) * v->px_per_m;
    xy[2 * i + 1] = (v->proj.maxy - xy[2 * i + 1]) * v->px_per_m;
  }
}

void bm_view_geom_to_px(const bm_view *v, bm_geom *g) { bm_view_to_px(v, g->xy, g->npts); }

/* ---- geodesics -------------------------------------------------------- */

static void wgs84(struct geod_geodesic *g) { geod_init(g, 6378137.0, 1 / 298.257223563); }

double bm_geodesic_distance(double lon1, double lat1, double lon2, double lat2) {
  struct geod_geodesic g;
  wgs84(&g);
  double s12 = 0;
  geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
  return s12;
}

double bm_geodesic_inverse(double lon1, double lat1, double lon2, double lat2, double *azi1) {
  struct geod_geodesic g;
  wgs84(&g);
  double s12 = 0, a1 = 0, a2 = 0;
  geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, &a1, &a2);
  if (azi1) *azi1 = a1;
  return s12;
}

void bm_geodesic_direct(double lon, double lat, double azimuth, double dist_m, double *lon2,
                        double *lat2) {
  struct geod_geodesic g;
  wgs84(&g);
  geod_direct(&g, lat, lon, azimuth, dist_m, lat2, lon2, NULL);
}

/* ---- country boxes ---------------------------------------------------- */

typedef struct {
  double *xy;  /* up to max_pts projected vertices, km */
  size_t n;    /* how many */
  bm_bbox box; /* of xy */
} part_km;

/* The parts' vertices (at most 256 per part, evenly picked) in km of an
 * azimuthal equidistant projection centred on (lon0, lat0). */
static bool parts_to_km(const bm_geom *g, double lon0, double lat0, part_km *parts) {
  char def[160];
  snprintf(def, sizeof def, "+proj=aeqd +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=km +no_defs",
           lat0, lon0);
  PJ_CONTEXT *ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  PJ *pj = lonlat_to(ctx, def);
  bool ok = pj != NULL;
  for (size_t i = 0; ok && i < g->nparts; i++) {
    size_t n = bm_geom_part_len(g, i), m = n < 256 ? n : 256;
    const double *p = bm_geom_part_xy(g, i);
    parts[i].xy = malloc((m + 1) * 2 * sizeof(double));
    if (!parts[i].xy) {
      ok = false;
      break;
    }
    for (size_t k = 0; k < m; k++) {
      size_t at = m == n ? k : k * n / m;
      parts[i].xy[2 * k] = p[2 * at];
      parts[i].xy[2 * k + 1] = p[2 * at + 1];
    }
    parts[i].n = m;
    proj_trans_generic(pj, PJ_FWD, parts[i].xy, 2 * sizeof(double), m, parts[i].xy + 1,
                       2 * sizeof(double), m, NULL, 0, 0, NULL, 0, 0);
    parts[i].box = bm_bbox_empty();
    for (size_t k = 0; k < m; k++)
      if (isfinite(parts[i].xy[2 * k]) && isfinite(parts[i].xy[2 * k + 1]))
        bm_bbox_add(&parts[i].box, parts[i].xy[2 * k], parts[i].xy[2 * k + 1]);
  }
  if (pj) proj_destroy(pj);
  proj_context_destroy(ctx);
  return ok;
}

/* True when two parts come within t km of each other. */
static bool parts_near(const part_km *a, const part_km *b, double t) {
  if (bm_bbox_is_empty(a->box) || bm_bbox_is_empty(b->box)) return false;
  double gx = fmax(0, fmax(a->box.minx - b->box.maxx, b->box.minx - a->box.maxx));
  double gy = fmax(0, fmax(a->box.miny - b->box.maxy, b->box.miny - a->box.maxy));
  if (gx * gx + gy * gy > t * t) return false; /* the boxes are farther apart */
  for (size_t i = 0; i < a->n; i++)
    for (size_t k = 0; k < b->n; k++) {
      double dx = a->xy[2 * i] - b->xy[2 * k], dy = a->xy[2 * i + 1] - b->xy[2 * k + 1];
      if (dx * dx + dy * dy <= t * t) return true;
    }
  return false;
}

bm_bbox bm_proj_parts_box(const bm_geom *g, bool all_parts) {
  bm_bbox out = bm_bbox_empty();
  if (g->nparts == 0) return out;
  /* the main part: the largest in area (degrees squared, scaled by the
   * cosine of the part's middle latitude) */
  size_t best = 0;
  double best_a = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i);
    double a = 0, lat = 0;
    for (size_t k = 0; k < n; k++) {
      size_t j = (k + 1) % n;
      a += p[2 * k] * p[2 * j + 1] - p[2 * j] * p[2 * k + 1];
      lat += p[2 * k + 1] / (double)n;
    }
    a = fabs(a) / 2 * cos(lat * M_PI / 180);
    if (a > best_a) best_a = a, best = i;
  }
  bm_bbox mb = bm_bbox_empty();
  const double *mp = bm_geom_part_xy(g, best);
  for (size_t k = 0; k < bm_geom_part_len(g, best); k++)
    bm_bbox_add(&mb, mp[2 * k], mp[2 * k + 1]);
  double lon0 = (mb.minx + mb.maxx) / 2, lat0 = (mb.miny + mb.maxy) / 2;
  bool *keep = calloc(g->nparts, sizeof *keep);
  part_km *parts = calloc(g->nparts, sizeof *parts);
  bool ok = keep && parts;
  if (ok && !all_parts) ok = parts_to_km(g, lon0, lat0, parts);
  if (ok && !all_parts) {
    /* the main part's area in km2, from its projected outline */
    const part_km *m = &parts[best];
    double a = 0;
    for (size_t k = 0; k < m->n; k++) {
      size_t j = (k + 1) % m->n;
      a += m->xy[2 * k] * m->xy[2 * j + 1] - m->xy[2 * j] * m->xy[2 * k + 1];
    }
    double main_km2 = fabs(a) / 2, t = fmin(fmax(0.3 * sqrt(main_km2), 200), 500);
    keep[best] = true;
    /* a part at least a quarter the main part's size is a main part too
     * (Peninsular Malaysia beside Malaysian Borneo), wherever it lies */
    for (size_t j = 0; j < g->nparts; j++) {
      const part_km *q = &parts[j];
      double aj = 0;
      for (size_t k = 0; k < q->n; k++) {
        size_t l = (k + 1) % q->n;
        aj += q->xy[2 * k] * q->xy[2 * l + 1] - q->xy[2 * l] * q->xy[2 * k + 1];
      }
      if (fabs(aj) / 2 >= 0.25 * main_km2) keep[j] = true;
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t j = 0; j < g->nparts; j++) {
        if (keep[j]) continue;
        for (size_t i = 0; i < g->nparts && !keep[j]; i++)
          if (keep[i] && parts_near(&parts[i], &parts[j], t)) keep[j] = grew = true;
      }
    }
  }
  for (size_t i = 0; i < g->nparts; i++) {
    if (ok && !all_parts && !keep[i]) continue;
    const double *p = bm_geom_part_xy(g, i);
    for (size_t k = 0; k < bm_geom_part_len(g, i); k++)
      bm_bbox_add(&out, bm_lon_unwrap(p[2 * k], lon0), p[2 * k + 1]);
  }
  for (size_t i = 0; parts && i < g->nparts; i++)
    free(parts[i].xy);
  free(parts);
  free(keep);
  return out;
}
