/* pipeline.h — render one map: the library's entry point, used by every command.
 *
 * bm_render_map runs plan -> load -> project -> clip/simplify -> label ->
 * paint -> write for one spec. It is the one file that knows every stage.
 */
#ifndef BM_PIPELINE_H
#define BM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "render/backend.h"
#include "spec/spec.h"

/* What the maps rendered in one process share (a batch's worker): Natural Earth layers as
 * read, and base layers projected, clipped and simplified for a (layer, CRS, frame, scale),
 * so that a series over one frame reads and projects its base map once. Lookups hand out
 * copies: a map rendered through a cache is byte-identical to one rendered without. Not
 * thread-safe; one per process. max_mb bounds what it keeps (0: 96 MB); past it, maps
 * read for themselves. */
typedef struct bm_cache bm_cache;
bm_cache *bm_cache_create(size_t max_mb);
void bm_cache_destroy(bm_cache *c);

typedef struct {
  const char *data_dir;      /* Natural Earth folder (required) */
  int width, height;         /* override the spec when > 0 */
  double dpi;                /* override the spec when > 0 */
  bool debug_labels;         /* draw candidate and placed label boxes */
  bool label_naive;          /* baseline placement: greedy, one position per label */
  const char *labels_report; /* write a JSON label report here when set */
  /* when set, on success *report_json is the same JSON report in memory (malloc'd, the
   * caller frees it), for previews that write no file */
  char **report_json;
  const char *language;      /* overrides the spec's language when set */
  bool strict_language;      /* a label left untranslated is an error, not a warning */
  bool strict_data;          /* any damaged record in a Natural Earth layer fails the map */
  /* Folders, besides the spec's folder, the working directory, the data folder and
   * bordermap's home (styles), that files named in a spec may be in (--allow-dir);
   * NULL-terminated, may be NULL. See pl_confine. */
  const char *const *allow_dirs;
  /* Bounds on the files a spec names (0: the defaults of load/load.h, 32 MB per
   * file, 10000 sites per site file, 10000 parts and 10^6 vertices per area feature). */
  double max_file_mb;
  long max_features, max_parts, max_vertices;
  /* Output pixels, width x height (0: BM_LIMIT_PIXELS): a 20000x20000 map would need
   * 1.6 GB for its image alone. */
  double max_pixels;
  /* megapixels a relief raster read may take from its file (0: BM_LIMIT_RELIEF_MPX of
   * load/relief.h, 250; --max-relief-mpx) */
  double max_relief_mpx;
  bm_cache *cache; /* NULL: every map reads and projects for itself */
} bm_render_options;
#define BM_LIMIT_PIXELS 100e6

/* A Natural Earth layer may lose at most this share of its records (damaged
 * records in the map's box, skipped with a warning, or records a truncated .shp
 * no longer holds) before the map fails with a data error; a layer the spec depends on (countries
 * for highlight or extent: countries, provinces for highlighted provinces, boundary lines for
 * borders) may lose none, and with strict_data no layer may. */
#define BM_DATA_MAX_SKIP_SHARE 0.02
#define BM_MAX_WARNINGS 16
#define BM_MAX_TIMED_OUTPUTS 8

typedef struct {
  /* Seconds per stage (--timings): plan (style, fonts, sites, extent, projection), load,
   * project, layout (furniture), label, paint (drawing, all outputs), write (encoding the
   * files, PNG deflate, PDF and SVG serialisation, and putting them in place), and the whole
   * render; per output (the first BM_MAX_TIMED_OUTPUTS) its paint and write. */
  double t_plan, t_load, t_project, t_layout, t_label, t_paint, t_write, t_total;
  double t_out_paint[BM_MAX_TIMED_OUTPUTS], t_out_write[BM_MAX_TIMED_OUTPUTS];
  size_t features; /* base-map features drawn */
  size_t labels_placed, labels_dropped;
  char projection[512]; /* the PROJ definition used */
  char scale[8];        /* the data scale used */
  /* the map's language, and the base-map labels it shows that have no name in it (kept
   * in the data's default name): a comma-separated list, for a warning */
  char language[16];
  size_t n_untranslated;
  char untranslated[2048];
  bool no_catalogue; /* the language has no message catalogue: furniture stays English */
  /* Data warnings, one per layer and kind (damaged records skipped, a missing
   * .cpg, a layer transformed from another CRS), each one line naming the file.
   * Filled also when the render fails; the library never prints them. */
  char warnings[BM_MAX_WARNINGS][640];
  size_t nwarnings;
} bm_render_stats;

/* One output of a render: a file (path set; written atomically) or memory
 * (path NULL: on success data/len hold the bytes, which the caller frees). */
typedef struct {
  const char *path;
  bm_format format;
  unsigned char *data;
  size_t len;
} bm_output;

/* Computes the map of spec once and paints it once per output. Every file is
 * opened before the heavy work (an unwritable folder fails first), and all are
 * written and checked before any is put in place: on failure no file is left
 * at any path (older files there survive), no memory output is filled, and err
 * says why. stats may be NULL. */
bm_status bm_render_outputs(const bm_spec *spec, bm_output *outs, size_t nouts,
                            const bm_render_options *opt, bm_render_stats *stats, bm_error *err);

/* One file, its format from its extension. */
bm_status bm_render_map(const bm_spec *spec, const char *out_path, const bm_render_options *opt,
                        bm_render_stats *stats, bm_error *err);

#endif
