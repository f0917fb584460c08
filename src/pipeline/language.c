/* pipeline/language.c — base-map names in the map's language: Natural Earth's
 * NAME_<LANG> fields, else the language catalogue's names, else the default name (noted,
 * for the warning the command line prints). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "label/label.h"
#include "pipeline/map.h"

void pl_name_field(const map *m, char *buf, size_t n) {
  char up[16];
  size_t i = 0;
  for (; m->lang.code[i] && i + 1 < sizeof up; i++)
    up[i] = (char)(m->lang.code[i] >= 'a' && m->lang.code[i] <= 'z' ? m->lang.code[i] - 32
                                                                    : m->lang.code[i]);
  up[i] = '\0';
  snprintf(buf, n, "NAME_%s", up);
}

void pl_name_fields(const map *m, const char *const *base, const char **out, size_t cap) {
  size_t n = 0;
  for (; base[n] && n + 2 < cap; n++)
    out[n] = base[n];
  if (!bm_lang_is_english(&m->lang) && n + 1 < cap) {
    out[n++] = m->name_field;
  }
  out[n] = NULL;
}

static int field_index(const bm_features *fs, const char *name) {
  for (size_t j = 0; j < fs->nfields; j++)
    if (!bm_strcasecmp(fs->fields[j], name)) return (int)j;
  return -1;
}

bool pl_untranslated(const map *m, const char *name) {
  for (size_t i = 0; name && i < m->untranslated.n; i++)
    if (!strcmp(m->untranslated.v[i], name)) return true;
  return false;
}

static bool push_once(bm_strlist *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->v[i], s)) return true;
  return bm_strlist_push(l, s);
}

void pl_untranslated_shown(map *m, const char *name) {
  if (name && pl_untranslated(m, name)) push_once(&m->untranslated_shown, name);
}

bm_status pl_translate(map *m, bm_features *fs) {
  if (bm_lang_is_english(&m->lang)) return BM_OK;
  char field[24];
  pl_name_field(m, field, sizeof field);
  int jn = field_index(fs, "NAME"), jt = field_index(fs, field);
  if (jn < 0) return BM_OK;
  for (size_t i = 0; i < fs->n; i++) {
    char **attr = fs->f[i].attr;
    const char *name = attr[jn];
    if (!name || !*name) continue;
    const char *t = jt >= 0 && attr[jt] && *attr[jt] ? attr[jt] : bm_lang_name(&m->lang, name);
    if (!t) {
      if (!push_once(&m->untranslated, name))
        return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      continue;
    }
    char *copy = bm_strdup(t);
    if (!copy) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    free(attr[jn]);
    attr[jn] = copy;
  }
  return BM_OK;
}

/* The layers whose labels are Natural Earth names. */
static bool base_layer(const char *layer) {
  static const char *const names[] = {"country", "province", "capital", "city",
                                      "town",    "region",   "river",   NULL};
  for (size_t i = 0; layer && names[i]; i++)
    if (!strcmp(layer, names[i])) return true;
  return false;
}

bm_status pl_language_check(map *m, const computed *c) {
  bm_render_stats *st = m->stats;
  snprintf(st->language, sizeof st->language, "%s", m->lang.code);
  st->no_catalogue = !bm_lang_is_english(&m->lang) && !m->lang.has_catalogue;
  for (size_t i = 0; c->labels && i < bm_labeler_count(c->labels); i++) {
    const bm_label *l = bm_labeler_at(c->labels, i);
    if (l->placed && base_layer(l->layer)) pl_untranslated_shown(m, l->text);
  }
  size_t o = 0;
  st->untranslated[0] = '\0';
  for (size_t i = 0; i < m->untranslated_shown.n; i++) {
    int w = snprintf(st->untranslated + o, sizeof st->untranslated - o, "%s%s", i ? ", " : "",
                     m->untranslated_shown.v[i]);
    if (w < 0 || (size_t)w >= sizeof st->untranslated - o) break;
    o += (size_t)w;
  }
  st->n_untranslated = m->untranslated_shown.n;
  if (st->n_untranslated && m->opt->strict_language) {
    char field[24];
    pl_name_field(m, field, sizeof field);
    return bm_error_set(
        m->err, BM_ERR_DATA, m->spec->path, m->spec->language_pos.line, m->spec->language_pos.col,
        "language %s: %zu label%s ha%s no name in %s (Natural Earth's %s field or the "
        "catalogue's names): %s; add them to the catalogue's names, or leave out "
        "--strict-language to keep their default names",
        m->lang.code, st->n_untranslated, st->n_untranslated > 1 ? "s" : "",
        st->n_untranslated > 1 ? "ve" : "s", m->lang.code, field, st->untranslated);
  }
  return BM_OK;
}
