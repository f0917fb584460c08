/* load/table.c — a batch's table of rows (CSV, GeoJSON, GeoPackage ...) through OGR,
 * with the site files' driver allow-list and limits (load/ogr.h). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdal_calls.h"
#include "core/util.h"
#include "load/load.h"
#include "load/ogr.h"

void bm_table_free(bm_table *t) {
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free(t->cells[i]);
  free(t->cells);
  for (size_t k = 0; k < t->ncols; k++)
    free(t->cols[k]);
  free(t->cols);
  for (size_t i = 0; t->geojson && i < t->nrows; i++)
    free(t->geojson[i]);
  free(t->geojson);
  free(t->bbox);
  free(t->has_bbox);
  memset(t, 0, sizeof *t);
}

int bm_table_column(const bm_table *t, const char *name) {
  for (size_t k = 0; k < t->ncols; k++)
    if (!strcmp(t->cols[k], name)) return (int)k;
  for (size_t k = 0; k < t->ncols; k++) /* Natural Earth's fields differ in case by release */
    if (!bm_strcasecmp(t->cols[k], name)) return (int)k;
  return -1;
}

/* Appends one row's cells (and its geometry's lon/lat box) to t. */
static bool add_row(bm_table *t, OGRFeatureH feat, OGRCoordinateTransformationH ct) {
  char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *cells + 1);
  double(*bbox)[4] = realloc(t->bbox, (t->nrows + 1) * sizeof *bbox);
  bool *has = realloc(t->has_bbox, t->nrows + 1);
  char **gj = realloc(t->geojson, (t->nrows + 1) * sizeof *gj);
  if (cells) t->cells = cells;
  if (bbox) t->bbox = bbox;
  if (has) t->has_bbox = has;
  if (gj) t->geojson = gj;
  if (!cells || !bbox || !has || !gj) return false;
  t->geojson[t->nrows] = NULL;
  for (size_t k = 0; k < t->ncols; k++) {
    const char *v =
        OGR_F_IsFieldSetAndNotNull(feat, (int)k) ? OGR_F_GetFieldAsString(feat, (int)k) : "";
    gchar *valid = g_utf8_make_valid(v, -1); /* values reach Pango and file names */
    t->cells[t->nrows * t->ncols + k] = valid ? strdup(valid) : NULL;
    g_free(valid);
    if (!t->cells[t->nrows * t->ncols + k]) return false;
  }
  t->has_bbox[t->nrows] = false;
  OGRGeometryH g = OGR_F_GetGeometryRef(feat);
  if (g && !OGR_G_IsEmpty(g)) {
    OGRGeometryH c = OGR_G_Clone(g);
    if (c && (!ct || OGR_G_Transform(c, ct) == OGRERR_NONE)) {
      OGREnvelope e;
      OGR_G_GetEnvelope(c, &e);
      if (e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -90 && e.MaxY <= 90) {
        t->bbox[t->nrows][0] = e.MinX, t->bbox[t->nrows][1] = e.MinY;
        t->bbox[t->nrows][2] = e.MaxX, t->bbox[t->nrows][3] = e.MaxY;
        t->has_bbox[t->nrows] = true;
        char *json = OGR_G_ExportToJson(c);
        if (json) t->geojson[t->nrows] = strdup(json);
        CPLFree(json);
      }
    }
    if (c) OGR_G_DestroyGeometry(c);
  }
  t->nrows++;
  return true;
}

bm_status bm_table_read(const char *path, const bm_load_limits *limits, bm_table *out,
                        bm_error *err) {
  memset(out, 0, sizeof *out);
  if (strstr(path, "://") || !strncmp(path, "/vsi", 4))
    return bm_error_set(err, BM_ERR_USAGE, path, 0, 0,
                        "a table must be a local file, not a URL or a /vsi path");
  bm_load_limits lim = bm_load_limits_resolve(limits);
  bm_status st = bm_ogr_check_size("table", path, path, 0, 0, &lim, err);
  if (st) return st;
  char ext[16], dup[128];
  bm_path_ext(path, ext, sizeof ext);
  if (!strcmp(ext, "csv") && !bm_ogr_csv_header_ok(path, dup, sizeof dup))
    return bm_error_set(err, BM_ERR_SPEC, path, 1, 0,
                        "the table's first line names the column '%s' twice; name each column "
                        "once",
                        dup);
  char what[1100];
  snprintf(what, sizeof what, "the table '%s'", path);
  if ((st = bm_gdal_need(what, err))) return st;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  GDALDatasetH ds =
      GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, bm_ogr_site_drivers, NULL, NULL);
  if (!ds && !strcmp(ext, "csv")) { /* GDAL's CSV driver reads no file of one column */
    FILE *f = fopen(path, "rb");
    char head[4096] = "";
    if (f && !fgets(head, sizeof head, f)) head[0] = '\0';
    if (f) fclose(f);
    if (!strpbrk(head, ",;\t")) {
      CPLPopErrorHandler();
      return bm_error_set(err, BM_ERR_SPEC, path, 1, 1,
                          "a CSV table needs at least two columns (GDAL reads no one-column "
                          "CSV); add one, e.g. a row number");
    }
  }
  if (!ds) {
    char why[400];
    bm_ogr_last_error(why, sizeof why);
    CPLPopErrorHandler();
    return bm_error_set(err, BM_ERR_SPEC, path, 0, 0,
                        "the table cannot be read%s; valid formats are CSV, GeoJSON, GeoPackage, "
                        "KML, GPX, FlatGeobuf and Shapefile",
                        why);
  }
  if (GDALDatasetGetLayerCount(ds) < 1) {
    GDALClose(ds);
    CPLPopErrorHandler();
    return bm_error_set(err, BM_ERR_SPEC, path, 0, 0, "the table has no layer");
  }
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0); /* one table: the file's first layer */
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  out->ncols = (size_t)OGR_FD_GetFieldCount(defn);
  out->cols = calloc(out->ncols + 1, sizeof *out->cols);
  for (size_t k = 0; out->cols && k < out->ncols; k++)
    out->cols[k] = strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, (int)k)));
  out->has_geometry = OGR_FD_GetGeomType(defn) != wkbNone;
  OGRSpatialReferenceH wgs84 = bm_ogr_wgs84_new();
  OGRCoordinateTransformationH ct = out->has_geometry ? bm_ogr_to_wgs84(layer, wgs84) : NULL;
  OGR_L_ResetReading(layer);
  OGRFeatureH feat;
  while (!st && (feat = OGR_L_GetNextFeature(layer))) {
    if ((long)out->nrows >= lim.max_features)
      st = bm_error_set(err, BM_ERR_SPEC, path, 0, 0,
                        "the table has more than %ld rows, the limit; raise it with "
                        "--max-features N",
                        lim.max_features);
    else if (!out->cols || !add_row(out, feat, ct))
      st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    OGR_F_Destroy(feat);
  }
  if (!st && out->nrows == 0)
    st = bm_error_set(err, BM_ERR_SPEC, path, 0, 0, "the table has no rows");
  if (ct) OCTDestroyCoordinateTransformation(ct);
  OSRDestroySpatialReference(wgs84);
  GDALClose(ds);
  CPLPopErrorHandler();
  return st;
}
