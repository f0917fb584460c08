/* lang/lang.c — message catalogues, names, direction and digits of a map's language. */
#include "lang/lang.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "spec/yaml.h"

const char *const bm_lang_message_keys[] = {"base_map",
                                            "boundaries",
                                            "boundaries_pov",
                                            "km",
                                            "m",
                                            "north",
                                            "approximate",
                                            "scale_varies",
                                            "scale_varies_plain",
                                            "factory",
                                            "military_base",
                                            "airfield",
                                            "city",
                                            "site",
                                            "range",
                                            "route",
                                            "area",
                                            "province",
                                            "provinces",
                                            "border",
                                            "disputed",
                                            "line_of_control",
                                            "indefinite",
                                            "lease_limit",
                                            "overlay_limit",
                                            "list_separator",
                                            "separator",
                                            NULL};

static const char *const english[] = {
    "Base map: Natural Earth",
    "Boundaries: Natural Earth de facto view",
    "Boundaries: as seen by {country} (Natural Earth point of view)",
    "km",
    "m",
    "N",
    "Approximate location: placed at its city",
    "Scale varies: {projection} projection",
    "Scale varies across this map",
    "Factory",
    "Military base",
    "Airfield",
    "City",
    "Site",
    "{km} range",
    "Route",
    "Area",
    "{names} province",
    "{names} provinces",
    "{a}-{b} border",
    "Disputed boundary",
    "Line of control",
    "Indefinite boundary",
    "Lease limit",
    "Overlay limit (buffer zone)",
    ", ",
    "  ·  "};

static const char *const rtl_codes[] = {"ar",  "fa", "he", "ur", "ps",
                                        "ckb", "dv", "yi", "sd", NULL};

const char *bm_lang_message_list(void) {
  static char buf[1024];
  if (!buf[0]) {
    size_t n = 0;
    for (size_t i = 0; bm_lang_message_keys[i]; i++)
      n +=
          (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", bm_lang_message_keys[i]);
  }
  return buf;
}

static int key_index(const char *key) {
  for (int i = 0; bm_lang_message_keys[i]; i++)
    if (!strcmp(bm_lang_message_keys[i], key)) return i;
  return -1;
}

bool bm_lang_is_message(const char *key) { return key && key_index(key) >= 0; }

bool bm_lang_code_valid(const char *code) {
  size_t n = code ? strlen(code) : 0;
  if (n < 2 || n > 3) return false;
  for (size_t i = 0; i < n; i++)
    if (code[i] < 'a' || code[i] > 'z') return false;
  return true;
}

static bool set_pair(bm_lang_pair **v, size_t *n, const char *key, const char *value) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*v)[i].key, key)) {
      char *nv = bm_strdup(value);
      if (!nv) return false;
      free((*v)[i].value);
      (*v)[i].value = nv;
      return true;
    }
  bm_lang_pair *nv = realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv) return false;
  *v = nv;
  nv[*n].key = bm_strdup(key);
  nv[*n].value = bm_strdup(value);
  if (!nv[*n].key || !nv[*n].value) {
    free(nv[*n].key);
    free(nv[*n].value);
    return false;
  }
  (*n)++;
  return true;
}

/* The digits "0123456789" written as ten UTF-8 characters. */
static bool set_digits(bm_lang *l, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  for (int d = 0; d < 10; d++) {
    if (!*p) return false;
    size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
    if (len >= sizeof l->digits[d]) return false;
    memcpy(l->digits[d], p, len);
    l->digits[d][len] = '\0';
    for (size_t i = 1; i < len; i++)
      if (!p[i]) return false;
    p += len;
  }
  return *p == '\0';
}

static bm_status load_map(const bm_yaml *v, const char *file, const char *what, bool messages,
                          bm_lang_pair **pairs, size_t *n, bm_error *err) {
  if (bm_yaml_expect(v, BM_YAML_MAP, file, what, err)) return BM_ERR_DATA;
  for (size_t i = 0; i < v->n; i++) {
    if (messages && !bm_lang_is_message(v->keys[i]))
      return bm_error_set(err, BM_ERR_DATA, file, v->key_line[i], v->key_col[i],
                          "unknown message '%s' in %s; valid messages are: %s", v->keys[i], what,
                          bm_lang_message_list());
    char *s = NULL;
    if (bm_yaml_string(v->items[i], file, what, &s, err)) return BM_ERR_DATA;
    bool ok = set_pair(pairs, n, v->keys[i], s);
    free(s);
    if (!ok) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  return BM_OK;
}

static bm_status load_catalogue(bm_lang *l, const char *path, bm_error *err) {
  bm_yaml *y = bm_yaml_load_file(path, err);
  if (!y) {
    if (err) err->code = BM_ERR_DATA;
    return BM_ERR_DATA;
  }
  static const char *const keys[] = {"direction", "digits", "group", "messages", "names", NULL};
  bm_status st = BM_OK;
  const bm_yaml *v;
  if (y->kind != BM_YAML_MAP) {
    st = bm_error_set(err, BM_ERR_DATA, path, y->line, y->col,
                      "a language catalogue is a mapping with the keys direction, digits, "
                      "group, messages, names");
    goto out;
  }
  if (bm_yaml_check_keys(y, keys, "a language catalogue", path, err)) {
    st = err->code = BM_ERR_DATA;
    goto out;
  }
  if ((v = bm_yaml_get(y, "direction"))) {
    if (v->kind != BM_YAML_SCALAR || (strcmp(v->scalar, "rtl") && strcmp(v->scalar, "ltr"))) {
      st = bm_error_set(err, BM_ERR_DATA, path, v->line, v->col, "direction must be rtl or ltr");
      goto out;
    }
    l->rtl = !strcmp(v->scalar, "rtl");
  }
  if ((v = bm_yaml_get(y, "digits")) && (v->kind != BM_YAML_SCALAR || !set_digits(l, v->scalar))) {
    st = bm_error_set(err, BM_ERR_DATA, path, v->line, v->col,
                      "digits must be the ten digits of the language, 0 to 9, in one string");
    goto out;
  }
  if ((v = bm_yaml_get(y, "group"))) {
    if (v->kind != BM_YAML_SCALAR || strlen(v->scalar) >= sizeof l->group) {
      st = bm_error_set(err, BM_ERR_DATA, path, v->line, v->col,
                        "group must be one character, the thousands separator");
      goto out;
    }
    snprintf(l->group, sizeof l->group, "%s", v->scalar);
  }
  if ((v = bm_yaml_get(y, "messages")) &&
      (st = load_map(v, path, "messages", true, &l->messages, &l->n_messages, err)))
    goto out;
  if ((v = bm_yaml_get(y, "names")) &&
      (st = load_map(v, path, "names", false, &l->names, &l->n_names, err)))
    goto out;
out:
  bm_yaml_free(y);
  return st;
}

bm_status bm_lang_load(const char *code, const bm_lang_pair *overrides, size_t n_overrides,
                       bm_lang *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  snprintf(out->code, sizeof out->code, "%s", code && *code ? code : "en");
  for (int d = 0; d < 10; d++)
    out->digits[d][0] = (char)('0' + d);
  snprintf(out->group, sizeof out->group, ",");
  for (size_t i = 0; rtl_codes[i]; i++)
    if (!strcmp(rtl_codes[i], out->code)) out->rtl = true;
  char dir[4096] = "", path[4200];
  const char *env = getenv("BORDERMAP_LANG");
  if (env && *env)
    snprintf(dir, sizeof dir, "%s", env);
  else if (bm_home_dir(dir, sizeof dir - 8))
    strcat(dir, "/lang");
  snprintf(path, sizeof path, "%s/%s.yaml", dir, out->code);
  bm_status st;
  if (dir[0] && bm_file_exists(path)) {
    out->has_catalogue = true;
    out->catalogue = bm_strdup(path);
    if ((st = load_catalogue(out, path, err))) return st;
  }
  for (size_t i = 0; i < n_overrides; i++)
    if (!set_pair(&out->messages, &out->n_messages, overrides[i].key, overrides[i].value))
      return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  return BM_OK;
}

static void free_pairs(bm_lang_pair *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].key);
    free(v[i].value);
  }
  free(v);
}

void bm_lang_free(bm_lang *l) {
  if (!l) return;
  free_pairs(l->messages, l->n_messages);
  free_pairs(l->names, l->n_names);
  free(l->catalogue);
  memset(l, 0, sizeof *l);
}

bool bm_lang_is_english(const bm_lang *l) { return !l || !l->code[0] || !strcmp(l->code, "en"); }

const char *bm_lang_message(const bm_lang *l, const char *key) {
  for (size_t i = 0; l && i < l->n_messages; i++)
    if (!strcmp(l->messages[i].key, key)) return l->messages[i].value;
  int k = key_index(key);
  return k >= 0 ? english[k] : key;
}

void bm_lang_format(const bm_lang *l, const char *key, char *buf, size_t n, size_t npairs, ...) {
  const char *names[8], *values[8];
  va_list ap;
  va_start(ap, npairs);
  for (size_t i = 0; i < npairs && i < 8; i++) {
    names[i] = va_arg(ap, const char *);
    values[i] = va_arg(ap, const char *);
  }
  va_end(ap);
  const char *s = bm_lang_message(l, key);
  size_t o = 0;
  if (!n) return;
  while (*s && o + 1 < n) {
    bool done = false;
    if (*s == '{') {
      for (size_t i = 0; i < npairs && i < 8 && !done; i++) {
        size_t len = strlen(names[i]);
        if (!strncmp(s + 1, names[i], len) && s[1 + len] == '}') {
          o += (size_t)snprintf(buf + o, n - o, "%s", values[i] ? values[i] : "");
          if (o >= n) o = n - 1;
          s += len + 2;
          done = true;
        }
      }
    }
    if (!done) buf[o++] = *s++;
  }
  buf[o] = '\0';
}

const char *bm_lang_name(const bm_lang *l, const char *ne_name) {
  if (!l || !ne_name) return NULL;
  for (size_t i = 0; i < l->n_names; i++)
    if (!strcmp(l->names[i].key, ne_name)) return l->names[i].value;
  for (size_t i = 0; i < l->n_names; i++)
    if (!bm_strcasecmp(l->names[i].key, ne_name)) return l->names[i].value;
  return NULL;
}

void bm_lang_digits(const bm_lang *l, const char *in, char *out, size_t n) {
  size_t o = 0;
  if (!n) return;
  for (const char *p = in; *p && o + 1 < n; p++) {
    const char *rep = NULL;
    char one[2] = {*p, 0};
    if (*p >= '0' && *p <= '9')
      rep = l ? l->digits[*p - '0'] : one;
    else if (*p == ',' && p > in && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9')
      rep = l ? l->group : one;
    else
      rep = one;
    size_t len = strlen(rep);
    if (o + len >= n) break;
    memcpy(out + o, rep, len);
    o += len;
  }
  out[o] = '\0';
}

void bm_lang_km(const bm_lang *l, double km, char *out, size_t n) {
  char num[64], loc[128], t[256];
  if (km >= 1)
    snprintf(num, sizeof num, "%g", km);
  else
    snprintf(num, sizeof num, "%g", km * 1000);
  bm_lang_digits(l, num, loc, sizeof loc);
  snprintf(t, sizeof t, "%s %s", loc, bm_lang_message(l, km >= 1 ? "km" : "m"));
  snprintf(out, n, "%s", t);
}
