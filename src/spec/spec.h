/* spec/spec.h — a map spec (YAML) as a validated struct.
 *
 * bm_spec_load reads a spec file, checks every key and value, and resolves
 * relative paths (style, site files) against the spec's folder. It does not
 * read any data: checks against Natural Earth (is "XYZ" a country?) happen
 * later, and use the line/col kept here so their errors still name the spec.
 * Everything in a bm_spec is owned by it; free with bm_spec_free.
 */
#ifndef BM_SPEC_SPEC_H
#define BM_SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct {
  int line, col; /* where in the spec this was written; 0 when built in */
} bm_spec_pos;

typedef enum { BM_EXTENT_BBOX, BM_EXTENT_COUNTRIES, BM_EXTENT_CENTER } bm_extent_kind;

typedef struct {
  char code[4]; /* ISO A3, upper case */
  bm_spec_pos pos;
} bm_country_ref;

typedef struct {
  char country[4];
  char *name;
  bm_spec_pos pos;
} bm_province_ref;

typedef enum {
  BM_SITE_GENERIC = 0,
  BM_SITE_CITY,
  BM_SITE_FACTORY,
  BM_SITE_MILITARY_BASE,
  BM_SITE_AIRFIELD,
  BM_SITE_KIND_COUNT
} bm_site_kind;

typedef struct {
  char *name;
  double lon, lat;
  bm_site_kind kind;
  char *note;        /* optional second line, may be NULL */
  bool approximate;  /* position is the city's, exact site not public */
  bm_spec_pos pos;
} bm_site;

typedef struct {
  char *path; /* resolved against the spec's folder */
  bm_spec_pos pos;
} bm_site_file;

typedef struct bm_spec {
  char *path; /* the spec file ("<built-in>" for the default) */
  char *dir;  /* its folder */
  char *title, *subtitle, *credit;

  int width, height; /* output pixels */
  double dpi;        /* for PDF page size and PNG metadata; 0: 96 */

  bm_extent_kind extent_kind;
  double bbox[4];             /* BM_EXTENT_BBOX: min lon, min lat, max lon, max lat */
  bm_country_ref *extent_countries;
  size_t n_extent_countries;  /* BM_EXTENT_COUNTRIES */
  double margin;              /* fraction of the extent added on each side */
  double center[2], radius_km; /* BM_EXTENT_CENTER */
  bm_spec_pos extent_pos;

  char *projection; /* "auto", a PROJ string or "EPSG:nnnn" */
  bm_spec_pos projection_pos;
  char *scale;      /* "auto", "10m", "50m", "110m" */

  char *style_path; /* resolved file */
  bm_spec_pos style_pos;

  bm_country_ref *highlight_countries;
  size_t n_highlight_countries;
  bm_province_ref *highlight_provinces;
  size_t n_highlight_provinces;

  bm_site *sites;
  size_t n_sites;
  bm_site_file *site_files;
  size_t n_site_files;

  bool show_places; /* Natural Earth populated places */
} bm_spec;

/* Reads and validates a spec. On failure returns NULL with err naming file:line:col. */
bm_spec *bm_spec_load(const char *path, bm_error *err);
/* Same from a string; name is used in messages and dir for relative paths. */
bm_spec *bm_spec_load_string(const char *text, const char *name, const char *dir, bm_error *err);
void bm_spec_free(bm_spec *s);

/* Site kinds by name ("factory", "military-base", ...). */
const char *bm_site_kind_name(bm_site_kind k);
bool bm_site_kind_parse(const char *s, bm_site_kind *out);
/* "generic, city, factory, military-base, airfield" */
const char *bm_site_kind_list(void);

/* Adds a site (copies strings). Used by loaders of site files. */
bool bm_spec_add_site(bm_spec *s, const bm_site *site);

/* Finds a style given as a name ("newsroom") or a path, relative to the
 * spec's folder, then <spec dir>/../styles, $BORDERMAP_STYLES and the
 * project's styles/ folder. Returns a new string, or NULL. */
char *bm_spec_find_style(const char *name, const char *spec_dir);

/* The story map's spec, used when `bordermap render` gets no spec. */
char *bm_spec_default_path(void);

#endif
