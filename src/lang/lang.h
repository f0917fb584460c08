/* lang/lang.h — the language of a map: its message catalogue, base-map names, direction
 * and digits.
 *
 * A catalogue is lang/<code>.yaml in bordermap's home (bm_home_dir), or in
 * $BORDERMAP_LANG when set:
 *
 *   direction: rtl                 # or ltr; default: rtl for ar, fa, he, ur, ps, ckb, dv, yi
 *   digits: "۰۱۲۳۴۵۶۷۸۹"           # the language's digits, 0 to 9 (default: 0-9)
 *   group: "٬"                     # thousands separator (default ",")
 *   messages: {km: کیلومتر, ...}   # furniture text, by key (bm_lang_message_keys)
 *   names: {Tajikistan: تاجیکستان} # base-map names the data lacks, by Natural Earth's NAME
 *
 * English needs no catalogue: every message has an English default. A language without a
 * catalogue keeps English furniture text (bm_lang.has_catalogue is false). The spec's own
 * `messages:` override the catalogue's. Messages may hold {placeholders} ({country},
 * {projection}, {names}, {km}) that bm_lang_format fills.
 */
#ifndef BM_LANG_LANG_H
#define BM_LANG_LANG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct {
  char *key, *value;
} bm_lang_pair;

typedef struct bm_lang {
  char code[16];      /* "fa"; "en" by default */
  bool rtl;           /* written right to left */
  bool has_catalogue; /* lang/<code>.yaml was found */
  char *catalogue;    /* its path, or NULL */
  char digits[10][8]; /* UTF-8 of 0..9 */
  char group[8];      /* thousands separator */
  bm_lang_pair *messages;
  size_t n_messages;
  bm_lang_pair *names;
  size_t n_names;
} bm_lang;

/* The message keys, NULL-terminated, and their English defaults (same order). */
extern const char *const bm_lang_message_keys[];
/* "base_map, boundaries, ..." for error messages. */
const char *bm_lang_message_list(void);
/* True when key is a message key. */
bool bm_lang_is_message(const char *key);

/* True for a language code: two or three lower-case ASCII letters (ISO 639). */
bool bm_lang_code_valid(const char *code);

/* Loads the language `code` (NULL or "": English): its catalogue when there is one, then
 * the overrides (spec messages; may be NULL). A broken catalogue is a data error naming
 * file:line:col. Free with bm_lang_free. */
bm_status bm_lang_load(const char *code, const bm_lang_pair *overrides, size_t n_overrides,
                       bm_lang *out, bm_error *err);
void bm_lang_free(bm_lang *l);

/* True when the map's language is English (no translation of base-map names needed). */
bool bm_lang_is_english(const bm_lang *l);
/* The text of a message key (the catalogue's, the spec's, else English). Never NULL. */
const char *bm_lang_message(const bm_lang *l, const char *key);
/* A message with {name} placeholders replaced (pairs of name, value; n pairs) into buf. */
void bm_lang_format(const bm_lang *l, const char *key, char *buf, size_t n, size_t npairs, ...);
/* The catalogue's name for a Natural Earth name (exact match, then ASCII case-insensitive),
 * or NULL. */
const char *bm_lang_name(const bm_lang *l, const char *ne_name);
/* Rewrites the ASCII digits of in with the language's digits, and ',' between digits with
 * its group separator, into out. */
void bm_lang_digits(const bm_lang *l, const char *in, char *out, size_t n);
/* "200 km" in the language ("۲۰۰ کیلومتر"): value (%g) and the km message. */
void bm_lang_km(const bm_lang *l, double km, char *out, size_t n);

#endif
