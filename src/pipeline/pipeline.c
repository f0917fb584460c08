/* pipeline/pipeline.c — bm_render_map: plan -> load -> project -> clip/simplify ->
 * label -> paint -> write for one map. The plan (extent, projection, view,
 * data scale) is made here; each later step lives in its own file of this folder. */
#include "pipeline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/util.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layers/story.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline/map.h"
#include "proj/proj.h"
#include "spec/style.h"
#include "text/text.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The lon/lat box of one country: its largest part, plus the parts near it,
 * so that far-off islands and territories do not stretch the map. */
static void country_box(const bm_geom *g, bm_bbox *acc) {
  size_t best = 0;
  double best_a = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    double a = bm_geom_ring_area(g, i);
    if (a > best_a) best_a = a, best = i;
  }
  bm_bbox main = bm_bbox_empty();
  const double *p = bm_geom_part_xy(g, best);
  for (size_t k = 0; k < bm_geom_part_len(g, best); k++)
    bm_bbox_add(&main, p[2 * k], p[2 * k + 1]);
  double reach = fmax(main.maxx - main.minx, main.maxy - main.miny);
  bm_bbox near = bm_bbox_grow(main, reach, reach);
  for (size_t i = 0; i < g->nparts; i++) {
    const double *q = bm_geom_part_xy(g, i);
    bm_bbox b = bm_bbox_empty();
    for (size_t k = 0; k < bm_geom_part_len(g, i); k++)
      bm_bbox_add(&b, q[2 * k], q[2 * k + 1]);
    if (bm_bbox_intersects(b, near)) {
      bm_bbox_add(acc, b.minx, b.miny);
      bm_bbox_add(acc, b.maxx, b.maxy);
    }
  }
}

/* The lon/lat box of an extent given as a box, a centre and radius, or a
 * list of countries (used for the map and for its inset). */
bm_status pl_extent_box(map *m, bm_extent_kind kind, const double bbox[4], const double center[2],
                        double radius_km, const bm_country_ref *countries, size_t ncountries,
                        bm_bbox *ll) {
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
      if (mask[i]) country_box(&cs.f[i].geom, ll);
  }
  free(mask);
  bm_features_free(&cs);
  return st;
}

static bm_status extent_lonlat(map *m, bm_bbox *ll) {
  const bm_spec *s = m->spec;
  return pl_extent_box(m, s->extent_kind, s->bbox, s->center, s->radius_km, s->extent_countries,
                       s->n_extent_countries, ll);
}

static const char *auto_scale(double m_per_px) {
  if (m_per_px <= 3000) return "10m";
  if (m_per_px <= 12000) return "50m";
  return "110m";
}

static bm_status plan(map *m) {
  const bm_spec *s = m->spec;
  int width = m->opt->width > 0 ? m->opt->width : s->width;
  int height = m->opt->height > 0 ? m->opt->height : s->height;
  bm_bbox ll;
  bm_status st = extent_lonlat(m, &ll);
  if (st) return st;
  char def[512];
  if (!strcmp(s->projection, "auto"))
    bm_proj_auto_definition(ll, def, sizeof def);
  else
    snprintf(def, sizeof def, "%s", s->projection);
  st = bm_proj_create(def, &m->proj, m->err);
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
  if (m->stats) {
    snprintf(m->stats->projection, sizeof m->stats->projection, "%s", def);
    snprintf(m->stats->scale, sizeof m->stats->scale, "%s", m->scale);
  }
  return BM_OK;
}

static bm_status load_sites(map *m) {
  const bm_spec *s = m->spec;
  m->sites = calloc(1, sizeof *m->sites);
  if (!m->sites) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  m->sites->path = strdup(s->path);
  for (size_t i = 0; i < s->n_sites; i++)
    if (!bm_spec_add_site(m->sites, &s->sites[i]))
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < s->n_site_files; i++) {
    bm_status st = bm_sites_read_ogr(&s->site_files[i], m->sites, m->err);
    if (st) return st;
  }
  return BM_OK;
}

/* The write stage's files: one atomic file per file output, opened before any
 * heavy work so an unwritable folder fails first. */
typedef struct {
  bm_atomic *files;
  bm_sink *sinks;
} outputs;

static bm_status outputs_open(outputs *o, bm_output *outs, size_t n, bm_error *err) {
  o->files = calloc(n + 1, sizeof *o->files);
  o->sinks = calloc(n + 1, sizeof *o->sinks);
  if (!o->files || !o->sinks) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (!outs[i].path) continue;
    bm_status st = bm_atomic_open(&o->files[i], outs[i].path, err);
    if (st) return st;
    o->sinks[i].f = o->files[i].f;
  }
  return BM_OK;
}

static void outputs_free(outputs *o, size_t n) {
  for (size_t i = 0; o->files && i < n; i++) {
    bm_atomic_abort(&o->files[i]);
    free(o->sinks[i].data);
  }
  free(o->files);
  free(o->sinks);
}

/* The paint stage once per output, each through its own backend. */
static bm_status paint_outputs(const map *m, const base *b, const story *s, const story_px *sp,
                               const bm_labeler *lb, const bm_furniture *fur, bm_output *outs,
                               size_t n, outputs *o, bm_error *err) {
  double dpi = m->opt->dpi > 0 ? m->opt->dpi : m->spec->dpi;
  for (size_t i = 0; i < n; i++) {
    bm_backend *be;
    bm_status st = bm_backend_create(outs[i].format, m->view.width, m->view.height, dpi,
                                     &o->sinks[i], &be, err);
    if (st) return st;
    pl_paint(m, b, s, sp, lb, fur, be);
    st = bm_be_finish(be, err);
    bm_be_destroy(be);
    if (!st && o->sinks[i].failed)
      st = bm_error_set(err, BM_ERR_IO, outs[i].path, 0, 0, "cannot write the output (disk full?)");
    if (st) {
      if (outs[i].path && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", outs[i].path);
      return st;
    }
  }
  return BM_OK;
}

bm_status bm_render_outputs(const bm_spec *spec, bm_output *outs, size_t nouts,
                            const bm_render_options *opt, bm_render_stats *stats, bm_error *err) {
  bm_render_stats local;
  if (!stats) stats = &local;
  memset(stats, 0, sizeof *stats);
  map m = {.spec = spec, .opt = opt, .stats = stats, .err = err};
  base b = {0};
  bm_furniture fur = {0};
  story_px sp = {0};
  story sty = {0};
  bm_labeler *lb = NULL;
  outputs files = {0};
  bm_atomic report = {0};
  bm_status st;
  double t0 = now();
  bm_error_clear(err);

  bm_style_defaults(&m.style);
  if ((st = bm_style_load(spec->style_path, &m.style, err))) goto done;
  if (!(m.catalog = bm_catalog_create(err))) {
    st = err->code;
    goto done;
  }
  if ((st = bm_text_create(m.style.font, &m.text, err))) goto done;
  if ((st = load_sites(&m))) goto done;
  if ((st = plan(&m))) goto done;
  /* open the outputs first: an unwritable path fails before any heavy work */
  if ((st = outputs_open(&files, outs, nouts, err))) goto done;
  double t1 = now();
  stats->t_plan = t1 - t0;
  if ((st = pl_load_base(&m, &b))) goto done;
  double t2 = now();
  stats->t_load = t2 - t1;
  stats->features = pl_project_base(&m, &b);
  sp.nsites = (int)m.sites->n_sites;
  sp.site_xy = calloc((size_t)sp.nsites * 2 + 2, sizeof(double));
  if (!sp.site_xy) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  for (int i = 0; i < sp.nsites; i++) {
    sp.site_xy[2 * i] = m.sites->sites[i].lon;
    sp.site_xy[2 * i + 1] = m.sites->sites[i].lat;
  }
  bm_proj_forward(m.proj, sp.site_xy, (size_t)sp.nsites);
  for (int i = 0; i < sp.nsites; i++)
    if (sp.site_xy[2 * i] == HUGE_VAL || sp.site_xy[2 * i + 1] == HUGE_VAL) {
      const bm_site *s = &m.sites->sites[i];
      st = bm_error_set(err, BM_ERR_SPEC, spec->path, s->pos.line, s->pos.col,
                        "site '%s' (%g, %g) cannot be shown in projection '%s' (it is on the "
                        "far side of the projection); choose another projection or extent",
                        s->name, s->lon, s->lat, stats->projection);
      goto done;
    }
  bm_view_to_px(&m.view, sp.site_xy, (size_t)sp.nsites);
  bm_story_spread_symbols(sp.site_xy, sp.nsites, m.style.site_symbol_size * m.k);
  if ((st = pl_story_build(&m, &sty))) goto done;
  double t3 = now();
  stats->t_project = t3 - t2;

  bm_furniture_layout(&fur, m.text, &m.style, m.k, m.view.width, m.view.height, spec->title,
                      spec->subtitle, spec->credit);
  if ((st = pl_furniture_plan(&m, &b, &sty, &sp, &fur))) goto done;
  m.fur = &fur;
  double inset = 4 * m.k;
  lb = bm_labeler_create(m.text,
                         (bm_bbox){inset, inset, m.view.width - inset, m.view.height - inset});
  if (!lb) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  bm_labeler_set_point_order(lb, (const bm_point_pos *)m.style.point_order, m.style.n_point_order);
  bm_labeler_set_naive(lb, opt->label_naive);
  bm_labeler_keep_candidates(lb, opt->debug_labels);
  if ((st = pl_add_labels(&m, &b, &sp, lb, fur.boxes, fur.nboxes))) goto done;
  if ((st = pl_add_story_labels(&m, &sty, lb))) goto done;
  if (!bm_labeler_place(lb)) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory while placing labels");
    goto done;
  }
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    if (bm_labeler_at(lb, i)->placed)
      stats->labels_placed++;
    else
      stats->labels_dropped++;
  }
  double t4 = now();
  stats->t_label = t4 - t3;

  if ((st = paint_outputs(&m, &b, &sty, &sp, lb, &fur, outs, nouts, &files, err))) goto done;
  double t5 = now();
  stats->t_paint = t5 - t4;
  /* every file is written and checked before any is put in place */
  if (opt->labels_report && (st = pl_write_report(&m, lb, &sp, &report))) goto done;
  for (size_t i = 0; i < nouts; i++)
    if (outs[i].path && (st = bm_atomic_close(&files.files[i], err))) goto done;
  if (opt->labels_report && (st = bm_atomic_rename(&report, err))) goto done;
  for (size_t i = 0; i < nouts; i++)
    if (outs[i].path && (st = bm_atomic_rename(&files.files[i], err))) goto done;
  for (size_t i = 0; i < nouts; i++)
    if (!outs[i].path) { /* hand the bytes over */
      outs[i].data = files.sinks[i].data;
      outs[i].len = files.sinks[i].len;
      files.sinks[i].data = NULL;
    }
  stats->t_write = now() - t5;

done:
  bm_atomic_abort(&report);
  outputs_free(&files, nouts);
  bm_labeler_destroy(lb);
  bm_furniture_free(&fur);
  pl_story_free(&sty, spec);
  free(sp.site_xy);
  pl_base_free(&b);
  bm_spec_free(m.sites);
  bm_proj_destroy(m.proj);
  bm_text_destroy(m.text);
  bm_catalog_destroy(m.catalog);
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
