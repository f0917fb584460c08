/* load/load.h — read features from Natural Earth shapefiles and user site files.
 *
 * bm_shp_read reads one shapefile with shapelib, keeping only records whose
 * bounding box meets the query box (lon/lat). With a .qix spatial index beside
 * the .shp (bm_shp_index_build writes one; `bordermap data fetch` does so) the
 * candidates come from the index; without one, or when the index does not list
 * every record exactly once (cut, overwritten, stale: index_damaged says why), from
 * the record headers.
 * Attributes are read for the requested fields only, matched to the file's
 * field names case-insensitively, and returned as UTF-8: the .cpg file says
 * the encoding; without one, the text read decides (all of it valid UTF-8:
 * UTF-8; else Windows-1252) and cpg_missing says so.
 * Bad records (unreadable, NaN or out-of-range coordinates) are skipped and
 * counted, never passed on; the first one's record number and reason (shapelib's
 * own message when it refused the record) are kept for the warning.
 * A .prj beside the .shp is read: a layer in geographic WGS84 is read as it
 * is, a layer in any other CRS is transformed to lon/lat (reprojected says
 * so), and a .prj that cannot be understood is a data error.
 *
 * bm_sites_read_ogr reads point sites from any allowed OGR vector format.
 */
#ifndef BM_LOAD_LOAD_H
#define BM_LOAD_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/geom.h"
#include "spec/spec.h"

typedef struct {
  bm_geom geom; /* lon/lat degrees */
  char **attr;  /* one UTF-8 string per requested field; NULL when the file lacks the field */
  int id;       /* record number in the file */
} bm_feature;

typedef struct {
  bm_feature *f;
  size_t n;
  size_t nfields;
  char **fields;        /* requested names, as given */
  bool *present;        /* per requested field: the file has it (even when no record was read) */
  size_t skipped;       /* bad records left out */
  size_t total;         /* records in the file */
  size_t read;          /* records looked at for the query */
  size_t past_end;      /* records of the whole file that the .shx places past the end of
                           the .shp (a truncated file), in the query or not */
  int first_bad;        /* record number (0-based) of the first skipped record; -1 when none */
  char bad_reason[256]; /* why that record was skipped */
  bool cpg_missing;     /* no .cpg: the encoding was decided by the text */
  bool guessed_utf8;    /* with cpg_missing: the text was valid UTF-8 and read as UTF-8 */
  bool reprojected;     /* the .prj named another CRS: coordinates were transformed */
  char crs[128];        /* with reprojected: the name of the file's CRS */
  char index_damaged[160]; /* why the .qix was not used (cut, overwritten, stale); "" if fine */
} bm_features;

/* Reads the features of shp_path that meet query (pass an empty or NULL box for
 * all). fields is NULL-terminated (may be NULL). Output is in record order.
 * Caller frees out with bm_features_free, also after a failure. */
bm_status bm_shp_read(const char *shp_path, const bm_bbox *query, const char *const *fields,
                      bm_features *out, bm_error *err);
void bm_features_free(bm_features *fs);
/* True when the file has the requested field (matched case-insensitively). */
bool bm_features_have_field(const bm_features *fs, const char *field);
/* The value of a requested field, or NULL. */
const char *bm_feature_attr(const bm_features *fs, size_t i, const char *field);

/* Writes {stem}.qix beside the .shp (temp file + rename). */
bm_status bm_shp_index_build(const char *shp_path, bm_error *err);

/* Bounds on what a file a spec names may make bordermap do (0 in a field: the default). */
typedef struct {
  double max_file_mb; /* size of a site or area file, checked before it is opened */
  long max_features;  /* sites in one site file */
  long max_parts;     /* rings of one area feature (holes and the parts of a MultiPolygon) */
  long max_vertices;  /* points of one area feature */
} bm_load_limits;
#define BM_LIMIT_FILE_MB 32.0
#define BM_LIMIT_FEATURES 10000L
#define BM_LIMIT_PARTS 10000L
#define BM_LIMIT_VERTICES 1000000L

/* bm_sites_read_ogr and bm_areas_read_ogr with limits (NULL: the defaults).
 * Going over one is a spec error at the spec's line:col that names the limit
 * and the command-line option that raises it (--max-file-mb, --max-features,
 * --max-parts, --max-vertices). */
/* Rows of a site file that could not be read (a CSV row longer than
 * BM_CSV_MAX_ROW bytes, a row or feature with no point or no name) are left out
 * and counted in damage (may be NULL); the rest still load. */
typedef struct {
  size_t skipped;
  char first[300]; /* the first one: "line 7: no point (lon and lat must be numbers)" */
} bm_sites_damage;
#define BM_CSV_MAX_ROW (1L << 20)
bm_status bm_sites_read_ogr_limited(const bm_site_file *file, bm_spec *spec,
                                    const bm_load_limits *lim, bm_sites_damage *damage,
                                    bm_error *err);
bm_status bm_areas_read_ogr_limited(const char *path, const char *spec_path, int line, int col,
                                    const bm_load_limits *lim, bm_geom *out, bm_error *err);

/* Appends the point sites of an OGR-readable file (GeoJSON, CSV with lon/lat
 * columns, GeoPackage, KML, GPX, FlatGeobuf, Shapefile) to spec->sites.
 * Fields: name (required), kind, note, approximate. Coordinates are transformed
 * to lon/lat WGS84 when the file has another CRS. URLs and /vsi paths are refused. */
bm_status bm_sites_read_ogr(const bm_site_file *file, bm_spec *spec, bm_error *err);

/* Reads every Polygon and MultiPolygon of an OGR file (GeoJSON, GeoPackage, KML,
 * FlatGeobuf, Shapefile) into out as one lon/lat WGS84 polygon geometry (rings
 * and holes as parts). Errors name the spec's line:col of the area. out is
 * initialised here; the caller frees it with bm_geom_free, also after a failure. */
bm_status bm_areas_read_ogr(const char *path, const char *spec_path, int line, int col,
                            bm_geom *out, bm_error *err);

/* A batch's table (`bordermap batch TEMPLATE --table FILE`): every row of an OGR file's
 * first layer, each cell as UTF-8 text (an empty or null cell: ""), and for files with
 * geometry each row's lon/lat WGS84 box (has_bbox false for a row without one). */
typedef struct {
  size_t ncols, nrows;
  char **cols;        /* column names */
  char **cells;       /* nrows * ncols, row-major */
  bool has_geometry;  /* the layer has a geometry column */
  double (*bbox)[4];  /* per row: west, south, east, north */
  bool *has_bbox;
  char **geojson;     /* per row: its geometry in lon/lat WGS84 as GeoJSON, or NULL */
  /* set by the caller: the folder where each row's geometry is written as row-<n>.geojson
   * when a template names {{geometry}} as a file (see batch/batch.h) */
  const char *geometry_dir;
} bm_table;

/* Reads a table with the site files' allow-list of formats (CSV, GeoJSON, GeoPackage,
 * KML, GPX, FlatGeobuf, Shapefile; URLs and /vsi paths refused) and limits (file size,
 * max_features rows). Errors name the file. Caller frees out with bm_table_free, also
 * after a failure. */
bm_status bm_table_read(const char *path, const bm_load_limits *lim, bm_table *out,
                        bm_error *err);
void bm_table_free(bm_table *t);
/* The index of a column (exact name first, then ignoring ASCII case), or -1. */
int bm_table_column(const bm_table *t, const char *name);

#endif
