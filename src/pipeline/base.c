/* pipeline/base.c — the Natural Earth base map: reading its layers for the
 * view, projecting them to pixels, resolving the highlights, painting. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/util.h"
#include "geom/clip.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layers/story.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline/map.h"
#include "proj/proj.h"
#include "render/render.h"
#include "spec/style.h"
#include "text/text.h"

bm_status pl_read_layer(map *m, const char *logical, const char *scale, const bm_bbox *query,
                        const char *const *fields, bm_features *out) {
  memset(out, 0, sizeof *out);
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
  char path[1024];
  bm_catalog_shp_path(m->opt->data_dir, e, path, sizeof path);
  return bm_shp_read(path, query, fields, out, m->err);
}

/* lon/lat -> clipped, simplified pixel geometry, in place. False: nothing left. */
bool pl_to_pixels(map *m, bm_geom *g) {
  if (!bm_proj_geom(m->proj, g, m->view.query, m->view.step_deg)) return false;
  bm_view_geom_to_px(&m->view, g);
  bm_geom tmp;
  bm_geom_init(&tmp, g->type);
  if (!bm_geom_clip_rect(g, m->clip_px, &tmp)) {
    bm_geom_free(&tmp);
    return false;
  }
  bm_geom_free(g);
  *g = tmp;
  bm_geom_simplify(g, 0.4);
  return g->nparts > 0;
}

static void project_all(map *m, bm_features *fs) {
  for (size_t i = 0; i < fs->n; i++)
    if (!pl_to_pixels(m, &fs->f[i].geom)) bm_geom_reset(&fs->f[i].geom, fs->f[i].geom.type);
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
  free(b->boundary_disputed);
}

bm_status pl_load_base(map *m, base *b) {
  const bm_bbox *q = &m->view.query;
  static const char *const country_f[] = {"ADM0_A3", "ISO_A3", "NAME", "LABELRANK", NULL};
  static const char *const province_f[] = {"ADM0_A3", "NAME", "WOE_NAME", "GN_NAME", NULL};
  static const char *const river_f[] = {"SCALERANK", "NAME", "FEATURECLA", NULL};
  static const char *const boundary_f[] = {"FEATURECLA", NULL};
  static const char *const region_f[] = {"NAME", "FEATURECLA", "SCALERANK", NULL};
  static const char *const place_f[] = {"NAME",    "FEATURECLA", "SCALERANK", "LABELRANK",
                                        "POP_MAX", "ADM0CAP",    "ADM0_A3",   NULL};
  const char *sc = m->scale;
  bm_status st;
  if ((st = pl_read_layer(m, "land", sc, q, NULL, &b->land)) ||
      (st = pl_read_layer(m, "lakes", sc, q, NULL, &b->lakes)) ||
      (st = pl_read_layer(m, "glaciers", sc, q, NULL, &b->glaciers)) ||
      (st = pl_read_layer(m, "countries", sc, q, country_f, &b->countries)) ||
      (st = pl_read_layer(m, "rivers", sc, q, river_f, &b->rivers)) ||
      (st = pl_read_layer(m, "boundaries", sc, q, boundary_f, &b->boundaries)) ||
      (st = pl_read_layer(m, "disputed", sc, q, boundary_f, &b->disputed)) ||
      (st = pl_read_layer(m, "regions", sc, q, region_f, &b->regions)) ||
      (m->spec->show_places && (st = pl_read_layer(m, "places", sc, q, place_f, &b->places))))
    return st;
  if (m->spec->n_highlight_provinces || m->spec->n_highlight_countries)
    /* 10m always: the coarser province layers cover only a few countries */
    if ((st = pl_read_layer(m, "provinces", "10m", q, province_f, &b->provinces))) return st;

  /* resolve the highlights against the data, before projecting drops anything */
  const bm_spec *s = m->spec;
  b->hl_country = calloc(b->countries.n + 1, sizeof(bool));
  b->hl_province = calloc(b->provinces.n + 1, sizeof(bool));
  b->province_in_story = calloc(b->provinces.n + 1, sizeof(bool));
  b->boundary_disputed = calloc(b->boundaries.n + 1, sizeof(bool));
  if (!b->hl_country || !b->hl_province || !b->province_in_story || !b->boundary_disputed)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < s->n_highlight_countries; i++)
    if ((st = bm_story_match_country(&b->countries, &s->highlight_countries[i], s->path,
                                     b->hl_country, m->err)))
      return bm_error_wrap(m->err, "highlight countries (only countries in view count)");
  for (size_t i = 0; i < s->n_highlight_provinces; i++)
    if ((st = bm_story_match_province(&b->provinces, &s->highlight_provinces[i], s->path,
                                      b->hl_province, m->err)))
      return st;
  for (size_t i = 0; i < b->boundaries.n; i++)
    b->boundary_disputed[i] =
        pl_boundary_is_disputed(bm_feature_attr(&b->boundaries, i, "FEATURECLA"));
  /* province outlines are drawn inside the highlighted countries only */
  for (size_t i = 0; i < b->provinces.n; i++) {
    const char *c = bm_feature_attr(&b->provinces, i, "ADM0_A3");
    for (size_t k = 0; c && k < s->n_highlight_countries; k++)
      if (!bm_strcasecmp(c, s->highlight_countries[k].code)) b->province_in_story[i] = true;
    for (size_t k = 0; c && k < s->n_highlight_provinces; k++)
      if (!bm_strcasecmp(c, s->highlight_provinces[k].country)) b->province_in_story[i] = true;
  }
  return BM_OK;
}

size_t pl_project_base(map *m, base *b) {
  bm_features *all[] = {&b->land,   &b->lakes,      &b->glaciers, &b->countries, &b->provinces,
                        &b->rivers, &b->boundaries, &b->disputed, &b->regions};
  size_t n = 0;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    project_all(m, all[i]);
    n += all[i]->n;
  }
  return n;
}

bool pl_boundary_is_disputed(const char *cla) {
  return cla && strncmp(cla, "International boundary", 22) != 0;
}
