/* pipeline/map.h — what the files of src/pipeline/ share; nothing outside
 * this folder includes it (the public entry point is pipeline.h).
 *
 * A `map` is the render's context (spec, options, style, fonts, catalog,
 * errors, stats) and the plan's result (projection, view, scale, size factor).
 * The stages' results are typed structs: `base` (the Natural Earth layers),
 * `story_input` (what the load stage read for the story), `story` and
 * `story_px` (story geometry and site symbols in pixels), and `computed`, the
 * whole computed map that paint reads. bm_render_outputs owns them all and
 * frees them in one place. */
#ifndef BM_PIPELINE_MAP_H
#define BM_PIPELINE_MAP_H

#include <stdbool.h>

#include "core/atomic.h"
#include "core/error.h"
#include "core/util.h"
#include "label/label.h"
#include "lang/lang.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "load/relief.h"
#include "pipeline.h"
#include "proj/proj.h"
#include "render/backend.h"
#include "render/relief.h"
#include "spec/spec.h"
#include "spec/style.h"
#include "text/text.h"

/* The render context and the plan. */
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
  /* The earth's outline in pixels (cut to clip_px) and whether the frame
   * shows it: then only the earth gets water, land and story are clipped to
   * it and the rest of the frame is the style's background. False when the
   * earth fills the whole frame (every regional map). */
  bm_geom earth;
  bool earth_edge;
  bm_render_stats *stats;
  bm_error *err;
  /* the map's language; the Natural Earth names it has no translation for (kept in the
   * default name), and those of them the map shows */
  bm_lang lang;
  bm_strlist untranslated, untranslated_shown;
  char name_field[24]; /* "NAME_FA" */
  /* the cache key of each Natural Earth layer read (see cache.c), by where it was read into,
   * so that the project stage finds its projected geometry */
  struct {
    const bm_features *fs;
    char key[1400];
  } layer_key[24];
  size_t nlayer_keys;
  /* base layers read ahead on every core (load.c), taken by key; NULL when not */
  struct pl_prefetch *prefetch;
  size_t nprefetch;
} map;

typedef struct {
  bm_features land, lakes, glaciers, countries, provinces, rivers, boundaries, disputed, places,
      regions;
  bool *hl_country, *hl_province, *province_in_story;
  /* per line of boundaries and of disputed: its bm_boundary_class in the map's point of
   * view (solid, one of the dashes, or not drawn) */
  unsigned char *boundary_class, *disputed_class;
} base;

/* What the load stage reads for the story layer. */
typedef struct {
  bm_features lines; /* 10m boundary lines, when a border or a buffer along one needs them */
  unsigned char *line_class; /* per line: its bm_boundary_class in the map's point of view */
  bm_geom *area_file;        /* per spec area: its file's polygons (lon/lat), empty for buffers */
  bm_raster_window relief;   /* the window of the spec's relief raster under the map */
} story_input;

typedef struct {
  double *site_xy; /* symbol centres in pixels, per site */
  double *site_at; /* the sites' true positions in pixels: where a symbol was moved off a
                      shared position, a tie is drawn back to it */
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

/* The computed map: everything the first five stages produce, in pixels. It
 * holds no drawing surface; the paint stage reads it once per output. */
typedef struct {
  base base;
  story story;
  story_px sites;
  bm_furniture furniture;
  bm_labeler *labels;
  bm_relief relief; /* shaded relief over the land (argb NULL: none) */
} computed;

/* ---- cache.c: what the maps of a process share (bm_cache) ---- */
/* A copy of the layer read under key (file, box, fields) into out; false when not cached. */
bool pl_cache_get_layer(bm_cache *c, const char *key, bm_features *out);
void pl_cache_put_layer(bm_cache *c, const char *key, const bm_features *fs);
/* The layer cached under key, to read and not change (it lives as long as the cache), or
 * NULL. */
const bm_features *pl_cache_peek_layer(bm_cache *c, const char *key);
/* Replaces every geometry of fs by a copy of the one projected under key (the layer's key
 * and the view); false when not cached. */
bool pl_cache_get_projected(bm_cache *c, const char *key, bm_features *fs);
void pl_cache_put_projected(bm_cache *c, const char *key, const bm_features *fs);
/* The memo, for results of pure functions that a series computes again on every map: the key
 * is the bytes of its pieces, one after the other, and must hold everything the value
 * depends on (a hit compares every byte). Get copies the value into val (vlen bytes) and
 * is true on a hit; put stores a copy (nothing when the cache is full or c is NULL). Not
 * thread-safe: call them on the map's thread. */
typedef struct {
  const void *p;
  size_t n;
} pl_bytes;
bool pl_cache_memo_get(bm_cache *c, const pl_bytes *key, size_t nkey, void *val, size_t vlen);
void pl_cache_memo_put(bm_cache *c, const pl_bytes *key, size_t nkey, const void *val, size_t vlen);

/* Monotonic seconds, for the stage timings. */
double pl_now(void);

/* ---- plan.c: extent, projection, view, data scale (fills m->proj, view, scale, k) ---- */
bm_status pl_plan(map *m);
/* The lon/lat box of an extent (a box, a centre and radius, or countries:
 * far-off parts of a country are left out unless all_parts, see
 * bm_proj_parts_box). Longitudes may run past 180 for an extent across it. */
bm_status pl_extent_box(map *m, bm_extent_kind kind, const double bbox[4], const double center[2],
                        double radius_km, const bm_country_ref *countries, size_t ncountries,
                        bool all_parts, bm_bbox *ll);

/* The view (frame size, projected box, scale, query box, densify step) as 12 numbers, for
 * memo keys (with the projection's definition, m->stats->projection). */
void pl_view_key(const map *m, double key[12]);

/* ---- load.c: every read from disk ---- */
/* Confinement: every file the spec names (style, site files, area files) must
 * resolve, symlinks followed, inside the spec's folder, the working directory,
 * the data folder, bordermap's own styles/ and geodata/ (bm_home_dir),
 * $BORDERMAP_STYLES, the spec's ../styles or a folder of opt->allow_dirs; else a spec error at the
 * spec's line:col that names --allow-dir. */
bm_status pl_confine(map *m);
/* The spec's sites plus those of its site files, into m->sites. */
bm_status pl_load_sites(map *m);
/* Adds a line to the render's data warnings (printf format); the same line once. */
void pl_warn(map *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports what reading a Natural Earth layer skipped or decided (pl_warn), and
 * fails with a data error naming path when the layer lost more than
 * BM_DATA_MAX_SKIP_SHARE of its records, any record the spec depends on, or
 * any record under --strict-data. */
bm_status pl_check_layer(map *m, const char *logical, const char *path, const bm_features *fs);
/* Reads a logical layer ("rivers") at a scale (or the nearest finer one) for
 * query; a missing folder or layer is a data error that says how to fetch it. */
bm_status pl_read_layer(map *m, const char *logical, const char *scale, const bm_bbox *query,
                        const char *const *fields, bm_features *out);
/* pl_read_layer for a reader that only reads: *out is the batch's cached layer (not to be
 * changed or freed), else the layer read into own (the caller frees own either way); key
 * gets the layer's cache key (file, box, fields). */
bm_status pl_read_layer_shared(map *m, const char *logical, const char *scale, const bm_bbox *query,
                               const char *const *fields, bm_features *own, const bm_features **out,
                               char *key, size_t keylen);
/* The base layers in view, with the highlights resolved against them. */
bm_status pl_load_base(map *m, base *b);
bm_status pl_load_story(map *m, story_input *in);
double pl_attr_num(const bm_features *fs, size_t i, const char *field, double dflt);
/* Reads Natural Earth boundary lines with the fields the map's point of view needs
 * (FEATURECLA, and FCLASS_* with a point of view) and the class of each line into
 * *cls (allocated; the caller frees it). With a point of view, a layer that lacks its
 * FCLASS_* field is a data error naming the release that adds it when required is
 * set; otherwise its lines keep their FEATURECLA class. */
bm_status pl_read_boundaries(map *m, const char *logical, const char *scale, const bm_bbox *query,
                             const char *const *extra_fields, bool required, bm_features *out,
                             unsigned char **cls);
/* Whether a class of boundary line is drawn dashed (not international, not unrecognised). */
bool pl_boundary_is_dashed(unsigned char cls);
void pl_base_free(base *b);
void pl_story_input_free(story_input *in, const bm_spec *spec);

/* ---- project.c: lon/lat -> pixels, one converter chain ---- */
/* lon/lat -> projected, clipped, simplified pixels, in place; false: nothing left. */
bool pl_to_pixels(map *m, bm_geom *g);
/* Returns the number of base features. */
size_t pl_project_base(map *m, base *b);
bm_status pl_project_sites(map *m, story_px *sp);
/* The relief's grid: the frame's size, or fewer cells of more pixels each so that it has at
 * most BM_RELIEF_GRID_PX cells (the image is drawn smoothly scaled to the frame). */
#define BM_RELIEF_GRID_PX 1.0e6
void pl_relief_grid(const map *m, int *w, int *h);
/* The relief's read: the request and the frame sampled in lon/lat (on the map's thread: it
 * uses m->proj; *ll is the caller's to free), then the window of the raster under the
 * frame at the map's resolution (reads only m, reports to err: any thread). */
bm_status pl_relief_request(map *m, bm_raster_request *rq, double **ll, size_t *n);
bm_status pl_relief_read(const map *m, const bm_raster_request *rq, const double *ll, size_t n,
                         bm_raster_window *out, bm_error *err);
/* The relief window warped into the map's grid by GDAL's warper and shaded (nothing when
 * the spec has no relief or its raster misses the map). It reads m and changes nothing in
 * it, and reports to err, so it can run on a thread of its own beside the other stages. */
bm_status pl_project_relief(const map *m, const story_input *in, bm_relief *out, bm_error *err);
/* The story's geometry (rings, routes, borders, areas, callouts, graticule) in pixels. */
bm_status pl_story_build(map *m, const story_input *in, story *s);
void pl_story_to_pixels(map *m, bm_geom *g);
/* Does any vertex of g fall inside the frame? */
bool pl_geom_in_frame(const map *m, const bm_geom *g);
void pl_story_free(story *s, const bm_spec *spec);

/* ---- layout.c: title block, legend, inset, scale bar, graticule labels ---- */
bm_status pl_layout(map *m, base *b, story *s, story_px *sp, bm_furniture *f);

/* ---- labels.c: label requests and placement ---- */
bm_status pl_label(map *m, computed *c);
/* The largest Natural Earth scalerank of places the map labels (physical regions: two
 * less, rivers: one more). */
double pl_max_place_rank(const map *m);

/* ---- language.c: names in the map's language ---- */
/* "NAME_FA" for the map's language fa. */
void pl_name_field(const map *m, char *buf, size_t n);
/* The field list base plus NAME_<LANG> for the map's language (out holds cap entries,
 * NULL-terminated). */
void pl_name_fields(const map *m, const char *const *base, const char **out, size_t cap);
/* Replaces each feature's NAME with its NAME_<LANG> value, else the catalogue's name; a
 * name with neither is kept and remembered as untranslated. Nothing for English. */
bm_status pl_translate(map *m, bm_features *fs);
/* True when name is one the map keeps untranslated. */
bool pl_untranslated(const map *m, const char *name);
/* Notes a shown label that stayed untranslated (once each). */
void pl_untranslated_shown(map *m, const char *name);
/* After placing labels: the untranslated base-map labels placed, into the stats; an error
 * under strict_language. */
bm_status pl_language_check(map *m, const computed *c);

/* ---- write.c: the outputs and the label report ---- */
typedef struct {
  bm_atomic *files; /* per output: its temp file (file outputs) */
  bm_sink *sinks;   /* per output: where its backend writes */
  bm_atomic report;
} outputs;
/* Opens every file output (before any heavy work, so an unwritable folder fails first). */
bm_status pl_outputs_open(outputs *o, bm_output *outs, size_t n, bm_error *err);

/* ---- paint.c: the computed map through a backend, once per output ---- */
/* A PNG's geometry under the labels (base map and story) needs nothing the label stage
 * computes: pl_paint_ahead starts painting it, into the backend of the first PNG output, on
 * threads of their own, before that stage. NULL when it does not (no PNG output, one core,
 * a relief to wait for, or a failure the paint stage will meet and report). */
typedef struct png_bands png_bands;
png_bands *pl_paint_ahead(const map *m, const computed *c, bm_output *outs, size_t n, outputs *o);
/* Paints c once per output, each through its own backend (ahead's for its output); ahead
 * is consumed. */
bm_status pl_paint_outputs(const map *m, const computed *c, bm_output *outs, size_t n, outputs *o,
                           png_bands *ahead);
/* Waits for what pl_paint_ahead started and drops it (a stage failed). NULL: nothing. */
void pl_paint_ahead_cancel(png_bands *ahead);
/* Writes the label report (when asked), checks every file, then puts all in place
 * and hands memory outputs over. */
bm_status pl_outputs_commit(const map *m, const computed *c, bm_output *outs, size_t n, outputs *o);
void pl_outputs_free(outputs *o, size_t n);

#endif
