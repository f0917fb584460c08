/* pipeline/plan.c — the plan stage: the extent in lon/lat, the projection,
 * the view (frame and pixel transform) and the data scale. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "geom/clip.h"
#include "geom/simplify.h"
#include "pipeline/map.h"
#include "story/story.h"

/* Adds one country's box (far-off parts left out unless all_parts; see
 * bm_proj_parts_box) to acc, a whole turn away when that brings it nearer. */
static void country_box(const bm_geom *g, bool all_parts, bm_bbox *acc) {
  bm_bbox b = bm_proj_parts_box(g, all_parts);
  if (bm_bbox_is_empty(b)) return;
  if (!bm_bbox_is_empty(*acc)) {
    double mid = (b.minx + b.maxx) / 2, to = (acc->minx + acc->maxx) / 2;
    double dx = bm_lon_unwrap(mid, to) - mid;
    b.minx += dx, b.maxx += dx;
  }
  bm_bbox_add(acc, b.minx, b.miny);
  bm_bbox_add(acc, b.maxx, b.maxy);
}

/* The lon/lat box of an extent given as a box, a centre and radius, or a
 * list of countries (used for the map and for its inset). */
bm_status pl_extent_box(map *m, bm_extent_kind kind, const double bbox[4], const double center[2],
                        double radius_km, const bm_country_ref *countries, size_t ncountries,
                        bool all_parts, bm_bbox *ll) {
  *ll = bm_bbox_empty();
  if (kind == BM_EXTENT_BBOX) {
    *ll = (bm_bbox){bbox[0], bbox[1], bbox[2], bbox[3]};
    if (ll->maxx < ll->minx) ll->maxx += 360; /* crosses the antimeridian */
    return BM_OK;
  }
  if (kind == BM_EXTENT_CENTER) {
    for (int a = 0; a < 360; a += 5) {
      double lon, lat;
      bm_geodesic_direct(center[0], center[1], a, radius_km * 1000, &lon, &lat);
      bm_bbox_add(ll, bm_lon_unwrap(lon, center[0]), lat);
    }
    /* a circle around a pole: every longitude, up to the pole */
    for (int k = 0; k < 2; k++) {
      double pole = k ? -90 : 90;
      if (bm_geodesic_distance(center[0], center[1], center[0], pole) < radius_km * 1000) {
        ll->minx = center[0] - 180, ll->maxx = center[0] + 180;
        if (k)
          ll->miny = -90;
        else
          ll->maxy = 90;
      }
    }
    return BM_OK;
  }
  static const char *const fields[] = {"ADM0_A3", "ISO_A3", "NAME", NULL};
  bm_features cs;
  bm_status st = pl_read_layer(m, "countries", "50m", NULL, fields, &cs);
  bool *mask = st ? NULL : calloc(cs.n + 1, sizeof *mask);
  if (!st && !mask) st = bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t r = 0; !st && r < ncountries; r++) {
    memset(mask, 0, cs.n * sizeof *mask);
    st = bm_story_match_country(&cs, &countries[r], m->spec->path, mask, m->err);
    for (size_t i = 0; !st && i < cs.n; i++)
      if (mask[i]) country_box(&cs.f[i].geom, all_parts, ll);
  }
  free(mask);
  bm_features_free(&cs);
  return st;
}

static bm_status extent_lonlat(map *m, bm_bbox *ll) {
  const bm_spec *s = m->spec;
  return pl_extent_box(m, s->extent_kind, s->bbox, s->center, s->radius_km, s->extent_countries,
                       s->n_extent_countries, s->include_territories, ll);
}

/* Is every pixel of the frame on the earth? Sampled along the edges every
 * 2 px and on a 33 x 33 grid inside (a pixel is on the earth when it
 * unprojects and projects back to itself). */
static bool frame_on_earth(const map *m) {
  double W = m->view.width, H = m->view.height, lon, lat;
  for (double t = 0; t <= W; t += 2)
    if (!bm_view_px_lonlat(m->proj, &m->view, t, 0, &lon, &lat) ||
        !bm_view_px_lonlat(m->proj, &m->view, t, H, &lon, &lat))
      return false;
  for (double t = 0; t <= H; t += 2)
    if (!bm_view_px_lonlat(m->proj, &m->view, 0, t, &lon, &lat) ||
        !bm_view_px_lonlat(m->proj, &m->view, W, t, &lon, &lat))
      return false;
  for (int i = 1; i < 32; i++)
    for (int j = 1; j < 32; j++)
      if (!bm_view_px_lonlat(m->proj, &m->view, W * i / 32, H * j / 32, &lon, &lat)) return false;
  return true;
}

/* The earth's outline in pixels, when part of the frame is off the earth. */
static bool earth_outline(map *m) {
  bm_geom_init(&m->earth, BM_GEOM_POLYGON);
  m->earth_edge = false;
  if (frame_on_earth(m)) return true;
  bm_geom o;
  bm_geom_init(&o, BM_GEOM_POLYGON);
  bool ok = bm_proj_earth_outline(m->proj, &o);
  if (ok && o.nparts) {
    bm_view_geom_to_px(&m->view, &o);
    ok = bm_geom_clip_rect(&o, m->clip_px, &m->earth);
    m->earth_edge = ok && m->earth.nparts > 0;
  }
  bm_geom_free(&o);
  return ok;
}

static const char *auto_scale(double m_per_px) {
  if (m_per_px <= 3000) return "10m";
  if (m_per_px <= 12000) return "50m";
  return "110m";
}

bm_status pl_plan(map *m) {
  const bm_spec *s = m->spec;
  int width = m->opt->width > 0 ? m->opt->width : s->width;
  int height = m->opt->height > 0 ? m->opt->height : s->height;
  double max_px = m->opt->max_pixels > 0 ? m->opt->max_pixels : BM_LIMIT_PIXELS;
  if ((double)width * height > max_px)
    return bm_error_set(m->err, BM_ERR_SPEC, s->path, 0, 0,
                        "the map would be %dx%d pixels (%.1f million), over the limit of %g "
                        "million output pixels; make it smaller (size, --width, --height) or "
                        "raise the limit with --max-pixels N",
                        width, height, (double)width * height / 1e6, max_px / 1e6);
  bm_bbox ll;
  bm_status st = extent_lonlat(m, &ll);
  if (st) return st;
  char def[512];
  if (!strcmp(s->projection, "auto"))
    bm_proj_auto_definition(ll, def, sizeof def);
  else
    snprintf(def, sizeof def, "%s", s->projection);
  st = bm_proj_create(def, &m->proj, m->err);
  /* A projection named by the spec whose seam runs through the extent (EPSG:3857
   * for the Bering Strait) is recentred on the extent, so the map is whole. */
  double seam = st ? 0 : bm_proj_seam_lon(m->proj), mid = (ll.minx + ll.maxx) / 2;
  seam = bm_lon_unwrap(seam, mid);
  if (!st && strcmp(s->projection, "auto") && bm_proj_tears(m->proj) && seam > ll.minx + 1e-6 &&
      seam < ll.maxx - 1e-6 && ll.maxx - ll.minx < 359) {
    char moved[512];
    bm_proj *p = NULL;
    bm_error e2;
    bm_error_clear(&e2);
    if (bm_proj_recentred_definition(m->proj, round(bm_lon_unwrap(mid, 0) * 10) / 10, moved,
                                     sizeof moved) &&
        bm_proj_create(moved, &p, &e2) == BM_OK) {
      bm_proj_destroy(m->proj);
      m->proj = p;
      snprintf(def, sizeof def, "%s", moved);
    }
  }
  if (st) {
    if (s->projection_pos.line) {
      m->err->code = st = BM_ERR_SPEC; /* the spec asked for it: a spec error */
      m->err->line = s->projection_pos.line;
      m->err->col = s->projection_pos.col;
      snprintf(m->err->file, sizeof m->err->file, "%s", s->path);
    }
    return st;
  }
  st = bm_view_fit(m->proj, ll, s->margin, width, height, &m->view, m->err);
  if (st) return st;
  m->scale = strcmp(s->scale, "auto") ? s->scale : auto_scale(1 / m->view.px_per_m);
  /* sizes scale with the width, but a small map keeps text readable on a
   * phone: never below 3/4 of the 1200 px sizes (10 px text stays >= 7.5 px) */
  m->k = fmax(width / 1200.0, 0.75);
  double margin = 20 * m->k + 10;
  m->clip_px = (bm_bbox){-margin, -margin, width + margin, height + margin};
  if (!earth_outline(m)) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  if (m->stats) {
    snprintf(m->stats->projection, sizeof m->stats->projection, "%s", def);
    snprintf(m->stats->scale, sizeof m->stats->scale, "%s", m->scale);
  }
  return BM_OK;
}
