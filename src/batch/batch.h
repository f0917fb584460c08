/* batch/batch.h — a series of maps: the job list (spec files, or a template filled from the
 * rows of a table), its checks before anything renders (placeholders, unique names), and the
 * runner that renders it on N worker processes.
 *
 * Isolation: every map renders in a worker process, never in the caller's. The runner forks
 * the workers once; each renders the maps it is handed one by one and keeps its own data and
 * projection cache (bm_cache), so a series over one frame reads and projects its base map
 * once per worker. A worker that overruns the timeout is killed (its map fails, its temp
 * files are removed) and a new one is forked; one that crashes fails its map alone.
 * Output bytes do not depend on which worker rendered a map, nor on how many there are.
 *
 * Library code does not print: the runner reports through callbacks.
 */
#ifndef BM_BATCH_BATCH_H
#define BM_BATCH_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "load/load.h"
#include "pipeline.h"

/* One map of a batch. */
typedef struct {
  char *spec_path; /* the spec, or the template */
  char *text;      /* the filled template (table rows); NULL for a spec file */
  int row;         /* 1-based table row; 0 for a spec file */
  char *name;      /* output base name (no extension), unique in the batch */
  char *label;     /* "maps/a.yaml" or "t.yaml row 3" for messages */
  char *error;     /* set when the row cannot make a spec (e.g. {{geometry}} of a row with
                      none): the map fails without rendering */
  char hash[65];   /* SHA-256 of what the map is made of (spec text, name): --resume's stamp */
} bm_batch_job;

typedef struct {
  bm_batch_job *v;
  size_t n;
  char *tmpdir; /* the rows' geometry files ({{geometry}} as a file:), removed by
                   bm_batch_jobs_free; NULL when none. Maps may read files there. */
} bm_batch_jobs;

void bm_batch_jobs_free(bm_batch_jobs *jobs);

/* Jobs for spec files, named after each file (a/x.yaml -> x). */
bm_status bm_batch_jobs_from_specs(const char *const *paths, size_t n, bm_batch_jobs *out,
                                   bm_error *err);

/* Jobs for a template and a table: one per row, the template's {{column}} placeholders filled
 * from the row (see bm_template_fill), the output name from name_pattern (its {{column}}s
 * filled raw; default "<template name>-<row>"). Every placeholder is checked first: an
 * unknown column is a spec error at the template's line:col (or "--name"). */
bm_status bm_batch_jobs_from_template(const char *template_path, const bm_table *table,
                                      const char *name_pattern, bm_batch_jobs *out, bm_error *err);

/* Fills a template's placeholders from one row of table (row is 0-based). A placeholder
 * that is a whole plain YAML scalar becomes a double-quoted string (a number stays a
 * number); one inside a longer plain scalar makes the whole scalar a double-quoted string;
 * inside quotes the value is escaped for that quoting. So a value can never change the
 * YAML's structure. {{geometry}} (a table with geometry) is the row's lon/lat box as an
 * extent, {bbox: [w, s, e, n]} (a point's: {center: [lon, lat], radius_km:
 * BM_GEOMETRY_POINT_KM}); as the value of a file: key (areas: [{file: {{geometry}}}]) it is
 * the path of the row's geometry written as GeoJSON into table->geometry_dir. It must stand
 * alone as a value. Placeholders in comments
 * are left as they are. With row < 0 only checks every placeholder. Returns a new string,
 * or NULL with err at file:line:col. */
#define BM_GEOMETRY_POINT_KM 50
char *bm_template_fill(const char *text, const char *file, const bm_table *table, long row,
                       bm_error *err);

/* Output names must be unique: two jobs with one name is a spec error naming both. */
bm_status bm_batch_check_unique(const bm_batch_jobs *jobs, bm_error *err);

/* --shard: parses "i/N" (0 <= i < N), "auto" or "auto/N". auto reads the index from
 * SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX (Kubernetes), and
 * the count from N, else SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETIONS. */
bm_status bm_batch_parse_shard(const char *arg, int *index, int *count, bm_error *err);
/* Does job j (0-based, in batch order) belong to shard index of count? Round robin. */
bool bm_batch_in_shard(size_t j, int index, int count);

typedef enum { BM_BATCH_OK, BM_BATCH_FAILED, BM_BATCH_SKIPPED } bm_batch_status;

typedef struct {
  bm_batch_status status;
  double seconds;
  int status_code;              /* the render's bm_status (failed maps) */
  char *error;                  /* the error, one line "file:line:col: message" (failed maps) */
  const bm_render_stats *stats; /* the render's warnings and figures; NULL when it did not run */
  char (*paths)[2048];          /* per format: the output file */
  char (*sha256)[65];           /* per format: its SHA-256 (ok and skipped maps) */
} bm_batch_result;

typedef struct {
  const char *out_dir;
  const char *const *formats; /* "png", "pdf", "svg" */
  size_t nformats;
  const bm_render_options *render;
  int workers;    /* processes (at least 1) */
  double timeout; /* seconds per map; 0: none */
  bool resume;    /* skip maps whose outputs are up to date (their stamp, see README) */
  int shard_index, shard_count; /* count 0 or 1: all */
  /* called in batch order, once per map of the shard, as soon as it and every map before it
   * are done */
  void (*on_result)(void *user, const bm_batch_job *job, const bm_batch_result *res);
  /* called whenever a map finishes (done of total) */
  void (*on_progress)(void *user, size_t done, size_t total, double elapsed);
  void *user;
} bm_batch_options;

typedef struct {
  size_t total, ok, failed, skipped;
} bm_batch_summary;

/* Renders the jobs of the shard. Returns BM_OK when it ran (maps may have failed: see sum),
 * or an error when it could not start (the output folder, fork). */
bm_status bm_batch_run(const bm_batch_jobs *jobs, const bm_batch_options *opt,
                       bm_batch_summary *sum, bm_error *err);

#endif
