#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/gdal_calls.h"
#include "core/util.h"
#include "load/load.h"
#include "load/ogr.h"

/* The same allow-list as site files: no network, no arbitrary drivers. */
static const char *const allowed_drivers[] = {"GeoJSON",    "GPKG",           "KML", "LIBKML",
                                              "FlatGeobuf", "ESRI Shapefile", NULL};

/* Appends the rings of one polygon (outer and holes) to out. */
static bool add_polygon(OGRGeometryH poly, OGRCoordinateTransformationH ct, bm_geom *out,
                        bool *bad) {
  for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
    int n = OGR_G_GetPointCount(ring);
    if (n < 3) continue;
    if (!bm_geom_begin_part(out)) return false;
    for (int i = 0; i < n; i++) {
      double x = OGR_G_GetX(ring, i), y = OGR_G_GetY(ring, i);
      if (ct && !OCTTransform(ct, 1, &x, &y, NULL)) x = y = NAN;
      if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) {
        *bad = true;
        return true;
      }
      /* each edge takes the short way round: across 180 when that is shorter */
      if (i > 0) x = bm_lon_unwrap(x, out->xy[2 * out->npts - 2]);
      if (!bm_geom_add(out, x, y)) return false;
    }
  }
  return true;
}

/* Rings and points of a Polygon or MultiPolygon. */
static void count_polygon(OGRGeometryH g, long *parts, long *points) {
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
  if (t == wkbMultiPolygon) {
    for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
      count_polygon(OGR_G_GetGeometryRef(g, k), parts, points);
    return;
  }
  for (int r = 0; r < OGR_G_GetGeometryCount(g); r++) {
    (*parts)++;
    *points += OGR_G_GetPointCount(OGR_G_GetGeometryRef(g, r));
  }
}

bm_status bm_areas_read_ogr(const char *path, const char *spec_path, int line, int col,
                            bm_geom *out, bm_error *err) {
  return bm_areas_read_ogr_limited(path, spec_path, line, col, NULL, out, err);
}

bm_status bm_areas_read_ogr_limited(const char *path, const char *spec_path, int line, int col,
                                    const bm_load_limits *limits, bm_geom *out, bm_error *err) {
  bm_geom_init(out, BM_GEOM_POLYGON);
  if (strstr(path, "://") || !strncmp(path, "/vsi", 4))
    return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                        "area file '%s': only local files can be read, not URLs or /vsi paths",
                        path);
  bm_load_limits lim = bm_load_limits_resolve(limits);
  bm_status sst = bm_ogr_check_size("area file", path, spec_path, line, col, &lim, err);
  if (sst) return sst;
  char what[1100];
  snprintf(what, sizeof what, "area file '%s'", path);
  if ((sst = bm_gdal_need(what, err))) return sst;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  GDALDatasetH ds =
      GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, allowed_drivers, NULL, NULL);
  if (!ds) {
    char why[400];
    bm_ogr_last_error(why, sizeof why);
    CPLPopErrorHandler();
    return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                        "area file '%s' cannot be read%s; valid formats are GeoJSON, GeoPackage, "
                        "KML, FlatGeobuf and Shapefile",
                        path, why);
  }
  bm_status st = BM_OK;
  OGRSpatialReferenceH wgs84 = bm_ogr_wgs84_new();
  bool bad = false;
  for (int li = 0; !st && !bad && li < GDALDatasetGetLayerCount(ds); li++) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, li);
    OGRCoordinateTransformationH ct = bm_ogr_to_wgs84(layer, wgs84);
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    while (!st && !bad && (feat = OGR_L_GetNextFeature(layer))) {
      OGRGeometryH g = OGR_F_GetGeometryRef(feat);
      OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
      long parts = 0, points = 0;
      if (t == wkbPolygon || t == wkbMultiPolygon) count_polygon(g, &parts, &points);
      if (parts > lim.max_parts || points > lim.max_vertices) {
        bool p = parts > lim.max_parts;
        st = bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                          "area file '%s' has a feature with %ld %s, over the limit of %ld; "
                          "raise it with %s N",
                          path, p ? parts : points, p ? "parts (rings)" : "vertices",
                          p ? lim.max_parts : lim.max_vertices,
                          p ? "--max-parts" : "--max-vertices");
        OGR_F_Destroy(feat);
        break;
      }
      if (t == wkbPolygon) {
        if (!add_polygon(g, ct, out, &bad)) st = BM_ERR_NOMEM;
      } else if (t == wkbMultiPolygon) {
        for (int k = 0; !st && !bad && k < OGR_G_GetGeometryCount(g); k++)
          if (!add_polygon(OGR_G_GetGeometryRef(g, k), ct, out, &bad)) st = BM_ERR_NOMEM;
      }
      OGR_F_Destroy(feat);
    }
    if (ct) OCTDestroyCoordinateTransformation(ct);
  }
  OSRDestroySpatialReference(wgs84);
  GDALClose(ds);
  CPLPopErrorHandler();
  if (st == BM_ERR_NOMEM) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  if (st) return st;
  if (bad)
    return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                        "area file '%s' has coordinates outside lon -180..180, lat -90..90", path);
  if (out->nparts == 0)
    return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                        "area file '%s' has no polygons; an area needs Polygon or MultiPolygon "
                        "features",
                        path);
  return BM_OK;
}
