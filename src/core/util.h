/* core/util.h — small string, path and file helpers used by every stage. */
#ifndef BM_CORE_UTIL_H
#define BM_CORE_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

#include "core/error.h"

/* strdup that returns NULL for NULL. Caller frees. */
char *bm_strdup(const char *s);
/* s as a JSON string, quoted and escaped (NULL: null). */
void bm_json_string(FILE *f, const char *s);
/* Case-insensitive ASCII comparison. */
int bm_strcasecmp(const char *a, const char *b);

/* How many threads a stage may use for work it splits: the machine's online cores, at
 * most 8, or $BORDERMAP_THREADS when set (1 makes every stage single-threaded; the output is the
 * same bytes whatever the count). */
int bm_thread_count(void);
/* Runs worker(arg) on at most `most` threads (bm_thread_count's, this one among them) and
 * returns when every one has returned; each takes its share of the work from arg (an
 * atomic counter), so one thread alone does it all when no other can be started. */
void bm_run_threads(void *(*worker)(void *), void *arg, int most);
/* True when two UTF-8 names are equal ignoring case in every script (Unicode case
 * folding and NFC normalisation, through glib): "стамбул" equals "Стамбул". */
bool bm_name_equal(const char *a, const char *b);
/* Joins a and b with one '/'; returns a new string the caller frees. */
char *bm_path_join(const char *a, const char *b);
/* The folder part of path ("." when there is none); caller frees. */
char *bm_path_dirname(const char *path);
bool bm_file_exists(const char *path);
bool bm_dir_exists(const char *path);
/* Lower-cased file extension without the dot, e.g. "png"; "" when none. */
void bm_path_ext(const char *path, char *buf, size_t n);
/* True when path, with every symlink resolved (realpath), is dir or lies inside dir
 * (resolved the same way). False when either does not exist. */
bool bm_path_inside(const char *path, const char *dir);
/* Creates a folder and its parents (like mkdir -p). */
bm_status bm_mkdir_p(const char *path, bm_error *err);

/* The folder with bordermap's own files (styles/, maps/, geodata/): $BORDERMAP_HOME when set;
 * else <prefix>/share/bordermap found relative to the installed binary or libbordermap.so
 * (symlinks resolved, so a moved prefix still works); else, for a build that was not
 * installed, the source tree. Writes it into buf; false when there is none. */
bool bm_home_dir(char *buf, size_t n);

/* A growing array of strings (owned). */
typedef struct {
  char **v;
  size_t n, cap;
} bm_strlist;
bool bm_strlist_push(bm_strlist *l, const char *s);
void bm_strlist_free(bm_strlist *l);

/* Parses "#rrggbb" or "#rrggbbaa" into 0..1 components. */
bool bm_parse_color(const char *s, double rgba[4]);

#endif
