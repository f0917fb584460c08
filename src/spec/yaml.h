/* spec/yaml.h — a small YAML tree with a line and column on every node.
 *
 * libfyaml parses; this module keeps only what specs and styles need:
 * scalars, sequences and mappings (keys are scalars), each node with its
 * 1-based position so every later error can name file:line:col. Duplicate
 * keys and YAML syntax errors are reported here. The tree owns its strings.
 */
#ifndef BM_SPEC_YAML_H
#define BM_SPEC_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef enum { BM_YAML_SCALAR, BM_YAML_SEQ, BM_YAML_MAP } bm_yaml_kind;

typedef struct bm_yaml {
  bm_yaml_kind kind;
  int line, col;
  char *scalar;           /* BM_YAML_SCALAR */
  bool quoted;            /* scalar was written in quotes */
  size_t n;               /* children (SEQ items, or MAP pairs) */
  struct bm_yaml **items; /* SEQ: items; MAP: values */
  char **keys;            /* MAP: keys */
  int *key_line, *key_col;
} bm_yaml;

/* Parses a file. On failure returns NULL and fills err with file:line:col. */
bm_yaml *bm_yaml_load_file(const char *path, bm_error *err);
/* Parses a string; name is used in messages. */
bm_yaml *bm_yaml_load_string(const char *text, const char *name, bm_error *err);
void bm_yaml_free(bm_yaml *y);

/* Value under key in a mapping, or NULL. */
const bm_yaml *bm_yaml_get(const bm_yaml *map, const char *key);

/* Checks that every key of map is in the NULL-terminated list valid; otherwise
 * fills err ("unknown key 'x' in <what>; valid keys are: a, b, c"). */
bm_status bm_yaml_check_keys(const bm_yaml *map, const char *const *valid, const char *what,
                             const char *file, bm_error *err);

/* Typed reads with errors that name file:line:col, what was found and what is valid. */
bm_status bm_yaml_string(const bm_yaml *y, const char *file, const char *what, char **out,
                         bm_error *err);
bm_status bm_yaml_number(const bm_yaml *y, const char *file, const char *what, double lo, double hi,
                         double *out, bm_error *err);
bm_status bm_yaml_bool(const bm_yaml *y, const char *file, const char *what, bool *out,
                       bm_error *err);
bm_status bm_yaml_expect(const bm_yaml *y, bm_yaml_kind kind, const char *file, const char *what,
                         bm_error *err);

#endif
