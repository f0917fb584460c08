#include "spec/spec.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "spec/spec_story.h"
#include "spec/yaml.h"

static const char *const site_kind_names[BM_SITE_KIND_COUNT] = {"generic", "city", "factory",
                                                                "military-base", "airfield"};

const char *bm_site_kind_name(bm_site_kind k) {
  return k < BM_SITE_KIND_COUNT ? site_kind_names[k] : "generic";
}

bool bm_site_kind_parse(const char *s, bm_site_kind *out) {
  for (int i = 0; i < BM_SITE_KIND_COUNT; i++)
    if (!bm_strcasecmp(s, site_kind_names[i])) {
      *out = (bm_site_kind)i;
      return true;
    }
  return false;
}

const char *bm_site_kind_list(void) { return "generic, city, factory, military-base, airfield"; }

void bm_spec_free(bm_spec *s) {
  if (!s) return;
  free(s->path);
  free(s->dir);
  free(s->title);
  free(s->subtitle);
  free(s->credit);
  free(s->language);
  for (size_t i = 0; i < s->n_messages; i++) {
    free(s->messages[i].key);
    free(s->messages[i].value);
  }
  free(s->messages);
  free(s->extent_countries);
  free(s->projection);
  free(s->scale);
  free(s->style_path);
  free(s->highlight_countries);
  for (size_t i = 0; i < s->n_highlight_provinces; i++)
    free(s->highlight_provinces[i].name);
  free(s->highlight_provinces);
  for (size_t i = 0; i < s->n_sites; i++) {
    free(s->sites[i].name);
    free(s->sites[i].note);
    free(s->sites[i].replaces);
  }
  free(s->sites);
  for (size_t i = 0; i < s->n_site_files; i++)
    free(s->site_files[i].path);
  free(s->site_files);
  bm_spec_free_story(s);
  bm_spec_free_labels(s);
  free(s->relief.file);
  free(s);
}

bool bm_spec_add_site(bm_spec *s, const bm_site *site) {
  bm_site *v = realloc(s->sites, (s->n_sites + 1) * sizeof *v);
  if (!v) return false;
  s->sites = v;
  bm_site *d = &v[s->n_sites];
  *d = *site;
  d->name = bm_strdup(site->name);
  d->note = bm_strdup(site->note);
  d->replaces = bm_strdup(site->replaces);
  if (!d->name || (site->note && !d->note) || (site->replaces && !d->replaces)) {
    free(d->name);
    free(d->note);
    free(d->replaces);
    return false;
  }
  s->n_sites++;
  return true;
}

char *bm_spec_find_style(const char *name, const char *spec_dir) {
  char file[512];
  /* a bare name means styles/<name>.yaml */
  if (!strchr(name, '/') && !strstr(name, ".yaml") && !strstr(name, ".yml"))
    snprintf(file, sizeof file, "%s.yaml", name);
  else
    snprintf(file, sizeof file, "%s", name);
  if (file[0] == '/') return bm_file_exists(file) ? strdup(file) : NULL;
  const char *env = getenv("BORDERMAP_STYLES");
  char home[1024], home_styles[1100];
  const char *dirs[4] = {spec_dir, NULL, env, NULL};
  if (bm_home_dir(home, sizeof home)) {
    snprintf(home_styles, sizeof home_styles, "%s/styles", home);
    dirs[3] = home_styles;
  }
  char up[1024];
  snprintf(up, sizeof up, "%s/../styles", spec_dir ? spec_dir : ".");
  dirs[1] = up;
  for (int i = 0; i < 4; i++) {
    if (!dirs[i] || !*dirs[i]) continue;
    char *p = bm_path_join(dirs[i], file);
    if (p && bm_file_exists(p)) return p;
    free(p);
  }
  return NULL;
}

char *bm_spec_default_path(void) {
  char home[1024];
  return bm_path_join(bm_home_dir(home, sizeof home) ? home : ".", "maps/central-asia.yaml");
}

/* ---- parsing ---------------------------------------------------------- */

typedef bm_spec_ctx ctx;
#define FAIL(y, ...) BM_SPEC_FAIL(c, y, __VA_ARGS__)

static bm_spec_pos pos_of(const bm_yaml *y) { return (bm_spec_pos){y->line, y->col}; }

bm_status bm_spec_read_country(const bm_yaml *y, const char *file, const char *what,
                               bm_country_ref *out, bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, file, what, err)) return BM_ERR_SPEC;
  const char *v = y->scalar;
  if (strlen(v) != 3 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1]) ||
      !isalpha((unsigned char)v[2]))
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s must be a three-letter ISO 3166-1 alpha-3 code such as TJK, not '%s'",
                        what, v);
  for (int i = 0; i < 3; i++)
    out->code[i] = (char)toupper((unsigned char)v[i]);
  out->code[3] = '\0';
  out->pos = pos_of(y);
  return BM_OK;
}

bm_status bm_spec_read_countries(const bm_yaml *y, const char *file, const char *what,
                                 bm_country_ref **out, size_t *n, bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
  if (y->n == 0)
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s is empty; list at least one ISO A3 code such as [TJK]", what);
  *out = calloc(y->n, sizeof **out);
  if (!*out) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < y->n; i++)
    if (bm_spec_read_country(y->items[i], file, what, &(*out)[i], err)) return BM_ERR_SPEC;
  *n = y->n;
  return BM_OK;
}

bm_status bm_spec_read_lonlat(const bm_yaml *y, const char *file, const char *what, double out[2],
                              bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
  if (y->n != 2)
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s must be [lon, lat], e.g. [68.78, 38.56]", what);
  if (bm_yaml_number(y->items[0], file, "longitude", -180, 180, &out[0], err) ||
      bm_yaml_number(y->items[1], file, "latitude", -90, 90, &out[1], err))
    return BM_ERR_SPEC;
  return BM_OK;
}

bm_status bm_spec_read_bbox(const bm_yaml *y, const char *file, const char *what, double out[4],
                            bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
  if (y->n != 4)
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s must be [min_lon, min_lat, max_lon, max_lat]", what);
  for (int i = 0; i < 4; i++) {
    bool lon = (i % 2) == 0;
    if (bm_yaml_number(y->items[i], file, lon ? "bbox longitude" : "bbox latitude",
                       lon ? -180 : -90, lon ? 180 : 90, &out[i], err))
      return BM_ERR_SPEC;
  }
  if (out[3] <= out[1])
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s: max_lat (%g) must be greater than min_lat (%g)", what, out[3], out[1]);
  if (out[2] == out[0])
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s: min_lon and max_lon are equal; give a box with a width "
                        "(max_lon < min_lon crosses the antimeridian)",
                        what);
  return BM_OK;
}

static bm_status parse_country(ctx *c, const bm_yaml *y, const char *what, bm_country_ref *out) {
  return bm_spec_read_country(y, c->file, what, out, c->err);
}

static bm_status parse_country_list(ctx *c, const bm_yaml *y, const char *what,
                                    bm_country_ref **out, size_t *n) {
  return bm_spec_read_countries(y, c->file, what, out, n, c->err);
}

static bm_status parse_lonlat_pair(ctx *c, const bm_yaml *y, const char *what, double out[2]) {
  return bm_spec_read_lonlat(y, c->file, what, out, c->err);
}

static bm_status parse_margin(ctx *c, const bm_yaml *y) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, "extent margin", c->err)) return BM_ERR_SPEC;
  char *end = NULL;
  double v = strtod(y->scalar, &end);
  bool pct = end && *end == '%' && end[1] == '\0';
  if (end == y->scalar || (!pct && *end) || !isfinite(v) || v < 0 || (pct ? v > 200 : v > 2))
    return FAIL(y,
                "extent margin must be a percentage such as 10%% (0%% to 200%%) or a fraction "
                "from 0 to 2, not '%s'",
                y->scalar);
  c->s->margin = pct ? v / 100.0 : v;
  return BM_OK;
}

static bm_status parse_extent(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"bbox",      "countries",           "margin", "center",
                                     "radius_km", "include_territories", NULL};
  bm_spec *s = c->s;
  if (bm_yaml_expect(y, BM_YAML_MAP, c->file, "extent", c->err) ||
      bm_yaml_check_keys(y, keys, "extent", c->file, c->err))
    return BM_ERR_SPEC;
  s->extent_pos = pos_of(y);
  const bm_yaml *bbox = bm_yaml_get(y, "bbox"), *countries = bm_yaml_get(y, "countries"),
                *center = bm_yaml_get(y, "center"), *radius = bm_yaml_get(y, "radius_km"),
                *margin = bm_yaml_get(y, "margin"), *terr = bm_yaml_get(y, "include_territories");
  int kinds = (bbox != NULL) + (countries != NULL) + (center != NULL);
  if (kinds != 1)
    return FAIL(y, "extent needs exactly one of: bbox: [min_lon, min_lat, max_lon, max_lat], "
                   "countries: [ISO A3 codes], or center: [lon, lat] with radius_km");
  if (margin && parse_margin(c, margin)) return BM_ERR_SPEC;
  if (terr) {
    if (!countries)
      return FAIL(terr, "include_territories goes with countries (it keeps their far-off parts), "
                        "not with bbox or center");
    if (bm_yaml_bool(terr, c->file, "extent include_territories (true or false)",
                     &s->include_territories, c->err))
      return BM_ERR_SPEC;
  }
  if (bbox) {
    s->extent_kind = BM_EXTENT_BBOX;
    if (bm_spec_read_bbox(bbox, c->file, "extent bbox", s->bbox, c->err)) return BM_ERR_SPEC;
    if (radius) return FAIL(radius, "radius_km goes with center, not with bbox");
  } else if (countries) {
    s->extent_kind = BM_EXTENT_COUNTRIES;
    if (parse_country_list(c, countries, "extent countries", &s->extent_countries,
                           &s->n_extent_countries))
      return BM_ERR_SPEC;
    if (radius) return FAIL(radius, "radius_km goes with center, not with countries");
  } else {
    s->extent_kind = BM_EXTENT_CENTER;
    if (parse_lonlat_pair(c, center, "extent center", s->center)) return BM_ERR_SPEC;
    if (!radius)
      return FAIL(center, "extent center needs radius_km (the distance shown from the centre)");
    if (bm_yaml_number(radius, c->file, "extent radius_km", 1, 20000, &s->radius_km, c->err))
      return BM_ERR_SPEC;
  }
  return BM_OK;
}

static bm_status parse_size(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"width", "height", "dpi", NULL};
  if (bm_yaml_expect(y, BM_YAML_MAP, c->file, "size", c->err) ||
      bm_yaml_check_keys(y, keys, "size", c->file, c->err))
    return BM_ERR_SPEC;
  double w = c->s->width, h = c->s->height, dpi = c->s->dpi;
  const bm_yaml *v;
  if ((v = bm_yaml_get(y, "width")) &&
      bm_yaml_number(v, c->file, "size width (pixels)", 100, 20000, &w, c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "height")) &&
      bm_yaml_number(v, c->file, "size height (pixels)", 100, 20000, &h, c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "dpi")) && bm_yaml_number(v, c->file, "size dpi", 36, 1200, &dpi, c->err))
    return BM_ERR_SPEC;
  c->s->width = (int)lround(w);
  c->s->height = (int)lround(h);
  c->s->dpi = dpi;
  return BM_OK;
}

static bm_status parse_page(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"size", "orientation", "dpi", NULL};
  static const struct {
    const char *name;
    double w_mm, h_mm;
  } pages[] = {{"A5", 148, 210},
               {"A4", 210, 297},
               {"A3", 297, 420},
               {"letter", 215.9, 279.4},
               {"tabloid", 279.4, 431.8}};
  if (bm_yaml_expect(y, BM_YAML_MAP, c->file, "page", c->err) ||
      bm_yaml_check_keys(y, keys, "page", c->file, c->err))
    return BM_ERR_SPEC;
  const bm_yaml *size = bm_yaml_get(y, "size"), *orient = bm_yaml_get(y, "orientation"),
                *dpi = bm_yaml_get(y, "dpi");
  if (!size) return FAIL(y, "page needs size: one of A5, A4, A3, letter, tabloid");
  if (bm_yaml_expect(size, BM_YAML_SCALAR, c->file, "page size", c->err)) return BM_ERR_SPEC;
  int found = -1;
  for (int i = 0; i < 5; i++)
    if (!bm_strcasecmp(size->scalar, pages[i].name)) found = i;
  if (found < 0)
    return FAIL(size, "unknown page size '%s'; valid sizes are: A5, A4, A3, letter, tabloid",
                size->scalar);
  bool landscape = true;
  if (orient) {
    if (bm_yaml_expect(orient, BM_YAML_SCALAR, c->file, "page orientation", c->err))
      return BM_ERR_SPEC;
    if (!strcmp(orient->scalar, "portrait"))
      landscape = false;
    else if (strcmp(orient->scalar, "landscape"))
      return FAIL(orient, "page orientation must be landscape or portrait, not '%s'",
                  orient->scalar);
  }
  double d = 150;
  if (dpi && bm_yaml_number(dpi, c->file, "page dpi", 36, 1200, &d, c->err)) return BM_ERR_SPEC;
  double w = pages[found].w_mm, h = pages[found].h_mm;
  if (landscape) {
    double t = w;
    w = h;
    h = t;
  }
  c->s->dpi = d;
  c->s->width = (int)lround(w / 25.4 * d);
  c->s->height = (int)lround(h / 25.4 * d);
  if (c->s->width > 20000 || c->s->height > 20000)
    return FAIL(dpi ? dpi : y, "page at %g dpi would be %dx%d pixels; the limit is 20000", d,
                c->s->width, c->s->height);
  return BM_OK;
}

static bm_status parse_highlight(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"countries", "provinces", NULL};
  static const char *const pkeys[] = {"country", "name", NULL};
  bm_spec *s = c->s;
  if (bm_yaml_expect(y, BM_YAML_MAP, c->file, "highlight", c->err) ||
      bm_yaml_check_keys(y, keys, "highlight", c->file, c->err))
    return BM_ERR_SPEC;
  const bm_yaml *countries = bm_yaml_get(y, "countries"), *provinces = bm_yaml_get(y, "provinces");
  if (countries && parse_country_list(c, countries, "highlight countries", &s->highlight_countries,
                                      &s->n_highlight_countries))
    return BM_ERR_SPEC;
  if (!provinces) return BM_OK;
  if (bm_yaml_expect(provinces, BM_YAML_SEQ, c->file, "highlight provinces", c->err))
    return BM_ERR_SPEC;
  s->highlight_provinces = calloc(provinces->n ? provinces->n : 1, sizeof *s->highlight_provinces);
  if (!s->highlight_provinces)
    return bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < provinces->n; i++) {
    const bm_yaml *p = provinces->items[i];
    if (bm_yaml_expect(p, BM_YAML_MAP, c->file, "a highlighted province", c->err) ||
        bm_yaml_check_keys(p, pkeys, "a highlighted province", c->file, c->err))
      return BM_ERR_SPEC;
    const bm_yaml *country = bm_yaml_get(p, "country"), *name = bm_yaml_get(p, "name");
    if (!country || !name)
      return FAIL(p, "a highlighted province needs country (ISO A3) and name, e.g. "
                     "{country: AFG, name: Badakhshan}");
    bm_province_ref *r = &s->highlight_provinces[s->n_highlight_provinces++];
    bm_country_ref cr;
    if (parse_country(c, country, "province country", &cr)) return BM_ERR_SPEC;
    memcpy(r->country, cr.code, 4);
    if (bm_yaml_string(name, c->file, "province name", &r->name, c->err)) return BM_ERR_SPEC;
    r->pos = pos_of(name);
  }
  return BM_OK;
}

static bm_status parse_site(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"name", "lon",         "lat",      "kind",
                                     "note", "approximate", "replaces", NULL};
  if (bm_yaml_check_keys(y, keys, "a site", c->file, c->err)) return BM_ERR_SPEC;
  const bm_yaml *name = bm_yaml_get(y, "name"), *lon = bm_yaml_get(y, "lon"),
                *lat = bm_yaml_get(y, "lat"), *kind = bm_yaml_get(y, "kind"),
                *note = bm_yaml_get(y, "note"), *approx = bm_yaml_get(y, "approximate"),
                *replaces = bm_yaml_get(y, "replaces");
  if (!name || !lon || !lat)
    return FAIL(y, "a site needs name, lon and lat (or file: for a file of sites)");
  bm_site site = {.kind = BM_SITE_GENERIC, .pos = pos_of(y)};
  bm_status st = BM_OK;
  if (bm_yaml_string(name, c->file, "site name", &site.name, c->err) ||
      bm_yaml_number(lon, c->file, "site lon", -180, 180, &site.lon, c->err) ||
      bm_yaml_number(lat, c->file, "site lat", -90, 90, &site.lat, c->err) ||
      (note && bm_yaml_string(note, c->file, "site note", &site.note, c->err)) ||
      (approx && bm_yaml_bool(approx, c->file, "site approximate", &site.approximate, c->err)) ||
      (replaces &&
       bm_yaml_string(replaces, c->file, "site replaces (a place's name)", &site.replaces, c->err)))
    st = BM_ERR_SPEC;
  if (!st && kind) {
    if (bm_yaml_expect(kind, BM_YAML_SCALAR, c->file, "site kind", c->err))
      st = BM_ERR_SPEC;
    else if (!bm_site_kind_parse(kind->scalar, &site.kind))
      st = FAIL(kind, "unknown site kind '%s'; valid kinds are: %s", kind->scalar,
                bm_site_kind_list());
  }
  if (!st && !site.name[0]) st = FAIL(name, "site name is empty");
  if (!st && !bm_spec_add_site(c->s, &site))
    st = bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  free(site.name);
  free(site.note);
  free(site.replaces);
  return st;
}

static bm_status parse_sites(ctx *c, const bm_yaml *y) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, c->file, "sites", c->err)) return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *item = y->items[i];
    if (bm_yaml_expect(item, BM_YAML_MAP, c->file, "a site", c->err)) return BM_ERR_SPEC;
    const bm_yaml *file = bm_yaml_get(item, "file");
    if (!file) {
      if (parse_site(c, item)) return BM_ERR_SPEC;
      continue;
    }
    if (item->n != 1)
      return FAIL(item, "a site file entry has only the key file: (sites come from the file)");
    char *rel = NULL;
    if (bm_yaml_string(file, c->file, "site file", &rel, c->err)) return BM_ERR_SPEC;
    char *path = rel[0] == '/' ? strdup(rel) : bm_path_join(c->s->dir, rel);
    free(rel);
    if (!path) return bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (!bm_file_exists(path)) {
      FAIL(file, "site file '%s' does not exist (paths are relative to the spec's folder)", path);
      free(path);
      return BM_ERR_SPEC;
    }
    bm_site_file *v = realloc(c->s->site_files, (c->s->n_site_files + 1) * sizeof *v);
    if (!v) {
      free(path);
      return bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    c->s->site_files = v;
    v[c->s->n_site_files++] = (bm_site_file){path, pos_of(file)};
  }
  return BM_OK;
}

static bm_status parse_root(ctx *c, const bm_yaml *root) {
  static const char *const keys[] = {"title",  "subtitle",  "credit",     "size",
                                     "page",   "extent",    "projection", "scale",
                                     "style",  "highlight", "sites",      "places",
                                     "labels", "language",  "messages",   "relief", BM_SPEC_STORY_KEYS,
                                     NULL};
  bm_spec *s = c->s;
  if (bm_yaml_check_keys(root, keys, "the map spec", c->file, c->err)) return BM_ERR_SPEC;
  const bm_yaml *v;
  if ((v = bm_yaml_get(root, "title")) && bm_yaml_string(v, c->file, "title", &s->title, c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "subtitle")) &&
      bm_yaml_string(v, c->file, "subtitle", &s->subtitle, c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "credit")) && bm_yaml_string(v, c->file, "credit", &s->credit, c->err))
    return BM_ERR_SPEC;
  const bm_yaml *size = bm_yaml_get(root, "size"), *page = bm_yaml_get(root, "page");
  if (size && page) return FAIL(page, "give either size (pixels) or page (paper size), not both");
  if (size && parse_size(c, size)) return BM_ERR_SPEC;
  if (page && parse_page(c, page)) return BM_ERR_SPEC;
  if (!(v = bm_yaml_get(root, "extent")))
    return FAIL(root, "the map spec needs an extent: bbox, countries or center with radius_km");
  if (parse_extent(c, v)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "projection"))) {
    if (bm_yaml_string(v, c->file, "projection", &s->projection, c->err)) return BM_ERR_SPEC;
    s->projection_pos = pos_of(v);
    if (!s->projection[0])
      return FAIL(v, "projection is empty; use auto, EPSG:nnnn or a PROJ string");
  }
  if ((v = bm_yaml_get(root, "scale"))) {
    if (bm_yaml_string(v, c->file, "scale", &s->scale, c->err)) return BM_ERR_SPEC;
    if (strcmp(s->scale, "auto") && strcmp(s->scale, "10m") && strcmp(s->scale, "50m") &&
        strcmp(s->scale, "110m"))
      return FAIL(v, "unknown data scale '%s'; valid scales are: auto, 10m, 50m, 110m", s->scale);
  }
  const char *style_name = "newsroom";
  if ((v = bm_yaml_get(root, "style"))) {
    if (bm_yaml_expect(v, BM_YAML_SCALAR, c->file, "style", c->err)) return BM_ERR_SPEC;
    style_name = v->scalar;
    s->style_pos = pos_of(v);
  }
  s->style_path = bm_spec_find_style(style_name, s->dir);
  if (!s->style_path) {
    if (v)
      return FAIL(v,
                  "style '%s' not found (looked in the spec's folder, its ../styles, "
                  "$BORDERMAP_STYLES and the built-in styles); give a name such as newsroom "
                  "or a path to a .yaml file",
                  style_name);
    return bm_error_set(c->err, BM_ERR_SPEC, c->file, 0, 0,
                        "the default style 'newsroom' was not found; set BORDERMAP_STYLES to "
                        "the styles/ folder");
  }
  if ((v = bm_yaml_get(root, "highlight")) && parse_highlight(c, v)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "sites")) && parse_sites(c, v)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "places"))) {
    if (v->kind == BM_YAML_SCALAR && !strcmp(v->scalar, "all"))
      s->show_places = s->all_places = true;
    else if (bm_yaml_bool(v, c->file, "places (true, false or all)", &s->show_places, c->err))
      return BM_ERR_SPEC;
  }
  if ((v = bm_yaml_get(root, "language"))) {
    if (bm_yaml_string(v, c->file, "language", &s->language, c->err)) return BM_ERR_SPEC;
    s->language_pos = pos_of(v);
    if (!bm_lang_code_valid(s->language))
      return FAIL(v,
                  "language '%s' is not a language code; give two or three lower-case letters "
                  "(ISO 639-1), e.g. en, fa, ru, ar, zh, de, fr",
                  s->language);
  }
  if ((v = bm_yaml_get(root, "messages"))) {
    if (bm_yaml_expect(v, BM_YAML_MAP, c->file, "messages", c->err)) return BM_ERR_SPEC;
    for (size_t i = 0; i < v->n; i++) {
      if (!bm_lang_is_message(v->keys[i]))
        return bm_error_set(c->err, BM_ERR_SPEC, c->file, v->key_line[i], v->key_col[i],
                            "unknown message '%s' in messages; valid messages are: %s", v->keys[i],
                            bm_lang_message_list());
      bm_lang_pair *np = realloc(s->messages, (s->n_messages + 1) * sizeof *np);
      if (!np) return bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      s->messages = np;
      np[s->n_messages] = (bm_lang_pair){0};
      if (!(np[s->n_messages].key = strdup(v->keys[i])))
        return bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      s->n_messages++;
      if (bm_yaml_string(v->items[i], c->file, "a message", &np[s->n_messages - 1].value, c->err))
        return BM_ERR_SPEC;
    }
  }
  if ((v = bm_yaml_get(root, "labels")) && bm_spec_parse_labels(s, v, c->file, c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(root, "relief")) && bm_spec_parse_relief(s, v, c->file, c->err))
    return BM_ERR_SPEC;
  return bm_spec_parse_story(s, root, c->file, c->err);
}

static bm_spec *spec_new(const char *name, const char *dir) {
  bm_spec *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->path = strdup(name);
  s->dir = strdup(dir);
  s->width = 1200;
  s->height = 800;
  s->dpi = 96;
  s->margin = 0.1;
  s->projection = strdup("auto");
  s->scale = strdup("auto");
  s->show_places = true;
  bm_spec_story_defaults(s);
  if (!s->path || !s->dir || !s->projection || !s->scale) {
    bm_spec_free(s);
    return NULL;
  }
  return s;
}

static bm_spec *finish(bm_yaml *root, bm_spec *s, bm_error *err) {
  if (!root || !s) {
    if (root && !s) bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    bm_yaml_free(root);
    bm_spec_free(s);
    return NULL;
  }
  ctx c = {s->path, err, s};
  bm_status st = parse_root(&c, root);
  bm_yaml_free(root);
  if (st) {
    bm_spec_free(s);
    return NULL;
  }
  return s;
}

bm_spec *bm_spec_load(const char *path, bm_error *err) {
  bm_yaml *root = bm_yaml_load_file(path, err);
  if (!root) return NULL;
  char *dir = bm_path_dirname(path);
  bm_spec *s = dir ? spec_new(path, dir) : NULL;
  free(dir);
  return finish(root, s, err);
}

bm_spec *bm_spec_load_string(const char *text, const char *name, const char *dir, bm_error *err) {
  bm_yaml *root = bm_yaml_load_string(text, name, err);
  if (root && root->kind != BM_YAML_MAP) {
    bm_error_set(err, BM_ERR_SPEC, name, root->line, root->col,
                 "the spec must be a YAML mapping of keys to values");
    bm_yaml_free(root);
    return NULL;
  }
  if (!root) {
    if (err && err->code == BM_OK)
      bm_error_set(err, BM_ERR_SPEC, name, 1, 1, "the spec is empty; expected a YAML mapping");
    return NULL;
  }
  return finish(root, spec_new(name, dir ? dir : "."), err);
}
