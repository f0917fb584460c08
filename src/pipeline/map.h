/* pipeline/map.h — what the files of src/pipeline/ share; nothing outside
 * this folder includes it (the public entry point is pipeline.h).
 *
 * A `map` is everything one render holds; bm_render_map owns it and frees it
 * in one place. `base` is the Natural Earth layers in pixels, `story` the
 * story layer in pixels, `story_px` the sites' symbol centres. */
#ifndef BM_PIPELINE_MAP_H
#define BM_PIPELINE_MAP_H

#include <stdbool.h>

#include "core/atomic.h"
#include "core/error.h"
#include "label/label.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline.h"
#include "proj/proj.h"
#include "render/backend.h"
#include "spec/spec.h"
#include "spec/style.h"
#include "text/text.h"

/* Everything one render holds; freed in one place (map_free). */
typedef struct {
  const bm_spec *spec;
  bm_spec *sites; /* copy of the spec's sites plus those read from site files */
  const bm_render_options *opt;
  bm_style style;
  bm_catalog *catalog;
  bm_text *text;
  bm_proj *proj;
  bm_view view;
  const char *scale; /* data scale in use */
  double k;          /* style size factor: width / 1200, at least 0.75 */
  bm_bbox clip_px;   /* frame plus a margin: geometry is cut to this */
  bm_render_stats *stats;
  bm_error *err;
  const bm_furniture *fur; /* once laid out: for the report */
} map;

typedef struct {
  bm_features land, lakes, glaciers, countries, provinces, rivers, boundaries, disputed, places,
      regions;
  bool *hl_country, *hl_province, *province_in_story;
  bool *boundary_disputed; /* per boundary line: drawn dashed */
} base;

typedef struct {
  double *site_xy; /* symbol centres in pixels, per site */
  int nsites;
} story_px;

typedef struct {
  bm_geom *ring_fill, *ring_line; /* pixels, per spec ring */
  bm_geom *route;                 /* pixels, per spec route */
  bm_geom *area;                  /* pixels, per spec area */
  bm_geom *border;                /* pixels, per spec border */
  double *border_m;               /* geodesic length of each border (10m data), metres */
  double *callout_xy;             /* pixels, per callout */
  char (*marker)[8];
  bm_geom *grat; /* graticule lines (pixels) */
  double *grat_value;
  bool *grat_lon;
  size_t ngrat;
} story;

/* ---- base.c: the Natural Earth layers ---- */
/* Reads a logical layer ("rivers") at a scale (or the nearest finer one) for
 * query; a missing folder or layer is a data error that says how to fetch it. */
bm_status pl_read_layer(map *m, const char *logical, const char *scale, const bm_bbox *query,
                        const char *const *fields, bm_features *out);
/* lon/lat -> projected, clipped, simplified pixels, in place; false: nothing left. */
bool pl_to_pixels(map *m, bm_geom *g);
double pl_attr_num(const bm_features *fs, size_t i, const char *field, double dflt);
bm_status pl_load_base(map *m, base *b);
size_t pl_project_base(map *m, base *b);
bool pl_boundary_is_disputed(const char *featurecla);
void pl_base_free(base *b);

/* ---- pipeline.c: the plan ---- */
/* The lon/lat box of an extent (a box, a centre and radius, or countries). */
bm_status pl_extent_box(map *m, bm_extent_kind kind, const double bbox[4], const double center[2],
                        double radius_km, const bm_country_ref *countries, size_t ncountries,
                        bm_bbox *ll);

/* ---- story.c: the story layer ---- */
bm_status pl_story_build(map *m, story *s);
void pl_story_to_pixels(map *m, bm_geom *g);
/* Does any vertex of g fall inside the frame? */
bool pl_geom_in_frame(const map *m, const bm_geom *g);
void pl_story_free(story *s, const bm_spec *spec);

/* ---- labels.c: label requests ---- */
bm_status pl_add_labels(map *m, base *b, story_px *sp, bm_labeler *lb, bm_bbox *furniture,
                        int nfurniture);
bm_status pl_add_story_labels(map *m, story *s, bm_labeler *lb);

/* ---- furniture.c: legend, inset, graticule, corners ---- */
bm_status pl_furniture_plan(map *m, base *b, story *s, story_px *sp, bm_furniture *f);

/* ---- paint.c: the computed map through a backend ---- */
void pl_paint(const map *m, const base *b, const story *s, const story_px *sp, const bm_labeler *lb,
              const bm_furniture *fur, bm_backend *be);

/* ---- report.c ---- */
/* Writes the label report into out's temp file (renamed by the caller with the map). */
bm_status pl_write_report(map *m, const bm_labeler *lb, const story_px *sp, bm_atomic *out);

#endif
