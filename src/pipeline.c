#include "pipeline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layers/story.h"
#include "load/catalog.h"
#include "load/load.h"
#include "proj/proj.h"
#include "render/furniture.h"
#include "render/render.h"
#include "spec/style.h"
#include "text/text.h"

/* Everything one render holds; freed in one place (map_free). */
typedef struct {
  const bm_spec *spec;
  bm_spec *sites;        /* copy of the spec's sites plus those read from site files */
  const bm_render_options *opt;
  bm_style style;
  bm_catalog *catalog;
  bm_text *text;
  bm_proj *proj;
  bm_view view;
  const char *scale;     /* data scale in use */
  double k;              /* style size factor: width / 1200 */
  bm_bbox clip_px;       /* frame plus a margin: geometry is cut to this */
  bm_render_stats *stats;
  bm_error *err;
} map;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- load ------------------------------------------------------------- */

static bm_status read_layer(map *m, const char *logical, const char *scale, const bm_bbox *query,
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
static bool to_pixels(map *m, bm_geom *g) {
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
    if (!to_pixels(m, &fs->f[i].geom)) bm_geom_reset(&fs->f[i].geom, fs->f[i].geom.type);
}

static double attr_num(const bm_features *fs, size_t i, const char *field, double dflt) {
  const char *v = bm_feature_attr(fs, i, field);
  if (!v || !*v) return dflt;
  char *end;
  double d = strtod(v, &end);
  return end == v ? dflt : d;
}

/* ---- plan ------------------------------------------------------------- */

/* The lon/lat box of one country: its largest part, plus the parts near it,
 * so that far-off islands and territories do not stretch the map. */
static void country_box(const bm_geom *g, bm_bbox *acc) {
  size_t best = 0;
  double best_a = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    double a = bm_geom_ring_area(g, i);
    if (a > best_a) best_a = a, best = i;
  }
  bm_geom one;
  bm_geom_init(&one, g->type);
  bm_bbox main = bm_bbox_empty();
  const double *p = bm_geom_part_xy(g, best);
  for (size_t k = 0; k < bm_geom_part_len(g, best); k++) bm_bbox_add(&main, p[2 * k], p[2 * k + 1]);
  double reach = fmax(main.maxx - main.minx, main.maxy - main.miny);
  bm_bbox near = bm_bbox_grow(main, reach, reach);
  for (size_t i = 0; i < g->nparts; i++) {
    const double *q = bm_geom_part_xy(g, i);
    bm_bbox b = bm_bbox_empty();
    for (size_t k = 0; k < bm_geom_part_len(g, i); k++) bm_bbox_add(&b, q[2 * k], q[2 * k + 1]);
    if (bm_bbox_intersects(b, near)) {
      bm_bbox_add(acc, b.minx, b.miny);
      bm_bbox_add(acc, b.maxx, b.maxy);
    }
  }
  bm_geom_free(&one);
}

static bm_status extent_lonlat(map *m, bm_bbox *ll) {
  const bm_spec *s = m->spec;
  *ll = bm_bbox_empty();
  if (s->extent_kind == BM_EXTENT_BBOX) {
    *ll = (bm_bbox){s->bbox[0], s->bbox[1], s->bbox[2], s->bbox[3]};
    if (ll->maxx < ll->minx) ll->maxx += 360; /* crosses the antimeridian */
    return BM_OK;
  }
  if (s->extent_kind == BM_EXTENT_CENTER) {
    for (int a = 0; a < 360; a += 5) {
      double lon, lat;
      bm_geodesic_direct(s->center[0], s->center[1], a, s->radius_km * 1000, &lon, &lat);
      while (lon < s->center[0] - 180) lon += 360;
      while (lon > s->center[0] + 180) lon -= 360;
      bm_bbox_add(ll, lon, lat);
    }
    return BM_OK;
  }
  static const char *const fields[] = {"ADM0_A3", "ISO_A3", "NAME", NULL};
  bm_features cs;
  bm_status st = read_layer(m, "countries", "50m", NULL, fields, &cs);
  bool *mask = st ? NULL : calloc(cs.n ? cs.n : 1, sizeof *mask);
  for (size_t r = 0; !st && r < s->n_extent_countries; r++) {
    memset(mask, 0, cs.n * sizeof *mask);
    st = bm_story_match_country(&cs, &s->extent_countries[r], s->path, mask, m->err);
    for (size_t i = 0; !st && i < cs.n; i++)
      if (mask[i]) country_box(&cs.f[i].geom, ll);
  }
  free(mask);
  bm_features_free(&cs);
  return st;
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
  m->k = width / 1200.0;
  double margin = 20 * m->k + 10;
  m->clip_px = (bm_bbox){-margin, -margin, width + margin, height + margin};
  if (m->stats) {
    snprintf(m->stats->projection, sizeof m->stats->projection, "%s", def);
    snprintf(m->stats->scale, sizeof m->stats->scale, "%s", m->scale);
  }
  return BM_OK;
}

/* ---- the map's layers, loaded and projected --------------------------- */

typedef struct {
  bm_features land, lakes, glaciers, countries, provinces, rivers, boundaries, disputed, places,
      regions;
  bool *hl_country, *hl_province, *province_in_story;
} base;

static void base_free(base *b) {
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
}

static bm_status load_base(map *m, base *b) {
  const bm_bbox *q = &m->view.query;
  static const char *const country_f[] = {"ADM0_A3", "ISO_A3", "NAME", "LABELRANK", NULL};
  static const char *const province_f[] = {"ADM0_A3", "NAME", "WOE_NAME", "GN_NAME", NULL};
  static const char *const river_f[] = {"SCALERANK", "NAME", "FEATURECLA", NULL};
  static const char *const boundary_f[] = {"FEATURECLA", NULL};
  static const char *const region_f[] = {"NAME", "FEATURECLA", "SCALERANK", NULL};
  static const char *const place_f[] = {"NAME", "FEATURECLA", "SCALERANK", "LABELRANK",
                                        "POP_MAX", "ADM0CAP", "ADM0_A3", NULL};
  const char *sc = m->scale;
  bm_status st;
  if ((st = read_layer(m, "land", sc, q, NULL, &b->land)) ||
      (st = read_layer(m, "lakes", sc, q, NULL, &b->lakes)) ||
      (st = read_layer(m, "glaciers", sc, q, NULL, &b->glaciers)) ||
      (st = read_layer(m, "countries", sc, q, country_f, &b->countries)) ||
      (st = read_layer(m, "rivers", sc, q, river_f, &b->rivers)) ||
      (st = read_layer(m, "boundaries", sc, q, boundary_f, &b->boundaries)) ||
      (st = read_layer(m, "disputed", sc, q, boundary_f, &b->disputed)) ||
      (st = read_layer(m, "regions", sc, q, region_f, &b->regions)) ||
      (m->spec->show_places && (st = read_layer(m, "places", sc, q, place_f, &b->places))))
    return st;
  if (m->spec->n_highlight_provinces || m->spec->n_highlight_countries)
    /* 10m always: the coarser province layers cover only a few countries */
    if ((st = read_layer(m, "provinces", "10m", q, province_f, &b->provinces))) return st;

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

static size_t project_base(map *m, base *b) {
  bm_features *all[] = {&b->land, &b->lakes, &b->glaciers, &b->countries, &b->provinces,
                        &b->rivers, &b->boundaries, &b->disputed, &b->regions};
  size_t n = 0;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    project_all(m, all[i]);
    n += all[i]->n;
  }
  return n;
}

/* ---- labels ----------------------------------------------------------- */

static bm_text_style tstyle(double size, int weight, bool italic) {
  return (bm_text_style){.size = size, .weight = weight, .italic = italic};
}

/* Which populated places a map of this ground resolution shows. */
static double max_place_rank(double m_per_px) {
  if (m_per_px > 8000) return 2;
  if (m_per_px > 3000) return 4;
  if (m_per_px > 1000) return 6;
  return 8;
}

typedef struct {
  double *site_xy; /* symbol centres in pixels, per site */
  int nsites;
} story_px;

static bool site_name_matches(const bm_spec *sites, const char *name) {
  for (size_t i = 0; name && i < sites->n_sites; i++)
    if (!bm_strcasecmp(sites->sites[i].name, name)) return true;
  return false;
}

#define ADD(req)                                                                           \
  do {                                                                                     \
    if (!bm_labeler_add(lb, (req)))                                                        \
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");              \
  } while (0)

/* Letter spacing for an area's name: wider where the area has room (up to
 * 0.5 em), as large areas are labelled on paper maps. */
static double area_spacing(bm_text *text, const char *name, bm_text_style ts, double radius) {
  PangoLayout *l = bm_text_layout(text, name, &ts);
  double w, h;
  bm_text_size(l, &w, &h);
  g_object_unref(l);
  size_t n = g_utf8_strlen(name, -1);
  double room = radius * 1.4 - w; /* spare width inside the inscribed circle */
  double extra = n > 1 && room > 0 ? room / ((n - 1) * ts.size) : 0;
  return fmin(ts.letter_spacing + extra, 0.5);
}

/* Label requests, by the priority the issue sets: story sites, highlighted
 * areas, capitals, then everything else by Natural Earth's ranks. */
static bm_status add_labels(map *m, base *b, story_px *sp, bm_labeler *lb, bm_bbox *furniture,
                            int nfurniture) {
  const bm_style *st = &m->style;
  double k = m->k;
  for (int i = 0; i < nfurniture; i++) bm_labeler_add_obstacle(lb, furniture[i]);
  double sym = st->site_symbol_size * k;
  for (int i = 0; i < sp->nsites; i++) {
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    bm_labeler_add_symbol(lb, (bm_bbox){x - sym / 2, y - sym / 2, x + sym / 2, y + sym / 2});
  }
  /* lines labels would rather not cross */
  bm_features *avoid[] = {&b->boundaries, &b->disputed, &b->rivers};
  for (size_t a = 0; a < sizeof avoid / sizeof avoid[0]; a++)
    for (size_t i = 0; i < avoid[a]->n; i++) bm_labeler_add_avoid_line(lb, &avoid[a]->f[i].geom);
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_labeler_add_avoid_line(lb, &b->provinces.f[i].geom);

  /* 1. story sites */
  for (int i = 0; i < sp->nsites; i++) {
    const bm_site *s = &m->sites->sites[i];
    bm_label l = {.text = s->name, .note = s->note, .layer = "site", .priority = i,
                  .ax = sp->site_xy[2 * i], .ay = sp->site_xy[2 * i + 1],
                  .offset = sym / 2 + 3 * k, .must_place = true,
                  .style = tstyle(st->site_size * k, 700, false),
                  .note_style = tstyle(st->site_note_size * k, 400, false)};
    ADD(&l);
  }
  /* 2. highlighted provinces and countries; other countries come later */
  for (size_t i = 0; i < b->provinces.n; i++) {
    double x, y, r;
    const char *name = bm_feature_attr(&b->provinces, i, "NAME");
    if (!name || !b->hl_province[i] || !bm_geom_label_anchor(&b->provinces.f[i].geom, &x, &y, &r))
      continue;
    bm_label l = {.text = (char *)name, .layer = "province", .kind = BM_LABEL_AREA,
                  .priority = 100, .ax = x, .ay = y, .offset = r,
                  .area = &b->provinces.f[i].geom, .outside_ok = true,
                  .style = tstyle(st->region_size * k, 600, true)};
    ADD(&l);
  }
  for (size_t i = 0; i < b->countries.n; i++) {
    double x, y, r;
    const char *name = bm_feature_attr(&b->countries, i, "NAME");
    if (!name || !bm_geom_label_anchor(&b->countries.f[i].geom, &x, &y, &r)) continue;
    bm_text_style ts = tstyle(st->country_size * k, 400, false);
    ts.uppercase = true;
    ts.letter_spacing = st->country_letter_spacing;
    ts.letter_spacing = area_spacing(m->text, name, ts, r);
    bool hl = b->hl_country[i];
    bm_label l = {.text = (char *)name, .layer = "country", .kind = BM_LABEL_AREA,
                  .priority = (hl ? 200 : 3000) + attr_num(&b->countries, i, "LABELRANK", 5),
                  .ax = x, .ay = y, .offset = r, .area = &b->countries.f[i].geom,
                  .outside_ok = hl, .style = ts};
    ADD(&l);
  }
  /* 3. capitals, 4. other places by rank */
  /* by metres per reference pixel: a 2400 px map shows what a 1200 px one does, sharper */
  double m_per_ref_px = m->k / m->view.px_per_m;
  double max_rank = m->spec->all_places ? 99 : max_place_rank(m_per_ref_px);
  for (size_t i = 0; i < b->places.n; i++) {
    const char *name = bm_feature_attr(&b->places, i, "NAME");
    double rank = attr_num(&b->places, i, "SCALERANK", 10);
    const char *cla = bm_feature_attr(&b->places, i, "FEATURECLA");
    bool capital = cla && !strncmp(cla, "Admin-0 capital", 15) && strcmp(cla, "Admin-0 capital alt");
    if (!name || rank > max_rank || site_name_matches(m->sites, name)) continue;
    bm_geom *g = &b->places.f[i].geom;
    if (!to_pixels(m, g) || g->npts == 0) continue;
    double x = g->xy[0], y = g->xy[1];
    if (x < 0 || y < 0 || x > m->view.width || y > m->view.height) continue;
    /* a town under a story site's symbol is the site's own city: the site speaks for it */
    bool under_site = false;
    for (int s = 0; s < sp->nsites; s++)
      if (fabs(sp->site_xy[2 * s] - x) < sym * 1.5 && fabs(sp->site_xy[2 * s + 1] - y) < sym * 1.5)
        under_site = true;
    if (under_site) continue;
    double dot = (capital ? st->capital_dot_size : st->city_dot_size) * k;
    double pop = attr_num(&b->places, i, "POP_MAX", 0);
    bool big = rank <= 3 || pop >= 1e6;
    bm_label l = {.text = (char *)name, .layer = capital ? "capital" : big ? "city" : "town",
                  .priority = (capital ? 1000 : 2000) + rank * 10 - log10(pop + 10),
                  .ax = x, .ay = y, .offset = dot / 2 + 2 * k,
                  .style = tstyle((capital ? st->capital_size : big ? st->city_size : st->town_size) * k,
                                  capital ? 700 : 400, false),
                  .has_symbol = true,
                  .symbol = {x - dot / 2 - 1, y - dot / 2 - 1, x + dot / 2 + 1, y + dot / 2 + 1}};
    ADD(&l);
  }
  /* physical regions (the Pamir, the Hindu Kush): italic, letter-spaced, muted */
  for (size_t i = 0; i < b->regions.n; i++) {
    double x, y, r;
    const char *name = bm_feature_attr(&b->regions, i, "NAME");
    const char *cla = bm_feature_attr(&b->regions, i, "FEATURECLA");
    double rank = attr_num(&b->regions, i, "SCALERANK", 10);
    /* continents are not a locator map's business; minor regions crowd it */
    if (!name || (cla && !bm_strcasecmp(cla, "Continent")) || rank > max_rank - 2 ||
        !bm_geom_label_anchor(&b->regions.f[i].geom, &x, &y, &r))
      continue;
    bm_text_style ts = tstyle(st->region_size * k, 400, true);
    ts.uppercase = true;
    ts.letter_spacing = 0.2;
    bm_label l = {.text = (char *)name, .layer = "region", .kind = BM_LABEL_AREA,
                  .priority = 2500 + rank * 10, .ax = x, .ay = y, .offset = fmax(r, 20 * k),
                  .style = ts};
    ADD(&l);
  }
  /* rivers: text along the line, one request per stretch of about 300 px so
   * long rivers are labelled more than once, never twice within 250 px */
  for (size_t i = 0; i < b->rivers.n; i++) {
    const char *name = bm_feature_attr(&b->rivers, i, "NAME");
    double rank = attr_num(&b->rivers, i, "SCALERANK", 10);
    bm_geom *g = &b->rivers.f[i].geom;
    if (!name || !*name || rank > max_rank + 1 || g->nparts == 0) continue;
    double len = 0;
    for (size_t p = 0; p < g->nparts; p++) len += bm_polyline_length(bm_geom_part_xy(g, p), bm_geom_part_len(g, p));
    int copies = 1 + (int)(len / (600 * k));
    for (int c = 0; c < copies && c < 6; c++) {
      bm_label l = {.text = (char *)name, .layer = "river", .kind = BM_LABEL_LINE,
                    .priority = 2600 + rank * 10 + c * 100, .line = g, .repeat_gap = 250 * k,
                    .style = tstyle(st->river_size * k, 400, true)};
      l.style.letter_spacing = 0.05;
      ADD(&l);
    }
  }
  return BM_OK;
}

/* ---- paint ------------------------------------------------------------ */

static bool boundary_is_disputed(const char *cla) {
  return cla && strncmp(cla, "International boundary", 22) != 0;
}

static void paint_base(map *m, cairo_t *cr, base *b) {
  const bm_style *st = &m->style;
  double k = m->k;
  cairo_set_source_rgb(cr, st->water.r, st->water.g, st->water.b);
  cairo_paint(cr);
  for (size_t i = 0; i < b->land.n; i++) bm_paint_fill(cr, &b->land.f[i].geom, st->land);
  /* glaciers under the country tints: a hint of relief that never competes with the story */
  for (size_t i = 0; i < b->glaciers.n; i++) bm_paint_fill(cr, &b->glaciers.f[i].geom, st->glacier);
  for (size_t i = 0; i < b->countries.n; i++)
    if (b->hl_country[i]) bm_paint_fill(cr, &b->countries.f[i].geom, st->highlight_country);
  for (size_t i = 0; i < b->lakes.n; i++) bm_paint_fill(cr, &b->lakes.f[i].geom, st->lake);
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_paint_fill(cr, &b->provinces.f[i].geom, st->highlight_province);
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->province_in_story[i] && !b->hl_province[i])
      bm_paint_stroke(cr, &b->provinces.f[i].geom, st->province_line, st->province_width * k, NULL, 0);
  for (size_t i = 0; i < b->rivers.n; i++) {
    double rank = attr_num(&b->rivers, i, "SCALERANK", 5);
    double w = st->river_width * k * (rank <= 3 ? 1.3 : rank <= 6 ? 1.0 : 0.7);
    bm_paint_stroke(cr, &b->rivers.f[i].geom, st->river, w, NULL, 0);
  }
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i])
      bm_paint_stroke(cr, &b->provinces.f[i].geom, st->highlight_province_outline,
                      st->highlight_province_width * k, NULL, 0);
  double dash[2] = {st->disputed_dash[0] * k, st->disputed_dash[1] * k};
  for (size_t i = 0; i < b->boundaries.n; i++) {
    bool disputed = boundary_is_disputed(bm_feature_attr(&b->boundaries, i, "FEATURECLA"));
    bm_paint_stroke(cr, &b->boundaries.f[i].geom, disputed ? st->disputed : st->border,
                    (disputed ? st->disputed_width : st->border_width) * k, disputed ? dash : NULL,
                    disputed ? 2 : 0);
  }
  for (size_t i = 0; i < b->disputed.n; i++)
    bm_paint_stroke(cr, &b->disputed.f[i].geom, st->disputed, st->disputed_width * k, dash, 2);
}

static bm_status write_report(map *m, const bm_labeler *lb, const story_px *sp);

/* ---- the whole chain -------------------------------------------------- */

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

bm_status bm_render_map(const bm_spec *spec, const char *out_path, const bm_render_options *opt,
                        bm_render_stats *stats, bm_error *err) {
  bm_render_stats local;
  if (!stats) stats = &local;
  memset(stats, 0, sizeof *stats);
  map m = {.spec = spec, .opt = opt, .stats = stats, .err = err};
  base b = {0};
  bm_furniture fur = {0};
  story_px sp = {0};
  bm_labeler *lb = NULL;
  bm_canvas *canvas = NULL;
  bm_status st;
  double t0 = now();
  bm_error_clear(err);

  bm_style_defaults(&m.style);
  if ((st = bm_style_load(spec->style_path, &m.style, err))) goto done;
  if (!(m.catalog = bm_catalog_create(err))) { st = err->code; goto done; }
  if ((st = bm_text_create(m.style.font, &m.text, err))) goto done;
  if ((st = load_sites(&m))) goto done;
  if ((st = plan(&m))) goto done;
  /* open the output first: an unwritable path fails before any heavy work */
  if ((st = bm_canvas_create(out_path, m.view.width, m.view.height,
                             opt->dpi > 0 ? opt->dpi : spec->dpi, &canvas, err)))
    goto done;
  double t1 = now();
  stats->t_plan = t1 - t0;
  if ((st = load_base(&m, &b))) goto done;
  double t2 = now();
  stats->t_load = t2 - t1;
  stats->features = project_base(&m, &b);
  sp.nsites = (int)m.sites->n_sites;
  sp.site_xy = calloc((size_t)sp.nsites * 2 + 2, sizeof(double));
  for (int i = 0; i < sp.nsites; i++) {
    sp.site_xy[2 * i] = m.sites->sites[i].lon;
    sp.site_xy[2 * i + 1] = m.sites->sites[i].lat;
  }
  bm_proj_forward(m.proj, sp.site_xy, (size_t)sp.nsites);
  bm_view_to_px(&m.view, sp.site_xy, (size_t)sp.nsites);
  bm_story_spread_symbols(sp.site_xy, sp.nsites, m.style.site_symbol_size * m.k);
  double t3 = now();
  stats->t_project = t3 - t2;

  bm_furniture_layout(&fur, m.text, &m.style, m.k, m.view.width, m.view.height, spec->title,
                      spec->subtitle, spec->credit);
  double inset = 4 * m.k;
  lb = bm_labeler_create(m.text, (bm_bbox){inset, inset, m.view.width - inset, m.view.height - inset});
  if (!lb) { st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory"); goto done; }
  bm_labeler_set_point_order(lb, (const bm_point_pos *)m.style.point_order, m.style.n_point_order);
  bm_labeler_set_naive(lb, opt->label_naive);
  bm_labeler_keep_candidates(lb, opt->debug_labels);
  if ((st = add_labels(&m, &b, &sp, lb, fur.boxes, fur.nboxes))) {
    if (st == BM_ERR_NOMEM) bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  bm_labeler_place(lb);
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    if (bm_labeler_at(lb, i)->placed) stats->labels_placed++;
    else stats->labels_dropped++;
  }
  double t4 = now();
  stats->t_label = t4 - t3;

  cairo_t *cr = bm_canvas_cairo(canvas);
  paint_base(&m, cr, &b);
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (l->placed && l->has_symbol)
      bm_paint_place_dot(cr, l->ax, l->ay, !strcmp(l->layer, "capital"), m.k, &m.style);
  }
  for (int i = 0; i < sp.nsites; i++)
    bm_paint_site_symbol(cr, m.sites->sites[i].kind, sp.site_xy[2 * i], sp.site_xy[2 * i + 1],
                         m.style.site_symbol_size * m.k, &m.style);
  bm_paint_labels(cr, lb, m.k, &m.style, opt->debug_labels);
  bm_furniture_paint(&fur, cr, &m.style, m.k);
  double t5 = now();
  stats->t_paint = t5 - t4;
  /* the report first: a map is only put in place when everything asked for worked */
  if (opt->labels_report && (st = write_report(&m, lb, &sp))) goto done;
  if ((st = bm_canvas_finish(canvas, err))) goto done;
  stats->t_write = now() - t5;

done:
  bm_canvas_destroy(canvas);
  bm_labeler_destroy(lb);
  bm_furniture_free(&fur);
  free(sp.site_xy);
  base_free(&b);
  bm_spec_free(m.sites);
  bm_proj_destroy(m.proj);
  bm_text_destroy(m.text);
  bm_catalog_destroy(m.catalog);
  return st;
}

/* ---- label report (JSON) ---------------------------------------------- */

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static bm_status write_report(map *m, const bm_labeler *lb, const story_px *sp) {
  const char *path = m->opt->labels_report;
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f)
    return bm_error_set(m->err, BM_ERR_IO, path, 0, 0, "cannot write the label report: %s",
                        strerror(errno));
  fprintf(f, "{\n  \"width\": %d, \"height\": %d,\n  \"labels\": [", m->view.width, m->view.height);
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    fprintf(f, "%s\n    {\"text\": ", i ? "," : "");
    json_str(f, l->text);
    fprintf(f, ", \"layer\": \"%s\", \"anchor\": [%.1f, %.1f], ", l->layer, l->ax, l->ay);
    if (l->placed) {
      fprintf(f, "\"placed\": true, \"box\": [%.1f, %.1f, %.1f, %.1f]", l->box.minx, l->box.miny,
              l->box.maxx, l->box.maxy);
      if (l->leader) fprintf(f, ", \"leader\": [%.1f, %.1f, %.1f, %.1f]", l->ax, l->ay, l->lx, l->ly);
      /* every box the label occupies: several along a curved line label */
      const bm_bbox *bx;
      size_t nb = bm_labeler_boxes(lb, i, &bx);
      if (l->kind == BM_LABEL_LINE) {
        fprintf(f, ", \"angle\": %.1f, \"path\": [", l->angle);
        for (size_t j = 0; j < nb; j++)
          fprintf(f, "%s[%.1f, %.1f]", j ? ", " : "", (bx[j].minx + bx[j].maxx) / 2,
                  (bx[j].miny + bx[j].maxy) / 2);
        fputc(']', f);
      }
      fprintf(f, ", \"boxes\": [");
      for (size_t j = 0; j < nb; j++)
        fprintf(f, "%s[%.1f, %.1f, %.1f, %.1f]", j ? ", " : "", bx[j].minx, bx[j].miny, bx[j].maxx,
                bx[j].maxy);
      fprintf(f, "]}");
    } else {
      fprintf(f, "\"placed\": false, \"reason\": ");
      json_str(f, l->reason ? l->reason : "");
      fputc('}', f);
    }
  }
  fprintf(f, "\n  ],\n  \"sites\": [");
  double r = m->style.site_symbol_size * m->k / 2;
  for (int i = 0; i < sp->nsites; i++) {
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
    json_str(f, m->sites->sites[i].name);
    fprintf(f, ", \"kind\": \"%s\", \"symbol\": [%.1f, %.1f, %.1f, %.1f]}",
            bm_site_kind_name(m->sites->sites[i].kind), x - r, y - r, x + r, y + r);
  }
  fprintf(f, "\n  ]\n}\n");
  bool ok = !ferror(f);
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    remove(tmp);
    return bm_error_set(m->err, BM_ERR_IO, path, 0, 0, "cannot write the label report");
  }
  return BM_OK;
}
