/* load/ogr.h — what load/'s two OGR readers (sites.c, areas.c) share;
 * private to load/. */
#ifndef BM_LOAD_OGR_H
#define BM_LOAD_OGR_H

#include <stddef.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

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

#endif
