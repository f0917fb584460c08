/* load/relief.h — reading the window of an elevation (or hillshade) raster that a map needs.
 *
 * bm_raster_read opens any raster GDAL reads (GeoTIFF, a VRT of tiles, an ASCII grid ...),
 * finds the part of it under the map's frame (given as lon/lat points sampled over the
 * frame), and reads only that window, at about the map's own resolution: GDAL's RasterIO
 * decimates with an average and takes the file's overviews when it has them, so a 90 m
 * mosaic under a country-sized map reads a few megapixels, not gigabytes. A read that would
 * still touch more than max_mpx megapixels of the file (no overviews) is refused with an
 * error that names --max-relief-mpx and gdaladdo. The window is handed on as an in-memory
 * GDAL dataset (one Float32 band, georeferenced) for the project stage's warper.
 */
#ifndef BM_LOAD_RELIEF_H
#define BM_LOAD_RELIEF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Above this many megapixels read from the file, a relief read is refused (--max-relief-mpx). */
#define BM_LIMIT_RELIEF_MPX 250

typedef struct {
  const char *path;
  const char *spec_path; /* errors name the spec's relief key */
  int line, col;
  double max_mpx; /* 0: BM_LIMIT_RELIEF_MPX */
} bm_raster_request;

typedef struct {
  void *ds;         /* GDALDatasetH: the window in memory; NULL when the raster misses the map */
  int w, h;         /* its size in pixels */
  int win_w, win_h; /* the window in the file's full-resolution pixels */
  double read_mpx;  /* megapixels GDAL read from the file (from an overview when it has them) */
  /* warnings for the map's data_warnings: no CRS (taken as lon/lat), no coverage */
  char warning[2][480];
  int nwarnings;
} bm_raster_window;

/* lonlat: n lon/lat pairs sampled over the frame (points off the earth left out); the
 * frame is frame_w x frame_h pixels. A file GDAL cannot open, one without georeferencing,
 * one with a CRS GDAL cannot transform to, or a read over the limit: a data error (exit 4)
 * naming the file and GDAL's reason. A raster that does not reach the frame: BM_OK, out->ds
 * NULL and a warning. */
bm_status bm_raster_read(const bm_raster_request *rq, const double *lonlat, size_t n, int frame_w,
                         int frame_h, bm_raster_window *out, bm_error *err);
void bm_raster_window_free(bm_raster_window *w);

#endif
