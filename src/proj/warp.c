/* proj/warp.c — GDAL's warper into an in-memory grid of the map's CRS. */
#include "proj/warp.h"

#include <math.h>
#include <stdio.h>

#include "core/gdal_calls.h"

bm_status bm_warp_to_grid(void *src, const char *definition, const double gt[6], int w, int h,
                          bool cubic, float *out, bm_error *err) {
  bm_status need = bm_gdal_need("the relief's warp", err);
  if (need) return need;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  bm_status st = BM_OK;
  void *tr = NULL;
  GDALWarpOptions *wo = NULL;
  GDALWarpOperationH op = NULL;
  OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
  GDALDatasetH dst = GDALCreate(GDALGetDriverByName("MEM"), "", w, h, 1, GDT_Float32, NULL);
  if (!srs || !dst) {
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory (relief grid)");
    goto done;
  }
  if (OSRSetFromUserInput(srs, definition) != OGRERR_NONE) {
    st = bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0,
                      "GDAL cannot read the map's projection '%s': %s", definition,
                      CPLGetLastErrorMsg());
    goto done;
  }
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  GDALSetGeoTransform(dst, (double *)gt);
  GDALSetSpatialRef(dst, srs);
  GDALRasterBandH db = GDALGetRasterBand(dst, 1);
  if (!(tr = GDALCreateGenImgProjTransformer2((GDALDatasetH)src, dst, NULL))) {
    st = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                      "relief: GDAL cannot transform the raster into the map's projection: %s",
                      CPLGetLastErrorMsg());
    goto done;
  }
  wo = GDALCreateWarpOptions();
  wo->hSrcDS = (GDALDatasetH)src;
  wo->hDstDS = dst;
  wo->nBandCount = 1;
  wo->panSrcBands = CPLMalloc(sizeof(int));
  wo->panDstBands = CPLMalloc(sizeof(int));
  wo->panSrcBands[0] = wo->panDstBands[0] = 1;
  /* GDAL's approximate transformer: exact PROJ calls on a coarse grid, interpolated to
   * within an eighth of a pixel in between (gdalwarp's default -et 0.125) */
  wo->pTransformerArg = GDALCreateApproxTransformer(GDALGenImgProjTransform, tr, 0.125);
  wo->pfnTransformer = GDALApproxTransform;
  wo->eResampleAlg = cubic ? GRA_Cubic : GRA_Bilinear;
  wo->eWorkingDataType = GDT_Float32;
  int has_nodata = 0;
  double nodata = GDALGetRasterNoDataValue(GDALGetRasterBand((GDALDatasetH)src, 1), &has_nodata);
  if (has_nodata) {
    wo->padfSrcNoDataReal = CPLMalloc(sizeof(double));
    wo->padfSrcNoDataReal[0] = nodata;
  }
  /* cells the source does not reach keep a sentinel, made NaN below: a destination nodata
   * value would take the warper off its fast path (it doubles the time) */
  wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "-1e30");
  /* both cores: the warp is the relief's largest cost */
  wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "NUM_THREADS", "ALL_CPUS");
  if (!(op = GDALCreateWarpOperation(wo)) || GDALChunkAndWarpImage(op, 0, 0, w, h) != CE_None ||
      GDALRasterIO(db, GF_Read, 0, 0, w, h, out, w, h, GDT_Float32, 0, 0) != CE_None)
    st = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0, "relief: GDAL's warper failed: %s",
                      CPLGetLastErrorMsg());
  for (size_t i = 0; !st && i < (size_t)w * h; i++)
    if (out[i] < -1e29f) out[i] = NAN;

done:
  if (op) GDALDestroyWarpOperation(op);
  if (wo) {
    if (wo->pTransformerArg) GDALDestroyApproxTransformer(wo->pTransformerArg);
    GDALDestroyWarpOptions(wo);
  }
  if (tr) GDALDestroyGenImgProjTransformer(tr);
  if (dst) GDALClose(dst);
  if (srs) OSRDestroySpatialReference(srs);
  CPLPopErrorHandler();
  return st;
}
