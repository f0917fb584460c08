/* Tests of core/gdal_dl.c, GDAL loaded at run time: a map that needs no GDAL renders
 * without it ever being loaded (the ~50 ms its libraries cost the dynamic loader), a map
 * with a CSV site file loads it and draws the file's site (a GeoJSON file of plain points
 * does not), and a library that cannot be loaded is one data error naming it. This program links bordermap's library but not
 * GDAL, so libgdal appears in /proc/self/maps only when bordermap loads it.
 *
 * The renders run in this order on purpose: the first must find GDAL not loaded yet.
 * Data: BM_TEST_DATA (Natural Earth, unpacked); the renders are skipped without it. */
#define _GNU_SOURCE /* mkdtemp */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <bordermap.h>

#include "core/error.h"
#include "core/gdal_dl.h"

static char g_tmp[1024];

/* True when a file of GDAL's library is mapped into this process. */
static bool gdal_mapped(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof line, f))
    found = strstr(line, "/" BM_GDAL_SONAME) != NULL || strstr(line, "/libgdal.so") != NULL;
  fclose(f);
  return found;
}

static bool have_data(void) {
  struct stat st;
  return stat(BM_TEST_DATA "/ne_10m_admin_0_countries/ne_10m_admin_0_countries.shp", &st) == 0;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_true(fputs(text, f) >= 0);
  assert_int_equal(fclose(f), 0);
}

/* Renders the spec text (written to name in the scratch folder) to a PNG in memory; the
 * labels report goes to report. */
static void render(const char *name, const char *yaml, const char *report) {
  char spec_path[1200];
  snprintf(spec_path, sizeof spec_path, "%s/%s", g_tmp, name);
  write_file(spec_path, yaml);
  bordermap_error e;
  bordermap_spec *s = bordermap_spec_load(spec_path, &e);
  if (!s) fail_msg("%s:%d:%d: %s", e.file, e.line, e.column, e.message);
  bordermap_render_options o;
  bordermap_render_options_init(&o);
  o.data_dir = BM_TEST_DATA;
  o.labels_report = report;
  unsigned char *png = NULL;
  size_t len = 0;
  if (bordermap_render_memory(s, BORDERMAP_PNG, &o, &png, &len, &e))
    fail_msg("%s:%d:%d: %s", e.file, e.line, e.column, e.message);
  assert_true(len > 1000);
  bordermap_free(png);
  bordermap_spec_free(s);
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* Sites given in the spec, Natural Earth layers only: GDAL stays unloaded. */
static void test_map_without_gdal_files_never_loads_gdal(void **state) {
  (void)state;
  if (!have_data()) skip();
  assert_false(gdal_mapped());
  render("inline.yaml",
         "title: Inline sites\n"
         "extent: {bbox: [68, 36, 72, 40]}\n"
         "size: {width: 400, height: 300}\n"
         "sites:\n"
         "  - {name: Dushanbe, lon: 68.7791, lat: 38.5598, kind: city}\n",
         NULL);
  assert_false(gdal_mapped());
}

/* A GeoJSON file of plain points is read without GDAL (sites.c), and its site drawn; a
 * CSV site file is read through OGR: GDAL is loaded, and the file's site is drawn. */
static void test_map_with_site_file_loads_gdal(void **state) {
  (void)state;
  if (!have_data()) skip();
  char sites[1200], report[1200];
  snprintf(sites, sizeof sites, "%s/sites.geojson", g_tmp);
  snprintf(report, sizeof report, "%s/labels.json", g_tmp);
  write_file(sites, "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "
                    "\"properties\": {\"name\": \"Qurghonteppa\", \"kind\": \"city\"}, "
                    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [68.78, 37.84]}}]}\n");
  const char *spec = "title: Sites from a file\n"
                     "extent: {bbox: [68, 36, 72, 40]}\n"
                     "size: {width: 400, height: 300}\n"
                     "sites:\n"
                     "  - file: %s\n";
  char yaml[400];
  snprintf(yaml, sizeof yaml, spec, "sites.geojson");
  render("file.yaml", yaml, report);
  assert_false(gdal_mapped());
  assert_non_null(strstr(read_all(report), "Qurghonteppa"));

  snprintf(sites, sizeof sites, "%s/sites.csv", g_tmp);
  write_file(sites, "name,lon,lat,kind\nKulob,69.78,37.91,city\n");
  snprintf(yaml, sizeof yaml, spec, "sites.csv");
  render("file.yaml", yaml, report);
  assert_true(gdal_mapped());
  assert_non_null(strstr(read_all(report), "Kulob"));
  /* the version reported is the loaded library's */
  bordermap_versions v;
  bordermap_versions_get(&v);
  assert_true(v.gdal[0] >= '1' && v.gdal[0] <= '9');
}

/* A GDAL that cannot be loaded: one data error (exit 4) that names the library, the
 * loader's reason and what needed GDAL. (The process's own GDAL cannot be made to fail
 * without a test-only switch in the library, so this loads another name through the same
 * code.) */
static void test_missing_library_is_a_data_error(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_gdal_try_load("libgdal-not-installed.so.99", "site file 'x.geojson'", &err),
                   BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "site file 'x.geojson' needs GDAL"));
  assert_non_null(strstr(err.msg, "libgdal-not-installed.so.99 cannot be loaded"));
  assert_non_null(strstr(err.msg, "No such file")); /* dlerror()'s reason */
  /* a library without GDAL's functions is refused, naming the first one missing */
  bm_error_clear(&err);
  assert_int_equal(bm_gdal_try_load("libz.so.1", "relief", &err), BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "libz.so.1 has no function CPLErrorReset"));
  /* the real soname loads, every function found */
  assert_int_equal(bm_gdal_try_load(BM_GDAL_SONAME, "relief", &err), BM_OK);
}

static int setup(void **state) {
  (void)state;
  mkdir(BM_TEST_TMP, 0755);
  snprintf(g_tmp, sizeof g_tmp, "%s/gdal_dl-XXXXXX", BM_TEST_TMP);
  return mkdtemp(g_tmp) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_map_without_gdal_files_never_loads_gdal),
      cmocka_unit_test(test_map_with_site_file_loads_gdal),
      cmocka_unit_test(test_missing_library_is_a_data_error),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
