#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "spec/spec_story.h"

typedef bm_spec_ctx ctx;
#define FAIL(y, ...) BM_SPEC_FAIL(c, y, __VA_ARGS__)
#define NOMEM() bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory")

static bm_spec_pos pos_of(const bm_yaml *y) { return (bm_spec_pos){y->line, y->col}; }

void bm_spec_story_defaults(bm_spec *s) {
  s->legend.show = BM_SHOW_AUTO;
  s->scale_bar.show = BM_SHOW_AUTO;
  s->north_arrow = BM_SHOW_AUTO;
  s->inset.show = BM_SHOW_OFF;
  s->inset.width = 0.22;
  s->graticule.show = BM_SHOW_OFF;
  s->graticule.labels = true;
}

/* ---- small readers ----------------------------------------------------- */

static bm_status opt_string(ctx *c, const bm_yaml *map, const char *key, const char *what,
                            char **out) {
  const bm_yaml *v = bm_yaml_get(map, key);
  if (!v) return BM_OK;
  if (bm_yaml_string(v, c->file, what, out, c->err)) return BM_ERR_SPEC;
  return BM_OK;
}

static bm_status opt_bool(ctx *c, const bm_yaml *map, const char *key, const char *what,
                          bool *out) {
  const bm_yaml *v = bm_yaml_get(map, key);
  return v && bm_yaml_bool(v, c->file, what, out, c->err) ? BM_ERR_SPEC : BM_OK;
}

static bm_status country(ctx *c, const bm_yaml *y, const char *what, bm_country_ref *out) {
  return bm_spec_read_country(y, c->file, what, out, c->err);
}

static bm_status country_list(ctx *c, const bm_yaml *y, const char *what, bm_country_ref **out,
                              size_t *n) {
  return bm_spec_read_countries(y, c->file, what, out, n, c->err);
}

static bm_status lonlat(ctx *c, const bm_yaml *y, const char *what, double *lon, double *lat) {
  double v[2];
  if (bm_spec_read_lonlat(y, c->file, what, v, c->err)) return BM_ERR_SPEC;
  *lon = v[0];
  *lat = v[1];
  return BM_OK;
}

/* A site's name, or [lon, lat]. */
static bm_status place(ctx *c, const bm_yaml *y, const char *what, bm_place_ref *out) {
  out->pos = pos_of(y);
  if (y->kind == BM_YAML_SCALAR) {
    if (!y->scalar[0]) return FAIL(y, "%s is empty; give a site's name or [lon, lat]", what);
    out->site = bm_strdup(y->scalar);
    return out->site ? BM_OK : NOMEM();
  }
  if (y->kind != BM_YAML_SEQ)
    return FAIL(y, "%s must be a site's name or [lon, lat], not a mapping", what);
  return lonlat(c, y, what, &out->lon, &out->lat);
}

static bm_status positive_km(ctx *c, const bm_yaml *y, const char *what, double max, double *out) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, what, c->err)) return BM_ERR_SPEC;
  char *end = NULL;
  double v = strtod(y->scalar, &end);
  if (end == y->scalar || *end || !isfinite(v) || y->quoted)
    return FAIL(y, "%s must be a number of kilometres greater than 0, not '%s'", what, y->scalar);
  if (v <= 0) return FAIL(y, "%s must be greater than 0 km, not %s", what, y->scalar);
  if (v > max) return FAIL(y, "%s must be at most %g km, not %s", what, max, y->scalar);
  *out = v;
  return BM_OK;
}

static bm_status corner(ctx *c, const bm_yaml *y, const char *what, bm_corner *out) {
  static const char *const names[] = {"auto", "top-left", "top-right", "bottom-left",
                                      "bottom-right"};
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, what, c->err)) return BM_ERR_SPEC;
  for (int i = 0; i < 5; i++)
    if (!bm_strcasecmp(y->scalar, names[i])) {
      *out = (bm_corner)i;
      return BM_OK;
    }
  return FAIL(y, "%s must be one of auto, top-left, top-right, bottom-left, bottom-right, not '%s'",
              what, y->scalar);
}

/* true / false / auto */
static bm_status show(ctx *c, const bm_yaml *y, const char *what, bm_show *out) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, what, c->err)) return BM_ERR_SPEC;
  if (!bm_strcasecmp(y->scalar, "auto"))
    *out = BM_SHOW_AUTO;
  else if (!bm_strcasecmp(y->scalar, "true") || !bm_strcasecmp(y->scalar, "yes"))
    *out = BM_SHOW_ON;
  else if (!bm_strcasecmp(y->scalar, "false") || !bm_strcasecmp(y->scalar, "no"))
    *out = BM_SHOW_OFF;
  else
    return FAIL(y, "%s must be true, false or auto, not '%s'", what, y->scalar);
  return BM_OK;
}

/* A furniture key given either as true/false/auto or as a mapping with options.
 * Returns the mapping, or NULL when a scalar was given (and *sh is set). */
static bm_status show_or_map(ctx *c, const bm_yaml *y, const char *what, bm_show *sh,
                             const char *const *keys, const bm_yaml **map) {
  *map = NULL;
  if (y->kind == BM_YAML_SCALAR) return show(c, y, what, sh);
  if (y->kind != BM_YAML_MAP)
    return FAIL(y, "%s must be true, false, auto or a mapping of options", what);
  if (bm_yaml_check_keys(y, keys, what, c->file, c->err)) return BM_ERR_SPEC;
  const bm_yaml *v = bm_yaml_get(y, "show");
  *sh = BM_SHOW_ON;
  if (v && show(c, v, what, sh)) return BM_ERR_SPEC;
  *map = y;
  return BM_OK;
}

static bm_status each_item(ctx *c, const bm_yaml *y, const char *what, size_t size, void **out,
                           size_t *n) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, c->file, what, c->err)) return BM_ERR_SPEC;
  *out = calloc(y->n ? y->n : 1, size);
  if (!*out) return NOMEM();
  *n = 0;
  return BM_OK;
}

/* ---- story items ------------------------------------------------------- */

static bm_status parse_rings(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"center", "radius_km", "label", "legend",
                                     "source", "fill",      NULL};
  bm_spec *s = c->s;
  if (each_item(c, y, "rings", sizeof *s->rings, (void **)&s->rings, &s->n_rings))
    return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a range ring", c->err) ||
        bm_yaml_check_keys(it, keys, "a range ring", c->file, c->err))
      return BM_ERR_SPEC;
    bm_ring *r = &s->rings[s->n_rings++];
    r->pos = pos_of(it);
    const bm_yaml *center = bm_yaml_get(it, "center"), *radius = bm_yaml_get(it, "radius_km");
    if (!center || !radius)
      return FAIL(it, "a range ring needs center (a site's name or [lon, lat]) and radius_km, "
                      "e.g. {center: Dushanbe, radius_km: 200}");
    r->radius_pos = pos_of(radius);
    if (place(c, center, "ring center", &r->center) ||
        positive_km(c, radius, "ring radius_km", 10000, &r->radius_km) ||
        opt_string(c, it, "label", "ring label", &r->label) ||
        opt_string(c, it, "legend", "ring legend", &r->legend) ||
        opt_string(c, it, "source", "ring source", &r->source) ||
        opt_bool(c, it, "fill", "ring fill", &r->fill))
      return BM_ERR_SPEC;
  }
  return BM_OK;
}

static bm_status parse_routes(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"from",  "to",    "via",    "path",   "arrow", "dash",
                                     "curve", "label", "legend", "source", NULL};
  bm_spec *s = c->s;
  if (each_item(c, y, "routes", sizeof *s->routes, (void **)&s->routes, &s->n_routes))
    return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a route", c->err) ||
        bm_yaml_check_keys(it, keys, "a route", c->file, c->err))
      return BM_ERR_SPEC;
    bm_route *r = &s->routes[s->n_routes++];
    r->pos = pos_of(it);
    r->arrow = true;
    const bm_yaml *from = bm_yaml_get(it, "from"), *to = bm_yaml_get(it, "to"),
                  *path = bm_yaml_get(it, "path"), *dash = bm_yaml_get(it, "dash");
    if (!from || !to) return FAIL(it, "a route needs from and to (site names or [lon, lat])");
    if (place(c, from, "route from", &r->from) || place(c, to, "route to", &r->to) ||
        opt_bool(c, it, "arrow", "route arrow", &r->arrow) ||
        opt_string(c, it, "label", "route label", &r->label) ||
        opt_string(c, it, "legend", "route legend", &r->legend) ||
        opt_string(c, it, "source", "route source", &r->source))
      return BM_ERR_SPEC;
    const bm_yaml *via = bm_yaml_get(it, "via");
    if (via) {
      if (bm_yaml_expect(via, BM_YAML_SEQ, c->file,
                         "route via (a list of waypoints: site names or [lon, lat])", c->err))
        return BM_ERR_SPEC;
      r->via = calloc(via->n ? via->n : 1, sizeof *r->via);
      if (!r->via) return NOMEM();
      for (size_t k = 0; k < via->n; k++, r->n_via++)
        if (place(c, via->items[k], "route via", &r->via[k])) return BM_ERR_SPEC;
    }
    /* a route is drawn as a gentle arc, as newsrooms draw a movement; a route through
     * waypoints, or with its path named, keeps the course its author gave */
    const bm_yaml *curve = bm_yaml_get(it, "curve");
    r->curve = r->n_via || path ? 0 : 0.15;
    if (curve && bm_yaml_number(curve, c->file, "route curve", -0.5, 0.5, &r->curve, c->err))
      return BM_ERR_SPEC;
    if (path) {
      if (bm_yaml_expect(path, BM_YAML_SCALAR, c->file, "route path", c->err)) return BM_ERR_SPEC;
      if (!bm_strcasecmp(path->scalar, "great-circle"))
        r->path = BM_PATH_GREAT_CIRCLE;
      else if (!bm_strcasecmp(path->scalar, "rhumb"))
        r->path = BM_PATH_RHUMB;
      else
        return FAIL(path, "route path must be great-circle or rhumb, not '%s'", path->scalar);
    }
    if (dash) {
      if (bm_yaml_expect(dash, BM_YAML_SCALAR, c->file, "route dash", c->err)) return BM_ERR_SPEC;
      if (!bm_strcasecmp(dash->scalar, "solid"))
        r->dash = BM_DASH_SOLID;
      else if (!bm_strcasecmp(dash->scalar, "dashed"))
        r->dash = BM_DASH_DASHED;
      else if (!bm_strcasecmp(dash->scalar, "dotted"))
        r->dash = BM_DASH_DOTTED;
      else
        return FAIL(dash, "route dash must be solid, dashed or dotted, not '%s'", dash->scalar);
    }
  }
  return BM_OK;
}

static bm_status country_pair(ctx *c, const bm_yaml *y, const char *what, bm_country_ref out[2]) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, c->file, what, c->err)) return BM_ERR_SPEC;
  if (y->n != 2) return FAIL(y, "%s must name two countries, e.g. [TJK, AFG]", what);
  if (country(c, y->items[0], what, &out[0]) || country(c, y->items[1], what, &out[1]))
    return BM_ERR_SPEC;
  if (!strcmp(out[0].code, out[1].code))
    return FAIL(y, "%s names %s twice; a border lies between two different countries", what,
                out[0].code);
  return BM_OK;
}

static bm_status parse_borders(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"between", "class",  "length", "label",
                                     "legend",  "source", NULL};
  bm_spec *s = c->s;
  if (each_item(c, y, "borders", sizeof *s->borders, (void **)&s->borders, &s->n_borders))
    return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a border", c->err) ||
        bm_yaml_check_keys(it, keys, "a border", c->file, c->err))
      return BM_ERR_SPEC;
    bm_border *b = &s->borders[s->n_borders++];
    b->pos = pos_of(it);
    const bm_yaml *between = bm_yaml_get(it, "between");
    if (!between) return FAIL(it, "a border needs between: [ISO A3, ISO A3], e.g. [TJK, AFG]");
    bm_country_ref pair[2];
    if (country_pair(c, between, "border between", pair) ||
        opt_bool(c, it, "length", "border length", &b->length) ||
        opt_string(c, it, "label", "border label", &b->label) ||
        opt_string(c, it, "legend", "border legend", &b->legend) ||
        opt_string(c, it, "source", "border source", &b->source))
      return BM_ERR_SPEC;
    b->a = pair[0];
    b->b = pair[1];
    const bm_yaml *cls = bm_yaml_get(it, "class");
    if (cls) {
      if (bm_yaml_expect(cls, BM_YAML_SCALAR, c->file, "border class", c->err)) return BM_ERR_SPEC;
      if (!bm_boundary_class_parse(cls->scalar, &b->cls))
        return FAIL(cls, "unknown border class '%s'; valid classes are: %s", cls->scalar,
                    bm_boundary_class_list());
      b->has_class = true;
      b->class_pos = pos_of(cls);
    }
  }
  return BM_OK;
}

/* point_of_view: ISO A3 of a country whose view Natural Earth publishes. */
static bm_status parse_point_of_view(ctx *c, const bm_yaml *y) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, "point_of_view", c->err)) return BM_ERR_SPEC;
  c->s->point_of_view = bm_pov_find(y->scalar);
  c->s->point_of_view_pos = pos_of(y);
  if (!c->s->point_of_view)
    return FAIL(y,
                "point_of_view: Natural Earth publishes no view for '%s'; valid codes are: %s "
                "(leave the key out for Natural Earth's de facto view)",
                y->scalar, bm_pov_list());
  return BM_OK;
}

static bm_status parse_areas(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"file",  "buffer_km", "around", "along", "style",
                                     "label", "legend",    "source", NULL};
  bm_spec *s = c->s;
  if (each_item(c, y, "areas", sizeof *s->areas, (void **)&s->areas, &s->n_areas))
    return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "an area", c->err) ||
        bm_yaml_check_keys(it, keys, "an area", c->file, c->err))
      return BM_ERR_SPEC;
    bm_area *a = &s->areas[s->n_areas++];
    a->pos = pos_of(it);
    a->hatch = true;
    const bm_yaml *file = bm_yaml_get(it, "file"), *buf = bm_yaml_get(it, "buffer_km"),
                  *around = bm_yaml_get(it, "around"), *along = bm_yaml_get(it, "along"),
                  *style = bm_yaml_get(it, "style");
    if (opt_string(c, it, "label", "area label", &a->label) ||
        opt_string(c, it, "legend", "area legend", &a->legend) ||
        opt_string(c, it, "source", "area source", &a->source))
      return BM_ERR_SPEC;
    if (style) {
      if (bm_yaml_expect(style, BM_YAML_SCALAR, c->file, "area style", c->err)) return BM_ERR_SPEC;
      if (!bm_strcasecmp(style->scalar, "hatch"))
        a->hatch = true;
      else if (!bm_strcasecmp(style->scalar, "fill"))
        a->hatch = false;
      else
        return FAIL(style, "area style must be hatch or fill, not '%s'", style->scalar);
    }
    if ((file != NULL) == (buf != NULL))
      return FAIL(it, "an area needs either file: (a polygon file) or buffer_km: with around: "
                      "or along:");
    if (file) {
      if (around || along)
        return FAIL(around ? around : along, "around and along go with buffer_km, not with file");
      a->kind = BM_AREA_FILE;
      char *rel = NULL;
      if (bm_yaml_string(file, c->file, "area file", &rel, c->err)) return BM_ERR_SPEC;
      a->file = rel[0] == '/' ? bm_strdup(rel) : bm_path_join(s->dir, rel);
      free(rel);
      if (!a->file) return NOMEM();
      if (!bm_file_exists(a->file))
        return FAIL(file, "area file '%s' does not exist (paths are relative to the spec's folder)",
                    a->file);
      continue;
    }
    a->kind = BM_AREA_BUFFER;
    if (positive_km(c, buf, "area buffer_km", 2000, &a->buffer_km)) return BM_ERR_SPEC;
    if ((around != NULL) == (along != NULL))
      return FAIL(it, "a buffer needs exactly one of around: (a site's name or [lon, lat]) or "
                      "along: (border: [ISO A3, ISO A3], or a line [[lon, lat], ...])");
    if (around) {
      a->along = BM_BUFFER_AROUND;
      if (place(c, around, "area around", &a->around)) return BM_ERR_SPEC;
      continue;
    }
    if (along->kind == BM_YAML_MAP) {
      static const char *const akeys[] = {"border", NULL};
      if (bm_yaml_check_keys(along, akeys, "area along", c->file, c->err)) return BM_ERR_SPEC;
      const bm_yaml *b = bm_yaml_get(along, "border");
      if (!b) return FAIL(along, "area along needs border: [ISO A3, ISO A3]");
      a->along = BM_BUFFER_BORDER;
      if (country_pair(c, b, "area along border", a->border)) return BM_ERR_SPEC;
      continue;
    }
    if (along->kind != BM_YAML_SEQ || along->n < 2)
      return FAIL(along, "area along must be border: [ISO A3, ISO A3] or a line of at least two "
                         "[lon, lat] points");
    a->along = BM_BUFFER_LINE;
    a->line = calloc(2 * along->n, sizeof(double));
    if (!a->line) return NOMEM();
    for (size_t k = 0; k < along->n; k++)
      if (lonlat(c, along->items[k], "a point of area along", &a->line[2 * k], &a->line[2 * k + 1]))
        return BM_ERR_SPEC;
    a->nline = along->n;
  }
  return BM_OK;
}

static bm_status parse_callouts(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"at", "text", "marker", "source", NULL};
  bm_spec *s = c->s;
  if (each_item(c, y, "callouts", sizeof *s->callouts, (void **)&s->callouts, &s->n_callouts))
    return BM_ERR_SPEC;
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a callout", c->err) ||
        bm_yaml_check_keys(it, keys, "a callout", c->file, c->err))
      return BM_ERR_SPEC;
    bm_callout *o = &s->callouts[s->n_callouts++];
    o->pos = pos_of(it);
    const bm_yaml *at = bm_yaml_get(it, "at"), *text = bm_yaml_get(it, "text");
    if (!at || !text) return FAIL(it, "a callout needs at (a site's name or [lon, lat]) and text");
    if (place(c, at, "callout at", &o->at) ||
        bm_yaml_string(text, c->file, "callout text", &o->text, c->err) ||
        opt_string(c, it, "marker", "callout marker", &o->marker) ||
        opt_string(c, it, "source", "callout source", &o->source))
      return BM_ERR_SPEC;
    if (o->marker && (strlen(o->marker) == 0 || strlen(o->marker) > 3))
      return FAIL(bm_yaml_get(it, "marker"),
                  "callout marker must be 1 to 3 characters, such as 1 or A");
  }
  return BM_OK;
}

/* ---- furniture ---------------------------------------------------------- */

static const char *const legend_symbols[] = {"factory",
                                             "military-base",
                                             "airfield",
                                             "city",
                                             "generic",
                                             "ring",
                                             "route",
                                             "hatch",
                                             "fill",
                                             "border",
                                             "highlight-country",
                                             "highlight-province",
                                             "disputed",
                                             "line-of-control",
                                             "indefinite",
                                             "lease-limit",
                                             "overlay-limit",
                                             "text",
                                             NULL};

static bm_status legend_symbol(ctx *c, const bm_yaml *y, const char *what) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, c->file, what, c->err)) return BM_ERR_SPEC;
  for (int i = 0; legend_symbols[i]; i++)
    if (!strcmp(y->scalar, legend_symbols[i])) return BM_OK;
  return FAIL(y,
              "unknown legend symbol '%s'; valid symbols are: factory, military-base, airfield, "
              "city, generic, ring, route, hatch, fill, border, highlight-country, "
              "highlight-province, disputed, line-of-control, indefinite, lease-limit, "
              "overlay-limit, text",
              y->scalar);
}

static bm_status parse_legend(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"show",  "position", "title",    "items",
                                     "names", "hide",     "callouts", NULL};
  bm_legend_spec *L = &c->s->legend;
  const bm_yaml *m;
  L->pos = pos_of(y);
  bm_status st0 = show_or_map(c, y, "legend", &L->show, keys, &m);
  if (st0 || !m) return st0;
  const bm_yaml *v;
  if ((v = bm_yaml_get(m, "position")) && corner(c, v, "legend position", &L->position))
    return BM_ERR_SPEC;
  if (opt_string(c, m, "title", "legend title", &L->title)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(m, "callouts"))) {
    if (bm_yaml_expect(v, BM_YAML_SCALAR, c->file, "legend callouts", c->err)) return BM_ERR_SPEC;
    if (!strcmp(v->scalar, "panel"))
      L->callouts_panel = true;
    else if (strcmp(v->scalar, "legend"))
      return FAIL(v, "legend callouts must be legend or panel, not '%s'", v->scalar);
  }
  if ((v = bm_yaml_get(m, "items"))) {
    static const char *const ikeys[] = {"symbol", "text", NULL};
    if (bm_yaml_expect(v, BM_YAML_SEQ, c->file, "legend items", c->err)) return BM_ERR_SPEC;
    L->items = calloc(v->n ? v->n : 1, sizeof *L->items);
    if (!L->items) return NOMEM();
    for (size_t i = 0; i < v->n; i++) {
      const bm_yaml *it = v->items[i];
      if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a legend item", c->err) ||
          bm_yaml_check_keys(it, ikeys, "a legend item", c->file, c->err))
        return BM_ERR_SPEC;
      const bm_yaml *sym = bm_yaml_get(it, "symbol"), *text = bm_yaml_get(it, "text");
      if (!sym || !text) return FAIL(it, "a legend item needs symbol and text");
      bm_legend_entry *e = &L->items[L->n_items++];
      if (legend_symbol(c, sym, "legend item symbol") ||
          bm_yaml_string(sym, c->file, "legend item symbol", &e->symbol, c->err) ||
          bm_yaml_string(text, c->file, "legend item text", &e->text, c->err))
        return BM_ERR_SPEC;
    }
  }
  if ((v = bm_yaml_get(m, "names"))) {
    if (bm_yaml_expect(v, BM_YAML_MAP, c->file, "legend names", c->err)) return BM_ERR_SPEC;
    L->names = calloc(v->n ? v->n : 1, sizeof *L->names);
    if (!L->names) return NOMEM();
    for (size_t i = 0; i < v->n; i++) {
      bm_yaml key = {.kind = BM_YAML_SCALAR,
                     .line = v->key_line[i],
                     .col = v->key_col[i],
                     .scalar = v->keys[i]};
      bm_legend_entry *e = &L->names[L->n_names++];
      if (legend_symbol(c, &key, "legend names key") ||
          bm_yaml_string(v->items[i], c->file, "legend name", &e->text, c->err))
        return BM_ERR_SPEC;
      e->symbol = bm_strdup(v->keys[i]);
      if (!e->symbol) return NOMEM();
    }
  }
  if ((v = bm_yaml_get(m, "hide"))) {
    if (bm_yaml_expect(v, BM_YAML_SEQ, c->file, "legend hide", c->err)) return BM_ERR_SPEC;
    L->hide = calloc(v->n ? v->n : 1, sizeof *L->hide);
    if (!L->hide) return NOMEM();
    for (size_t i = 0; i < v->n; i++) {
      if (legend_symbol(c, v->items[i], "legend hide") ||
          bm_yaml_string(v->items[i], c->file, "legend hide", &L->hide[L->n_hide++], c->err))
        return BM_ERR_SPEC;
    }
  }
  return BM_OK;
}

static bm_status parse_scale_bar(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"show", "position", "km", "when_varies", NULL};
  bm_scalebar_spec *S = &c->s->scale_bar;
  const bm_yaml *m, *v;
  S->pos = pos_of(y);
  bm_status st0 = show_or_map(c, y, "scale_bar", &S->show, keys, &m);
  if (st0 || !m) return st0;
  if ((v = bm_yaml_get(m, "position")) && corner(c, v, "scale_bar position", &S->position))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(m, "km")) && positive_km(c, v, "scale_bar km", 20000, &S->km))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(m, "when_varies"))) {
    if (bm_yaml_expect(v, BM_YAML_SCALAR, c->file, "scale_bar when_varies", c->err))
      return BM_ERR_SPEC;
    if (!strcmp(v->scalar, "note"))
      S->when_varies = BM_VARIES_NOTE;
    else if (!strcmp(v->scalar, "bar"))
      S->when_varies = BM_VARIES_BAR;
    else if (!strcmp(v->scalar, "omit"))
      S->when_varies = BM_VARIES_OMIT;
    else if (!strcmp(v->scalar, "error"))
      S->when_varies = BM_VARIES_ERROR;
    else
      return FAIL(v, "scale_bar when_varies must be note, bar, omit or error, not '%s'", v->scalar);
  }
  return BM_OK;
}

static bm_status parse_inset(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"show", "position", "extent", "label", "width", NULL};
  static const char *const ekeys[] = {"bbox", "countries", "center", "radius_km", NULL};
  bm_inset_spec *I = &c->s->inset;
  const bm_yaml *m, *v;
  I->pos = pos_of(y);
  bm_status st0 = show_or_map(c, y, "inset", &I->show, keys, &m);
  if (st0 || !m) return st0;
  if ((v = bm_yaml_get(m, "position")) && corner(c, v, "inset position", &I->position))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(m, "width")) &&
      bm_yaml_number(v, c->file, "inset width (fraction of the map's width)", 0.1, 0.4, &I->width,
                     c->err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(m, "label")) && country_list(c, v, "inset label", &I->labels, &I->n_labels))
    return BM_ERR_SPEC;
  if (!(v = bm_yaml_get(m, "extent"))) return BM_OK;
  if (bm_yaml_expect(v, BM_YAML_MAP, c->file, "inset extent", c->err) ||
      bm_yaml_check_keys(v, ekeys, "inset extent", c->file, c->err))
    return BM_ERR_SPEC;
  const bm_yaml *bbox = bm_yaml_get(v, "bbox"), *countries = bm_yaml_get(v, "countries"),
                *center = bm_yaml_get(v, "center"), *radius = bm_yaml_get(v, "radius_km");
  if ((bbox != NULL) + (countries != NULL) + (center != NULL) != 1)
    return FAIL(v, "inset extent needs exactly one of: bbox: [min_lon, min_lat, max_lon, "
                   "max_lat], countries: [ISO A3 codes], or center: [lon, lat] with radius_km");
  I->has_extent = true;
  if (bbox) {
    I->extent_kind = BM_EXTENT_BBOX;
    if (bm_spec_read_bbox(bbox, c->file, "inset bbox", I->bbox, c->err)) return BM_ERR_SPEC;
  } else if (countries) {
    I->extent_kind = BM_EXTENT_COUNTRIES;
    if (country_list(c, countries, "inset countries", &I->countries, &I->n_countries))
      return BM_ERR_SPEC;
  } else {
    I->extent_kind = BM_EXTENT_CENTER;
    if (lonlat(c, center, "inset center", &I->center[0], &I->center[1])) return BM_ERR_SPEC;
    if (!radius) return FAIL(center, "inset center needs radius_km");
    if (positive_km(c, radius, "inset radius_km", 20000, &I->radius_km)) return BM_ERR_SPEC;
  }
  return BM_OK;
}

static bm_status parse_graticule(ctx *c, const bm_yaml *y) {
  static const char *const keys[] = {"show", "step", "labels", NULL};
  bm_graticule_spec *G = &c->s->graticule;
  const bm_yaml *m, *v;
  G->pos = pos_of(y);
  bm_status st0 = show_or_map(c, y, "graticule", &G->show, keys, &m);
  if (st0 || !m) return st0;
  if ((v = bm_yaml_get(m, "step")) &&
      bm_yaml_number(v, c->file, "graticule step (degrees)", 0.1, 90, &G->step, c->err))
    return BM_ERR_SPEC;
  return opt_bool(c, m, "labels", "graticule labels", &G->labels);
}

bm_status bm_spec_parse_story(bm_spec *s, const bm_yaml *root, const char *file, bm_error *err) {
  ctx cc = {file, err, s}, *c = &cc;
  const bm_yaml *v;
  bm_status st;
  if ((st = opt_string(c, root, "date", "date", &s->date))) return st;
  if ((v = bm_yaml_get(root, "rings")) && (st = parse_rings(c, v))) return st;
  if ((v = bm_yaml_get(root, "routes")) && (st = parse_routes(c, v))) return st;
  if ((v = bm_yaml_get(root, "areas")) && (st = parse_areas(c, v))) return st;
  if ((v = bm_yaml_get(root, "borders")) && (st = parse_borders(c, v))) return st;
  if ((v = bm_yaml_get(root, "point_of_view")) && (st = parse_point_of_view(c, v))) return st;
  if ((v = bm_yaml_get(root, "callouts")) && (st = parse_callouts(c, v))) return st;
  if ((v = bm_yaml_get(root, "legend")) && (st = parse_legend(c, v))) return st;
  if ((v = bm_yaml_get(root, "scale_bar")) && (st = parse_scale_bar(c, v))) return st;
  if ((v = bm_yaml_get(root, "north_arrow"))) {
    s->north_arrow_pos = pos_of(v);
    if (show(c, v, "north_arrow", &s->north_arrow)) return BM_ERR_SPEC;
  }
  if ((v = bm_yaml_get(root, "inset")) && (st = parse_inset(c, v))) return st;
  if ((v = bm_yaml_get(root, "graticule")) && (st = parse_graticule(c, v))) return st;
  return BM_OK;
}

static void free_entries(bm_legend_entry *e, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(e[i].symbol);
    free(e[i].text);
  }
  free(e);
}

void bm_spec_free_story(bm_spec *s) {
  free(s->date);
  for (size_t i = 0; i < s->n_rings; i++) {
    free(s->rings[i].center.site);
    free(s->rings[i].label);
    free(s->rings[i].legend);
    free(s->rings[i].source);
  }
  free(s->rings);
  for (size_t i = 0; i < s->n_routes; i++) {
    free(s->routes[i].from.site);
    free(s->routes[i].to.site);
    for (size_t k = 0; k < s->routes[i].n_via; k++)
      free(s->routes[i].via[k].site);
    free(s->routes[i].via);
    free(s->routes[i].label);
    free(s->routes[i].legend);
    free(s->routes[i].source);
  }
  free(s->routes);
  for (size_t i = 0; i < s->n_areas; i++) {
    free(s->areas[i].file);
    free(s->areas[i].around.site);
    free(s->areas[i].line);
    free(s->areas[i].label);
    free(s->areas[i].legend);
    free(s->areas[i].source);
  }
  free(s->areas);
  for (size_t i = 0; i < s->n_borders; i++) {
    free(s->borders[i].label);
    free(s->borders[i].legend);
    free(s->borders[i].source);
  }
  free(s->borders);
  for (size_t i = 0; i < s->n_callouts; i++) {
    free(s->callouts[i].marker);
    free(s->callouts[i].at.site);
    free(s->callouts[i].text);
    free(s->callouts[i].source);
  }
  free(s->callouts);
  free(s->legend.title);
  free_entries(s->legend.items, s->legend.n_items);
  free_entries(s->legend.names, s->legend.n_names);
  for (size_t i = 0; i < s->legend.n_hide; i++)
    free(s->legend.hide[i]);
  free(s->legend.hide);
  free(s->inset.countries);
  free(s->inset.labels);
}
