/* spec/spec_labels.c — the `labels:` key of a map spec: rename, hide, free
 * text labels and where province lines are drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "spec/spec_story.h"

typedef bm_spec_ctx ctx;
#define FAIL(y, ...) BM_SPEC_FAIL(c, y, __VA_ARGS__)
#define NOMEM() bm_error_set(c->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory")

static bm_spec_pos pos_of(const bm_yaml *y) { return (bm_spec_pos){y->line, y->col}; }

/* Label classes: the plural hides the class, the singular names one label in it. */
static const struct {
  const char *plural, *singular, *layer[3];
} classes[] = {
    {"countries", "country", {"country"}}, {"provinces", "province", {"province"}},
    {"capitals", "capital", {"capital"}},  {"cities", "city", {"city"}},
    {"towns", "town", {"town"}},           {"places", "place", {"capital", "city", "town"}},
    {"regions", "region", {"region"}},     {"rivers", "river", {"river"}},
    {"water", "water", {"water"}},
};
#define NCLASSES (sizeof classes / sizeof classes[0])
#define CLASS_LIST "countries, provinces, capitals, cities, towns, places, regions, rivers, water"
#define SINGULAR_LIST "country, province, capital, city, town, place, region, river, water"

static void set_class(bm_label_hide *h, size_t k) {
  h->layer = classes[k].layer[0];
  h->layer2 = classes[k].layer[1];
  h->layer3 = classes[k].layer[2];
}

static bm_status parse_hide(ctx *c, const bm_yaml *y, bm_labels_spec *ls) {
  if (bm_yaml_expect(y, BM_YAML_SEQ, c->file, "labels hide (a list)", c->err)) return BM_ERR_SPEC;
  ls->hide = calloc(y->n ? y->n : 1, sizeof *ls->hide);
  if (!ls->hide) return NOMEM();
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    bm_label_hide *h = &ls->hide[ls->n_hide++];
    h->pos = pos_of(it);
    if (it->kind == BM_YAML_SCALAR) {
      for (size_t k = 0; k < NCLASSES; k++)
        if (!bm_strcasecmp(it->scalar, classes[k].plural)) set_class(h, k);
      if (h->layer) continue;
      if (!it->scalar[0])
        return FAIL(it, "labels hide: empty item; give a class (" CLASS_LIST
                        "), a label's name, or class: name such as region: INDIA");
      if (!(h->name = strdup(it->scalar))) return NOMEM();
      continue;
    }
    if (it->kind != BM_YAML_MAP || it->n != 1)
      return FAIL(it, "labels hide: each item is a class (" CLASS_LIST
                      "), a label's name, or one class: name pair such as region: INDIA");
    size_t found = NCLASSES;
    for (size_t k = 0; k < NCLASSES; k++)
      if (!bm_strcasecmp(it->keys[0], classes[k].singular) ||
          !bm_strcasecmp(it->keys[0], classes[k].plural))
        found = k;
    if (found == NCLASSES)
      return bm_error_set(
          c->err, BM_ERR_SPEC, c->file, it->key_line[0], it->key_col[0],
          "labels hide: unknown label class '%s'; valid classes are: " SINGULAR_LIST, it->keys[0]);
    set_class(h, found);
    if (bm_yaml_string(it->items[0], c->file, "labels hide name", &h->name, c->err))
      return BM_ERR_SPEC;
  }
  return BM_OK;
}

static bm_status parse_rename(ctx *c, const bm_yaml *y, bm_labels_spec *ls) {
  if (bm_yaml_expect(y, BM_YAML_MAP, c->file, "labels rename (name: new name)", c->err))
    return BM_ERR_SPEC;
  ls->rename = calloc(y->n ? y->n : 1, sizeof *ls->rename);
  if (!ls->rename) return NOMEM();
  for (size_t i = 0; i < y->n; i++) {
    bm_label_rename *r = &ls->rename[ls->n_rename++];
    r->pos = (bm_spec_pos){y->key_line[i], y->key_col[i]};
    if (!(r->from = strdup(y->keys[i]))) return NOMEM();
    if (bm_yaml_string(y->items[i], c->file, "labels rename (the new name)", &r->to, c->err))
      return BM_ERR_SPEC;
    if (!r->to[0])
      return FAIL(y->items[i],
                  "labels rename: the new name of '%s' is empty; "
                  "use hide: to leave a label out",
                  r->from);
  }
  return BM_OK;
}

static bm_status parse_text(ctx *c, const bm_yaml *y, bm_labels_spec *ls) {
  static const char *const keys[] = {"text", "at", "style", NULL};
  if (bm_yaml_expect(y, BM_YAML_SEQ, c->file, "labels text (a list)", c->err)) return BM_ERR_SPEC;
  ls->text = calloc(y->n ? y->n : 1, sizeof *ls->text);
  if (!ls->text) return NOMEM();
  for (size_t i = 0; i < y->n; i++) {
    const bm_yaml *it = y->items[i];
    if (bm_yaml_expect(it, BM_YAML_MAP, c->file, "a text label", c->err) ||
        bm_yaml_check_keys(it, keys, "a text label", c->file, c->err))
      return BM_ERR_SPEC;
    bm_free_text *t = &ls->text[ls->n_text++];
    t->pos = pos_of(it);
    const bm_yaml *text = bm_yaml_get(it, "text"), *at = bm_yaml_get(it, "at"),
                  *style = bm_yaml_get(it, "style");
    if (!text || !at)
      return FAIL(it, "a text label needs text and at ([lon, lat]), e.g. "
                      "{text: Black Sea, at: [34, 43.2], style: water}");
    double ll[2];
    if (bm_yaml_string(text, c->file, "text label text", &t->text, c->err) ||
        bm_spec_read_lonlat(at, c->file, "text label at", ll, c->err))
      return BM_ERR_SPEC;
    if (!t->text[0]) return FAIL(text, "a text label's text is empty");
    t->lon = ll[0], t->lat = ll[1];
    if (style) {
      if (bm_yaml_expect(style, BM_YAML_SCALAR, c->file, "text label style", c->err))
        return BM_ERR_SPEC;
      if (!bm_strcasecmp(style->scalar, "plain"))
        t->style = BM_FREE_TEXT_PLAIN;
      else if (!bm_strcasecmp(style->scalar, "water"))
        t->style = BM_FREE_TEXT_WATER;
      else if (!bm_strcasecmp(style->scalar, "region"))
        t->style = BM_FREE_TEXT_REGION;
      else
        return FAIL(style, "unknown text label style '%s'; valid styles are: water, region, plain",
                    style->scalar);
    }
  }
  return BM_OK;
}

bm_status bm_spec_parse_labels(bm_spec *s, const bm_yaml *y, const char *file, bm_error *err) {
  static const char *const keys[] = {"rename", "hide", "text", "provinces", NULL};
  ctx cc = {file, err, s}, *c = &cc;
  if (bm_yaml_expect(y, BM_YAML_MAP, file, "labels", err) ||
      bm_yaml_check_keys(y, keys, "labels", file, err))
    return BM_ERR_SPEC;
  const bm_yaml *v;
  bm_labels_spec *ls = &s->labels;
  if ((v = bm_yaml_get(y, "rename")) && parse_rename(c, v, ls)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "hide")) && parse_hide(c, v, ls)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "text")) && parse_text(c, v, ls)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "provinces"))) {
    if (bm_yaml_expect(v, BM_YAML_SCALAR, file, "labels provinces", err)) return BM_ERR_SPEC;
    if (!bm_strcasecmp(v->scalar, "highlighted"))
      ls->provinces = BM_PROVINCES_HIGHLIGHTED;
    else if (!bm_strcasecmp(v->scalar, "story"))
      ls->provinces = BM_PROVINCES_STORY;
    else if (!bm_strcasecmp(v->scalar, "none"))
      ls->provinces = BM_PROVINCES_NONE;
    else
      return FAIL(v, "unknown labels provinces '%s'; valid values are: highlighted, story, none",
                  v->scalar);
  }
  return BM_OK;
}

void bm_spec_free_labels(bm_spec *s) {
  bm_labels_spec *ls = &s->labels;
  for (size_t i = 0; i < ls->n_rename; i++) {
    free(ls->rename[i].from);
    free(ls->rename[i].to);
  }
  free(ls->rename);
  for (size_t i = 0; i < ls->n_hide; i++)
    free(ls->hide[i].name);
  free(ls->hide);
  for (size_t i = 0; i < ls->n_text; i++)
    free(ls->text[i].text);
  free(ls->text);
  memset(ls, 0, sizeof *ls);
}

const char *bm_spec_label_rename(const bm_spec *s, const char *name) {
  for (size_t i = 0; name && i < s->labels.n_rename; i++)
    if (bm_name_equal(s->labels.rename[i].from, name)) return s->labels.rename[i].to;
  return name;
}

bool bm_spec_label_hidden(const bm_spec *s, const char *layer, const char *name) {
  for (size_t i = 0; i < s->labels.n_hide; i++) {
    const bm_label_hide *h = &s->labels.hide[i];
    bool in_class = !h->layer || !strcmp(h->layer, layer) ||
                    (h->layer2 && !strcmp(h->layer2, layer)) ||
                    (h->layer3 && !strcmp(h->layer3, layer));
    if (in_class && (!h->name || bm_name_equal(h->name, name))) return true;
  }
  return false;
}
