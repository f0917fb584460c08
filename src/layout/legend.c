/* layout/legend.c — the legend model: its entries, and how the spec renames,
 * hides or replaces them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/furniture.h"

/* ---- legend entries ------------------------------------------------------ */

static const char *const symbol_names[] = {"site",
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
                                           "callout",
                                           "text"};

const char *bm_legend_symbol_name(const bm_legend_item *it) {
  if (it->symbol == BM_LEGEND_SITE) return bm_site_kind_name(it->site_kind);
  return symbol_names[it->symbol];
}

bool bm_legend_symbol_parse(const char *name, bm_legend_item *it) {
  bm_site_kind k;
  if (bm_site_kind_parse(name, &k)) {
    it->symbol = BM_LEGEND_SITE;
    it->site_kind = k;
    return true;
  }
  for (int i = 1; i < (int)(sizeof symbol_names / sizeof symbol_names[0]); i++)
    if (!strcmp(name, symbol_names[i])) {
      it->symbol = (bm_legend_symbol)i;
      return true;
    }
  return false;
}

const char *bm_legend_site_text(bm_site_kind k) {
  switch (k) {
  case BM_SITE_FACTORY: return "Factory";
  case BM_SITE_MILITARY_BASE: return "Military base";
  case BM_SITE_AIRFIELD: return "Airfield";
  case BM_SITE_CITY: return "City";
  default: return "Site";
  }
}

static bool same(const bm_legend_item *a, const bm_legend_item *b) {
  return a->symbol == b->symbol && (a->symbol != BM_LEGEND_SITE || a->site_kind == b->site_kind) &&
         !strcmp(a->text ? a->text : "", b->text ? b->text : "") && !strcmp(a->marker, b->marker);
}

bool bm_legend_add(bm_legend *L, const bm_legend_item *item) {
  for (size_t i = 0; i < L->n; i++)
    if (same(&L->v[i], item)) return true;
  if (L->n == L->cap) {
    size_t cap = L->cap ? L->cap * 2 : 16;
    bm_legend_item *v = realloc(L->v, cap * sizeof *v);
    if (!v) return false;
    L->v = v;
    L->cap = cap;
  }
  bm_legend_item *d = &L->v[L->n];
  *d = *item;
  d->text = bm_strdup(item->text ? item->text : "");
  if (!d->text) return false;
  L->n++;
  return true;
}

void bm_legend_free(bm_legend *L) {
  for (size_t i = 0; i < L->n; i++)
    free(L->v[i].text);
  free(L->v);
  L->v = NULL;
  L->n = L->cap = 0;
}

bool bm_legend_apply_spec(bm_legend *L, const bm_legend_spec *spec) {
  if (spec->n_items) {
    bm_legend_free(L);
    for (size_t i = 0; i < spec->n_items; i++) {
      bm_legend_item it = {.arrow = true};
      if (!bm_legend_symbol_parse(spec->items[i].symbol, &it)) it.symbol = BM_LEGEND_TEXT;
      it.text = spec->items[i].text;
      if (!bm_legend_add(L, &it)) return false;
    }
    return true;
  }
  size_t w = 0;
  for (size_t i = 0; i < L->n; i++) {
    const char *name = bm_legend_symbol_name(&L->v[i]);
    bool hide = false;
    for (size_t h = 0; h < spec->n_hide; h++)
      if (!strcmp(spec->hide[h], name)) hide = true;
    if (hide) {
      free(L->v[i].text);
      continue;
    }
    for (size_t r = 0; r < spec->n_names; r++)
      if (!strcmp(spec->names[r].symbol, name)) {
        char *t = bm_strdup(spec->names[r].text);
        if (!t) return false;
        free(L->v[i].text);
        L->v[i].text = t;
      }
    L->v[w++] = L->v[i];
  }
  L->n = w;
  return true;
}
