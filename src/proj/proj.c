#include "proj/proj.h"

#include "geom/clip.h"

#include <geodesic.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bm_proj {
  PJ_CONTEXT *ctx;
  PJ *pj;
  char definition[512];
  double lon0;
};

void bm_proj_auto_definition(bm_bbox ll, char *buf, size_t n) {
  double dlon = ll.maxx - ll.minx, dlat = ll.maxy - ll.miny;
  double lon0 = (ll.minx + ll.maxx) / 2, lat0 = (ll.miny + ll.maxy) / 2;
  /* round the centre so the definition reads well and is stable */
  lon0 = round(lon0 * 10) / 10;
  lat0 = round(lat0 * 10) / 10;
  const char *tail = "+datum=WGS84 +units=m +no_defs";
  /* a box that reaches a pole but not the equator is a polar map, even when it
   * spans every longitude */
  bool polar = (ll.maxy > 85 && ll.miny > 0) || (ll.miny < -85 && ll.maxy < 0);
  if (!polar && (dlon > 200 || dlat > 120))
    snprintf(buf, n, "+proj=eqearth +lon_0=%g %s", lon0, tail);
  else if (polar || fabs(lat0) > 70)
    snprintf(buf, n, "+proj=laea +lat_0=%g +lon_0=%g %s", lat0 > 0 ? 90.0 : -90.0, lon0, tail);
  else if (dlon > 1.3 * dlat && fabs(lat0) > 15 && dlat > 2) {
    double lat1 = round((ll.miny + dlat / 6) * 10) / 10,
           lat2 = round((ll.maxy - dlat / 6) * 10) / 10;
    snprintf(buf, n, "+proj=aea +lat_1=%g +lat_2=%g +lat_0=%g +lon_0=%g %s", lat1, lat2, lat0, lon0,
             tail);
  } else
    snprintf(buf, n, "+proj=laea +lat_0=%g +lon_0=%g %s", lat0, lon0, tail);
}

bm_status bm_proj_create(const char *definition, bm_proj **out, bm_error *err) {
  *out = NULL;
  bm_proj *p = calloc(1, sizeof *p);
  if (!p) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  snprintf(p->definition, sizeof p->definition, "%s", definition);
  p->ctx = proj_context_create();
  proj_log_level(p->ctx, PJ_LOG_NONE);
  /* no network grids: results must not depend on what a CDN answers */
  proj_context_set_enable_network(p->ctx, 0);
  PJ *raw = proj_create_crs_to_crs(p->ctx, "EPSG:4326", definition, NULL);
  if (!raw) {
    int e = proj_context_errno(p->ctx);
    bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                 "projection '%s' is not valid (%s); use auto, EPSG:nnnn or a PROJ string such "
                 "as '+proj=laea +lat_0=38 +lon_0=69'",
                 definition, proj_context_errno_string(p->ctx, e));
    bm_proj_destroy(p);
    return BM_ERR_PROJ;
  }
  p->pj = proj_normalize_for_visualization(p->ctx, raw);
  proj_destroy(raw);
  PJ *target = p->pj ? proj_get_target_crs(p->ctx, p->pj) : NULL;
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
    if (name && strstr(name, "Longitude") && conv > 0) {
      p->lon0 = value * conv * 180 / M_PI;
      found = true;
      break;
    }
  }
  if (op) proj_destroy(op);
  if (!found && p->pj) {
    PJ_COORD f = proj_trans(p->pj, PJ_FWD, proj_coord(0, 0, 0, 0));
    PJ_COORD i = proj_trans(p->pj, PJ_INV, proj_coord(0, f.xy.y, 0, 0));
    if (isfinite(i.lp.lam) && fabs(i.lp.lam) <= 360) p->lon0 = i.lp.lam;
  }
  if (target) proj_destroy(target);
  if (!p->pj || !projected) {
    bm_error_set(err, BM_ERR_PROJ, NULL, 0, 0,
                 "projection '%s' is not a projected CRS in metres; a map needs one such as "
                 "EPSG:3857 or '+proj=laea ...' (or auto)",
                 definition);
    bm_proj_destroy(p);
    return BM_ERR_PROJ;
  }
  *out = p;
  return BM_OK;
}

void bm_proj_destroy(bm_proj *p) {
  if (!p) return;
  if (p->pj) proj_destroy(p->pj);
  if (p->ctx) proj_context_destroy(p->ctx);
  free(p);
}

const char *bm_proj_definition(const bm_proj *p) { return p->definition; }

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

/* Story geometry (rings, routes, buffers) is built with longitudes unwrapped
 * around its centre, so it may run past +-180. Bring every piece back into
 * -180..180, cut at the antimeridian, so the clip below keeps all of it. */
static bool wrap_longitudes(bm_geom *g) {
  bm_bbox b = bm_geom_bbox(g);
  if (bm_bbox_is_empty(b) || (b.minx >= -180 && b.maxx <= 180)) return true;
  bm_geom out, shifted, piece;
  bm_geom_init(&out, g->type);
  bm_geom_init(&shifted, g->type);
  bm_geom_init(&piece, g->type);
  bool ok = true;
  const bm_bbox world = {-180, -90, 180, 90};
  for (int turn = -2; ok && turn <= 2; turn++) {
    bm_geom_reset(&shifted, g->type);
    ok = append_shifted(&shifted, g, 360.0 * turn) && bm_geom_clip_rect(&shifted, world, &piece) &&
         append_shifted(&out, &piece, 0);
  }
  bm_geom_free(&shifted);
  bm_geom_free(&piece);
  bm_geom_free(g);
  *g = out;
  return ok;
}

bool bm_proj_geom(const bm_proj *p, bm_geom *g, bm_bbox keep, double max_step_deg) {
  bm_geom a, b;
  bm_geom_init(&a, g->type);
  bm_geom_init(&b, g->type);
  bool ok = wrap_longitudes(g);
  double seam = bm_proj_seam_lon(p);
  if (seam > keep.minx && seam < keep.maxx) {
    /* the kept box spans the seam: clip each side of it separately */
    bm_bbox west = keep, east = keep;
    west.maxx = seam - 1e-9;
    east.minx = seam + 1e-9;
    ok = ok && bm_geom_clip_rect(g, west, &a) && bm_geom_clip_rect(g, east, &b) &&
         append_shifted(&a, &b, 0);
  } else {
    ok = ok && bm_geom_clip_rect(g, keep, &a);
  }
  ok = ok && densify(&a, &b, max_step_deg);
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
  if (failed || bm_bbox_is_empty(q) || q.minx < -180 || q.maxx > 180) q.minx = -180, q.maxx = 180;
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
