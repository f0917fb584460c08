/* pipeline/load.c — the load stage: every read from disk (Natural Earth
 * layers for the view, site files, the story's area files and boundary lines),
 * and the highlights resolved against what was read. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/util.h"
#include "geom/clip.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline/map.h"
#include "proj/proj.h"
#include "render/render.h"
#include "spec/style.h"
#include "story/story.h"
#include "text/text.h"

void pl_warn(map *m, const char *fmt, ...) {
  char buf[sizeof m->stats->warnings[0]];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  for (size_t i = 0; i < m->stats->nwarnings; i++) /* a layer read twice warns once */
    if (!strcmp(m->stats->warnings[i], buf)) return;
  if (m->stats->nwarnings < BM_MAX_WARNINGS)
    memcpy(m->stats->warnings[m->stats->nwarnings++], buf, sizeof buf);
}

/* Does the spec depend on every record of this layer? */
static const char *needed_for(const map *m, const char *logical) {
  const bm_spec *s = m->spec;
  if (!strcmp(logical, "countries")) {
    if (s->n_highlight_countries) return "highlight: countries";
    if (s->extent_kind == BM_EXTENT_COUNTRIES) return "extent: countries";
  }
  if (!strcmp(logical, "provinces") && s->n_highlight_provinces) return "highlight: provinces";
  if (!strcmp(logical, "boundaries") && s->n_borders) return "borders";
  return NULL;
}

bm_status pl_check_layer(map *m, const char *logical, const char *path, const bm_features *fs) {
  if (fs->cpg_missing && fs->n)
    pl_warn(m, "%s: layer %s has no .cpg file; its text was read as %s", path, logical,
            fs->guessed_utf8 ? "UTF-8 (all of it is valid UTF-8)"
                             : "Windows-1252 (it is not valid UTF-8)");
  if (fs->index_damaged[0])
    pl_warn(m,
            "%.*s.qix: the spatial index of layer %s is damaged (%s); the layer was read "
            "without it. Delete the .qix or fetch the layer again",
            (int)strlen(path) - 4, path, logical, fs->index_damaged);
  if (fs->reprojected)
    pl_warn(m, "%s: layer %s is in %s (its .prj); transformed to longitude/latitude WGS84", path,
            logical, fs->crs);
  if (!fs->skipped && !fs->past_end) return BM_OK;
  char what[600];
  if (fs->skipped)
    snprintf(
        what, sizeof what,
        "layer %s: %zu of the %zu records read for the map's box are damaged and were left out "
        "(first: record %d, counting from 0: %s)",
        logical, fs->skipped, fs->read, fs->first_bad, fs->bad_reason);
  if (fs->skipped && fs->past_end) {
    size_t k = strlen(what);
    snprintf(what + k, sizeof what - k,
             "; the .shp is truncated: %zu of its %zu records lie past its end", fs->past_end,
             fs->total);
  }
  if (!fs->skipped)
    snprintf(what, sizeof what,
             "layer %s: the .shp is truncated: %zu of its %zu records lie past its end (none "
             "in the map's box)",
             logical, fs->past_end, fs->total);
  const char *need = needed_for(m, logical);
  size_t lost = fs->skipped > fs->past_end ? fs->skipped : fs->past_end;
  bool too_many = (double)lost > BM_DATA_MAX_SKIP_SHARE * (double)fs->total;
  char why[200];
  if (need && fs->skipped)
    snprintf(why, sizeof why, "the spec's %s needs every record of this layer", need);
  else if (m->opt->strict_data)
    snprintf(why, sizeof why, "--strict-data makes any damaged record an error");
  else
    snprintf(why, sizeof why,
             "more than %g%% of a layer's records damaged is too many for a true map",
             100 * BM_DATA_MAX_SKIP_SHARE);
  if ((need && fs->skipped) || too_many || m->opt->strict_data)
    return bm_error_set(m->err, BM_ERR_DATA, path, 0, 0,
                        "%s; %s. The file is damaged: fetch it again with `bordermap data "
                        "fetch` into a new folder",
                        what, why);
  pl_warn(m, "%s: %s", path, what);
  return BM_OK;
}

static bm_status confine_one(map *m, const char *what, const char *path, bm_spec_pos pos) {
  const bm_spec *s = m->spec;
  char home[1024] = "", styles[1100] = "", geodata[1100] = "", up[1100];
  if (bm_home_dir(home, sizeof home)) { /* bordermap's own styles and story files */
    snprintf(styles, sizeof styles, "%s/styles", home);
    snprintf(geodata, sizeof geodata, "%s/geodata", home);
  }
  snprintf(up, sizeof up, "%s/../styles", s->dir && *s->dir ? s->dir : ".");
  const char *fixed[] = {s->dir && *s->dir ? s->dir : ".", ".", m->opt->data_dir, styles, geodata,
                         getenv("BORDERMAP_STYLES"),       up};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    if (fixed[i] && bm_path_inside(path, fixed[i])) return BM_OK;
  for (const char *const *d = m->opt->allow_dirs; d && *d; d++)
    if (bm_path_inside(path, *d)) return BM_OK;
  char *real = realpath(path, NULL);
  char *dir = bm_path_dirname(real ? real : path);
  bm_status st = bm_error_set(
      m->err, BM_ERR_SPEC, s->path, pos.line, pos.col,
      "%s '%s'%s%s%s is outside the folders a map spec may read from (the spec's folder, the "
      "working directory, the data folder and bordermap's styles); to allow it, render with "
      "--allow-dir %s",
      what, path, real && strcmp(real, path) ? " (which is " : "",
      real && strcmp(real, path) ? real : "", real && strcmp(real, path) ? ")" : "",
      dir ? dir : "FOLDER");
  free(real);
  free(dir);
  return st;
}

bm_status pl_confine(map *m) {
  const bm_spec *s = m->spec;
  bm_status st;
  if (s->style_path && (st = confine_one(m, "style", s->style_path, s->style_pos))) return st;
  for (size_t i = 0; i < s->n_site_files; i++)
    if ((st = confine_one(m, "site file", s->site_files[i].path, s->site_files[i].pos))) return st;
  for (size_t i = 0; i < s->n_areas; i++)
    if (s->areas[i].kind == BM_AREA_FILE &&
        (st = confine_one(m, "area file", s->areas[i].file, s->areas[i].pos)))
      return st;
  if (s->relief.kind && (st = confine_one(m, "relief file", s->relief.file, s->relief.file_pos)))
    return st;
  return BM_OK;
}

/* A layer's cache key: file, box and fields. */
static void layer_key(const char *path, const bm_bbox *query, const char *const *fields,
                      char *key, size_t n) {
  int k = snprintf(key, n, "%s|", path);
  if (query)
    k += snprintf(key + k, n - (size_t)k, "%a,%a,%a,%a|", query->minx, query->miny, query->maxx,
                  query->maxy);
  for (const char *const *f = fields; f && *f && k < (int)n; f++)
    k += snprintf(key + k, n - (size_t)k, "%s,", *f);
}

/* ---- the base layers read on every core ----
 * pl_load_base reads its layers one after another, so that errors and warnings come in its
 * order. On a map with more than one thread the same reads are done first on every core,
 * into m->prefetch (a 7000 px world map: 0.2 s of reading, one layer after another);
 * cached_shp_read then takes a layer from there when one with its key was read, and reads
 * it itself otherwise (a read that failed ahead fails again there, with its message). */
struct pl_prefetch {
  char key[1400], path[1024];
  const char *fields[16];
  bm_features fs;
  bool ok, taken;
};

typedef struct {
  struct pl_prefetch *r;
  size_t n;
  const bm_bbox *query;
  _Atomic size_t next;
} prefetch_job;

static void *prefetch_worker(void *arg) {
  prefetch_job *j = arg;
  for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) {
    struct pl_prefetch *r = &j->r[i];
    bm_error e;
    bm_error_clear(&e);
    r->ok = bm_shp_read(r->path, j->query, r->fields[0] ? r->fields : NULL, &r->fs, &e) == BM_OK;
  }
  return NULL;
}

/* One read ahead, of the file pl_read_layer would read (or path). */
static void prefetch_add(map *m, const char *logical, const char *scale, const char *path,
                         const char *const *fields, struct pl_prefetch *r, size_t *n) {
  struct pl_prefetch *p = &r[*n];
  memset(p, 0, sizeof *p);
  if (path) {
    snprintf(p->path, sizeof p->path, "%s", path);
  } else {
    const bm_catalog_entry *e = bm_catalog_find_nearest(m->catalog, logical, scale);
    if (!e || !bm_catalog_present(m->opt->data_dir, e)) return;
    bm_catalog_shp_path(m->opt->data_dir, e, p->path, sizeof p->path);
  }
  size_t k = 0;
  for (; fields && fields[k] && k < 15; k++)
    p->fields[k] = fields[k];
  if (fields && fields[k]) return; /* more than fit: read in turn */
  layer_key(p->path, &m->view.query, fields, p->key, sizeof p->key);
  (*n)++;
}

static void prefetch_run(map *m, struct pl_prefetch *r, size_t n) {
  prefetch_job j = {.r = r, .n = n, .query = &m->view.query};
  atomic_init(&j.next, 0);
  bm_run_threads(prefetch_worker, &j, 8);
  m->prefetch = r, m->nprefetch = n;
}

/* Frees what was read ahead and not taken. */
static void prefetch_end(map *m) {
  for (size_t i = 0; i < m->nprefetch; i++)
    if (!m->prefetch[i].taken) bm_features_free(&m->prefetch[i].fs);
  m->prefetch = NULL, m->nprefetch = 0;
}

static bool prefetch_take(map *m, const char *key, bm_features *out) {
  for (size_t i = 0; i < m->nprefetch; i++) {
    struct pl_prefetch *p = &m->prefetch[i];
    if (p->ok && !p->taken && !strcmp(p->key, key)) {
      *out = p->fs;
      p->taken = true;
      return true;
    }
  }
  return false;
}

/* bm_shp_read through the batch's cache: a layer read once per process, by file, box and
 * fields; its key is remembered for the project stage. */
static bm_status cached_shp_read(map *m, const char *path, const bm_bbox *query,
                                 const char *const *fields, bm_features *out) {
  char key[1400];
  layer_key(path, query, fields, key, sizeof key);
  size_t slot = 0;
  while (slot < m->nlayer_keys && m->layer_key[slot].fs != out)
    slot++;
  if (slot < sizeof m->layer_key / sizeof m->layer_key[0]) {
    m->layer_key[slot].fs = out;
    snprintf(m->layer_key[slot].key, sizeof m->layer_key[slot].key, "%s", key);
    if (slot == m->nlayer_keys) m->nlayer_keys++;
  }
  if (m->opt->cache && pl_cache_get_layer(m->opt->cache, key, out)) return BM_OK;
  bm_status st =
      prefetch_take(m, key, out) ? BM_OK : bm_shp_read(path, query, fields, out, m->err);
  if (!st) pl_cache_put_layer(m->opt->cache, key, out);
  return st;
}

/* The .shp of a logical layer at a scale (or the nearest finer one); a data error that
 * says how to fetch it when it is missing. */
static bm_status layer_path(map *m, const char *logical, const char *scale, char *path,
                            size_t n) {
  const bm_catalog_entry *e = bm_catalog_find_nearest(m->catalog, logical, scale);
  if (!e)
    return bm_error_set(m->err, BM_ERR_INTERNAL, NULL, 0, 0, "no layer '%s' in the manifest",
                        logical);
  if (!bm_dir_exists(m->opt->data_dir))
    return bm_error_set(m->err, BM_ERR_DATA, m->opt->data_dir, 0, 0,
                        "the Natural Earth data folder does not exist; run `bordermap data "
                        "fetch --data %s` (add --from <mirror folder or URL> when offline), or "
                        "point --data / BORDERMAP_DATA at a folder that has the layers",
                        m->opt->data_dir);
  if (!bm_catalog_present(m->opt->data_dir, e)) {
    char dir[1024];
    bm_catalog_layer_dir(m->opt->data_dir, e, dir, sizeof dir);
    return bm_error_set(m->err, BM_ERR_DATA, dir, 0, 0,
                        "layer '%s' at %s (%s) is missing from the data folder; run `bordermap "
                        "data fetch --data %s --scales %s`",
                        logical, e->scale, e->stem, m->opt->data_dir, e->scale);
  }
  bm_catalog_shp_path(m->opt->data_dir, e, path, n);
  return BM_OK;
}

bm_status pl_read_layer(map *m, const char *logical, const char *scale, const bm_bbox *query,
                        const char *const *fields, bm_features *out) {
  memset(out, 0, sizeof *out);
  char path[1024];
  bm_status st = layer_path(m, logical, scale, path, sizeof path);
  if (!st) st = cached_shp_read(m, path, query, fields, out);
  return st ? st : pl_check_layer(m, logical, path, out);
}

bm_status pl_read_layer_shared(map *m, const char *logical, const char *scale,
                               const bm_bbox *query, const char *const *fields, bm_features *own,
                               const bm_features **out, char *key, size_t keylen) {
  memset(own, 0, sizeof *own);
  *out = own;
  char path[1024];
  bm_status st = layer_path(m, logical, scale, path, sizeof path);
  if (st) return st;
  layer_key(path, query, fields, key, keylen);
  const bm_features *shared = pl_cache_peek_layer(m->opt->cache, key);
  if (shared) {
    *out = shared;
  } else {
    if ((st = bm_shp_read(path, query, fields, own, m->err))) return st;
    pl_cache_put_layer(m->opt->cache, key, own);
  }
  return pl_check_layer(m, logical, path, *out);
}

double pl_attr_num(const bm_features *fs, size_t i, const char *field, double dflt) {
  const char *v = bm_feature_attr(fs, i, field);
  if (!v || !*v) return dflt;
  char *end;
  double d = strtod(v, &end);
  return end == v ? dflt : d;
}

void pl_base_free(base *b) {
  bm_features_free(&b->land);
  bm_features_free(&b->lakes);
  bm_features_free(&b->glaciers);
  bm_features_free(&b->countries);
  bm_features_free(&b->provinces);
  bm_features_free(&b->rivers);
  bm_features_free(&b->boundaries);
  bm_features_free(&b->disputed);
  bm_features_free(&b->places);
  bm_features_free(&b->regions);
  free(b->hl_country);
  free(b->hl_province);
  free(b->province_in_story);
  free(b->boundary_class);
  free(b->disputed_class);
}

bool pl_boundary_is_dashed(unsigned char cls) {
  return cls != BM_BOUNDARY_INTERNATIONAL && cls != BM_BOUNDARY_UNRECOGNIZED;
}

bm_status pl_read_boundaries(map *m, const char *logical, const char *scale, const bm_bbox *query,
                             const char *const *extra_fields, bool required, bm_features *out,
                             unsigned char **cls) {
  const bm_pov *pov = m->spec->point_of_view;
  const char *fields[8];
  size_t n = 0;
  fields[n++] = "FEATURECLA";
  if (pov) fields[n++] = pov->field;
  for (size_t i = 0; extra_fields && extra_fields[i] && n < 7; i++)
    fields[n++] = extra_fields[i];
  fields[n] = NULL;
  *cls = NULL;
  bm_status st = pl_read_layer(m, logical, scale, query, fields, out);
  if (st) return st;
  if (pov && required && !bm_features_have_field(out, pov->field)) {
    const bm_catalog_entry *e = bm_catalog_find_nearest(m->catalog, logical, scale);
    char path[1024] = "";
    if (e) bm_catalog_shp_path(m->opt->data_dir, e, path, sizeof path);
    return bm_error_set(
        m->err, BM_ERR_DATA, path, 0, 0,
        "point_of_view: %s (%s:%d:%d) needs the %s field of Natural Earth's boundary lines, "
        "which this data lacks: it is older than Natural Earth 5.1.0, the release that adds "
        "the points of view (FCLASS_* fields). Fetch release 5.1.0 or later into a new folder "
        "with `bordermap data fetch --from 5.1.2 --scales %s --data NEW_FOLDER` (or --from a "
        "mirror of that release; the layers already in %s are not fetched again) and render "
        "with --data NEW_FOLDER, or leave point_of_view out for Natural Earth's de facto view",
        pov->iso3, m->spec->path, m->spec->point_of_view_pos.line, m->spec->point_of_view_pos.col,
        pov->field, e ? e->scale : scale, m->opt->data_dir);
  }
  *cls = calloc(out->n + 1, 1);
  if (!*cls) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < out->n; i++) {
    bm_boundary_class c = BM_BOUNDARY_DISPUTED; /* a line with no class is not settled */
    /* the point of view's class where it gives one, else the de facto FEATURECLA */
    if (!(pov && bm_boundary_class_of_ne(bm_feature_attr(out, i, pov->field), &c)))
      bm_boundary_class_of_ne(bm_feature_attr(out, i, "FEATURECLA"), &c);
    (*cls)[i] = (unsigned char)c;
  }
  return BM_OK;
}

/* The countries, from Natural Earth's per-country POV layer of the map's point of view
 * (ne_{scale}_admin_0_countries_{code}, release 5.1.0 and later) when the data folder has
 * it at that scale, so that highlights, fills and names follow that view; else the de
 * facto layer. */
/* The point of view's own countries layer, when the data folder has it at that scale. */
static bool pov_countries_path(map *m, const char *scale, char *path, size_t n) {
  const bm_pov *pov = m->spec->point_of_view;
  const bm_catalog_entry *e = bm_catalog_find_nearest(m->catalog, "countries", scale);
  if (!pov || !e) return false;
  snprintf(path, n, "%s/%s_%s/%s_%s.shp", m->opt->data_dir, e->stem, pov->layer, e->stem,
           pov->layer);
  return bm_file_exists(path);
}

static bm_status read_countries(map *m, const char *scale, const bm_bbox *q,
                                const char *const *fields, bm_features *out) {
  char path[1200];
  if (pov_countries_path(m, scale, path, sizeof path)) {
    bm_status st = cached_shp_read(m, path, q, fields, out);
    return st ? st : pl_check_layer(m, "countries", path, out);
  }
  return pl_read_layer(m, "countries", scale, q, fields, out);
}

bm_status pl_load_base(map *m, base *b) {
  const bm_bbox *q = &m->view.query;
  static const char *const country_f[] = {"ADM0_A3", "ISO_A3", "NAME", "LABELRANK", NULL};
  static const char *const province_f[] = {"ADM0_A3", "NAME", "WOE_NAME", "GN_NAME", NULL};
  static const char *const river_f[] = {"SCALERANK", "NAME",     "FEATURECLA",
                                        "NAME_EN",   "NAME_ALT", NULL};
  static const char *const region_f[] = {"NAME", "FEATURECLA", "SCALERANK", NULL};
  static const char *const place_f[] = {"NAME",    "FEATURECLA", "SCALERANK", "LABELRANK",
                                        "POP_MAX", "ADM0CAP",    "ADM0_A3",   NULL};
  /* each with the NAME_<LANG> field of the map's language */
  const char *cf[8], *pvf[8], *rf[8], *rgf[8], *plf[12];
  pl_name_fields(m, country_f, cf, 8);
  pl_name_fields(m, province_f, pvf, 8);
  pl_name_fields(m, river_f, rf, 8);
  pl_name_fields(m, region_f, rgf, 8);
  pl_name_fields(m, place_f, plf, 12);
  const char *sc = m->scale;
  /* 10m always: the coarser province layers cover only a few countries */
  bool provinces = m->spec->n_highlight_provinces || m->spec->n_highlight_countries;
  struct pl_prefetch ahead[12];
  if (!m->opt->cache && bm_thread_count() > 1) { /* a batch worker has its cache and one core */
    const bm_pov *pov = m->spec->point_of_view;
    const char *bf[] = {"FEATURECLA", pov ? pov->field : NULL, NULL};
    char pov_countries[1200] = "";
    if (!pov_countries_path(m, sc, pov_countries, sizeof pov_countries)) pov_countries[0] = 0;
    size_t n = 0;
    prefetch_add(m, "land", sc, NULL, NULL, ahead, &n);
    prefetch_add(m, "lakes", sc, NULL, NULL, ahead, &n);
    prefetch_add(m, "glaciers", sc, NULL, NULL, ahead, &n);
    prefetch_add(m, "countries", sc, pov_countries[0] ? pov_countries : NULL, cf, ahead, &n);
    prefetch_add(m, "rivers", sc, NULL, rf, ahead, &n);
    prefetch_add(m, "boundaries", sc, NULL, bf, ahead, &n);
    prefetch_add(m, "disputed", sc, NULL, bf, ahead, &n);
    prefetch_add(m, "regions", sc, NULL, rgf, ahead, &n);
    if (m->spec->show_places) prefetch_add(m, "places", sc, NULL, plf, ahead, &n);
    if (provinces) prefetch_add(m, "provinces", "10m", NULL, pvf, ahead, &n);
    prefetch_run(m, ahead, n);
  }
  bm_status st;
  bool failed =
      (st = pl_read_layer(m, "land", sc, q, NULL, &b->land)) ||
      (st = pl_read_layer(m, "lakes", sc, q, NULL, &b->lakes)) ||
      (st = pl_read_layer(m, "glaciers", sc, q, NULL, &b->glaciers)) ||
      (st = read_countries(m, sc, q, cf, &b->countries)) ||
      (st = pl_read_layer(m, "rivers", sc, q, rf, &b->rivers)) ||
      (st = pl_read_boundaries(m, "boundaries", sc, q, NULL, true, &b->boundaries,
                               &b->boundary_class)) ||
      (st = pl_read_boundaries(m, "disputed", sc, q, NULL, false, &b->disputed,
                               &b->disputed_class)) ||
      (st = pl_read_layer(m, "regions", sc, q, rgf, &b->regions)) ||
      (m->spec->show_places && (st = pl_read_layer(m, "places", sc, q, plf, &b->places))) ||
      (provinces && (st = pl_read_layer(m, "provinces", "10m", q, pvf, &b->provinces)));
  prefetch_end(m);
  if (failed) return st;

  /* resolve the highlights against the data, before projecting drops anything */
  const bm_spec *s = m->spec;
  b->hl_country = calloc(b->countries.n + 1, sizeof(bool));
  b->hl_province = calloc(b->provinces.n + 1, sizeof(bool));
  b->province_in_story = calloc(b->provinces.n + 1, sizeof(bool));
  if (!b->hl_country || !b->hl_province || !b->province_in_story)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < s->n_highlight_countries; i++)
    if ((st = bm_story_match_country(&b->countries, &s->highlight_countries[i], s->path,
                                     b->hl_country, m->err)))
      return bm_error_wrap(m->err, "highlight countries (only countries in view count)");
  for (size_t i = 0; i < s->n_highlight_provinces; i++)
    if ((st = bm_story_match_province(&b->provinces, &s->highlight_provinces[i], s->path,
                                      b->hl_province, m->err)))
      return st;
  /* province lines (labels: provinces:): inside countries whose provinces the spec
   * highlights (highlighted, the default); also inside highlighted countries (story); none */
  for (size_t i = 0; i < b->provinces.n && s->labels.provinces != BM_PROVINCES_NONE; i++) {
    const char *c = bm_feature_attr(&b->provinces, i, "ADM0_A3");
    for (size_t k = 0;
         c && s->labels.provinces == BM_PROVINCES_STORY && k < s->n_highlight_countries; k++)
      if (!bm_strcasecmp(c, s->highlight_countries[k].code)) b->province_in_story[i] = true;
    for (size_t k = 0; c && k < s->n_highlight_provinces; k++)
      if (!bm_strcasecmp(c, s->highlight_provinces[k].country)) b->province_in_story[i] = true;
  }
  /* names in the map's language, once the highlights are matched on the data's names */
  bm_features *named[] = {&b->countries, &b->provinces, &b->rivers, &b->regions, &b->places};
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
    if ((st = pl_translate(m, named[i]))) return st;
  return BM_OK;
}

bm_status pl_load_sites(map *m) {
  const bm_spec *s = m->spec;
  m->sites = calloc(1, sizeof *m->sites);
  if (!m->sites) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  m->sites->path = strdup(s->path);
  for (size_t i = 0; i < s->n_sites; i++)
    if (!bm_spec_add_site(m->sites, &s->sites[i]))
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < s->n_site_files; i++) {
    bm_load_limits lim = {m->opt->max_file_mb, m->opt->max_features, m->opt->max_parts,
                          m->opt->max_vertices};
    bm_sites_damage bad;
    const bm_site_file *f = &s->site_files[i];
    bm_status st = bm_sites_read_ogr_limited(f, m->sites, &lim, &bad, m->err);
    if (st) return st;
    if (bad.skipped && m->opt->strict_data)
      return bm_error_set(m->err, BM_ERR_SPEC, s->path, f->pos.line, f->pos.col,
                          "site file '%s': %zu row%s cannot be read (first: %s); "
                          "--strict-data makes that an error",
                          f->path, bad.skipped, bad.skipped == 1 ? "" : "s", bad.first);
    if (bad.skipped)
      pl_warn(m, "%s: %zu row%s of the site file cannot be read and %s left out (first: %s)",
              f->path, bad.skipped, bad.skipped == 1 ? "" : "s",
              bad.skipped == 1 ? "was" : "were", bad.first);
  }
  return BM_OK;
}

bm_status pl_relief_request(map *m, bm_raster_request *rq, double **ll, size_t *n) {
  const bm_relief_spec *r = &m->spec->relief;
  enum { N = 33 }; /* the frame sampled on an N x N grid */
  *n = 0;
  if (!(*ll = malloc(2 * N * N * sizeof **ll)))
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double x = m->view.width * (double)i / (N - 1), y = m->view.height * (double)j / (N - 1);
      if (bm_view_px_lonlat(m->proj, &m->view, x, y, &(*ll)[2 * *n], &(*ll)[2 * *n + 1])) (*n)++;
    }
  *rq = (bm_raster_request){r->file, m->spec->path, r->file_pos.line, r->file_pos.col,
                            m->opt->max_relief_mpx};
  return BM_OK;
}

bm_status pl_relief_read(const map *m, const bm_raster_request *rq, const double *ll, size_t n,
                         bm_raster_window *out, bm_error *err) {
  int gw, gh;
  pl_relief_grid(m, &gw, &gh);
  return bm_raster_read(rq, ll, n, gw, gh, out, err);
}

bm_status pl_load_story(map *m, story_input *in) {
  const bm_spec *spec = m->spec;
  in->area_file = calloc(spec->n_areas + 1, sizeof(bm_geom));
  if (!in->area_file) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  /* borders, and buffers along them, measure the 10m boundary lines whatever the map's scale */
  bool need_lines = spec->n_borders > 0;
  for (size_t i = 0; i < spec->n_areas; i++)
    if (spec->areas[i].kind == BM_AREA_BUFFER && spec->areas[i].along == BM_BUFFER_BORDER)
      need_lines = true;
  static const char *const line_f[] = {"ADM0_A3_L", "ADM0_A3_R", NULL};
  bm_status st;
  if (need_lines && (st = pl_read_boundaries(m, "boundaries", "10m", NULL, line_f, true, &in->lines,
                                             &in->line_class)))
    return st;
  for (size_t i = 0; i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    bm_geom_init(&in->area_file[i], BM_GEOM_POLYGON);
    bm_load_limits lim = {m->opt->max_file_mb, m->opt->max_features, m->opt->max_parts,
                          m->opt->max_vertices};
    if (a->kind == BM_AREA_FILE &&
        (st = bm_areas_read_ogr_limited(a->file, spec->path, a->pos.line, a->pos.col, &lim,
                                        &in->area_file[i], m->err)))
      return st;
  }
  return BM_OK;
}

void pl_story_input_free(story_input *in, const bm_spec *spec) {
  bm_features_free(&in->lines);
  free(in->line_class);
  for (size_t i = 0; in->area_file && i < spec->n_areas; i++)
    bm_geom_free(&in->area_file[i]);
  free(in->area_file);
  bm_raster_window_free(&in->relief);
}
