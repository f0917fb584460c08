#include "spec/style.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "spec/yaml.h"

static bm_color hex(const char *s) {
  double v[4];
  bm_parse_color(s, v);
  return (bm_color){v[0], v[1], v[2], v[3]};
}

void bm_style_defaults(bm_style *st) {
  memset(st, 0, sizeof *st);
  snprintf(st->font, sizeof st->font, "Noto Sans");
  st->water = hex("#d9e8f2");
  st->land = hex("#f3f1ec");
  st->lake = hex("#d9e8f2");
  st->glacier = hex("#fbfbf9");
  st->highlight_country = hex("#e4ddd0");
  st->highlight_province = hex("#f2c4bd");
  st->highlight_province_outline = hex("#c0392b");
  st->province_line = hex("#c9c4ba");
  st->river = hex("#9cc2dc");
  st->border = hex("#8c8c8c");
  st->disputed = hex("#8c8c8c");
  st->coast = hex("#a9c6da");
  st->text = hex("#222222");
  st->text_muted = hex("#555555");
  st->country_label = hex("#7a7a7a");
  st->accent = hex("#c0392b");
  st->accent2 = hex("#2c3e50");
  st->halo = hex("#f3f1ecdd");
  st->credit = hex("#777777");
  st->title = hex("#111111");
  st->city_dot = hex("#333333");
  st->river_label = hex("#3f77a0");
  st->region_label = hex("#8a7b66");
  for (int i = 0; i < 8; i++)
    st->point_order[i] = i; /* Imhof: upper-right first */
  st->n_point_order = 8;
  st->border_width = 1.0;
  st->disputed_width = 1.0;
  st->disputed_dash[0] = 4;
  st->disputed_dash[1] = 3;
  st->line_of_control_dash = (bm_dash){{8, 2.5, 1.5, 2.5}, 4}; /* dash-dot */
  st->indefinite_dash = (bm_dash){{1.5, 2}, 2};                /* dotted */
  st->lease_limit_dash = (bm_dash){{10, 4}, 2};                /* long dashes */
  st->overlay_limit_dash = (bm_dash){{1.5, 2, 1.5, 6}, 4};     /* pairs of dots */
  st->province_width = 0.5;
  st->highlight_province_width = 1.0;
  st->river_width = 0.8;
  st->coast_width = 0.5;
  st->title_size = 24;
  st->subtitle_size = 14;
  st->credit_size = 10;
  st->country_size = 12;
  st->capital_size = 13;
  st->city_size = 11.5;
  st->town_size = 10.5;
  st->site_size = 14;
  st->site_note_size = 11;
  st->region_size = 11;
  st->river_size = 10.5;
  st->halo_width = 1.75;
  st->country_letter_spacing = 0.15;
  st->site_symbol_size = 14;
  st->capital_dot_size = 7;
  st->city_dot_size = 4.5;
  st->graticule = hex("#a7b8c6");
  st->legend_background = hex("#f3f1ecdd");
  st->background = hex("#ffffff");
  st->earth_outline = hex("#a9c6da");
  st->earth_outline_width = 0.8;
  st->ring_width = 1.2;
  st->ring_dash[0] = 6;
  st->ring_dash[1] = 3;
  st->route_width = 0.9;
  st->story_border_width = 2.6;
  st->graticule_width = 0.6;
  st->legend_size = 11;
  st->furniture_size = 10;
  st->relief_opacity = 0.45;
  st->relief_tint_opacity = 0.6;
  st->relief_shadow = hex("#5b4d3c");
  st->relief_highlight = hex("#ffffff99");
  st->relief_tint_low = hex("#e6dcc600");
  st->relief_tint_mid = hex("#e3d7bf");
  st->relief_tint_high = hex("#d3c3a8");
}

typedef enum { F_COLOR, F_NUMBER, F_DASH, F_PATTERN, F_FONT, F_ORDER } field_kind;
typedef struct {
  const char *section, *key;
  field_kind kind;
  size_t off;
} field;

#define C(sec, k, m)                                                                               \
  { sec, k, F_COLOR, offsetof(bm_style, m) }
#define N(sec, k, m)                                                                               \
  { sec, k, F_NUMBER, offsetof(bm_style, m) }

static const field fields[] = {
    C("colors", "water", water),
    C("colors", "land", land),
    C("colors", "lake", lake),
    C("colors", "glacier", glacier),
    C("colors", "highlight_country", highlight_country),
    C("colors", "highlight_province", highlight_province),
    C("colors", "highlight_province_outline", highlight_province_outline),
    C("colors", "province_line", province_line),
    C("colors", "river", river),
    C("colors", "border", border),
    C("colors", "disputed", disputed),
    C("colors", "coast", coast),
    C("colors", "text", text),
    C("colors", "text_muted", text_muted),
    C("colors", "country_label", country_label),
    C("colors", "accent", accent),
    C("colors", "accent2", accent2),
    C("colors", "halo", halo),
    C("colors", "credit", credit),
    C("colors", "title", title),
    C("colors", "city_dot", city_dot),
    C("colors", "river_label", river_label),
    C("colors", "region_label", region_label),
    {"labels", "point_order", F_ORDER, offsetof(bm_style, point_order)},
    N("lines", "border", border_width),
    N("lines", "disputed", disputed_width),
    {"lines", "disputed_dash", F_DASH, offsetof(bm_style, disputed_dash)},
    {"lines", "line_of_control_dash", F_PATTERN, offsetof(bm_style, line_of_control_dash)},
    {"lines", "indefinite_dash", F_PATTERN, offsetof(bm_style, indefinite_dash)},
    {"lines", "lease_limit_dash", F_PATTERN, offsetof(bm_style, lease_limit_dash)},
    {"lines", "overlay_limit_dash", F_PATTERN, offsetof(bm_style, overlay_limit_dash)},
    N("lines", "province", province_width),
    N("lines", "highlight_province", highlight_province_width),
    N("lines", "river", river_width),
    N("lines", "coast", coast_width),
    {"text", "font", F_FONT, offsetof(bm_style, font)},
    N("text", "title", title_size),
    N("text", "subtitle", subtitle_size),
    N("text", "credit", credit_size),
    N("text", "country", country_size),
    N("text", "capital", capital_size),
    N("text", "city", city_size),
    N("text", "town", town_size),
    N("text", "site", site_size),
    N("text", "site_note", site_note_size),
    N("text", "region", region_size),
    N("text", "river", river_size),
    N("text", "halo", halo_width),
    N("text", "country_letter_spacing", country_letter_spacing),
    N("symbols", "site", site_symbol_size),
    N("symbols", "capital", capital_dot_size),
    N("symbols", "city", city_dot_size),
    C("colors", "graticule", graticule),
    C("colors", "legend_background", legend_background),
    C("colors", "background", background),
    C("colors", "earth_outline", earth_outline),
    N("lines", "ring", ring_width),
    {"lines", "ring_dash", F_DASH, offsetof(bm_style, ring_dash)},
    N("lines", "route", route_width),
    N("lines", "story_border", story_border_width),
    N("lines", "graticule", graticule_width),
    N("lines", "earth_outline", earth_outline_width),
    N("text", "legend", legend_size),
    N("text", "furniture", furniture_size),
    N("relief", "opacity", relief_opacity),
    N("relief", "tint_opacity", relief_tint_opacity),
    C("relief", "shadow", relief_shadow),
    C("relief", "highlight", relief_highlight),
    C("relief", "tint_low", relief_tint_low),
    C("relief", "tint_mid", relief_tint_mid),
    C("relief", "tint_high", relief_tint_high),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static bm_status parse_section(const bm_yaml *sec, const char *name, const char *file, bm_style *st,
                               bm_error *err) {
  const char *valid[64];
  size_t nv = 0;
  for (size_t i = 0; i < NFIELDS && nv < 63; i++)
    if (!strcmp(fields[i].section, name)) valid[nv++] = fields[i].key;
  valid[nv] = NULL;
  char what[64];
  snprintf(what, sizeof what, "style section '%s'", name);
  if (bm_yaml_expect(sec, BM_YAML_MAP, file, what, err) ||
      bm_yaml_check_keys(sec, valid, what, file, err))
    return BM_ERR_SPEC;
  for (size_t k = 0; k < sec->n; k++) {
    const field *f = NULL;
    for (size_t i = 0; i < NFIELDS; i++)
      if (!strcmp(fields[i].section, name) && !strcmp(fields[i].key, sec->keys[k])) f = &fields[i];
    const bm_yaml *v = sec->items[k];
    char *base = (char *)st + f->off;
    snprintf(what, sizeof what, "%s.%s", name, f->key);
    switch (f->kind) {
    case F_COLOR: {
      double rgba[4];
      if (bm_yaml_expect(v, BM_YAML_SCALAR, file, what, err)) return BM_ERR_SPEC;
      if (!bm_parse_color(v->scalar, rgba))
        return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col,
                            "%s must be a colour \"#rrggbb\" or \"#rrggbbaa\", not '%s' (quote "
                            "it: # starts a YAML comment)",
                            what, v->scalar);
      *(bm_color *)base = (bm_color){rgba[0], rgba[1], rgba[2], rgba[3]};
      break;
    }
    case F_NUMBER:
      /* relief numbers are opacities, 0..1 */
      if (bm_yaml_number(v, file, what, 0, strcmp(name, "relief") ? 200 : 1, (double *)base, err))
        return BM_ERR_SPEC;
      break;
    case F_DASH: {
      double *d = (double *)base;
      if (bm_yaml_expect(v, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
      if (v->n != 2)
        return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col,
                            "%s must be [on, off] in pixels, e.g. [4, 3]", what);
      if (bm_yaml_number(v->items[0], file, what, 0.5, 100, &d[0], err) ||
          bm_yaml_number(v->items[1], file, what, 0.5, 100, &d[1], err))
        return BM_ERR_SPEC;
      break;
    }
    case F_PATTERN: {
      bm_dash *d = (bm_dash *)base;
      if (bm_yaml_expect(v, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
      if (v->n != 2 && v->n != 4)
        return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col,
                            "%s must be [on, off] or [on, off, on, off] in pixels, e.g. "
                            "[8, 2.5, 1.5, 2.5]",
                            what);
      for (size_t i = 0; i < v->n; i++)
        if (bm_yaml_number(v->items[i], file, what, 0.5, 100, &d->d[i], err)) return BM_ERR_SPEC;
      d->n = (int)v->n;
      break;
    }
    case F_ORDER: {
      static const char *const names[8] = {"upper-right", "right",      "upper-left", "left",
                                           "lower-right", "lower-left", "top",        "bottom"};
      if (bm_yaml_expect(v, BM_YAML_SEQ, file, what, err)) return BM_ERR_SPEC;
      if (v->n < 1 || v->n > 8)
        return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col, "%s lists 1 to 8 positions",
                            what);
      for (size_t i = 0; i < v->n; i++) {
        const bm_yaml *it = v->items[i];
        int found = -1;
        for (int k = 0; k < 8; k++)
          if (it->kind == BM_YAML_SCALAR && !strcmp(it->scalar, names[k])) found = k;
        for (size_t j = 0; found >= 0 && j < i; j++)
          if (st->point_order[j] == found) found = -2;
        if (found < 0)
          return bm_error_set(err, BM_ERR_SPEC, file, it->line, it->col,
                              "%s: '%s' is %s; valid positions are: upper-right, right, "
                              "upper-left, left, lower-right, lower-left, top, bottom",
                              what, it->kind == BM_YAML_SCALAR ? it->scalar : "?",
                              found == -2 ? "given twice" : "not a position");
        st->point_order[i] = found;
      }
      st->n_point_order = (int)v->n;
      break;
    }
    case F_FONT:
      if (bm_yaml_expect(v, BM_YAML_SCALAR, file, what, err)) return BM_ERR_SPEC;
      snprintf(st->font, sizeof st->font, "%s", v->scalar);
      break;
    }
  }
  return BM_OK;
}

bm_status bm_style_load(const char *path, bm_style *st, bm_error *err) {
  static const char *const sections[] = {"name",   "colors", "lines",  "text",
                                         "symbols", "labels", "relief", NULL};
  bm_yaml *root = bm_yaml_load_file(path, err);
  if (!root) return err ? err->code : BM_ERR_SPEC;
  bm_status s = bm_yaml_check_keys(root, sections, "the style", path, err);
  for (size_t i = 0; !s && i < root->n; i++)
    if (strcmp(root->keys[i], "name"))
      s = parse_section(root->items[i], root->keys[i], path, st, err);
  bm_yaml_free(root);
  return s;
}

int bm_style_boundary_dash(const bm_style *st, bm_boundary_class c, double k, double out[4]) {
  const bm_dash *d = NULL;
  bm_dash disputed = {{st->disputed_dash[0], st->disputed_dash[1]}, 2};
  switch (c) {
  case BM_BOUNDARY_INTERNATIONAL: return 0;
  case BM_BOUNDARY_LINE_OF_CONTROL: d = &st->line_of_control_dash; break;
  case BM_BOUNDARY_INDEFINITE: d = &st->indefinite_dash; break;
  case BM_BOUNDARY_LEASE: d = &st->lease_limit_dash; break;
  case BM_BOUNDARY_OVERLAY: d = &st->overlay_limit_dash; break;
  default: d = &disputed; break;
  }
  for (int i = 0; i < d->n; i++)
    out[i] = d->d[i] * k;
  return d->n;
}
