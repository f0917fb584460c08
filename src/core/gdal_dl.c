/* core/gdal_dl.c — dlopen()s GDAL on first use and fills the table of its functions
 * (see gdal_dl.h for why). */
#include "core/gdal_calls.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* GDAL's soname, from the library CMake found (CMakeLists.txt reads its DT_SONAME). */
#ifndef BM_GDAL_SONAME
#error "BM_GDAL_SONAME (GDAL's soname, e.g. libgdal.so.32) is set by CMakeLists.txt"
#endif

bm_gdal_table bm_gdal;

/* RTLD_DEEPBIND: GDAL's ~110 libraries look their own symbols up among themselves first,
 * instead of first missing in each of the ~85 libraries bordermap links (callgrind: 164 M
 * instructions for `bordermap --version` instead of 282 M; 204 M when GDAL was linked). So
 * GDAL calls malloc/free of its own scope: memory never changes owner across the boundary
 * (load/sites.c hands GDAL only buffers it keeps or that CPLMalloc made). The sanitizers'
 * runtimes refuse RTLD_DEEPBIND (their malloc must serve everyone): plain lookup there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                     \
    __has_feature(memory_sanitizer)
#define BM_SANITIZED 1
#endif
#endif
#ifdef BM_SANITIZED
#define BM_DLOPEN_FLAGS (RTLD_LAZY | RTLD_LOCAL)
#else
#define BM_DLOPEN_FLAGS (RTLD_LAZY | RTLD_LOCAL | RTLD_DEEPBIND)
#endif

static pthread_once_t open_once = PTHREAD_ONCE_INIT, register_once = PTHREAD_ONCE_INIT;
static bool opened;
static char open_failure[700]; /* why the library could not be loaded, when !opened */

/* Opens soname and resolves every function into *t; false with the reason in why. */
static bool open_into(const char *soname, bm_gdal_table *t, char *why, size_t n) {
  /* RTLD_LOCAL: nothing else in the process binds to GDAL's symbols by accident */
  void *lib = dlopen(soname, BM_DLOPEN_FLAGS);
  if (!lib) {
    const char *e = dlerror();
    snprintf(why, n, "its library %s cannot be loaded (%s); install GDAL's shared library",
             soname, e ? e : "unknown reason");
    return false;
  }
  bm_gdal_table got;
#define BM_GDAL_RESOLVE(name)                                                                  \
  if (!(got.p_##name = (__typeof__(got.p_##name))dlsym(lib, #name))) {                         \
    snprintf(why, n, "its library %s has no function %s (older than the GDAL bordermap was "  \
             "built with?)", soname, #name);                                                   \
    return false;                                                                              \
  }
  BM_GDAL_FUNCTIONS(BM_GDAL_RESOLVE)
#undef BM_GDAL_RESOLVE
  /* the library stays loaded for the life of the process: its objects outlive any caller */
  *t = got;
  return true;
}

static void open_process_gdal(void) {
  opened = open_into(BM_GDAL_SONAME, &bm_gdal, open_failure, sizeof open_failure);
}

static void register_drivers(void) {
  pthread_once(&open_once, open_process_gdal);
  if (opened) GDALAllRegister();
}

bm_status bm_gdal_need(const char *what, bm_error *err) {
  pthread_once(&register_once, register_drivers);
  if (opened) return BM_OK;
  return bm_error_set(err, BM_ERR_DATA, NULL, 0, 0, "%s needs GDAL, but %s", what,
                      open_failure);
}

const char *bm_gdal_release(void) {
  pthread_once(&open_once, open_process_gdal);
  const char *r = opened ? GDALVersionInfo("RELEASE_NAME") : NULL;
  return r ? r : "unavailable";
}

bm_status bm_gdal_try_load(const char *soname, const char *what, bm_error *err) {
  bm_gdal_table t;
  char why[700];
  if (open_into(soname, &t, why, sizeof why)) return BM_OK;
  return bm_error_set(err, BM_ERR_DATA, NULL, 0, 0, "%s needs GDAL, but %s", what, why);
}
