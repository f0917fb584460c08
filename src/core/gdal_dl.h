/* core/gdal_dl.h — GDAL, loaded at run time on first use.
 *
 * Linking libgdal costs every process ~50 ms in the dynamic loader (GDAL brings ~110 shared
 * libraries), though most maps never touch GDAL (Natural Earth is read with shapelib). So
 * neither bordermap nor libbordermap links it: this module dlopen()s GDAL's soname (found
 * at configure time from the library CMake found) the first time a site/area file, a relief
 * raster, a batch table, a layer's foreign .prj or the warper needs it.
 *
 * Code that calls GDAL includes core/gdal_calls.h instead of GDAL's headers, and makes
 * sure GDAL is there with bm_gdal_need before its first call (a function that only receives
 * a GDAL object, a dataset or a transform, can rely on whoever made it). This header is
 * the loading alone, free of GDAL's headers.
 */
#ifndef BM_CORE_GDAL_DL_H
#define BM_CORE_GDAL_DL_H

#include "core/error.h"

/* GDAL loaded and its drivers registered (once per process; every later call returns at
 * once). what names the thing that needs GDAL ("site file 'x.geojson'"), for the message.
 * When the library cannot be loaded: BM_ERR_DATA (exit 4) naming the library, dlerror()
 * and what needed it. Thread-safe: concurrent callers wait for one load. */
bm_status bm_gdal_need(const char *what, bm_error *err);

/* Loading GDAL on a thread of its own while the plan stage sets up fonts and PROJ was
 * tried and gave nothing: glibc holds its loader lock for the whole dlopen, so the font
 * set-up thread Pango starts waits behind it (measured on the story map, 25 runs). */

/* GDAL's release ("3.6.2") from the loaded library, loading it (without registering
 * drivers) if need be; "unavailable" when it cannot be loaded. */
const char *bm_gdal_release(void);

/* bm_gdal_need's loading, from the library called soname into a table of its own (the
 * process's stays untouched; the library stays loaded): BM_OK when every function resolves,
 * else BM_ERR_DATA with the message bm_gdal_need gives. For tests of the error path. */
bm_status bm_gdal_try_load(const char *soname, const char *what, bm_error *err);

#endif
