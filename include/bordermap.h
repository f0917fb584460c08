/* bordermap.h — the public interface of libbordermap: newsroom locator maps from a YAML spec.
 *
 *   pkg-config --cflags --libs bordermap
 *
 * What a program can do with it: parse a map spec, render it to a file (PNG, PDF or SVG),
 * read the Natural Earth data catalog (which layers bordermap uses, which are in a data
 * folder, which release they came from), and ask for the versions in use.
 *
 * Conventions (the contract):
 * - Every function that can fail returns a bordermap_status (BORDERMAP_OK is 0) or NULL and,
 *   when given a bordermap_error, fills it: a code, the file and 1-based line/column the
 *   problem is at when known, and one sentence saying what is wrong and what is valid. The
 *   error pointer may be NULL when the caller does not want the details. On success the
 *   error is cleared (code BORDERMAP_OK, empty strings).
 * - The library never prints, never exits and keeps no global mutable state: handles may be
 *   used from several threads as long as one handle is not used by two threads at once.
 * - Ownership: whatever a *_load/_open/_parse function returns is owned by the caller and
 *   freed with the matching *_free/_close function (NULL is accepted and ignored). Strings
 *   and structs returned by a getter belong to the handle they came from and stay valid until
 *   that handle is freed. Strings passed in are copied; the caller keeps its own.
 * - Option structs are initialised with their *_init function before fields are set, so
 *   fields added in later versions get their defaults (the struct carries its own size).
 * - Nothing else of bordermap is visible: internal headers and symbols are not installed
 *   or exported, and may change in any release.
 *
 * Shared files (styles, the story's maps and site files, the layer list) are looked up in
 * $BORDERMAP_HOME, else in <prefix>/share/bordermap next to the installed library, so an
 * installed tree may be moved. Fonts: Noto Sans from $BORDERMAP_FONTS or
 * /usr/share/fonts/truetype/noto (Debian packages fonts-noto-core and fonts-noto-extra).
 */
#ifndef BORDERMAP_H
#define BORDERMAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define BORDERMAP_API __attribute__((visibility("default")))
#else
#define BORDERMAP_API
#endif

/* ---- errors -------------------------------------------------------------------------- */

/* What went wrong. The numbers are stable. The command line maps them to exit codes:
 * USAGE 2, SPEC 3, DATA 4, IO 5, anything else 1. */
typedef enum {
  BORDERMAP_OK = 0,
  BORDERMAP_ERR_USAGE = 1,   /* a bad argument: NULL where a value is needed, a bad option */
  BORDERMAP_ERR_SPEC = 2,    /* map spec or style file: YAML syntax, unknown key, bad value */
  BORDERMAP_ERR_DATA = 3,    /* missing or broken data folder, layer, shapefile or font */
  BORDERMAP_ERR_IO = 4,      /* a file cannot be read or written */
  BORDERMAP_ERR_PROJ = 5,    /* a projection cannot be built or applied */
  BORDERMAP_ERR_NET = 6,     /* a download failed */
  BORDERMAP_ERR_NOMEM = 7,   /* out of memory */
  BORDERMAP_ERR_INTERNAL = 8 /* a bug in bordermap: please report it */
} bordermap_status;

typedef struct {
  bordermap_status code;
  char file[512];     /* the file the problem is in; "" when it is not about a file */
  int line, column;   /* 1-based; 0 when not known */
  char message[1536]; /* one sentence, UTF-8, no trailing newline */
} bordermap_error;

/* Writes "file:line:column: message" (unknown parts left out) into buf, always
 * NUL-terminated when n > 0 (cut short if needed). Returns buf. */
BORDERMAP_API char *bordermap_error_format(const bordermap_error *err, char *buf, size_t n);

/* A short lower-case name for a status, e.g. "spec error". Never NULL; static storage. */
BORDERMAP_API const char *bordermap_status_name(bordermap_status code);

/* ---- versions ------------------------------------------------------------------------ */

/* bordermap's version, "MAJOR.MINOR.PATCH". Static storage. */
BORDERMAP_API const char *bordermap_version(void);

/* The versions of the libraries in use at run time. Every field points to static storage
 * and is never NULL. */
typedef struct {
  const char *bordermap, *proj, *gdal, *geos, *cairo, *pango;
} bordermap_versions;
BORDERMAP_API void bordermap_versions_get(bordermap_versions *out);

/* ---- map specs ------------------------------------------------------------------------ */

typedef struct bordermap_spec bordermap_spec; /* a parsed, validated map spec (opaque) */

/* Reads and validates a spec file (see bordermap(1) for its keys). Relative paths in it
 * (site files, styles) are resolved against the file's folder. Returns NULL on failure,
 * with err naming the file, line and column. Free with bordermap_spec_free. */
BORDERMAP_API bordermap_spec *bordermap_spec_load(const char *path, bordermap_error *err);

/* The same from YAML text (UTF-8, NUL-terminated). name is used in error messages
 * (e.g. "request.yaml"; NULL: "<string>"); base_dir resolves relative paths (NULL: "."). */
BORDERMAP_API bordermap_spec *bordermap_spec_parse(const char *yaml, const char *name,
                                                   const char *base_dir, bordermap_error *err);

BORDERMAP_API void bordermap_spec_free(bordermap_spec *spec);

/* The spec's title ("" when it has none). Owned by spec. */
BORDERMAP_API const char *bordermap_spec_title(const bordermap_spec *spec);

/* Writes the path of a file shipped with bordermap (relative to its home: "styles/newsroom.yaml",
 * "maps/central-asia.yaml") into buf. Fails with BORDERMAP_ERR_DATA when bordermap's home
 * (see above) cannot be found or the file is not in it. */
BORDERMAP_API bordermap_status bordermap_shared_file(const char *relative, char *buf, size_t n,
                                                     bordermap_error *err);

/* ---- rendering ------------------------------------------------------------------------ */

typedef struct {
  size_t size;               /* sizeof(bordermap_render_options); set by _init */
  const char *data_dir;      /* Natural Earth folder; NULL: bordermap_data_dir_default */
  int width, height;         /* pixels; 0: as the spec says */
  double dpi;                /* PDF/SVG page size; 0: as the spec says */
  const char *labels_report; /* also write the JSON label report here; NULL: none */
  const char *language;      /* the map's language (ISO 639-1: "fa", "ru" ...); NULL: as the
                                spec says (see bordermap(1), "language") */
  int strict_language;       /* non-zero: a base-map label with no name in the language is a
                                data error instead of being kept in its default name */
} bordermap_render_options;

/* Fills opts with the defaults (everything as the spec says, the default data folder). */
BORDERMAP_API void bordermap_render_options_init(bordermap_render_options *opts);

/* Renders spec into the file at path; the format follows its extension (.png, .pdf, .svg).
 * The file is written atomically: on failure nothing is left at path and an older file
 * there survives. The same inputs give byte-identical files. opts may be NULL (defaults). */
BORDERMAP_API bordermap_status bordermap_render_file(const bordermap_spec *spec, const char *path,
                                                     const bordermap_render_options *opts,
                                                     bordermap_error *err);

/* The output formats, for rendering into memory. */
typedef enum { BORDERMAP_PNG = 0, BORDERMAP_PDF = 1, BORDERMAP_SVG = 2 } bordermap_format;

/* Renders spec into memory, no file written (for web back ends and previews): on success
 * *data holds the bytes of the map in format and *len their number; free *data with
 * bordermap_free. On failure *data is NULL and *len 0. A labels report, when opts asks for
 * one, is still written to its file. The bytes are those bordermap_render_file writes. */
BORDERMAP_API bordermap_status bordermap_render_memory(const bordermap_spec *spec,
                                                       bordermap_format format,
                                                       const bordermap_render_options *opts,
                                                       unsigned char **data, size_t *len,
                                                       bordermap_error *err);

/* Frees memory the library handed to the caller (bordermap_render_memory's bytes). */
BORDERMAP_API void bordermap_free(void *p);

/* ---- the Natural Earth data catalog ---------------------------------------------------- */

/* The data folder used when none is given: $BORDERMAP_DATA, else
 * $XDG_DATA_HOME/bordermap/naturalearth, else ~/.local/share/bordermap/naturalearth.
 * Writes it into buf (NUL-terminated, cut short if n is too small). */
BORDERMAP_API void bordermap_data_dir_default(char *buf, size_t n);

typedef struct {
  const char *name;  /* logical layer: "land", "rivers", "countries", ... */
  const char *scale; /* "10m", "50m" or "110m" */
  const char *theme; /* "physical" or "cultural" */
  const char *file;  /* "ne_10m_rivers_lake_centerlines": the zip's and the folder's name */
  int present;       /* 1 when its .shp, .shx and .dbf are in the data folder */
} bordermap_layer;

typedef struct bordermap_catalog bordermap_catalog; /* opaque */

/* Reads the list of layers bordermap uses and looks in data_dir (NULL: the default folder)
 * for each of them. A missing folder is not an error: every layer is then absent.
 * Free with bordermap_catalog_close. */
BORDERMAP_API bordermap_catalog *bordermap_catalog_open(const char *data_dir, bordermap_error *err);
BORDERMAP_API void bordermap_catalog_close(bordermap_catalog *cat);

BORDERMAP_API size_t bordermap_catalog_count(const bordermap_catalog *cat);
/* Layer i (0 <= i < count), or NULL when i is out of range. Owned by cat. */
BORDERMAP_API const bordermap_layer *bordermap_catalog_layer(const bordermap_catalog *cat,
                                                             size_t i);
/* The data folder the catalog looked in. Owned by cat. */
BORDERMAP_API const char *bordermap_catalog_data_dir(const bordermap_catalog *cat);
/* The Natural Earth release recorded by `bordermap data fetch` in the data folder: its
 * version ("5.1.2") when the source said, else "unknown"; NULL when nothing was recorded.
 * Owned by cat. */
BORDERMAP_API const char *bordermap_catalog_release(const bordermap_catalog *cat);

#ifdef __cplusplus
}
#endif

#endif
