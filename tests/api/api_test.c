/* Tests of the public interface, <bordermap.h>, linked against the shared library
 * libbordermap only (so only what it exports is reachable). Failure paths first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <bordermap.h>

static const char small_map[] = "title: Small\n"
                                "extent: {bbox: [68, 36, 72, 40]}\n"
                                "places: false\n"
                                "size: {width: 400, height: 300}\n";

static void test_error_format(void **state) {
  (void)state;
  bordermap_error e = {.code = BORDERMAP_ERR_SPEC, .line = 3, .column = 5};
  snprintf(e.file, sizeof e.file, "a.yaml");
  snprintf(e.message, sizeof e.message, "unknown key 'x'");
  char buf[64];
  assert_string_equal(bordermap_error_format(&e, buf, sizeof buf), "a.yaml:3:5: unknown key 'x'");
  char tiny[8];
  bordermap_error_format(&e, tiny, sizeof tiny); /* cut short, still terminated */
  assert_int_equal(strlen(tiny), 7);
  assert_string_equal(bordermap_status_name(BORDERMAP_ERR_SPEC), "spec error");
  assert_string_equal(bordermap_status_name((bordermap_status)99), "unknown status");
}

static void test_null_arguments(void **state) {
  (void)state;
  bordermap_error e;
  assert_null(bordermap_spec_load(NULL, &e));
  assert_int_equal(e.code, BORDERMAP_ERR_USAGE);
  assert_null(bordermap_spec_parse(NULL, NULL, NULL, NULL)); /* err may be NULL */
  assert_int_equal(bordermap_render_file(NULL, "x.png", NULL, &e), BORDERMAP_ERR_USAGE);
  assert_non_null(strstr(e.message, "no spec"));
  bordermap_spec_free(NULL);
  bordermap_catalog_close(NULL);
  assert_int_equal(bordermap_catalog_count(NULL), 0);
  assert_null(bordermap_catalog_layer(NULL, 0));
}

static void test_parse_error_has_location(void **state) {
  (void)state;
  bordermap_error e;
  bordermap_spec *s = bordermap_spec_parse("title: a\ncolour: red\n", "req.yaml", NULL, &e);
  assert_null(s);
  assert_int_equal(e.code, BORDERMAP_ERR_SPEC);
  assert_string_equal(e.file, "req.yaml");
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 1);
  assert_non_null(strstr(e.message, "unknown key 'colour'"));
}

static void test_missing_spec_file(void **state) {
  (void)state;
  bordermap_error e;
  assert_null(bordermap_spec_load(BM_TEST_TMP "/no/such/map.yaml", &e));
  assert_int_equal(e.code, BORDERMAP_ERR_SPEC);
  assert_non_null(strstr(e.file, "map.yaml"));
}

static void test_bad_options(void **state) {
  (void)state;
  bordermap_error e;
  bordermap_spec *s = bordermap_spec_parse(small_map, NULL, NULL, &e);
  assert_non_null(s);
  assert_int_equal(e.code, BORDERMAP_OK);
  assert_string_equal(bordermap_spec_title(s), "Small");
  bordermap_render_options o;
  memset(&o, 0, sizeof o); /* not initialised: size 0 */
  assert_int_equal(bordermap_render_file(s, BM_TEST_TMP "/api-x.png", &o, &e), BORDERMAP_ERR_USAGE);
  bordermap_render_options_init(&o);
  assert_int_equal(o.size, sizeof o);
  o.width = 50;
  assert_int_equal(bordermap_render_file(s, BM_TEST_TMP "/api-x.png", &o, &e), BORDERMAP_ERR_USAGE);
  assert_non_null(strstr(e.message, "100 to 20000"));
  bordermap_render_options_init(&o);
  o.language = "Persian";
  assert_int_equal(bordermap_render_file(s, BM_TEST_TMP "/api-x.png", &o, &e), BORDERMAP_ERR_USAGE);
  assert_non_null(strstr(e.message, "'Persian' is not a language code"));
  bordermap_render_options_init(&o);
  o.data_dir = BM_TEST_TMP "/no-such-data";
  assert_int_equal(bordermap_render_file(s, BM_TEST_TMP "/api-x.png", &o, &e), BORDERMAP_ERR_DATA);
  assert_int_not_equal(access(BM_TEST_TMP "/api-x.png", F_OK), 0);
  bordermap_spec_free(s);
}

static void test_render_file(void **state) {
  (void)state;
  bordermap_error e;
  bordermap_spec *s = bordermap_spec_parse(small_map, NULL, NULL, &e);
  assert_non_null(s);
  bordermap_render_options o;
  bordermap_render_options_init(&o);
  o.data_dir = BM_TEST_DATA;
  /* an output folder that does not exist: IO error, nothing written */
  assert_int_equal(bordermap_render_file(s, BM_TEST_TMP "/nope/x.png", &o, &e), BORDERMAP_ERR_IO);
  const char *out = BM_TEST_TMP "/api-small.png";
  unlink(out);
  assert_int_equal(bordermap_render_file(s, out, &o, &e), BORDERMAP_OK);
  assert_int_equal(e.code, BORDERMAP_OK);
  FILE *f = fopen(out, "rb");
  assert_non_null(f);
  unsigned char sig[8];
  assert_int_equal(fread(sig, 1, 8, f), 8);
  fclose(f);
  assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
  bordermap_spec_free(s);
}

/* The bytes in memory are exactly the file's, for every format; a bad format is refused. */
static void test_render_memory(void **state) {
  (void)state;
  bordermap_error e;
  bordermap_spec *s = bordermap_spec_parse(small_map, NULL, NULL, &e);
  assert_non_null(s);
  bordermap_render_options o;
  bordermap_render_options_init(&o);
  o.data_dir = BM_TEST_DATA;
  unsigned char *data = (unsigned char *)"x";
  size_t len = 7;
  assert_int_equal(bordermap_render_memory(s, (bordermap_format)9, &o, &data, &len, &e),
                   BORDERMAP_ERR_USAGE);
  assert_null(data);
  assert_int_equal(len, 0);
  const char *names[] = {BM_TEST_TMP "/api-mem.png", BM_TEST_TMP "/api-mem.pdf",
                         BM_TEST_TMP "/api-mem.svg"};
  for (int fmt = BORDERMAP_PNG; fmt <= BORDERMAP_SVG; fmt++) {
    assert_int_equal(bordermap_render_file(s, names[fmt], &o, &e), BORDERMAP_OK);
    FILE *f = fopen(names[fmt], "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    rewind(f);
    unsigned char *want = malloc(n);
    assert_int_equal(fread(want, 1, n, f), n);
    fclose(f);
    assert_int_equal(bordermap_render_memory(s, (bordermap_format)fmt, &o, &data, &len, &e),
                     BORDERMAP_OK);
    assert_int_equal(len, n);
    assert_memory_equal(data, want, n);
    bordermap_free(data);
    free(want);
  }
  bordermap_spec_free(s);
}

static void test_shared_files(void **state) {
  (void)state;
  char path[4096];
  bordermap_error e;
  assert_int_equal(bordermap_shared_file("styles/newsroom.yaml", path, sizeof path, &e),
                   BORDERMAP_OK);
  assert_non_null(strstr(path, "styles/newsroom.yaml"));
  bordermap_spec *s = NULL;
  assert_int_equal(bordermap_shared_file("maps/central-asia.yaml", path, sizeof path, &e),
                   BORDERMAP_OK);
  s = bordermap_spec_load(path, &e);
  assert_non_null(s);
  bordermap_spec_free(s);
  assert_int_equal(bordermap_shared_file("maps/nosuch.yaml", path, sizeof path, &e),
                   BORDERMAP_ERR_DATA);
  char tiny[4];
  assert_int_equal(bordermap_shared_file("styles/newsroom.yaml", tiny, sizeof tiny, &e),
                   BORDERMAP_ERR_USAGE);
}

static void test_catalog(void **state) {
  (void)state;
  bordermap_error e;
  bordermap_catalog *c = bordermap_catalog_open(BM_TEST_TMP "/no-such-data", &e);
  assert_non_null(c);
  size_t n = bordermap_catalog_count(c);
  assert_true(n >= 20);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(bordermap_catalog_layer(c, i)->present, 0);
  assert_null(bordermap_catalog_layer(c, n));
  assert_null(bordermap_catalog_release(c));
  bordermap_catalog_close(c);

  c = bordermap_catalog_open(BM_TEST_DATA, &e);
  assert_non_null(c);
  assert_string_equal(bordermap_catalog_data_dir(c), BM_TEST_DATA);
  int land10 = 0;
  for (size_t i = 0; i < bordermap_catalog_count(c); i++) {
    const bordermap_layer *l = bordermap_catalog_layer(c, i);
    assert_int_equal(l->present, 1);
    if (!strcmp(l->name, "land") && !strcmp(l->scale, "10m")) {
      land10 = 1;
      assert_string_equal(l->file, "ne_10m_land");
      assert_string_equal(l->theme, "physical");
    }
  }
  assert_true(land10);
  assert_non_null(bordermap_catalog_release(c)); /* the test fetch recorded one */
  bordermap_catalog_close(c);
}

static void test_versions(void **state) {
  (void)state;
  bordermap_versions v;
  bordermap_versions_get(&v);
  assert_string_equal(v.bordermap, bordermap_version());
  assert_string_equal(v.bordermap, BM_EXPECTED_VERSION);
  const char *all[] = {v.proj, v.gdal, v.geos, v.cairo, v.pango};
  for (int i = 0; i < 5; i++) {
    assert_non_null(all[i]);
    assert_true(all[i][0] >= '0' && all[i][0] <= '9');
  }
}

int main(void) {
  mkdir(BM_TEST_TMP, 0777);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_format),
      cmocka_unit_test(test_null_arguments),
      cmocka_unit_test(test_parse_error_has_location),
      cmocka_unit_test(test_missing_spec_file),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_render_file),
      cmocka_unit_test(test_render_memory),
      cmocka_unit_test(test_shared_files),
      cmocka_unit_test(test_catalog),
      cmocka_unit_test(test_versions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
