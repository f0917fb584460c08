#include "spec/yaml.h"

#include <errno.h>
#include <glib.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

static bm_yaml *node_new(bm_yaml_kind kind, const struct fy_mark *m) {
  bm_yaml *y = calloc(1, sizeof *y);
  if (!y) return NULL;
  y->kind = kind;
  y->line = m ? m->line + 1 : 0;
  y->col = m ? m->column + 1 : 0;
  return y;
}

void bm_yaml_free(bm_yaml *y) {
  if (!y) return;
  for (size_t i = 0; i < y->n; i++) {
    bm_yaml_free(y->items[i]);
    if (y->keys) free(y->keys[i]);
  }
  free(y->items);
  free(y->keys);
  free(y->key_line);
  free(y->key_col);
  free(y->scalar);
  free(y);
}

static bool push_child(bm_yaml *parent, bm_yaml *child, bm_yaml *key) {
  size_t n = parent->n + 1;
  bm_yaml **items = realloc(parent->items, n * sizeof *items);
  if (!items) return false;
  parent->items = items;
  if (parent->kind == BM_YAML_MAP) {
    char **keys = realloc(parent->keys, n * sizeof *keys);
    if (keys) parent->keys = keys;
    int *kl = realloc(parent->key_line, n * sizeof *kl);
    if (kl) parent->key_line = kl;
    int *kc = realloc(parent->key_col, n * sizeof *kc);
    if (kc) parent->key_col = kc;
    if (!keys || !kl || !kc) return false;
    keys[n - 1] = key->scalar;
    key->scalar = NULL;
    kl[n - 1] = key->line;
    kc[n - 1] = key->col;
  }
  items[n - 1] = child;
  parent->n = n;
  return true;
}

/* Builds the tree from parser events. Collection depth is bounded so a hostile
 * file cannot exhaust the stack. */
#define MAX_DEPTH 64

typedef struct {
  bm_yaml *node;
  bm_yaml *pending_key; /* MAP: key read, value not yet */
} frame;

static bm_yaml *build(struct fy_parser *p, const char *name, bm_error *err) {
  frame stack[MAX_DEPTH];
  int depth = 0;
  bm_yaml *root = NULL;
  struct fy_event *ev;
  bool failed = false;
  while (!failed && (ev = fy_parser_parse(p))) {
    const struct fy_mark *m = fy_event_start_mark(ev);
    enum fy_event_type type = ev->type;
    bm_yaml *node = NULL;
    bool opens = false, closes = false;
    switch (type) {
    case FYET_SCALAR: {
      node = node_new(BM_YAML_SCALAR, m);
      size_t len = 0;
      const char *text = fy_token_get_text(ev->scalar.value, &len);
      if (node) {
        node->scalar = strndup(text ? text : "", text ? len : 0);
        node->quoted = fy_token_scalar_style(ev->scalar.value) == FYSS_SINGLE_QUOTED ||
                       fy_token_scalar_style(ev->scalar.value) == FYSS_DOUBLE_QUOTED;
      }
      break;
    }
    case FYET_ALIAS:
      bm_error_set(err, BM_ERR_SPEC, name, m ? m->line + 1 : 0, m ? m->column + 1 : 0,
                   "YAML aliases (*name) are not supported in map specs; write the value out");
      failed = true;
      break;
    case FYET_SEQUENCE_START:
      node = node_new(BM_YAML_SEQ, m);
      opens = true;
      break;
    case FYET_MAPPING_START:
      node = node_new(BM_YAML_MAP, m);
      opens = true;
      break;
    case FYET_SEQUENCE_END:
    case FYET_MAPPING_END: closes = true; break;
    default: break;
    }
    fy_parser_event_free(p, ev);
    if (failed) break;
    if (closes) {
      node = stack[--depth].node;
      if (depth > 0) goto attach;
      if (root) { /* a second document after '---' */
        bm_error_set(err, BM_ERR_SPEC, name, node->line, node->col,
                     "a spec is one YAML document; remove the '---' and what follows, or "
                     "merge the documents");
        bm_yaml_free(node);
        failed = true;
        break;
      }
      root = node;
      continue;
    }
    if (!node) {
      if (type == FYET_SCALAR || opens) {
        bm_error_set(err, BM_ERR_NOMEM, name, 0, 0, "out of memory");
        failed = true;
      }
      continue;
    }
    if (opens) {
      if (depth == MAX_DEPTH) {
        bm_error_set(err, BM_ERR_SPEC, name, node->line, node->col, "nesting deeper than %d levels",
                     MAX_DEPTH);
        bm_yaml_free(node);
        failed = true;
        break;
      }
      stack[depth].node = node;
      stack[depth].pending_key = NULL;
      depth++;
      continue;
    }
    if (depth == 0) { /* a document that is a lone scalar */
      if (root) {
        bm_error_set(err, BM_ERR_SPEC, name, node->line, node->col,
                     "a spec is one YAML document; remove the '---' and what follows");
        bm_yaml_free(node);
        failed = true;
        break;
      }
      root = node;
      continue;
    }
  attach : {
    frame *top = &stack[depth - 1];
    if (top->node->kind == BM_YAML_MAP && !top->pending_key) {
      if (node->kind != BM_YAML_SCALAR) {
        bm_error_set(err, BM_ERR_SPEC, name, node->line, node->col,
                     "a mapping key must be plain text");
        bm_yaml_free(node);
        failed = true;
        break;
      }
      for (size_t i = 0; i < top->node->n; i++)
        if (!strcmp(top->node->keys[i], node->scalar)) {
          bm_error_set(err, BM_ERR_SPEC, name, node->line, node->col,
                       "duplicate key '%s' (first given on line %d)", node->scalar,
                       top->node->key_line[i]);
          bm_yaml_free(node);
          failed = true;
          break;
        }
      if (failed) break;
      top->pending_key = node;
      continue;
    }
    bm_yaml *key = top->pending_key;
    top->pending_key = NULL;
    if (node->line == 0 && key) { /* an empty value has no mark: use its key's */
      node->line = key->line;
      node->col = key->col;
    }
    bool ok = push_child(top->node, node, key);
    bm_yaml_free(key);
    if (!ok) {
      bm_yaml_free(node);
      bm_error_set(err, BM_ERR_NOMEM, name, 0, 0, "out of memory");
      failed = true;
    }
  }
  }
  if (!failed && fy_parser_get_stream_error(p)) failed = true;
  /* free anything left open (after an error) */
  while (depth > 0) {
    depth--;
    bm_yaml_free(stack[depth].pending_key);
    if (depth == 0) {
      bm_yaml_free(stack[0].node);
    } else {
      /* children are attached only when closed, so open nodes are independent */
      bm_yaml_free(stack[depth].node);
    }
  }
  if (failed) {
    bm_yaml_free(root);
    return NULL;
  }
  return root;
}

/* Specs must be UTF-8 (strictly: no overlong forms, no surrogates, no NUL)
 * and have no YAML directives ('%' lines), which specs never need. Both
 * checks also keep libfyaml 0.7 away from input that makes its directive
 * scanner loop forever (found by fuzzing). Returns false with err at the
 * offending byte. */
static bool check_text(const char *text, size_t n, const char *name, bm_error *err) {
  const char *bad = NULL;
  bool utf8 = g_utf8_validate(text, (gssize)n, &bad);
  size_t stop = utf8 ? n : (size_t)(bad - text);
  int line = 1, col = 1;
  for (size_t i = 0; i < stop; i++) {
    if (col == 1 && text[i] == '%') {
      bm_error_set(err, BM_ERR_SPEC, name, line, col,
                   "YAML directives ('%%' lines) are not supported in a map spec; remove the line");
      return false;
    }
    if (text[i] == '\n')
      line++, col = 1;
    else if (((unsigned char)text[i] & 0xC0) != 0x80)
      col++;
  }
  if (!utf8)
    bm_error_set(err, BM_ERR_SPEC, name, line, col,
                 *bad == '\0' ? "the file contains a NUL byte; a spec is UTF-8 text"
                              : "the file is not valid UTF-8 here; save the spec as UTF-8 text");
  return utf8;
}

/* Parses text (already checked by check_text); name is used in messages. */
static bm_yaml *load(const char *text, const char *name, bm_error *err) {
  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.colorize = false;
  struct fy_diag *diag = fy_diag_create(&dcfg);
  if (!diag) {
    bm_error_set(err, BM_ERR_NOMEM, name, 0, 0, "out of memory");
    return NULL;
  }
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET, .diag = diag};
  struct fy_parser *p = fy_parser_create(&cfg);
  if (!p) {
    fy_diag_destroy(diag);
    bm_error_set(err, BM_ERR_NOMEM, name, 0, 0, "out of memory");
    return NULL;
  }
  int rc = fy_parser_set_string(p, text, strlen(text));
  bm_error_clear(err);
  bm_yaml *root = NULL;
  if (rc == 0) root = build(p, name, err);
  if (!root && (!err || err->code == BM_OK)) {
    void *it = NULL;
    struct fy_diag_error *de = fy_diag_errors_iterate(diag, &it);
    /* no diagnostic and no document: an empty file, which the callers report */
    if (de)
      bm_error_set(err, BM_ERR_SPEC, name, de->line, de->column, "YAML syntax error: %s", de->msg);
  }
  fy_parser_destroy(p);
  fy_diag_destroy(diag);
  return root;
}

/* Specs and styles are small; anything larger is not one. */
#define MAX_SPEC_BYTES (4 << 20)

bm_yaml *bm_yaml_load_file(const char *path, bm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    bm_error_set(err, BM_ERR_SPEC, path, 0, 0, "cannot open file: %s", strerror(errno));
    return NULL;
  }
  char *text = malloc(MAX_SPEC_BYTES + 1);
  size_t n = text ? fread(text, 1, MAX_SPEC_BYTES + 1, f) : 0;
  bool read_error = ferror(f);
  fclose(f);
  if (!text || read_error || n > MAX_SPEC_BYTES) {
    bm_error_set(err, BM_ERR_SPEC, path, 0, 0,
                 !text ? "out of memory"
                 : read_error
                     ? "cannot read the file"
                     : "the file is larger than 4 MB; a spec or style is a small YAML file");
    free(text);
    return NULL;
  }
  text[n] = '\0';
  bm_yaml *y = check_text(text, n, path, err) ? load(text, path, err) : NULL;
  free(text);
  if (y && y->kind != BM_YAML_MAP) {
    bm_error_set(err, BM_ERR_SPEC, path, y->line, y->col,
                 "the file must be a YAML mapping of keys to values");
    bm_yaml_free(y);
    return NULL;
  }
  if (!y && err && err->code == BM_OK)
    bm_error_set(err, BM_ERR_SPEC, path, 1, 1, "the file is empty; expected a YAML mapping");
  return y;
}

bm_yaml *bm_yaml_load_string(const char *text, const char *name, bm_error *err) {
  if (!check_text(text, strlen(text), name, err)) return NULL;
  return load(text, name, err);
}

const bm_yaml *bm_yaml_get(const bm_yaml *map, const char *key) {
  if (!map || map->kind != BM_YAML_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (!strcmp(map->keys[i], key)) return map->items[i];
  return NULL;
}

bm_status bm_yaml_check_keys(const bm_yaml *map, const char *const *valid, const char *what,
                             const char *file, bm_error *err) {
  for (size_t i = 0; i < map->n; i++) {
    bool ok = false;
    for (const char *const *v = valid; *v; v++)
      if (!strcmp(*v, map->keys[i])) ok = true;
    if (ok) continue;
    char list[512] = "";
    size_t k = 0;
    for (const char *const *v = valid; *v; v++)
      k += (size_t)snprintf(list + k, k < sizeof list ? sizeof list - k : 0, "%s%s",
                            v == valid ? "" : ", ", *v);
    return bm_error_set(err, BM_ERR_SPEC, file, map->key_line[i], map->key_col[i],
                        "unknown key '%s' in %s; valid keys are: %s", map->keys[i], what, list);
  }
  return BM_OK;
}

static const char *kind_name(bm_yaml_kind k) {
  return k == BM_YAML_SCALAR ? "a single value" : k == BM_YAML_SEQ ? "a list" : "a mapping";
}

bm_status bm_yaml_expect(const bm_yaml *y, bm_yaml_kind kind, const char *file, const char *what,
                         bm_error *err) {
  if (y->kind == kind) return BM_OK;
  return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col, "%s must be %s, not %s", what,
                      kind_name(kind), kind_name(y->kind));
}

bm_status bm_yaml_string(const bm_yaml *y, const char *file, const char *what, char **out,
                         bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, file, what, err)) return err ? err->code : BM_ERR_SPEC;
  char *s = strdup(y->scalar);
  if (!s) return bm_error_set(err, BM_ERR_NOMEM, file, 0, 0, "out of memory");
  free(*out);
  *out = s;
  return BM_OK;
}

bm_status bm_yaml_number(const bm_yaml *y, const char *file, const char *what, double lo, double hi,
                         double *out, bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, file, what, err)) return err ? err->code : BM_ERR_SPEC;
  char *end = NULL;
  double v = strtod(y->scalar, &end);
  if (end == y->scalar || *end || !isfinite(v) || y->quoted)
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "%s must be a number from %g to %g, not '%s'", what, lo, hi, y->scalar);
  if (v < lo || v > hi)
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col, "%s must be from %g to %g, not %s",
                        what, lo, hi, y->scalar);
  *out = v;
  return BM_OK;
}

bm_status bm_yaml_bool(const bm_yaml *y, const char *file, const char *what, bool *out,
                       bm_error *err) {
  if (bm_yaml_expect(y, BM_YAML_SCALAR, file, what, err)) return err ? err->code : BM_ERR_SPEC;
  if (!strcasecmp(y->scalar, "true") || !strcasecmp(y->scalar, "yes")) {
    *out = true;
    return BM_OK;
  }
  if (!strcasecmp(y->scalar, "false") || !strcasecmp(y->scalar, "no")) {
    *out = false;
    return BM_OK;
  }
  return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col, "%s must be true or false, not '%s'",
                      what, y->scalar);
}
