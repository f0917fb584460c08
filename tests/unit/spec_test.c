/* Unit tests for spec/: map specs (spec.h), style files (style.h) and the YAML
 * layer under them (yaml.h). Failure paths first: every bad spec must be
 * refused with the exact sentence a user reads and the line:col it points at.
 * Then the good specs, whose parsed values are checked field by field.
 *
 * The default style 'newsroom' must be findable for a spec to load; when the
 * project's styles/newsroom.yaml is not there yet, setup writes a minimal one
 * into a scratch folder and points BORDERMAP_STYLES at it. */
#define _GNU_SOURCE /* mkdtemp, setenv */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/util.h"
#include "spec/spec.h"
#include "spec/style.h"
#include "spec/yaml.h"

/* ---- helpers -------------------------------------------------------------- */

static char g_tmp[1024]; /* scratch folder of this run */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/* A file in the scratch folder; returns a static path (valid until the next call). */
static const char *tmp_file(const char *name, const char *text) {
  static char path[1200];
  snprintf(path, sizeof path, "%s/%s", g_tmp, name);
  write_file(path, text);
  return path;
}

/* Loads text as a spec that must fail; checks code, line, col and the exact message. */
static void expect_spec_error(const char *text, int line, int col, const char *msg) {
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string(text, "test.yaml", g_tmp, &err);
  if (s) {
    bm_spec_free(s);
    fail_msg("spec was accepted but should fail with: %s", msg);
  }
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, "test.yaml");
  assert_string_equal(err.msg, msg);
  assert_int_equal(err.line, line);
  assert_int_equal(err.col, col);
}

static bm_spec *load_ok(const char *text) {
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string(text, "test.yaml", g_tmp, &err);
  if (!s) fail_msg("spec refused: %s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  return s;
}

static void assert_color(bm_color c, int r, int g, int b, int a) {
  assert_true(fabs(c.r - r / 255.0) < 1e-9);
  assert_true(fabs(c.g - g / 255.0) < 1e-9);
  assert_true(fabs(c.b - b / 255.0) < 1e-9);
  assert_true(fabs(c.a - a / 255.0) < 1e-9);
}

/* The smallest valid spec body, appended to specs that test one other key. */
#define EXTENT_OK "extent:\n  countries: [TJK]\n"

/* ---- spec: failure paths -------------------------------------------------- */

static void test_unknown_top_level_key_lists_valid_keys(void **state) {
  (void)state;
  expect_spec_error(
      "title: Drone race\n"
      "colour: red\n" EXTENT_OK,
      2, 1,
      "unknown key 'colour' in the map spec; valid keys are: title, subtitle, "
      "credit, size, page, extent, projection, scale, style, highlight, sites, "
      "places, labels, language, messages, relief, date, rings, routes, areas, borders, callouts, "
      "legend, scale_bar, "
      "north_arrow, inset, graticule, point_of_view");
}

static void test_labels_key(void **state) {
  (void)state;
  bm_spec *s =
      load_ok(EXTENT_OK "labels:\n"
                        "  rename: {Tajikistan: تاجیکستان}\n"
                        "  hide: [regions, {region: INDIA}, Kashgar]\n"
                        "  text: [{text: Black Sea, at: [34, 43.2], style: water}]\n"
                        "  provinces: none\n"
                        "routes:\n  - {from: [68, 38], to: [70, 37], via: [[69, 39], [69.5, "
                        "38]]}\n");
  assert_int_equal(s->labels.n_rename, 1);
  assert_string_equal(bm_spec_label_rename(s, "TAJIKISTAN"), "تاجیکستان");
  assert_true(bm_spec_label_hidden(s, "region", "Pamirs"));
  assert_true(bm_spec_label_hidden(s, "town", "kashgar"));
  assert_false(bm_spec_label_hidden(s, "country", "India"));
  assert_int_equal(s->labels.n_text, 1);
  assert_int_equal(s->labels.text[0].style, BM_FREE_TEXT_WATER);
  assert_int_equal(s->labels.provinces, BM_PROVINCES_NONE);
  assert_int_equal(s->routes[0].n_via, 2);
  bm_spec_free(s);
  expect_spec_error(
      EXTENT_OK "labels:\n  colour: red\n", 4, 3,
      "unknown key 'colour' in labels; valid keys are: rename, hide, text, provinces");
  expect_spec_error(EXTENT_OK "labels:\n  hide: [{lake: Kul}]\n", 4, 11,
                    "labels hide: unknown label class 'lake'; valid classes are: country, "
                    "province, capital, city, town, place, region, river, water");
  expect_spec_error(EXTENT_OK "labels:\n  text: [{text: X, at: [1, 2], style: bold}]\n", 4, 39,
                    "unknown text label style 'bold'; valid styles are: water, region, plain");
  expect_spec_error(EXTENT_OK "labels:\n  provinces: all\n", 4, 14,
                    "unknown labels provinces 'all'; valid values are: highlighted, story, none");
}

static void test_unknown_nested_key_points_at_it(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  countries: [TJK]\n"
                    "  margins: 10%\n",
                    3, 3,
                    "unknown key 'margins' in extent; valid keys are: bbox, countries, margin, "
                    "center, radius_km, include_territories");
}

static void test_yaml_syntax_error_has_location(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("title: [unclosed\n" EXTENT_OK, "test.yaml", g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, "test.yaml");
  assert_true(err.line > 0);
  assert_non_null(strstr(err.msg, "YAML syntax error"));
}

static void test_yaml_tab_indent_is_syntax_error(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("extent:\n\tcountries: [TJK]\n", "test.yaml", g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "tab"));
  /* the tab is the first character of line 2 */
  assert_int_equal(err.line, 2);
  assert_int_equal(err.col, 1);
}

static void test_empty_spec_is_refused(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("", "test.yaml", g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, "test.yaml");
}

static void test_spec_that_is_a_list_is_refused(void **state) {
  (void)state;
  expect_spec_error("- title\n- extent\n", 1, 1,
                    "the spec must be a YAML mapping of keys to values");
}

static void test_title_of_wrong_type(void **state) {
  (void)state;
  expect_spec_error("title: [a, b]\n" EXTENT_OK, 1, 8, "title must be a single value, not a list");
}

/* `extent:` with nothing after it: YAML reads an empty value, which has no
 * mark of its own; the error must still name the line. */
static void test_empty_extent_value(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("title: Drone race\nextent:\n", "test.yaml", g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.msg, "extent must be a mapping, not a single value");
  assert_int_equal(err.line, 2);
  assert_true(err.col >= 1);
}

static void test_bad_iso_code(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  countries: [TJK, TJ]\n",
                    2, 20,
                    "extent countries must be a three-letter ISO 3166-1 alpha-3 code such as "
                    "TJK, not 'TJ'");
}

static void test_empty_country_list(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  countries: []\n",
                    2, 14,
                    "extent countries is empty; list at least one ISO A3 code such as [TJK]");
}

static const char site_head[] = EXTENT_OK "sites:\n"
                                          "  - name: Ababil-2 factory\n";

static void test_unknown_site_kind_lists_valid_kinds(void **state) {
  (void)state;
  char text[512];
  snprintf(text, sizeof text, "%s    lon: 68.78\n    lat: 38.56\n    kind: drone-factory\n",
           site_head);
  expect_spec_error(text, 7, 11,
                    "unknown site kind 'drone-factory'; valid kinds are: generic, city, factory, "
                    "military-base, airfield");
}

static void test_site_lon_out_of_range(void **state) {
  (void)state;
  char text[512];
  snprintf(text, sizeof text, "%s    lon: 200\n    lat: 38.56\n", site_head);
  expect_spec_error(text, 5, 10, "site lon must be from -180 to 180, not 200");
}

static void test_site_lon_not_a_number(void **state) {
  (void)state;
  char text[512];
  snprintf(text, sizeof text, "%s    lon: east\n    lat: 38.56\n", site_head);
  expect_spec_error(text, 5, 10, "site lon must be a number from -180 to 180, not 'east'");
}

static void test_site_without_coordinates(void **state) {
  (void)state;
  expect_spec_error(site_head, 4, 5,
                    "a site needs name, lon and lat (or file: for a file of sites)");
}

static void test_site_file_that_does_not_exist(void **state) {
  (void)state;
  char msg[1600];
  snprintf(msg, sizeof msg,
           "site file '%s/no-such-sites.geojson' does not exist (paths are relative to the "
           "spec's folder)",
           g_tmp);
  expect_spec_error(EXTENT_OK "sites:\n  - file: no-such-sites.geojson\n", 4, 11, msg);
}

static void test_extent_with_two_kinds(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  bbox: [60, 35, 75, 42]\n"
                    "  countries: [TJK]\n",
                    2, 3,
                    "extent needs exactly one of: bbox: [min_lon, min_lat, max_lon, max_lat], "
                    "countries: [ISO A3 codes], or center: [lon, lat] with radius_km");
}

static void test_missing_extent(void **state) {
  (void)state;
  expect_spec_error("title: Drone race\n", 1, 1,
                    "the map spec needs an extent: bbox, countries or center with radius_km");
}

static void test_bbox_upside_down(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  bbox: [60, 42, 75, 35]\n",
                    2, 9, "extent bbox: max_lat (35) must be greater than min_lat (42)");
}

static void test_center_without_radius(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  center: [68.78, 38.56]\n",
                    2, 11, "extent center needs radius_km (the distance shown from the centre)");
}

static void test_duplicate_key(void **state) {
  (void)state;
  expect_spec_error("title: A\n" EXTENT_OK "title: B\n", 4, 1,
                    "duplicate key 'title' (first given on line 1)");
}

static void test_bad_margin(void **state) {
  (void)state;
  expect_spec_error("extent:\n"
                    "  countries: [TJK]\n"
                    "  margin: lots\n",
                    3, 11,
                    "extent margin must be a percentage such as 10% (0% to 200%) or a fraction "
                    "from 0 to 2, not 'lots'");
  expect_spec_error("extent:\n"
                    "  countries: [TJK]\n"
                    "  margin: 250%\n",
                    3, 11,
                    "extent margin must be a percentage such as 10% (0% to 200%) or a fraction "
                    "from 0 to 2, not '250%'");
}

static void test_unknown_scale(void **state) {
  (void)state;
  expect_spec_error(EXTENT_OK "scale: 20m\n", 3, 8,
                    "unknown data scale '20m'; valid scales are: auto, 10m, 50m, 110m");
}

static void test_unknown_style_name(void **state) {
  (void)state;
  expect_spec_error(EXTENT_OK "style: glossy\n", 3, 8,
                    "style 'glossy' not found (looked in the spec's folder, its ../styles, "
                    "$BORDERMAP_STYLES and the built-in styles); give a name such as newsroom "
                    "or a path to a .yaml file");
}

static void test_size_and_page_together(void **state) {
  (void)state;
  expect_spec_error("size:\n  width: 800\npage:\n  size: A4\n" EXTENT_OK, 4, 3,
                    "give either size (pixels) or page (paper size), not both");
}

static void test_unknown_page_size(void **state) {
  (void)state;
  expect_spec_error("page:\n  size: B5\n" EXTENT_OK, 2, 9,
                    "unknown page size 'B5'; valid sizes are: A5, A4, A3, letter, tabloid");
}

static void test_size_out_of_range(void **state) {
  (void)state;
  expect_spec_error("size:\n  width: 50000\n" EXTENT_OK, 2, 10,
                    "size width (pixels) must be from 100 to 20000, not 50000");
}

static void test_quoted_number_is_refused(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("size:\n  width: \"800\"\n" EXTENT_OK, "test.yaml", g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.msg, "size width (pixels) must be a number from 100 to 20000, not '800'");
  assert_int_equal(err.line, 2);
  /* the opening quote is column 10; libfyaml marks the text inside it (11) */
  assert_in_range(err.col, 10, 11);
}

static void test_province_without_name(void **state) {
  (void)state;
  expect_spec_error(EXTENT_OK "highlight:\n  provinces:\n    - {country: AFG}\n", 5, 7,
                    "a highlighted province needs country (ISO A3) and name, e.g. "
                    "{country: AFG, name: Badakhshan}");
}

static void test_yaml_alias_is_refused(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load_string("title: &t Drone race\nsubtitle: *t\n" EXTENT_OK, "test.yaml",
                                   g_tmp, &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_int_equal(err.line, 2);
  assert_non_null(strstr(err.msg, "aliases"));
}

static void test_spec_file_missing_is_spec_error(void **state) {
  (void)state;
  char path[1200];
  snprintf(path, sizeof path, "%s/no-such-spec.yaml", g_tmp);
  bm_error err;
  bm_error_clear(&err);
  assert_null(bm_spec_load(path, &err));
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, path);
}

/* ---- spec: good specs ----------------------------------------------------- */

static const char good_spec[] = "title: Drone race in Central Asia\n"          /* 1 */
                                "subtitle: Iran builds drones in Tajikistan\n" /* 2 */
                                "credit: \"Data: Natural Earth\"\n"            /* 3 */
                                "size:\n"                                      /* 4 */
                                "  width: 2400\n"                              /* 5 */
                                "  height: 1600\n"                             /* 6 */
                                "extent:\n"                                    /* 7 */
                                "  countries: [TJK, afg]\n"                    /* 8 */
                                "  margin: 15%\n"                              /* 9 */
                                "projection: auto\n"                           /* 10 */
                                "scale: 10m\n"                                 /* 11 */
                                "highlight:\n"                                 /* 12 */
                                "  countries: [TJK]\n"                         /* 13 */
                                "  provinces:\n"                               /* 14 */
                                "    - {country: AFG, name: Badakhshan}\n"     /* 15 */
                                "    - {country: AFG, name: Takhar}\n"         /* 16 */
                                "sites:\n"                                     /* 17 */
                                "  - name: Ababil-2 drone factory\n"           /* 18 */
                                "    lon: 68.78\n"                             /* 19 */
                                "    lat: 38.56\n"                             /* 20 */
                                "    kind: factory\n"                          /* 21 */
                                "    note: opened May 2022\n"                  /* 22 */
                                "    approximate: true\n"                      /* 23 */
                                "  - name: 201st Russian military base\n"      /* 24 */
                                "    lon: 68.80\n"                             /* 25 */
                                "    lat: 38.55\n"                             /* 26 */
                                "    kind: military-base\n"                    /* 27 */
                                "places: false\n";                             /* 28 */

static void test_good_spec_values(void **state) {
  (void)state;
  bm_spec *s = load_ok(good_spec);
  assert_string_equal(s->title, "Drone race in Central Asia");
  assert_string_equal(s->subtitle, "Iran builds drones in Tajikistan");
  assert_string_equal(s->credit, "Data: Natural Earth");
  assert_int_equal(s->width, 2400);
  assert_int_equal(s->height, 1600);

  assert_int_equal(s->extent_kind, BM_EXTENT_COUNTRIES);
  assert_int_equal(s->n_extent_countries, 2);
  assert_string_equal(s->extent_countries[0].code, "TJK");
  assert_string_equal(s->extent_countries[1].code, "AFG"); /* upper-cased */
  assert_int_equal(s->extent_countries[1].pos.line, 8);
  assert_int_equal(s->extent_countries[1].pos.col, 20);
  assert_true(fabs(s->margin - 0.15) < 1e-12);
  assert_int_equal(s->extent_pos.line, 8);

  assert_string_equal(s->projection, "auto");
  assert_string_equal(s->scale, "10m");
  assert_non_null(s->style_path);
  assert_non_null(strstr(s->style_path, "newsroom.yaml"));

  assert_int_equal(s->n_highlight_countries, 1);
  assert_string_equal(s->highlight_countries[0].code, "TJK");
  assert_int_equal(s->n_highlight_provinces, 2);
  assert_string_equal(s->highlight_provinces[0].country, "AFG");
  assert_string_equal(s->highlight_provinces[0].name, "Badakhshan");
  assert_int_equal(s->highlight_provinces[0].pos.line, 15);
  assert_string_equal(s->highlight_provinces[1].name, "Takhar");

  assert_int_equal(s->n_sites, 2);
  const bm_site *f = &s->sites[0], *b = &s->sites[1];
  assert_string_equal(f->name, "Ababil-2 drone factory");
  assert_true(fabs(f->lon - 68.78) < 1e-12);
  assert_true(fabs(f->lat - 38.56) < 1e-12);
  assert_int_equal(f->kind, BM_SITE_FACTORY);
  assert_string_equal(f->note, "opened May 2022");
  assert_true(f->approximate);
  assert_int_equal(f->pos.line, 18);
  assert_string_equal(b->name, "201st Russian military base");
  assert_int_equal(b->kind, BM_SITE_MILITARY_BASE);
  assert_null(b->note);
  assert_false(b->approximate);
  assert_int_equal(s->n_site_files, 0);
  assert_false(s->show_places);
  bm_spec_free(s);
}

static void test_defaults_of_minimal_spec(void **state) {
  (void)state;
  bm_spec *s = load_ok(EXTENT_OK);
  assert_null(s->title);
  assert_int_equal(s->width, 1200);
  assert_int_equal(s->height, 800);
  assert_true(fabs(s->margin - 0.1) < 1e-12);
  assert_string_equal(s->projection, "auto");
  assert_string_equal(s->scale, "auto");
  assert_true(s->show_places);
  bm_spec_free(s);
}

static void test_page_a4_landscape_150dpi(void **state) {
  (void)state;
  bm_spec *s = load_ok("page:\n"
                       "  size: A4\n"
                       "  orientation: landscape\n"
                       "  dpi: 150\n" EXTENT_OK);
  assert_int_equal(s->width, 1754);
  assert_int_equal(s->height, 1240);
  assert_true(fabs(s->dpi - 150) < 1e-12);
  bm_spec_free(s);
  s = load_ok("page:\n  size: A4\n  orientation: portrait\n  dpi: 150\n" EXTENT_OK);
  assert_int_equal(s->width, 1240);
  assert_int_equal(s->height, 1754);
  bm_spec_free(s);
}

static void test_bbox_and_center_extents(void **state) {
  (void)state;
  bm_spec *s = load_ok("extent:\n  bbox: [60, 35, 75.5, 42]\n  margin: 0.05\n");
  assert_int_equal(s->extent_kind, BM_EXTENT_BBOX);
  assert_true(s->bbox[0] == 60 && s->bbox[1] == 35 && s->bbox[2] == 75.5 && s->bbox[3] == 42);
  assert_true(fabs(s->margin - 0.05) < 1e-12);
  bm_spec_free(s);
  s = load_ok("extent:\n  center: [68.78, 38.56]\n  radius_km: 650\n");
  assert_int_equal(s->extent_kind, BM_EXTENT_CENTER);
  assert_true(s->center[0] == 68.78 && s->center[1] == 38.56);
  assert_true(s->radius_km == 650);
  bm_spec_free(s);
}

static void test_site_file_resolved_against_spec_folder(void **state) {
  (void)state;
  char dir[1200], sites[1300], spec[1300];
  snprintf(dir, sizeof dir, "%s/specdir", g_tmp);
  bm_error err;
  assert_int_equal(bm_mkdir_p(dir, &err), BM_OK);
  snprintf(sites, sizeof sites, "%s/sites.geojson", dir);
  write_file(sites, "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
  snprintf(spec, sizeof spec, "%s/map.yaml", dir);
  write_file(spec, EXTENT_OK "sites:\n  - file: sites.geojson\n");
  bm_error_clear(&err);
  bm_spec *s = bm_spec_load(spec, &err);
  if (!s) fail_msg("%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  assert_string_equal(s->path, spec);
  assert_int_equal(s->n_site_files, 1);
  assert_string_equal(s->site_files[0].path, sites);
  assert_int_equal(s->site_files[0].pos.line, 4);
  bm_spec_free(s);
}

static void test_site_kind_names_round_trip(void **state) {
  (void)state;
  for (int k = 0; k < BM_SITE_KIND_COUNT; k++) {
    bm_site_kind out = BM_SITE_KIND_COUNT;
    assert_true(bm_site_kind_parse(bm_site_kind_name((bm_site_kind)k), &out));
    assert_int_equal(out, k);
    assert_non_null(strstr(bm_site_kind_list(), bm_site_kind_name((bm_site_kind)k)));
  }
  bm_site_kind out;
  assert_false(bm_site_kind_parse("drone-factory", &out));
}

/* ---- style ---------------------------------------------------------------- */

static void test_style_unknown_section(void **state) {
  (void)state;
  const char *path = tmp_file("bad-section.yaml", "name: test\ncolours:\n  water: \"#102030\"\n");
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_string_equal(err.file, path);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.col, 1);
  assert_string_equal(err.msg, "unknown key 'colours' in the style; valid keys are: name, colors, "
                               "lines, text, symbols, labels, relief");
}

static void test_style_unknown_key(void **state) {
  (void)state;
  const char *path =
      tmp_file("bad-key.yaml", "colors:\n  land: \"#ffffff\"\n  wter: \"#102030\"\n");
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.col, 3);
  assert_non_null(strstr(err.msg, "unknown key 'wter' in style section 'colors'; valid keys are: "
                                  "water, land, lake,"));
  assert_non_null(strstr(err.msg, "city_dot"));
}

static void test_style_bad_colour(void **state) {
  (void)state;
  const char *path = tmp_file("bad-colour.yaml", "colors:\n  water: \"#12345\"\n");
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 2);
  assert_in_range(err.col, 10, 11); /* the quote, or the text inside it */
  assert_string_equal(err.msg, "colors.water must be a colour \"#rrggbb\" or \"#rrggbbaa\", not "
                               "'#12345' (quote it: # starts a YAML comment)");
}

/* `water: #102030` unquoted is a YAML comment: the value is empty, and the
 * error must still point at the line. */
static void test_style_unquoted_colour_is_comment(void **state) {
  (void)state;
  const char *path = tmp_file("unquoted.yaml", "colors:\n  water: #102030\n");
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 2);
  assert_non_null(strstr(err.msg, "colors.water must be a colour"));
  assert_non_null(strstr(err.msg, "quote it"));
}

static void test_style_number_out_of_range(void **state) {
  (void)state;
  const char *path = tmp_file("bad-width.yaml", "lines:\n  border: -1\n");
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 2);
  assert_string_equal(err.msg, "lines.border must be from 0 to 200, not -1");
}

static void test_style_missing_file(void **state) {
  (void)state;
  char path[1200];
  snprintf(path, sizeof path, "%s/no-such-style.yaml", g_tmp);
  bm_style st;
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_style_load(path, &st, &err), BM_ERR_SPEC);
  assert_string_equal(err.file, path);
}

static void test_style_override_changes_only_what_it_names(void **state) {
  (void)state;
  const char *path = tmp_file("good.yaml", "name: test\n"
                                           "colors:\n"
                                           "  water: \"#102030\"\n"
                                           "  halo: \"#ffffff80\"\n"
                                           "lines:\n"
                                           "  border: 2.5\n"
                                           "  disputed_dash: [6, 2]\n"
                                           "text:\n"
                                           "  font: DejaVu Sans\n"
                                           "  title: 30\n");
  bm_style def, st;
  bm_style_defaults(&def);
  bm_style_defaults(&st);
  bm_error err;
  bm_error_clear(&err);
  if (bm_style_load(path, &st, &err) != BM_OK)
    fail_msg("%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  assert_color(st.water, 0x10, 0x20, 0x30, 0xff);
  assert_color(st.halo, 0xff, 0xff, 0xff, 0x80);
  assert_true(st.border_width == 2.5);
  assert_true(st.disputed_dash[0] == 6 && st.disputed_dash[1] == 2);
  assert_string_equal(st.font, "DejaVu Sans");
  assert_true(st.title_size == 30);
  /* untouched fields keep the defaults */
  assert_memory_equal(&st.land, &def.land, sizeof st.land);
  assert_true(st.coast_width == def.coast_width);
  assert_true(st.subtitle_size == def.subtitle_size);
}

static void test_style_defaults_are_opaque_newsroom(void **state) {
  (void)state;
  bm_style st;
  bm_style_defaults(&st);
  assert_string_equal(st.font, "Noto Sans");
  assert_color(st.water, 0xd9, 0xe8, 0xf2, 0xff);
  assert_true(st.border_width > 0 && st.title_size > st.subtitle_size);
}

/* ---- yaml ----------------------------------------------------------------- */

static void test_yaml_check_keys_and_positions(void **state) {
  (void)state;
  bm_error err;
  bm_error_clear(&err);
  bm_yaml *y = bm_yaml_load_string("a: 1\nb:\n  - x\n  - {c: 'q'}\n", "y.yaml", &err);
  assert_non_null(y);
  assert_int_equal(y->kind, BM_YAML_MAP);
  const bm_yaml *b = bm_yaml_get(y, "b");
  assert_non_null(b);
  assert_int_equal(b->kind, BM_YAML_SEQ);
  assert_int_equal(b->n, 2);
  assert_int_equal(b->items[0]->line, 3);
  assert_int_equal(b->items[0]->col, 5);
  const bm_yaml *c = bm_yaml_get(b->items[1], "c");
  assert_non_null(c);
  assert_true(c->quoted);
  assert_string_equal(c->scalar, "q");
  assert_null(bm_yaml_get(y, "z"));
  static const char *const valid[] = {"a", NULL};
  assert_int_equal(bm_yaml_check_keys(y, valid, "the test", "y.yaml", &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.col, 1);
  assert_string_equal(err.msg, "unknown key 'b' in the test; valid keys are: a");
  bm_yaml_free(y);
}

static void test_yaml_deep_nesting_is_refused(void **state) {
  (void)state;
  char text[400];
  memset(text, '[', 200);
  text[200] = '\0';
  bm_error err;
  bm_error_clear(&err);
  bm_yaml *y = bm_yaml_load_string(text, "deep.yaml", &err);
  assert_null(y);
  assert_int_equal(err.code, BM_ERR_SPEC);
}

/* ---- main ----------------------------------------------------------------- */

static int setup(void **state) {
  (void)state;
  bm_error err;
  if (bm_mkdir_p(BM_TEST_TMP, &err) != BM_OK) return -1;
  snprintf(g_tmp, sizeof g_tmp, "%s/spec-XXXXXX", BM_TEST_TMP);
  if (!mkdtemp(g_tmp)) return -1;
  /* The default style must be findable. */
  if (!bm_file_exists(BM_TEST_SRC "/styles/newsroom.yaml")) {
    char styles[1100], file[1200];
    snprintf(styles, sizeof styles, "%s/styles", g_tmp);
    if (bm_mkdir_p(styles, &err) != BM_OK) return -1;
    snprintf(file, sizeof file, "%s/newsroom.yaml", styles);
    FILE *f = fopen(file, "w");
    if (!f) return -1;
    fputs("name: newsroom\n", f);
    fclose(f);
    setenv("BORDERMAP_STYLES", styles, 1);
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      /* failure paths */
      cmocka_unit_test(test_unknown_top_level_key_lists_valid_keys),
      cmocka_unit_test(test_unknown_nested_key_points_at_it),
      cmocka_unit_test(test_labels_key),
      cmocka_unit_test(test_yaml_syntax_error_has_location),
      cmocka_unit_test(test_yaml_tab_indent_is_syntax_error),
      cmocka_unit_test(test_empty_spec_is_refused),
      cmocka_unit_test(test_spec_that_is_a_list_is_refused),
      cmocka_unit_test(test_title_of_wrong_type),
      cmocka_unit_test(test_empty_extent_value),
      cmocka_unit_test(test_bad_iso_code),
      cmocka_unit_test(test_empty_country_list),
      cmocka_unit_test(test_unknown_site_kind_lists_valid_kinds),
      cmocka_unit_test(test_site_lon_out_of_range),
      cmocka_unit_test(test_site_lon_not_a_number),
      cmocka_unit_test(test_site_without_coordinates),
      cmocka_unit_test(test_site_file_that_does_not_exist),
      cmocka_unit_test(test_extent_with_two_kinds),
      cmocka_unit_test(test_missing_extent),
      cmocka_unit_test(test_bbox_upside_down),
      cmocka_unit_test(test_center_without_radius),
      cmocka_unit_test(test_duplicate_key),
      cmocka_unit_test(test_bad_margin),
      cmocka_unit_test(test_unknown_scale),
      cmocka_unit_test(test_unknown_style_name),
      cmocka_unit_test(test_size_and_page_together),
      cmocka_unit_test(test_unknown_page_size),
      cmocka_unit_test(test_size_out_of_range),
      cmocka_unit_test(test_quoted_number_is_refused),
      cmocka_unit_test(test_province_without_name),
      cmocka_unit_test(test_yaml_alias_is_refused),
      cmocka_unit_test(test_spec_file_missing_is_spec_error),
      cmocka_unit_test(test_style_unknown_section),
      cmocka_unit_test(test_style_unknown_key),
      cmocka_unit_test(test_style_bad_colour),
      cmocka_unit_test(test_style_unquoted_colour_is_comment),
      cmocka_unit_test(test_style_number_out_of_range),
      cmocka_unit_test(test_style_missing_file),
      cmocka_unit_test(test_yaml_deep_nesting_is_refused),
      /* good input */
      cmocka_unit_test(test_good_spec_values),
      cmocka_unit_test(test_defaults_of_minimal_spec),
      cmocka_unit_test(test_page_a4_landscape_150dpi),
      cmocka_unit_test(test_bbox_and_center_extents),
      cmocka_unit_test(test_site_file_resolved_against_spec_folder),
      cmocka_unit_test(test_site_kind_names_round_trip),
      cmocka_unit_test(test_style_override_changes_only_what_it_names),
      cmocka_unit_test(test_style_defaults_are_opaque_newsroom),
      cmocka_unit_test(test_yaml_check_keys_and_positions),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
