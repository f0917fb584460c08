/* core/home.c — where bordermap's own shared files are (see bm_home_dir in util.h). */
#define _GNU_SOURCE /* dladdr */

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#ifndef BM_BIN_TO_SHARE
#define BM_BIN_TO_SHARE "../share/bordermap"
#endif
#ifndef BM_LIB_TO_SHARE
#define BM_LIB_TO_SHARE "../share/bordermap"
#endif

/* True when dir/rel holds a styles/ folder; writes the cleaned path into buf. */
static bool try_home(const char *dir, const char *rel, char *buf, size_t n) {
  char joined[PATH_MAX + 64], real[PATH_MAX], styles[PATH_MAX + 16];
  if (snprintf(joined, sizeof joined, "%s%s%s", dir, *rel ? "/" : "", rel) >= (int)sizeof joined)
    return false;
  if (!realpath(joined, real)) return false;
  snprintf(styles, sizeof styles, "%s/styles", real);
  if (!bm_dir_exists(styles)) return false;
  return snprintf(buf, n, "%s", real) < (int)n;
}

/* The folder of the file (program or shared library) this code was loaded from. */
static bool code_dir(const char *file, char *dir, size_t n) {
  char real[PATH_MAX];
  if (!file || !strchr(file, '/') || !realpath(file, real)) return false;
  char *slash = strrchr(real, '/');
  *slash = '\0';
  return snprintf(dir, n, "%s", real[0] ? real : "/") < (int)n;
}

bool bm_home_dir(char *buf, size_t n) {
  const char *env = getenv("BORDERMAP_HOME");
  if (env && *env) return snprintf(buf, n, "%s", env) < (int)n;
  /* Installed: share/bordermap relative to the binary or to libbordermap.so, so that a moved
   * prefix still works. dladdr names the shared library; for the program itself it may give
   * argv[0], so /proc/self/exe is asked too. */
  const char *files[2] = {NULL, "/proc/self/exe"};
  Dl_info info;
  if (dladdr((void *)bm_home_dir, &info) && info.dli_fname) files[0] = info.dli_fname;
  for (int i = 0; i < 2; i++) {
    char dir[PATH_MAX];
    if (!code_dir(files[i], dir, sizeof dir)) continue;
    if (try_home(dir, BM_BIN_TO_SHARE, buf, n) || try_home(dir, BM_LIB_TO_SHARE, buf, n))
      return true;
  }
#ifdef BM_SOURCE_DIR
  /* An uninstalled build runs from its build folder: the source tree has the files. */
  if (try_home(BM_SOURCE_DIR, "", buf, n)) return true;
#endif
  return false;
}
