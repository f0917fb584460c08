/* proj/warp.h — a raster into the map's projection, by GDAL's warper.
 *
 * bm_warp_to_grid resamples band 1 of a georeferenced GDAL dataset into a grid of the map's
 * CRS (a PROJ definition) with the given geotransform, through GDAL's own machinery:
 * GDALCreateGenImgProjTransformer2 (PROJ underneath, with GDAL's approximation to within
 * an eighth of a pixel) and a GDALWarpOperation. Nothing here resamples by hand.
 */
#ifndef BM_PROJ_WARP_H
#define BM_PROJ_WARP_H

#include <stdbool.h>

#include "core/error.h"

/* src: a GDALDatasetH. out: w x h floats, row by row from the top; cells the source does not
 * reach (or its nodata) are NaN. cubic: cubic convolution (smooth slopes from a coarser
 * DEM), else bilinear. */
bm_status bm_warp_to_grid(void *src, const char *definition, const double gt[6], int w, int h,
                          bool cubic, float *out, bm_error *err);

#endif
