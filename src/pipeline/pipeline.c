/* pipeline/pipeline.c — bm_render_outputs: the chain of stages for one map,
 * plan -> load -> project -> layout -> labels (the computed map), then paint
 * once per output and write. Each stage lives in its own file of this folder. */
#include "pipeline.h"

#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <pthread.h>
#endif
#include <string.h>
#include <time.h>

#include "pipeline/map.h"

double pl_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void) { return pl_now(); }

/* The relief (reading the raster, GDAL's warp and the shading) needs only the plan, and
 * nothing but paint needs it: it runs on a thread of its own beside load, project, layout
 * and labels. */
typedef struct {
  const map *m;
  story_input *in; /* the thread writes only in->relief */
  bm_relief *out;
  bm_raster_request rq;
  double *ll; /* the frame sampled in lon/lat, taken on the map's thread */
  size_t n;
  bm_error err;
  bm_status st;
} relief_job;

static void *relief_thread(void *arg) {
  relief_job *j = arg;
  j->st = pl_relief_read(j->m, &j->rq, j->ll, j->n, &j->in->relief, &j->err);
  if (!j->st) j->st = pl_project_relief(j->m, j->in, j->out, &j->err);
  return NULL;
}

/* Starts the relief job (on this thread when no thread can be had); true when a thread
 * runs it. */
static bool relief_start(relief_job *j, map *m, pthread_t *tid) {
  bm_error_clear(&j->err);
  if (!m->spec->relief.kind) return false;
  if ((j->st = pl_relief_request(m, &j->rq, &j->ll, &j->n))) {
    j->err = *m->err;
    return false;
  }
  if (pthread_create(tid, NULL, relief_thread, j) == 0) return true;
  relief_thread(j);
  return false;
}

/* Waits for the relief job; its warnings join the map's, its error, if any, becomes the
 * map's. */
static bm_status relief_finish(relief_job *j, map *m, pthread_t tid, bool *running) {
  if (*running) pthread_join(tid, NULL);
  *running = false;
  for (int i = 0; i < j->in->relief.nwarnings; i++)
    pl_warn(m, "%s", j->in->relief.warning[i]);
  j->in->relief.nwarnings = 0;
  free(j->ll);
  j->ll = NULL;
  if (j->st) *m->err = j->err;
  return j->st;
}

/* The chain: plan -> load -> project -> layout -> labels give the computed
 * map; paint runs once per output; write puts every file in place together. */
bm_status bm_render_outputs(const bm_spec *spec, bm_output *outs, size_t nouts,
                            const bm_render_options *opt, bm_render_stats *stats, bm_error *err) {
  bm_render_stats local;
  if (!stats) stats = &local;
  memset(stats, 0, sizeof *stats);
  map m = {.spec = spec, .opt = opt, .stats = stats, .err = err};
  computed c = {0};
  story_input story_in = {0};
  outputs files = {0};
  relief_job relief = {.m = &m, .in = &story_in, .out = &c.relief};
  pthread_t relief_tid;
  bool relief_running = false;
  png_bands *ahead = NULL; /* the PNG's geometry, painted beside the label stage */
  bm_status st;
  double t0 = now(), t;
  bm_error_clear(err);
  if ((st = pl_confine(&m))) goto done; /* before any file the spec names is opened */

  const char *language = opt->language && *opt->language ? opt->language : spec->language;
  if (language && !bm_lang_code_valid(language)) {
    st = bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                      "language '%s' is not a language code; give two or three lower-case "
                      "letters (ISO 639-1), e.g. en, fa, ru, ar, zh",
                      language);
    goto done;
  }
  if ((st = bm_lang_load(language, spec->messages, spec->n_messages, &m.lang, err))) goto done;
  pl_name_field(&m, m.name_field, sizeof m.name_field);
  bm_style_defaults(&m.style);
  if ((st = bm_style_load(spec->style_path, &m.style, err))) goto done;
  if (!(m.catalog = bm_catalog_create(err))) {
    st = err->code;
    goto done;
  }
  if ((st = bm_text_create(m.style.font, &m.text, err)) || (st = pl_load_sites(&m)) ||
      (st = pl_plan(&m)) || (st = pl_outputs_open(&files, outs, nouts, err)))
    goto done;
  stats->t_plan = (t = now()) - t0;
  relief_running = relief_start(&relief, &m, &relief_tid);

  if ((st = pl_load_base(&m, &c.base)) || (st = pl_load_story(&m, &story_in))) goto done;
  stats->t_load = now() - t;
  t = now();

  stats->features = pl_project_base(&m, &c.base);
  if ((st = pl_project_sites(&m, &c.sites)) || (st = pl_story_build(&m, &story_in, &c.story)))
    goto done;
  stats->t_project = now() - t;
  t = now();

  if ((st = pl_layout(&m, &c.base, &c.story, &c.sites, &c.furniture))) goto done;
#ifdef __GLIBC__
  /* what the stages freed (lon/lat copies, other threads' arenas) goes back to the system
   * before the largest allocation, the image (a 7000x3500 map: 98 MB), when the image is
   * that large: for smaller maps the next allocations would only fault the pages in again
   * (a batch worker's 34 maps: sys time 0.53 -> 0.23 s without it) */
  if ((double)m.view.width * m.view.height * 4 > 48e6) malloc_trim(0);
#endif
  stats->t_layout = now() - t;
  t = now();
  ahead = pl_paint_ahead(&m, &c, outs, nouts, &files);

  if ((st = pl_label(&m, &c)) || (st = pl_language_check(&m, &c))) goto done;
  stats->t_label = now() - t;
  t = now();
  if ((st = relief_finish(&relief, &m, relief_tid, &relief_running))) goto done;
  stats->t_project += now() - t; /* the relief's time beyond the stages it ran beside */
  t = now();

  /* fills t_paint (beyond what was painted beside the label stage) and the encoding part of
   * t_write, per output */
  st = pl_paint_outputs(&m, &c, outs, nouts, &files, ahead);
  ahead = NULL;
  if (st) goto done;
  t = now();

  st = pl_outputs_commit(&m, &c, outs, nouts, &files);
  stats->t_write += now() - t;

done:
  if (relief_running || relief.ll) { /* a stage failed first: its error stays the map's */
    bm_error first = *err;
    relief_finish(&relief, &m, relief_tid, &relief_running);
    *err = first;
  }
  pl_paint_ahead_cancel(ahead); /* before what it paints from is freed */
  stats->t_total = now() - t0;
  pl_outputs_free(&files, nouts);
  bm_labeler_destroy(c.labels);
  bm_furniture_free(&c.furniture);
  bm_relief_free(&c.relief);
  pl_story_free(&c.story, spec);
  free(c.sites.site_xy);
  free(c.sites.site_at);
  pl_base_free(&c.base);
  pl_story_input_free(&story_in, spec);
  bm_spec_free(m.sites);
  bm_proj_destroy(m.proj);
  bm_geom_free(&m.earth);
  bm_text_destroy(m.text);
  bm_catalog_destroy(m.catalog);
  bm_lang_free(&m.lang);
  bm_strlist_free(&m.untranslated);
  bm_strlist_free(&m.untranslated_shown);
  return st;
}

bm_status bm_render_map(const bm_spec *spec, const char *out_path, const bm_render_options *opt,
                        bm_render_stats *stats, bm_error *err) {
  bm_output out = {.path = out_path};
  if (!bm_format_from_path(out_path, &out.format))
    return bm_error_set(err, BM_ERR_USAGE, out_path, 0, 0,
                        "unknown output format; the file name must end in .png, .pdf or .svg");
  return bm_render_outputs(spec, &out, 1, opt, stats, err);
}
