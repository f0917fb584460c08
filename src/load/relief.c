/* load/relief.c — the window of a raster under the map, read at the map's resolution. */
#include "load/relief.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdal_calls.h"

#include "load/ogr.h"

void bm_raster_window_free(bm_raster_window *w) {
  if (w->ds) GDALClose((GDALDatasetH)w->ds);
  w->ds = NULL;
}

static bm_status fail(const bm_raster_request *rq, bm_error *err, const char *fmt, const char *why) {
  char what[900];
  snprintf(what, sizeof what, fmt, why);
  return bm_error_set(err, BM_ERR_DATA, rq->path, 0, 0, "relief (%s:%d:%d): %s", rq->spec_path,
                      rq->line, rq->col, what);
}

/* The overview GDAL's RasterIO takes when it decimates band by factor f: the coarsest one
 * not coarser than f. Returns its factor (1: full resolution). */
static double overview_factor(GDALRasterBandH band, double f) {
  double best = 1;
  int full = GDALGetRasterBandXSize(band);
  for (int i = 0; i < GDALGetOverviewCount(band); i++) {
    GDALRasterBandH o = GDALGetOverview(band, i);
    if (!o || GDALGetRasterBandXSize(o) <= 0) continue;
    double of = (double)full / GDALGetRasterBandXSize(o);
    if (of <= f * 1.2 && of > best) best = of;
  }
  return best;
}

/* The raster's CRS (traditional lon/lat axis order), or lon/lat WGS84 with a warning when it
 * has none but its box fits the earth in degrees; NULL when it has none otherwise. */
static OGRSpatialReferenceH raster_srs(GDALDatasetH ds, const double gt[6], bm_raster_window *out,
                                       const char *path) {
  OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
  if (srs) {
    srs = OSRClone(srs);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
  }
  int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
  double x0 = gt[0], x1 = gt[0] + w * gt[1] + h * gt[2];
  double y0 = gt[3], y1 = gt[3] + w * gt[4] + h * gt[5];
  if (fmin(x0, x1) < -180.5 || fmax(x0, x1) > 360.5 || fmin(y0, y1) < -90.5 || fmax(y0, y1) > 90.5)
    return NULL;
  snprintf(out->warning[out->nwarnings++], sizeof out->warning[0],
           "%s: relief raster has no CRS; its coordinates fit the earth in degrees, so it was "
           "taken as longitude/latitude WGS84 (give it a .prj, or gdal_translate -a_srs, to say)",
           path);
  return bm_ogr_wgs84_new();
}

bm_status bm_raster_read(const bm_raster_request *rq, const double *lonlat, size_t n, int frame_w,
                         int frame_h, bm_raster_window *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  char what[1100];
  snprintf(what, sizeof what, "the relief raster '%s'", rq->path);
  bm_status need = bm_gdal_need(what, err);
  if (need) return need;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  bm_status st = BM_OK;
  OGRSpatialReferenceH srs = NULL, wgs84 = NULL;
  OGRCoordinateTransformationH ct = NULL;
  double *x = NULL, *y = NULL;
  int *ok = NULL;
  float *buf = NULL;
  char why[600];
  /* a compressed GeoTIFF's blocks are then decoded on every core (the same values); the
   * driver reads the setting when it opens the file */
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "ALL_CPUS");
  GDALDatasetH ds = GDALOpenEx(rq->path, GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                               NULL, NULL, NULL);
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", NULL);
  if (!ds) {
    bm_ogr_last_error(why, sizeof why);
    st = fail(rq, err, "GDAL cannot open it as a raster%s", why);
    goto done;
  }
  double gt[6], inv[6];
  if (GDALGetGeoTransform(ds, gt) != CE_None || !GDALInvGeoTransform(gt, inv)) {
    st = fail(rq, err,
              "the raster has no georeferencing (no geotransform%s): bordermap cannot tell where "
              "it lies. Georeference it first, e.g. gdal_translate -a_srs EPSG:4326 -a_ullr "
              "WEST NORTH EAST SOUTH, or a world file",
              GDALGetGCPCount(ds) > 0 ? "; it has only ground control points: gdalwarp it" : "");
    goto done;
  }
  if (!(srs = raster_srs(ds, gt, out, rq->path))) {
    st = fail(rq, err,
              "the raster has no CRS and its coordinates are not longitude/latitude; give it "
              "one (a .prj, or gdal_translate -a_srs EPSG:nnnn)%s",
              "");
    goto done;
  }
  wgs84 = bm_ogr_wgs84_new();
  if (!(ct = OCTNewCoordinateTransformation(wgs84, srs))) {
    bm_ogr_last_error(why, sizeof why);
    st = fail(rq, err, "GDAL cannot transform longitude/latitude into the raster's CRS%s", why);
    goto done;
  }
  x = malloc((n + 1) * sizeof *x);
  y = malloc((n + 1) * sizeof *y);
  ok = malloc((n + 1) * sizeof *ok);
  if (!x || !y || !ok) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    x[i] = lonlat[2 * i];
    y[i] = lonlat[2 * i + 1];
  }
  OCTTransformEx(ct, (int)n, x, y, NULL, ok);
  /* the frame's samples in the file's pixels: their box is the window */
  double px0 = INFINITY, py0 = INFINITY, px1 = -INFINITY, py1 = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (!ok[i] || !isfinite(x[i]) || !isfinite(y[i])) continue;
    double px = inv[0] + x[i] * inv[1] + y[i] * inv[2], py = inv[3] + x[i] * inv[4] + y[i] * inv[5];
    px0 = fmin(px0, px), px1 = fmax(px1, px), py0 = fmin(py0, py), py1 = fmax(py1, py);
  }
  int W = GDALGetRasterXSize(ds), H = GDALGetRasterYSize(ds);
  /* the decimation that reads about one file pixel per map pixel (the finer axis) */
  double f = fmax(1, fmin((px1 - px0) / fmax(frame_w, 1), (py1 - py0) / fmax(frame_h, 1)));
  /* a margin of a few map pixels, so the warper's kernel and the slopes at the frame's
   * edge have neighbours */
  double margin = 4 * f + 2;
  int x0 = (int)fmax(0, floor(px0 - margin)), y0 = (int)fmax(0, floor(py0 - margin));
  int x1 = (int)fmin(W, ceil(px1 + margin)), y1 = (int)fmin(H, ceil(py1 + margin));
  if (!(px1 >= px0) || x1 - x0 < 2 || y1 - y0 < 2) {
    snprintf(out->warning[out->nwarnings++], sizeof out->warning[0],
             "%s: relief raster does not cover the map (it spans %g, %g to %g, %g in its CRS); "
             "the map is drawn without relief",
             rq->path, gt[0], gt[3] + H * gt[5], gt[0] + W * gt[1], gt[3]);
    goto done;
  }
  out->win_w = x1 - x0;
  out->win_h = y1 - y0;
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  double ovr = overview_factor(band, f);
  out->read_mpx = (double)out->win_w * out->win_h / (ovr * ovr) / 1e6;
  double limit = rq->max_mpx > 0 ? rq->max_mpx : BM_LIMIT_RELIEF_MPX;
  if (out->read_mpx > limit) {
    char msg[600];
    snprintf(msg, sizeof msg,
             "the map needs a %d x %d pixel window of the raster%s: %.0f megapixels to read, "
             "over the limit of %g; add overviews (gdaladdo -r average FILE) or use a coarser "
             "file, or raise the limit with --max-relief-mpx N",
             out->win_w, out->win_h, ovr > 1 ? " (from its best overview)" : " (it has no overviews)",
             out->read_mpx, limit);
    st = fail(rq, err, "%s", msg);
    goto done;
  }
  out->w = (int)fmax(2, ceil(out->win_w / f));
  out->h = (int)fmax(2, ceil(out->win_h / f));
  buf = malloc((size_t)out->w * out->h * sizeof *buf);
  if (!buf) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  GDALRasterIOExtraArg extra;
  INIT_RASTERIO_EXTRA_ARG(extra);
  extra.eResampleAlg = f > 1 ? GRIORA_Average : GRIORA_NearestNeighbour;
  CPLErrorReset();
  if (GDALRasterIOEx(band, GF_Read, x0, y0, out->win_w, out->win_h, buf, out->w, out->h,
                     GDT_Float32, 0, 0, &extra) != CE_None) {
    bm_ogr_last_error(why, sizeof why);
    st = fail(rq, err, "GDAL cannot read its pixels%s", why);
    goto done;
  }
  /* the window as an in-memory dataset, georeferenced for the warper */
  GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", out->w, out->h, 1, GDT_Float32, NULL);
  if (!mem) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory (relief window)");
    goto done;
  }
  double sx = (double)out->win_w / out->w, sy = (double)out->win_h / out->h;
  double wgt[6] = {gt[0] + x0 * gt[1] + y0 * gt[2], gt[1] * sx, gt[2] * sy,
                   gt[3] + x0 * gt[4] + y0 * gt[5], gt[4] * sx, gt[5] * sy};
  GDALSetGeoTransform(mem, wgt);
  GDALSetSpatialRef(mem, srs);
  GDALRasterBandH mb = GDALGetRasterBand(mem, 1);
  int has_nodata = 0;
  double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  if (has_nodata) GDALSetRasterNoDataValue(mb, nodata);
  if (GDALRasterIO(mb, GF_Write, 0, 0, out->w, out->h, buf, out->w, out->h, GDT_Float32, 0, 0) !=
      CE_None) {
    GDALClose(mem);
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory (relief window)");
    goto done;
  }
  out->ds = mem;

done:
  free(buf);
  free(x);
  free(y);
  free(ok);
  if (ct) OCTDestroyCoordinateTransformation(ct);
  if (srs) OSRDestroySpatialReference(srs);
  if (wgs84) OSRDestroySpatialReference(wgs84);
  if (ds) GDALClose(ds);
  CPLPopErrorHandler();
  return st;
}
