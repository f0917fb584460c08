#include "story/story.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

static bool code_is(const char *v, const char *code) { return v && !bm_strcasecmp(v, code); }

bm_status bm_story_match_country(const bm_features *cs, const bm_country_ref *ref,
                                 const char *spec_path, bool *mask, bm_error *err) {
  int hits = 0;
  for (size_t i = 0; i < cs->n; i++)
    if (code_is(bm_feature_attr(cs, i, "ADM0_A3"), ref->code) ||
        code_is(bm_feature_attr(cs, i, "ISO_A3"), ref->code)) {
      mask[i] = true;
      hits++;
    }
  if (hits) return BM_OK;
  /* suggest codes that share the first letter, so a typo is easy to mend */
  char hint[400] = "";
  size_t k = 0;
  int shown = 0;
  for (size_t i = 0; i < cs->n && shown < 12; i++) {
    const char *c = bm_feature_attr(cs, i, "ADM0_A3"), *name = bm_feature_attr(cs, i, "NAME");
    if (!c || c[0] != ref->code[0]) continue;
    k += (size_t)snprintf(hint + k, k < sizeof hint ? sizeof hint - k : 0, "%s%s (%s)",
                          shown ? ", " : "", c, name ? name : "?");
    shown++;
  }
  return bm_error_set(err, BM_ERR_SPEC, spec_path, ref->pos.line, ref->pos.col,
                      "unknown country code '%s': no Natural Earth country has this ISO A3 "
                      "code%s%s",
                      ref->code, shown ? "; codes starting with that letter: " : "", hint);
}

bm_status bm_story_match_province(const bm_features *ps, const bm_province_ref *ref,
                                  const char *spec_path, bool *mask, bm_error *err) {
  static const char *const name_fields[] = {"NAME", "WOE_NAME", "GN_NAME"};
  int hits = 0, in_country = 0;
  for (size_t i = 0; i < ps->n; i++) {
    if (!code_is(bm_feature_attr(ps, i, "ADM0_A3"), ref->country)) continue;
    in_country++;
    for (int f = 0; f < 3; f++)
      if (code_is(bm_feature_attr(ps, i, name_fields[f]), ref->name)) {
        mask[i] = true;
        hits++;
        break;
      }
  }
  if (hits) return BM_OK;
  if (!in_country)
    return bm_error_set(err, BM_ERR_SPEC, spec_path, ref->pos.line, ref->pos.col,
                        "no provinces found for country '%s'; check the ISO A3 code", ref->country);
  char list[900] = "";
  size_t k = 0;
  int shown = 0;
  for (size_t i = 0; i < ps->n; i++) {
    if (!code_is(bm_feature_attr(ps, i, "ADM0_A3"), ref->country)) continue;
    const char *n = bm_feature_attr(ps, i, "NAME");
    k += (size_t)snprintf(list + k, k < sizeof list ? sizeof list - k : 0, "%s%s",
                          shown++ ? ", " : "", n ? n : "?");
  }
  return bm_error_set(err, BM_ERR_SPEC, spec_path, ref->pos.line, ref->pos.col,
                      "unknown province '%s' in %s; valid names are: %s", ref->name, ref->country,
                      list);
}

int bm_story_spread_symbols(double *xy, int n, double size) {
  int moved = 0;
  for (int i = 1; i < n; i++) {
    /* step right, left, then further out, until clear of every earlier symbol */
    static const double steps[][2] = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {2, 0}, {-2, 0}};
    double x0 = xy[2 * i], y0 = xy[2 * i + 1];
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
      double x = x0 + steps[s][0] * size * 1.1, y = y0 + steps[s][1] * size * 1.1;
      bool clear = true;
      for (int j = 0; j < i && clear; j++)
        if (fabs(xy[2 * j] - x) < size && fabs(xy[2 * j + 1] - y) < size) clear = false;
      if (clear) {
        if (s) moved++;
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
        break;
      }
    }
  }
  return moved;
}
