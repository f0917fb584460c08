/* load/ogr.h — what load/'s two OGR readers (sites.c, areas.c) share;
 * private to load/. */
#ifndef BM_LOAD_OGR_H
#define BM_LOAD_OGR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/gdal_calls.h"

#include "load/load.h"

/* Formats a site file (and a batch table) may be in. Anything else (and every network or
 * /vsi path) is refused: a map spec must not make bordermap fetch or open arbitrary things. */
extern const char *const bm_ogr_site_drivers[];

/* The header of a CSV file: a column named twice (say "lon,lon") is refused
 * before GDAL sees the file, whose CSV driver (3.6) crashes on some such files
 * when it looks for the lon/lat columns. False with the name in dup. */
bool bm_ogr_csv_header_ok(const char *path, char *dup, size_t n);

/* Lon/lat WGS84 in traditional GIS axis order (lon first); caller destroys it
 * with OSRDestroySpatialReference. */
OGRSpatialReferenceH bm_ogr_wgs84_new(void);

/* A transform from the layer's CRS to lon/lat WGS84 (traditional axis
 * order), or NULL when the layer is already in it or has no CRS. The caller
 * destroys it with OCTDestroyCoordinateTransformation. */
OGRCoordinateTransformationH bm_ogr_to_wgs84(OGRLayerH layer, OGRSpatialReferenceH wgs84);

/* GDAL's last error message on this thread as " (GDAL: <message>)", or "" when
 * there is none; for "cannot be read" errors. Call CPLErrorReset before the call. */
void bm_ogr_last_error(char *buf, size_t n);

/* The limits with every 0 field set to its default. */
bm_load_limits bm_load_limits_resolve(const bm_load_limits *lim);
/* A spec error when the file at path is larger than lim->max_file_mb. */
bm_status bm_ogr_check_size(const char *what, const char *path, const char *spec_path, int line,
                            int col, const bm_load_limits *lim, bm_error *err);

#endif
