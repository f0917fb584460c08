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
  double k;              /* style size factor: width / 1200, at least 0.75 */
  bm_bbox clip_px;       /* frame plus a margin: geometry is cut to this */
  bm_render_stats *stats;
  bm_error *err;
  const bm_furniture *fur; /* once laid out: for the report */
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
}

/* The lon/lat box of an extent given as a box, a centre and radius, or a
 * list of countries (used for the map and for its inset). */
static bm_status extent_box(map *m, bm_extent_kind kind, const double bbox[4],
                            const double center[2], double radius_km,
                            const bm_country_ref *countries, size_t ncountries, bm_bbox *ll) {
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
  bm_status st = read_layer(m, "countries", "50m", NULL, fields, &cs);
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
  return extent_box(m, s->extent_kind, s->bbox, s->center, s->radius_km, s->extent_countries,
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

/* The country a point (pixels) lies in, or NULL. */
static const bm_geom *home_of(const base *b, double x, double y) {
  for (size_t i = 0; i < b->countries.n; i++) {
    const bm_geom *g = &b->countries.f[i].geom;
    if (g->nparts && bm_geom_contains(g, x, y)) return g;
  }
  return NULL;
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
                  .home = home_of(b, sp->site_xy[2 * i], sp->site_xy[2 * i + 1]),
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
                  .ax = x, .ay = y, .offset = dot / 2 + 2 * k, .home = home_of(b, x, y),
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

/* ---- story layer: rings, routes, areas, borders, callouts ------------- */

typedef struct {
  bm_geom *ring_fill, *ring_line; /* pixels, per spec ring */
  bm_geom *route;                 /* pixels, per spec route */
  bm_geom *area;                  /* pixels, per spec area */
  bm_geom *border;                /* pixels, per spec border */
  double *border_m;               /* geodesic length of each border (10m data), metres */
  double *callout_xy;             /* pixels, per callout */
  char (*marker)[8];
  bm_geom *grat;                  /* graticule lines (pixels) */
  double *grat_value;
  bool *grat_lon;
  size_t ngrat;
} story;

static void geoms_free(bm_geom *g, size_t n) {
  for (size_t i = 0; g && i < n; i++) bm_geom_free(&g[i]);
  free(g);
}

static void story_free(story *s, const bm_spec *spec) {
  geoms_free(s->ring_fill, spec->n_rings);
  geoms_free(s->ring_line, spec->n_rings);
  geoms_free(s->route, spec->n_routes);
  geoms_free(s->area, spec->n_areas);
  geoms_free(s->border, spec->n_borders);
  geoms_free(s->grat, s->ngrat);
  free(s->grat_value);
  free(s->grat_lon);
  free(s->border_m);
  free(s->callout_xy);
  free(s->marker);
}

/* lon/lat -> pixels for a story geometry, keeping an empty geometry when it is out of view */
static void story_to_pixels(map *m, bm_geom *g) {
  if (!to_pixels(m, g)) bm_geom_reset(g, g->type);
}

static bool geom_in_frame(const map *m, const bm_geom *g) {
  for (size_t i = 0; i < g->npts; i++) {
    double x = g->xy[2 * i], y = g->xy[2 * i + 1];
    if (x >= 0 && y >= 0 && x <= m->view.width && y <= m->view.height) return true;
  }
  return false;
}

/* The boundary lines (10m, all of them) between two countries, as one lon/lat line geometry. */
static bm_status border_lines(map *m, bm_features *lines, const bm_country_ref *a,
                              const bm_country_ref *b, bm_geom *out) {
  bm_geom_init(out, BM_GEOM_LINE);
  bool *mask = calloc(lines->n + 1, sizeof *mask);
  if (!mask) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_status st = bm_story_match_border(lines, a, b, m->spec->path, mask, m->err);
  for (size_t i = 0; !st && i < lines->n; i++) {
    if (!mask[i]) continue;
    const bm_geom *g = &lines->f[i].geom;
    for (size_t p = 0; p < g->nparts; p++) {
      const double *q = bm_geom_part_xy(g, p);
      bm_geom_begin_part(out);
      for (size_t k = 0; k < bm_geom_part_len(g, p); k++) bm_geom_add(out, q[2 * k], q[2 * k + 1]);
    }
  }
  free(mask);
  return st;
}

static bm_status story_build(map *m, story *s) {
  const bm_spec *spec = m->spec;
  const bm_site *sites = m->sites->sites;
  size_t ns = m->sites->n_sites;
  const char *path = spec->path;
  bm_status st = BM_OK;
  s->ring_fill = calloc(spec->n_rings + 1, sizeof(bm_geom));
  s->ring_line = calloc(spec->n_rings + 1, sizeof(bm_geom));
  s->route = calloc(spec->n_routes + 1, sizeof(bm_geom));
  s->area = calloc(spec->n_areas + 1, sizeof(bm_geom));
  s->border = calloc(spec->n_borders + 1, sizeof(bm_geom));
  s->border_m = calloc(spec->n_borders + 1, sizeof(double));
  s->callout_xy = calloc(2 * spec->n_callouts + 2, sizeof(double));
  s->marker = calloc(spec->n_callouts + 1, sizeof *s->marker);
  if (!s->ring_fill || !s->ring_line || !s->route || !s->area || !s->border || !s->border_m ||
      !s->callout_xy || !s->marker)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");

  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    double lon, lat;
    if ((st = bm_story_resolve_place(&r->center, sites, ns, "ring center", path, &lon, &lat, m->err)))
      return st;
    bm_geom_init(&s->ring_fill[i], BM_GEOM_POLYGON);
    if (!bm_story_ring(lon, lat, r->radius_km * 1000, 720, &s->ring_fill[i]))
      return bm_error_set(m->err, BM_ERR_SPEC, path, r->radius_pos.line, r->radius_pos.col,
                          "a ring of %g km around %.2f, %.2f would enclose a pole; use a smaller "
                          "radius_km", r->radius_km, lon, lat);
    if (!bm_geom_copy(&s->ring_line[i], &s->ring_fill[i]))
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    s->ring_line[i].type = BM_GEOM_LINE;
    story_to_pixels(m, &s->ring_fill[i]);
    story_to_pixels(m, &s->ring_line[i]);
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    double lon1, lat1, lon2, lat2;
    if ((st = bm_story_resolve_place(&r->from, sites, ns, "route start (from)", path, &lon1, &lat1, m->err)) ||
        (st = bm_story_resolve_place(&r->to, sites, ns, "route end (to)", path, &lon2, &lat2, m->err)))
      return st;
    bm_geom_init(&s->route[i], BM_GEOM_LINE);
    if (!bm_story_route(lon1, lat1, lon2, lat2, r->path, 5000, &s->route[i]))
      return bm_error_set(m->err, BM_ERR_SPEC, path, r->pos.line, r->pos.col,
                          "cannot draw this route as a %s line (a rhumb line cannot reach a pole)",
                          r->path == BM_PATH_RHUMB ? "rhumb" : "great-circle");
    story_to_pixels(m, &s->route[i]);
    /* start and end at the edge of a site's symbol, not under it */
    bm_geom *g = &s->route[i];
    double trim = m->style.site_symbol_size * m->k * 0.75;
    if (g->nparts && bm_geom_part_len(g, 0) >= 2 && r->from.site) {
      double *p = bm_geom_part_xy(g, 0);
      size_t n = bm_geom_part_len(g, 0), k = 1;
      while (k < n - 1 && hypot(p[2 * k] - p[0], p[2 * k + 1] - p[1]) < trim) k++;
      double d = hypot(p[2 * k] - p[0], p[2 * k + 1] - p[1]);
      if (d > trim) {
        double t = trim / d;
        p[0] += (p[2 * k] - p[0]) * t, p[1] += (p[2 * k + 1] - p[1]) * t;
      }
    }
    if (g->nparts && r->to.site) {
      double *p = bm_geom_part_xy(g, g->nparts - 1);
      size_t n = bm_geom_part_len(g, g->nparts - 1);
      if (n >= 2) {
        double ex = p[2 * n - 2], ey = p[2 * n - 1];
        size_t k = n - 2;
        while (k > 0 && hypot(p[2 * k] - ex, p[2 * k + 1] - ey) < trim) k--;
        double d = hypot(p[2 * k] - ex, p[2 * k + 1] - ey);
        if (d > trim) {
          double t = trim / d;
          p[2 * n - 2] = ex + (p[2 * k] - ex) * t, p[2 * n - 1] = ey + (p[2 * k + 1] - ey) * t;
        }
      }
    }
  }
  /* borders, and buffers along them, measure the 10m boundary lines whatever the map's scale */
  bool need_lines = spec->n_borders > 0;
  for (size_t i = 0; i < spec->n_areas; i++)
    if (spec->areas[i].kind == BM_AREA_BUFFER && spec->areas[i].along == BM_BUFFER_BORDER) need_lines = true;
  bm_features lines = {0};
  static const char *const line_f[] = {"ADM0_A3_L", "ADM0_A3_R", NULL};
  if (need_lines && (st = read_layer(m, "boundaries", "10m", NULL, line_f, &lines))) return st;
  for (size_t i = 0; !st && i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    if ((st = border_lines(m, &lines, &bd->a, &bd->b, &s->border[i]))) break;
    s->border_m[i] = bm_story_geodesic_length(&s->border[i]);
    story_to_pixels(m, &s->border[i]);
  }
  for (size_t i = 0; !st && i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    bm_geom *g = &s->area[i];
    bm_geom_init(g, BM_GEOM_POLYGON);
    if (a->kind == BM_AREA_FILE) {
      st = bm_areas_read_ogr(a->file, path, a->pos.line, a->pos.col, g, m->err);
    } else if (a->along == BM_BUFFER_AROUND) {
      double lon, lat;
      if ((st = bm_story_resolve_place(&a->around, sites, ns, "area center (around)", path, &lon, &lat, m->err)))
        break;
      if (!bm_story_ring(lon, lat, a->buffer_km * 1000, 720, g))
        st = bm_error_set(m->err, BM_ERR_SPEC, path, a->pos.line, a->pos.col,
                          "a buffer of %g km around %.2f, %.2f would enclose a pole", a->buffer_km, lon, lat);
    } else {
      bm_geom line;
      bm_geom_init(&line, BM_GEOM_LINE);
      if (a->along == BM_BUFFER_BORDER)
        st = border_lines(m, &lines, &a->border[0], &a->border[1], &line);
      else {
        bm_geom_begin_part(&line);
        for (size_t k = 0; k < a->nline; k++) bm_geom_add(&line, a->line[2 * k], a->line[2 * k + 1]);
        /* a drawn line is a geodesic between its points: densify along it */
        bm_geom dense;
        bm_geom_init(&dense, BM_GEOM_LINE);
        bm_geom_begin_part(&dense);
        for (size_t k = 1; k < a->nline; k++) {
          bm_geom seg;
          bm_geom_init(&seg, BM_GEOM_LINE);
          bm_story_route(a->line[2 * k - 2], a->line[2 * k - 1], a->line[2 * k], a->line[2 * k + 1],
                         BM_PATH_GREAT_CIRCLE, 5000, &seg);
          for (size_t q = k > 1 ? 1 : 0; q < seg.npts; q++) bm_geom_add(&dense, seg.xy[2 * q], seg.xy[2 * q + 1]);
          bm_geom_free(&seg);
        }
        bm_geom_free(&line);
        line = dense;
      }
      if (!st) st = bm_story_buffer(&line, a->buffer_km * 1000, g, m->err);
      bm_geom_free(&line);
    }
    if (!st) story_to_pixels(m, g);
  }
  bm_features_free(&lines);
  if (st) return st;
  for (size_t i = 0; i < spec->n_callouts; i++) {
    const bm_callout *c = &spec->callouts[i];
    double xy[2];
    if ((st = bm_story_resolve_place(&c->at, sites, ns, "callout place (at)", path, &xy[0], &xy[1], m->err)))
      return st;
    bm_proj_forward(m->proj, xy, 1);
    if (xy[0] == HUGE_VAL || xy[1] == HUGE_VAL)
      return bm_error_set(m->err, BM_ERR_SPEC, path, c->pos.line, c->pos.col,
                          "callout %zu cannot be shown in this projection (it is on the far "
                          "side); choose another projection or extent", i + 1);
    bm_view_to_px(&m->view, xy, 1);
    if (c->at.site) {
      /* at a site: beside its symbol (upper left), never on top of it */
      double d = m->style.site_symbol_size * m->k * 0.95;
      xy[0] -= d, xy[1] -= d;
    }
    s->callout_xy[2 * i] = xy[0];
    s->callout_xy[2 * i + 1] = xy[1];
    if (c->marker) snprintf(s->marker[i], sizeof s->marker[i], "%s", c->marker);
    else snprintf(s->marker[i], sizeof s->marker[i], "%zu", i + 1);
  }
  return BM_OK;
}

/* Ring, route, border and area labels: on the line where the labeler can, with
 * the story's priority (after the sites, before every base-map label). */
static bool line_fits(map *m, const bm_geom *g, const char *text, const bm_text_style *ts) {
  PangoLayout *l = bm_text_layout(m->text, text, ts);
  double w, h, best = 0;
  bm_text_size(l, &w, &h);
  g_object_unref(l);
  for (size_t p = 0; p < g->nparts; p++)
    best = fmax(best, bm_polyline_length(bm_geom_part_xy(g, p), bm_geom_part_len(g, p)));
  return best > w * 1.3;
}

/* Turns l into a point label anchored half way along the longest stretch of g inside the frame. */
static void point_on_line(map *m, bm_label *l, const bm_geom *g) {
  double best = -1;
  bm_bbox frame = {0, 0, m->view.width, m->view.height};
  bm_geom in;
  bm_geom_init(&in, BM_GEOM_LINE);
  bm_geom_clip_rect(g, bm_bbox_grow(frame, -20 * m->k, -20 * m->k), &in);
  for (size_t p = 0; p < in.nparts; p++) {
    const double *xy = bm_geom_part_xy(&in, p);
    size_t n = bm_geom_part_len(&in, p);
    double len = bm_polyline_length(xy, n);
    if (len <= best) continue;
    best = len;
    double a;
    bm_polyline_at(xy, n, len / 2, &l->ax, &l->ay, &a);
  }
  bm_geom_free(&in);
  l->kind = BM_LABEL_POINT;
  l->line = NULL;
  l->offset = 4 * m->k;
}

static bm_status add_story_labels(map *m, story *s, bm_labeler *lb) {
  const bm_spec *spec = m->spec;
  const bm_style *st = &m->style;
  double k = m->k;
  bm_text_style ts = tstyle(st->site_note_size * k, 600, false);
  char text[400];
  for (size_t i = 0; i < spec->n_callouts; i++) {
    double x = s->callout_xy[2 * i], y = s->callout_xy[2 * i + 1], r = 10 * k;
    bm_labeler_add_symbol(lb, (bm_bbox){x - r, y - r, x + r, y + r});
  }
  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    if (!geom_in_frame(m, &s->ring_line[i])) continue;
    if (r->label) snprintf(text, sizeof text, "%s", r->label);
    else snprintf(text, sizeof text, "%g km", r->radius_km);
    bm_label l = {.text = text, .layer = "ring", .kind = BM_LABEL_LINE, .priority = 50 + i,
                  .line = &s->ring_line[i], .must_place = true, .style = ts};
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    if (!r->label || !geom_in_frame(m, &s->route[i])) continue;
    bm_label l = {.text = r->label, .layer = "route", .kind = BM_LABEL_LINE, .priority = 60 + i,
                  .line = &s->route[i], .must_place = true, .style = ts};
    if (!line_fits(m, &s->route[i], r->label, &ts)) point_on_line(m, &l, &s->route[i]);
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    if ((!bd->label && !bd->length) || !geom_in_frame(m, &s->border[i])) continue;
    char km[32];
    bm_story_format_km(s->border_m[i], km, sizeof km);
    if (bd->label && bd->length) snprintf(text, sizeof text, "%s, %s", bd->label, km);
    else if (bd->label) snprintf(text, sizeof text, "%s", bd->label);
    else snprintf(text, sizeof text, "%s", km);
    /* a border wiggles (rivers, ridges): its label follows a broadly smoothed
     * course, or sits beside the border's middle when even that has no room */
    bm_label l = {.text = text, .layer = "border", .priority = 70 + i, .must_place = true,
                  .style = ts};
    point_on_line(m, &l, &s->border[i]);
    l.kind = BM_LABEL_LINE;
    l.line = &s->border[i];
    l.smooth = 8 * ts.size;
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    double x, y, r;
    if (!a->label || !geom_in_frame(m, &s->area[i]) ||
        !bm_geom_label_anchor(&s->area[i], &x, &y, &r))
      continue;
    bm_label l = {.text = a->label, .layer = "area", .kind = BM_LABEL_AREA, .priority = 80 + i,
                  .ax = x, .ay = y, .offset = r, .area = &s->area[i], .outside_ok = true,
                  .must_place = true, .style = ts};
    ADD(&l);
  }
  return BM_OK;
}

static void paint_story(map *m, cairo_t *cr, story *s) {
  const bm_spec *spec = m->spec;
  const bm_style *st = &m->style;
  double k = m->k;
  for (size_t i = 0; i < s->ngrat; i++)
    bm_paint_stroke(cr, &s->grat[i], st->graticule, st->graticule_width * k, NULL, 0);
  for (size_t i = 0; i < spec->n_areas; i++)
    bm_paint_area(cr, &s->area[i], st->accent, spec->areas[i].hatch, k);
  for (size_t i = 0; i < spec->n_borders; i++) {
    bm_color halo = st->land;
    halo.a = 0.8;
    bm_paint_stroke(cr, &s->border[i], halo, (st->story_border_width + 2) * k, NULL, 0);
    bm_paint_stroke(cr, &s->border[i], st->accent, st->story_border_width * k, NULL, 0);
  }
  double dash[2] = {st->ring_dash[0] * k, st->ring_dash[1] * k};
  for (size_t i = 0; i < spec->n_rings; i++) {
    if (spec->rings[i].fill) {
      bm_color tint = st->accent;
      tint.a = 0.07;
      bm_paint_fill(cr, &s->ring_fill[i], tint);
    }
    bm_paint_stroke(cr, &s->ring_line[i], st->accent, st->ring_width * k, dash, 2);
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    bm_color halo = st->land;
    halo.a = 0.7;
    bm_paint_stroke(cr, &s->route[i], halo, (st->route_width + 2) * k, NULL, 0);
    bm_paint_route(cr, &s->route[i], st->accent, st->route_width * k, r->dash, r->arrow, k);
  }
}

static void paint_callouts(map *m, cairo_t *cr, story *s) {
  for (size_t i = 0; i < m->spec->n_callouts; i++)
    bm_paint_callout(cr, m->text, s->marker[i], s->callout_xy[2 * i], s->callout_xy[2 * i + 1],
                     &m->style, m->k);
}

/* ---- furniture: legend, scale bar, north arrow, inset, graticule ------- */

static bool add_item(bm_legend *L, bm_legend_symbol sym, const char *text) {
  bm_legend_item it = {.symbol = sym, .text = (char *)text};
  return bm_legend_add(L, &it);
}

/* The legend: exactly what the map draws inside its frame, in order of importance. */
static bool build_legend(map *m, base *b, story *s, story_px *sp, bm_legend *L, bm_legend *panel) {
  const bm_spec *spec = m->spec;
  static const bm_site_kind order[] = {BM_SITE_FACTORY, BM_SITE_MILITARY_BASE, BM_SITE_AIRFIELD,
                                       BM_SITE_GENERIC, BM_SITE_CITY};
  bool approx = false;
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
    for (int i = 0; i < sp->nsites; i++) {
      double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
      if (m->sites->sites[i].kind != order[o] || x < 0 || y < 0 || x > m->view.width ||
          y > m->view.height)
        continue;
      approx |= m->sites->sites[i].approximate;
      bm_legend_item it = {.symbol = BM_LEGEND_SITE, .site_kind = order[o],
                           .text = (char *)bm_legend_site_text(order[o])};
      if (!bm_legend_add(L, &it)) return false;
      break;
    }
  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    char t[64];
    snprintf(t, sizeof t, "%g km range", r->radius_km);
    if (geom_in_frame(m, &s->ring_line[i]) &&
        !add_item(L, BM_LEGEND_RING, r->legend ? r->legend : r->label ? r->label : t))
      return false;
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    bm_legend_item it = {.symbol = BM_LEGEND_ROUTE, .dash = r->dash, .arrow = r->arrow,
                         .text = r->legend ? r->legend : r->label ? r->label : "Route"};
    if (geom_in_frame(m, &s->route[i]) && !bm_legend_add(L, &it)) return false;
  }
  for (size_t i = 0; i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    if (geom_in_frame(m, &s->area[i]) &&
        !add_item(L, a->hatch ? BM_LEGEND_HATCH : BM_LEGEND_FILL,
                  a->legend ? a->legend : a->label ? a->label : "Area"))
      return false;
  }
  for (size_t i = 0; i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    char t[128];
    snprintf(t, sizeof t, "%s-%s border", bd->a.code, bd->b.code);
    if (geom_in_frame(m, &s->border[i]) &&
        !add_item(L, BM_LEGEND_BORDER, bd->legend ? bd->legend : bd->label ? bd->label : t))
      return false;
  }
  /* highlighted provinces and countries, named */
  char names[400] = "";
  size_t n = 0, count = 0;
  for (size_t i = 0; i < b->provinces.n; i++) {
    const char *nm = bm_feature_attr(&b->provinces, i, "NAME");
    if (!b->hl_province[i] || !nm || !geom_in_frame(m, &b->provinces.f[i].geom) || strstr(names, nm))
      continue;
    n += (size_t)snprintf(names + n, n < sizeof names ? sizeof names - n : 0, "%s%s", count++ ? ", " : "", nm);
  }
  if (count) {
    char t[460];
    snprintf(t, sizeof t, "%s %s", names, count > 1 ? "provinces" : "province");
    if (!add_item(L, BM_LEGEND_HL_PROVINCE, t)) return false;
  }
  names[0] = '\0';
  n = count = 0;
  for (size_t i = 0; i < b->countries.n; i++) {
    const char *nm = bm_feature_attr(&b->countries, i, "NAME");
    if (!b->hl_country[i] || !nm || !geom_in_frame(m, &b->countries.f[i].geom) || strstr(names, nm))
      continue;
    n += (size_t)snprintf(names + n, n < sizeof names ? sizeof names - n : 0, "%s%s", count++ ? ", " : "", nm);
  }
  if (count && !add_item(L, BM_LEGEND_HL_COUNTRY, names)) return false;
  bool disputed = false;
  for (size_t i = 0; i < b->boundaries.n && !disputed; i++)
    disputed = boundary_is_disputed(bm_feature_attr(&b->boundaries, i, "FEATURECLA")) &&
               geom_in_frame(m, &b->boundaries.f[i].geom);
  for (size_t i = 0; i < b->disputed.n && !disputed; i++)
    disputed = geom_in_frame(m, &b->disputed.f[i].geom);
  if (disputed && !add_item(L, BM_LEGEND_DISPUTED, "Disputed boundary")) return false;
  for (size_t i = 0; i < spec->n_callouts; i++) {
    double x = s->callout_xy[2 * i], y = s->callout_xy[2 * i + 1];
    if (x < 0 || y < 0 || x > m->view.width || y > m->view.height) continue;
    bm_legend_item it = {.symbol = BM_LEGEND_CALLOUT, .text = spec->callouts[i].text};
    snprintf(it.marker, sizeof it.marker, "%s", s->marker[i]);
    if (!bm_legend_add(spec->legend.callouts_panel ? panel : L, &it)) return false;
  }
  if (approx && !add_item(L, BM_LEGEND_TEXT, "Approximate location: placed at its city"))
    return false;
  return bm_legend_apply_spec(L, &spec->legend);
}

/* Where the map's content is, for choosing furniture corners. */
static void draw_content(map *m, base *b, story *s, story_px *sp, bm_content *c) {
  cairo_t *cr = bm_content_cairo(c);
  double k = m->k;
  bm_color a = {0, 0, 0, 0.12};
  for (size_t i = 0; i < b->land.n; i++) bm_paint_fill(cr, &b->land.f[i].geom, a);
  a.a = 0.2;
  for (size_t i = 0; i < b->countries.n; i++)
    if (b->hl_country[i]) bm_paint_fill(cr, &b->countries.f[i].geom, a);
  a.a = 0.5;
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_paint_fill(cr, &b->provinces.f[i].geom, a);
  for (size_t i = 0; i < m->spec->n_areas; i++) bm_paint_fill(cr, &s->area[i], a);
  a.a = 1;
  for (size_t i = 0; i < m->spec->n_rings; i++) bm_paint_stroke(cr, &s->ring_line[i], a, 24 * k, NULL, 0);
  for (size_t i = 0; i < m->spec->n_routes; i++) bm_paint_stroke(cr, &s->route[i], a, 24 * k, NULL, 0);
  for (size_t i = 0; i < m->spec->n_borders; i++) bm_paint_stroke(cr, &s->border[i], a, 24 * k, NULL, 0);
  cairo_set_source_rgba(cr, 0, 0, 0, 1);
  for (int i = 0; i < sp->nsites; i++) {
    /* the symbol and room for its label on either side */
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    cairo_rectangle(cr, x - 90 * k, y - 22 * k, 180 * k, 44 * k);
    cairo_fill(cr);
  }
  for (size_t i = 0; i < m->spec->n_callouts; i++) {
    cairo_rectangle(cr, s->callout_xy[2 * i] - 14 * k, s->callout_xy[2 * i + 1] - 14 * k, 28 * k, 28 * k);
    cairo_fill(cr);
  }
}

/* The lon/lat box of an inset's extent. */
static bm_status inset_lonlat(map *m, bm_bbox *ll) {
  const bm_inset_spec *I = &m->spec->inset;
  *ll = bm_bbox_empty();
  if (!I->has_extent) {
    /* the region around the map: five times its size, at least 30 degrees */
    bm_bbox q = m->view.query;
    double cx = (q.minx + q.maxx) / 2, cy = (q.miny + q.maxy) / 2;
    double w = fmax((q.maxx - q.minx) * 5, 30), h = fmax((q.maxy - q.miny) * 5, 20);
    if (w > 200) {
      *ll = (bm_bbox){-180, -85, 180, 85};
      return BM_OK;
    }
    *ll = (bm_bbox){cx - w / 2, fmax(cy - h / 2, -85), cx + w / 2, fmin(cy + h / 2, 85)};
    return BM_OK;
  }
  return extent_box(m, I->extent_kind, I->bbox, I->center, I->radius_km, I->countries,
                    I->n_countries, ll);
}

/* Appends g's parts, shifted by (dx, dy) and clipped to box, to out. */
static void append_clipped(const bm_geom *g, double dx, double dy, bm_bbox box, bm_geom *out) {
  bm_geom t, c;
  bm_geom_init(&t, g->type);
  bm_geom_init(&c, g->type);
  if (!bm_geom_copy(&t, g)) bm_geom_reset(&t, g->type); /* out of memory: nothing to draw */
  for (size_t i = 0; i < t.npts; i++) t.xy[2 * i] += dx, t.xy[2 * i + 1] += dy;
  bm_geom_clip_rect(&t, box, &c);
  for (size_t p = 0; p < c.nparts; p++) {
    const double *q = bm_geom_part_xy(&c, p);
    bm_geom_begin_part(out);
    for (size_t k = 0; k < bm_geom_part_len(&c, p); k++) bm_geom_add(out, q[2 * k], q[2 * k + 1]);
  }
  bm_geom_free(&t);
  bm_geom_free(&c);
}

/* The inset's projection and view; its size follows its extent's shape. */
static bm_status inset_plan(map *m, bm_proj **ip, bm_view *iv, double *w, double *h) {
  bm_bbox ll;
  bm_status st = inset_lonlat(m, &ll);
  if (st) return st;
  char def[512];
  bm_proj_auto_definition(ll, def, sizeof def);
  if ((st = bm_proj_create(def, ip, m->err))) return st;
  bm_view probe;
  if ((st = bm_view_fit(*ip, ll, 0.03, 1000, 1000, &probe, m->err))) return st;
  /* the projected extent's own aspect: sample its edges */
  enum { N = 32 };
  double pts[8 * N];
  bm_bbox_outline(ll, N, pts);
  bm_proj_forward(*ip, pts, 4 * N);
  bm_bbox pb = bm_bbox_empty();
  for (int i = 0; i < 4 * N; i++)
    if (pts[2 * i] != HUGE_VAL) bm_bbox_add(&pb, pts[2 * i], pts[2 * i + 1]);
  double aspect = bm_bbox_is_empty(pb) ? 1.4 : (pb.maxx - pb.minx) / fmax(pb.maxy - pb.miny, 1);
  *w = round(m->spec->inset.width * m->view.width);
  *h = round(*w / fmin(fmax(aspect, 0.8), 2.2));
  return bm_view_fit(*ip, ll, 0.03, (int)*w, (int)*h, iv, m->err);
}

/* Draws the inset's land, borders, names and the main map's outline into its box. */
static bm_status inset_fill(map *m, bm_proj *ip, bm_view *iv, bm_furniture *f) {
  bm_bbox box = f->inset_box;
  double dx = box.minx, dy = box.miny;
  snprintf(f->inset_def, sizeof f->inset_def, "%s", bm_proj_definition(ip));
  f->inset_proj = iv->proj;
  const char *sc = 1 / iv->px_per_m > 20000 ? "110m" : "50m";
  static const char *const cf[] = {"ADM0_A3", "ISO_A3", "NAME", NULL};
  bm_features cs = {0}, bl = {0};
  bm_status st;
  if ((st = read_layer(m, "countries", sc, &iv->query, cf, &cs)) ||
      (st = read_layer(m, "boundaries", sc, &iv->query, NULL, &bl))) {
    bm_features_free(&cs);
    bm_features_free(&bl);
    return st;
  }
  bm_geom_init(&f->inset_land, BM_GEOM_POLYGON);
  bm_geom_init(&f->inset_lines, BM_GEOM_LINE);
  bm_geom_init(&f->inset_outline, BM_GEOM_POLYGON);
  for (size_t i = 0; i < cs.n; i++) {
    bm_geom *g = &cs.f[i].geom;
    if (!bm_proj_geom(ip, g, iv->query, iv->step_deg)) continue;
    bm_view_geom_to_px(iv, g);
    append_clipped(g, dx, dy, box, &f->inset_land);
  }
  for (size_t i = 0; i < bl.n; i++) {
    bm_geom *g = &bl.f[i].geom;
    if (!bm_proj_geom(ip, g, iv->query, iv->step_deg)) continue;
    bm_view_geom_to_px(iv, g);
    append_clipped(g, dx, dy, box, &f->inset_lines);
  }
  /* names the spec asks for */
  bool *mask = calloc(cs.n + 1, sizeof *mask);
  for (size_t r = 0; !st && mask && r < m->spec->inset.n_labels; r++) {
    memset(mask, 0, (cs.n + 1) * sizeof *mask);
    if ((st = bm_story_match_country(&cs, &m->spec->inset.labels[r], m->spec->path, mask, m->err)))
      break;
    for (size_t i = 0; i < cs.n; i++) {
      double x, y, rad;
      const char *name = bm_feature_attr(&cs, i, "NAME");
      if (!mask[i] || !name) continue;
      bm_geom c;
      bm_geom_init(&c, BM_GEOM_POLYGON);
      append_clipped(&cs.f[i].geom, dx, dy, box, &c);
      if (bm_geom_label_anchor(&c, &x, &y, &rad)) bm_furniture_add_inset_label(f, &m->style, name, x, y);
      bm_geom_free(&c);
    }
  }
  free(mask);
  bm_features_free(&cs);
  bm_features_free(&bl);
  if (st) return bm_error_wrap(m->err, "inset label");
  /* the main frame's edge, through lon/lat, into the inset */
  enum { N = 48 };
  double pts[8 * N];
  const bm_view *v = &m->view;
  bm_bbox_outline(v->proj, N, pts); /* the frame in projected metres, in order */
  bm_proj_inverse(m->proj, pts, 4 * N);
  bm_proj_forward(ip, pts, 4 * N);
  bm_geom_begin_part(&f->inset_outline);
  bm_bbox ob = bm_bbox_empty();
  for (int i = 0; i < 4 * N; i++) {
    if (pts[2 * i] == HUGE_VAL || pts[2 * i + 1] == HUGE_VAL) continue;
    bm_view_to_px(iv, pts + 2 * i, 1);
    double x = pts[2 * i] + dx, y = pts[2 * i + 1] + dy;
    bm_geom_add(&f->inset_outline, x, y);
    bm_bbox_add(&ob, x, y);
  }
  /* a map too small to see in the inset gets a small square around its place */
  double min = 8 * m->k;
  if (!bm_bbox_is_empty(ob) && (ob.maxx - ob.minx < min || ob.maxy - ob.miny < min)) {
    double cx = (ob.minx + ob.maxx) / 2, cy = (ob.miny + ob.maxy) / 2;
    bm_geom_reset(&f->inset_outline, BM_GEOM_POLYGON);
    bm_geom_begin_part(&f->inset_outline);
    bm_geom_add(&f->inset_outline, cx - min / 2, cy - min / 2);
    bm_geom_add(&f->inset_outline, cx + min / 2, cy - min / 2);
    bm_geom_add(&f->inset_outline, cx + min / 2, cy + min / 2);
    bm_geom_add(&f->inset_outline, cx - min / 2, cy + min / 2);
  }
  return BM_OK;
}

static double graticule_step(double span) {
  static const double steps[] = {0.5, 1, 2, 5, 10, 15, 20, 30};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (span / steps[i] <= 7) return steps[i];
  return 30;
}

static bm_status graticule(map *m, story *s, bm_furniture *f) {
  const bm_graticule_spec *G = &m->spec->graticule;
  bm_bbox q = m->view.query;
  double step = G->step > 0 ? G->step : graticule_step(fmax(q.maxx - q.minx, q.maxy - q.miny));
  size_t cap = (size_t)((q.maxx - q.minx) / step + (q.maxy - q.miny) / step) + 4;
  if (cap > 2000) cap = 2000;
  s->grat = calloc(cap, sizeof *s->grat);
  s->grat_value = calloc(cap, sizeof(double));
  s->grat_lon = calloc(cap, sizeof(bool));
  if (!s->grat || !s->grat_value || !s->grat_lon)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (int pass = 0; pass < 2; pass++) {
    bool lon = pass == 0;
    double lo = lon ? q.minx : q.miny, hi = lon ? q.maxx : q.maxy;
    for (double v = ceil(lo / step) * step; v <= hi + 1e-9 && s->ngrat < cap; v += step) {
      /* the seam and the poles are the map's edge, not lines on it */
      if (lon ? (v <= -180 || v >= 180) : fabs(v) >= 90) continue;
      bm_geom *g = &s->grat[s->ngrat];
      bm_geom_init(g, BM_GEOM_LINE);
      bool ok = bm_geom_begin_part(g);
      if (lon)
        for (double t = fmax(q.miny, -89.9); ok && t <= fmin(q.maxy, 89.9) + 1e-9; t += 0.25) ok = bm_geom_add(g, v, t);
      else
        for (double t = q.minx; ok && t <= q.maxx + 1e-9; t += 0.25) ok = bm_geom_add(g, t, v);
      if (!ok) {
        bm_geom_free(g);
        return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      }
      story_to_pixels(m, g);
      s->grat_value[s->ngrat] = v;
      s->grat_lon[s->ngrat] = lon;
      s->ngrat++;
      if (!G->labels) continue;
      /* meridians are labelled where they meet the top edge, parallels at the right edge */
      double edge = lon ? 0 : m->view.width;
      for (size_t p = 0; p < g->nparts; p++) {
        const double *xy = bm_geom_part_xy(g, p);
        size_t n = bm_geom_part_len(g, p);
        bool done = false;
        for (size_t k = 1; k < n && !done; k++) {
          double a = lon ? xy[2 * k - 1] : xy[2 * k - 2], b = lon ? xy[2 * k + 1] : xy[2 * k];
          if ((a - edge) * (b - edge) > 0 || a == b) continue;
          double t = (edge - a) / (b - a);
          double x = xy[2 * k - 2] + t * (xy[2 * k] - xy[2 * k - 2]);
          double y = xy[2 * k - 1] + t * (xy[2 * k + 1] - xy[2 * k - 1]);
          double k6 = 8 * m->k;
          if (lon) bm_furniture_add_grat_label(f, &m->style, v, true, x, k6);
          else bm_furniture_add_grat_label(f, &m->style, v, false, x - 4 * m->k, y);
          done = true;
        }
        if (done) break;
      }
    }
  }
  return BM_OK;
}

static bm_status furniture_plan(map *m, base *b, story *s, story_px *sp, bm_furniture *f) {
  const bm_spec *spec = m->spec;
  bm_status st = BM_OK;
  bm_furniture_set_date(f, &m->style, spec->credit, spec->date);
  if (!build_legend(m, b, s, sp, &f->legend, &f->panel))
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_furniture_request req = {
      .legend = spec->legend.show != BM_SHOW_OFF, .legend_at = spec->legend.position,
      .legend_title = spec->legend.title, .panel = true, .panel_at = BM_CORNER_AUTO,
      .scalebar = spec->scale_bar.show != BM_SHOW_OFF, .scalebar_at = spec->scale_bar.position,
      .scalebar_max_px = 130 * m->k, .inset_at = spec->inset.position};
  /* scale: refuse, omit or note when it varies more than 10% across the view */
  double variation = bm_scale_variation(m->proj, &m->view);
  if (req.scalebar && variation > 1.10) {
    if (spec->scale_bar.when_varies == BM_VARIES_ERROR)
      return bm_error_set(m->err, BM_ERR_SPEC, spec->path, spec->scale_bar.pos.line,
                          spec->scale_bar.pos.col,
                          "scale_bar: the scale varies by %.0f%% across this map, so one bar "
                          "cannot be right everywhere; set when_varies: note (a bar true at its "
                          "place, with a note) or omit",
                          (variation - 1) * 100);
    if (spec->scale_bar.when_varies == BM_VARIES_OMIT) req.scalebar = false;
  }
  /* north: left out when it is not the same direction across the map, unless forced */
  double spread = bm_north_spread(m->proj, &m->view), centre = 0;
  bool north_ok = bm_north_angle(m->proj, &m->view, m->view.width / 2.0, m->view.height / 2.0, &centre);
  double ground_w = bm_view_ground_distance(m->proj, &m->view, 0, m->view.height / 2.0,
                                            m->view.width, m->view.height / 2.0);
  if (spec->north_arrow == BM_SHOW_ON) req.north = north_ok;
  else if (spec->north_arrow == BM_SHOW_AUTO)
    req.north = north_ok && spread <= 3 * M_PI / 180 &&
                (fabs(centre) > 2 * M_PI / 180 || (ground_w > 0 && ground_w < 150e3));
  bm_proj *ip = NULL;
  bm_view iv = {0};
  if (spec->inset.show == BM_SHOW_ON) {
    if ((st = inset_plan(m, &ip, &iv, &req.inset_w, &req.inset_h))) goto out;
    req.inset = true;
  }
  bm_content *content = bm_content_create(m->view.width, m->view.height);
  if (content) draw_content(m, b, s, sp, content);
  bm_furniture_arrange(f, &m->style, &req, content);
  bm_content_destroy(content);
  if (f->has_scalebar) {
    bm_scalebar bar;
    if (!bm_scalebar_measure(m->proj, &m->view, f->bar_x, f->bar_y, req.scalebar_max_px,
                             spec->scale_bar.km, &bar)) {
      if (spec->scale_bar.km > 0)
        st = bm_error_set(m->err, BM_ERR_SPEC, spec->path, spec->scale_bar.pos.line,
                          spec->scale_bar.pos.col,
                          "scale_bar km: %g km does not fit on this map (a bar of that length "
                          "would be wider than the space for it); give a smaller km or leave it out",
                          spec->scale_bar.km);
      f->has_scalebar = false;
      if (st) goto out;
    } else {
      char note[160] = "";
      if (bar.variation > 1.10)
        snprintf(note, sizeof note, "true at %.0f°%s; scale varies %.0f%% across the map",
                 fabs(bar.lat), bar.lat >= 0 ? "N" : "S", (bar.variation - 1) * 100);
      bm_furniture_finish_scalebar(f, &m->style, &bar, note);
    }
  }
  if (f->has_north) {
    double a = 0;
    bm_north_angle(m->proj, &m->view, f->north_x, f->north_y, &a);
    bm_furniture_set_north(f, &m->style, a);
  }
  if (f->has_inset && (st = inset_fill(m, ip, &iv, f))) goto out;
  if (spec->graticule.show == BM_SHOW_ON && (st = graticule(m, s, f))) goto out;
out:
  bm_proj_destroy(ip);
  return st;
}

static bm_status write_report(map *m, const bm_labeler *lb, const story_px *sp, bm_atomic *out);

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
  story sty = {0};
  bm_labeler *lb = NULL;
  bm_canvas *canvas = NULL;
  bm_atomic report = {0};
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
  if (!sp.site_xy) { st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory"); goto done; }
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
  if ((st = story_build(&m, &sty))) goto done;
  double t3 = now();
  stats->t_project = t3 - t2;

  bm_furniture_layout(&fur, m.text, &m.style, m.k, m.view.width, m.view.height, spec->title,
                      spec->subtitle, spec->credit);
  if ((st = furniture_plan(&m, &b, &sty, &sp, &fur))) goto done;
  m.fur = &fur;
  double inset = 4 * m.k;
  lb = bm_labeler_create(m.text, (bm_bbox){inset, inset, m.view.width - inset, m.view.height - inset});
  if (!lb) { st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory"); goto done; }
  bm_labeler_set_point_order(lb, (const bm_point_pos *)m.style.point_order, m.style.n_point_order);
  bm_labeler_set_naive(lb, opt->label_naive);
  bm_labeler_keep_candidates(lb, opt->debug_labels);
  if ((st = add_labels(&m, &b, &sp, lb, fur.boxes, fur.nboxes))) goto done;
  if ((st = add_story_labels(&m, &sty, lb))) goto done;
  if (!bm_labeler_place(lb)) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory while placing labels");
    goto done;
  }
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    if (bm_labeler_at(lb, i)->placed) stats->labels_placed++;
    else stats->labels_dropped++;
  }
  double t4 = now();
  stats->t_label = t4 - t3;

  cairo_t *cr = bm_canvas_cairo(canvas);
  paint_base(&m, cr, &b);
  paint_story(&m, cr, &sty);
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (l->placed && l->has_symbol)
      bm_paint_place_dot(cr, l->ax, l->ay, !strcmp(l->layer, "capital"), m.k, &m.style);
  }
  for (int i = 0; i < sp.nsites; i++)
    bm_paint_site_symbol(cr, m.sites->sites[i].kind, sp.site_xy[2 * i], sp.site_xy[2 * i + 1],
                         m.style.site_symbol_size * m.k, &m.style);
  paint_callouts(&m, cr, &sty);
  bm_paint_labels(cr, lb, m.k, &m.style, opt->debug_labels);
  bm_furniture_paint(&fur, cr, &m.style, m.k);
  double t5 = now();
  stats->t_paint = t5 - t4;
  /* both files are written and checked before either is put in place */
  if (opt->labels_report && (st = write_report(&m, lb, &sp, &report))) goto done;
  if ((st = bm_canvas_close(canvas, err))) goto done;
  if (opt->labels_report && (st = bm_atomic_rename(&report, err))) goto done;
  if ((st = bm_canvas_rename(canvas, err))) goto done;
  stats->t_write = now() - t5;

done:
  bm_atomic_abort(&report);
  bm_canvas_destroy(canvas);
  bm_labeler_destroy(lb);
  bm_furniture_free(&fur);
  story_free(&sty, spec);
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

static void json_box(FILE *f, const char *key, bm_bbox b) {
  fprintf(f, "\"%s\": [%.1f, %.1f, %.1f, %.1f]", key, b.minx, b.miny, b.maxx, b.maxy);
}

/* The furniture, for tests and for people checking a map: the legend's
 * entries, the scale bar's ends and length, the inset's box and outline. */
static void write_furniture_report(FILE *f, const bm_furniture *fur) {
  fprintf(f, ",\n  \"legend\": [");
  for (size_t i = 0; fur->has_legend && i < fur->legend.n; i++) {
    fprintf(f, "%s\n    {\"symbol\": \"%s\", \"text\": ", i ? "," : "",
            bm_legend_symbol_name(&fur->legend.v[i]));
    json_str(f, fur->legend.v[i].text);
    fputc('}', f);
  }
  fprintf(f, "\n  ]");
  if (fur->has_legend) {
    fprintf(f, ",\n  \"legend_box\": {");
    json_box(f, "box", fur->legend_box);
    fputc('}', f);
  }
  if (fur->has_scalebar && fur->bar_layout)
    fprintf(f,
            ",\n  \"scale_bar\": {\"km\": %g, \"px\": %.3f, \"start\": [%.3f, %.3f], \"end\": [%.3f, "
            "%.3f], \"lat\": %.3f, \"variation\": %.4f, \"note\": \"%s\"}",
            fur->bar.km, fur->bar.px, fur->bar_x, fur->bar_y, fur->bar_x + fur->bar.px, fur->bar_y,
            fur->bar.lat, fur->bar.variation, fur->bar_note);
  fprintf(f, ",\n  \"north_arrow\": %s", fur->has_north ? "true" : "false");
  if (fur->has_north) fprintf(f, ", \"north_angle\": %.2f", fur->north_angle * 180 / M_PI);
  if (fur->has_inset) {
    fprintf(f, ",\n  \"inset\": {\"projection\": ");
    json_str(f, fur->inset_def);
    fprintf(f, ", ");
    json_box(f, "view", fur->inset_proj);
    fprintf(f, ", ");
    json_box(f, "box", fur->inset_box);
    fprintf(f, ", \"outline\": [");
    for (size_t i = 0; i < fur->inset_outline.npts; i++)
      fprintf(f, "%s[%.1f, %.1f]", i ? ", " : "", fur->inset_outline.xy[2 * i],
              fur->inset_outline.xy[2 * i + 1]);
    fprintf(f, "]}");
  }
}

/* Writes the report into out's temp file and closes it; the caller renames it
 * into place together with the map. */
static bm_status write_report(map *m, const bm_labeler *lb, const story_px *sp, bm_atomic *out) {
  bm_status st = bm_atomic_open(out, m->opt->labels_report, m->err);
  if (st) return bm_error_wrap(m->err, "cannot write the label report");
  FILE *f = out->f;
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
  fprintf(f, "\n  ]");
  if (m->fur) write_furniture_report(f, m->fur);
  fprintf(f, "\n}\n");
  return bm_atomic_close(out, m->err);
}
