#include <cpl_error.h>
#include <gdal.h>
#include <glib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "load/load.h"
#include "load/ogr.h"

const char *const bm_ogr_site_drivers[] = {
    "GeoJSON", "CSV", "GPKG", "KML", "LIBKML", "GPX", "FlatGeobuf", "ESRI Shapefile", NULL};

static int field_index(OGRFeatureDefnH defn, const char *const *names) {
  for (const char *const *n = names; *n; n++) {
    int i = OGR_FD_GetFieldIndex(defn, *n);
    if (i >= 0) return i;
    for (int k = 0; k < OGR_FD_GetFieldCount(defn); k++)
      if (!bm_strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k)), *n)) return k;
  }
  return -1;
}

bool bm_ogr_csv_header_ok(const char *path, char *dup, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return true; /* GDAL says why it cannot be read */
  char line[8192];
  bool ok = true;
  if (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *cols[256];
    int nc = 0;
    for (char *save = NULL, *t = strtok_r(line, ",;\t", &save); t && nc < 256;
         t = strtok_r(NULL, ",;\t", &save)) {
      while (*t == ' ' || *t == '"')
        t++;
      size_t k = strlen(t);
      while (k && (t[k - 1] == ' ' || t[k - 1] == '"'))
        t[--k] = '\0';
      for (int i = 0; ok && i < nc; i++)
        if (*t && !bm_strcasecmp(cols[i], t)) {
          snprintf(dup, n, "%s", t);
          ok = false;
        }
      cols[nc++] = t;
    }
  }
  fclose(f);
  return ok;
}

bm_load_limits bm_load_limits_resolve(const bm_load_limits *lim) {
  bm_load_limits l = lim ? *lim : (bm_load_limits){0};
  if (l.max_file_mb <= 0) l.max_file_mb = BM_LIMIT_FILE_MB;
  if (l.max_features <= 0) l.max_features = BM_LIMIT_FEATURES;
  if (l.max_parts <= 0) l.max_parts = BM_LIMIT_PARTS;
  if (l.max_vertices <= 0) l.max_vertices = BM_LIMIT_VERTICES;
  return l;
}

bm_status bm_ogr_check_size(const char *what, const char *path, const char *spec_path, int line,
                            int col, const bm_load_limits *lim, bm_error *err) {
  struct stat sb;
  if (stat(path, &sb) != 0 || (double)sb.st_size <= lim->max_file_mb * 1048576.0) return BM_OK;
  return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                      "%s '%s' is %.1f MB, over the limit of %g MB for a file a map spec names; "
                      "raise it with --max-file-mb MB",
                      what, path, (double)sb.st_size / 1048576.0, lim->max_file_mb);
}

void bm_ogr_last_error(char *buf, size_t n) {
  const char *m = CPLGetLastErrorMsg();
  if (CPLGetLastErrorType() == CE_None || !m || !*m) {
    snprintf(buf, n, "%s", "");
    return;
  }
  snprintf(buf, n, " (GDAL: %s)", m);
}

OGRSpatialReferenceH bm_ogr_wgs84_new(void) {
  OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
  OSRSetWellKnownGeogCS(wgs84, "WGS84");
  OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  return wgs84;
}

OGRCoordinateTransformationH bm_ogr_to_wgs84(OGRLayerH layer, OGRSpatialReferenceH wgs84) {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  if (!srs || OSRIsSame(srs, wgs84)) return NULL;
  OGRSpatialReferenceH src = OSRClone(srs);
  OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, wgs84);
  OSRDestroySpatialReference(src);
  return ct;
}

bm_status bm_sites_read_ogr(const bm_site_file *file, bm_spec *spec, bm_error *err) {
  return bm_sites_read_ogr_limited(file, spec, NULL, err);
}

bm_status bm_sites_read_ogr_limited(const bm_site_file *file, bm_spec *spec,
                                    const bm_load_limits *limits, bm_error *err) {
  const char *path = file->path;
  const char *sf = spec->path;
  if (strstr(path, "://") || !strncmp(path, "/vsi", 4))
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s': only local files can be read, not URLs or /vsi paths",
                        path);
  bm_load_limits lim = bm_load_limits_resolve(limits);
  bm_status sst =
      bm_ogr_check_size("site file", path, sf, file->pos.line, file->pos.col, &lim, err);
  if (sst) return sst;
  GDALAllRegister();
  static const char *const csv_opts[] = {"X_POSSIBLE_NAMES=lon,longitude,lng,x",
                                         "Y_POSSIBLE_NAMES=lat,latitude,y", "KEEP_GEOM_COLUMNS=NO",
                                         NULL};
  char ext[16], dup[128];
  bm_path_ext(path, ext, sizeof ext);
  if (!strcmp(ext, "csv") && !bm_ogr_csv_header_ok(path, dup, sizeof dup))
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s': its first line names the column '%s' twice; each "
                        "column (name, lon, lat, kind, note, approximate) once",
                        path, dup);
  /* GDAL would print its warnings to stderr; library code stays quiet */
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, bm_ogr_site_drivers,
                               strcmp(ext, "csv") ? NULL : csv_opts, NULL);
  if (!ds) {
    char why[400];
    bm_ogr_last_error(why, sizeof why);
    CPLPopErrorHandler();
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s' cannot be read%s; valid formats are GeoJSON, CSV with "
                        "lon/lat columns, GeoPackage, KML, GPX, FlatGeobuf and Shapefile",
                        path, why);
  }
  bm_status st = BM_OK;
  OGRSpatialReferenceH wgs84 = bm_ogr_wgs84_new();
  size_t added = 0;
  for (int li = 0; !st && li < GDALDatasetGetLayerCount(ds); li++) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, li);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    static const char *const name_f[] = {"name", "title", "label", NULL};
    static const char *const kind_f[] = {"kind", "type", NULL};
    static const char *const note_f[] = {"note", "description", NULL};
    static const char *const approx_f[] = {"approximate", NULL};
    int fname = field_index(defn, name_f), fkind = field_index(defn, kind_f),
        fnote = field_index(defn, note_f), fapprox = field_index(defn, approx_f);
    if (fname < 0) {
      st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s' (layer %s) has no 'name' field; each site needs a name",
                        path, OGR_L_GetName(layer));
      break;
    }
    OGRCoordinateTransformationH ct = bm_ogr_to_wgs84(layer, wgs84);
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    long fid = 0;
    while (!st && (feat = OGR_L_GetNextFeature(layer))) {
      fid++;
      if ((long)added >= lim.max_features) {
        st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                          "site file '%s' has more than %ld sites, the limit for one site file; "
                          "raise it with --max-features N",
                          path, lim.max_features);
        OGR_F_Destroy(feat);
        break;
      }
      OGRGeometryH g = OGR_F_GetGeometryRef(feat);
      const char *name = OGR_F_GetFieldAsString(feat, fname);
      bm_site site = {.pos = file->pos};
      if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint || !name || !*name) {
        st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                          "site file '%s': feature %ld needs a point geometry and a name", path,
                          fid);
        OGR_F_Destroy(feat);
        break;
      }
      double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
      if (ct && !OCTTransform(ct, 1, &x, &y, NULL)) x = y = 1e9;
      if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) {
        st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                          "site file '%s': site '%s' has coordinates outside lon -180..180, "
                          "lat -90..90",
                          path, name);
        OGR_F_Destroy(feat);
        break;
      }
      site.lon = x;
      site.lat = y;
      site.name = (char *)name;
      if (fkind >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fkind)) {
        const char *k = OGR_F_GetFieldAsString(feat, fkind);
        if (*k && !bm_site_kind_parse(k, &site.kind)) { /* an empty cell: generic */
          st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                            "site file '%s': site '%s' has unknown kind '%s'; valid kinds are: %s",
                            path, name, k, bm_site_kind_list());
          OGR_F_Destroy(feat);
          break;
        }
      }
      if (fnote >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fnote)) {
        const char *n = OGR_F_GetFieldAsString(feat, fnote);
        if (n && *n) site.note = (char *)n;
      }
      if (fapprox >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fapprox)) {
        const char *a = OGR_F_GetFieldAsString(feat, fapprox);
        site.approximate = !bm_strcasecmp(a, "true") || !strcmp(a, "1") || !bm_strcasecmp(a, "yes");
      }
      /* names from any file go to Pango: make them valid UTF-8 first */
      gchar *vname = g_utf8_make_valid(site.name, -1);
      gchar *vnote = site.note ? g_utf8_make_valid(site.note, -1) : NULL;
      site.name = vname;
      site.note = vnote;
      if (!vname || !bm_spec_add_site(spec, &site))
        st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      else
        added++;
      g_free(vname);
      g_free(vnote);
      OGR_F_Destroy(feat);
    }
    if (ct) OCTDestroyCoordinateTransformation(ct);
  }
  if (!st && added == 0)
    st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                      "site file '%s' has no sites", path);
  OSRDestroySpatialReference(wgs84);
  GDALClose(ds);
  CPLPopErrorHandler();
  return st;
}
