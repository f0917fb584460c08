/* Language editions, as a reader sees them: names in the map's language, the warning for
 * the labels left in their default name, and the mirrored furniture of a right-to-left
 * language.
 *
 * The test makes its own data folder: every layer of BM_TEST_DATA is linked except the
 * 10m countries, populated places, rivers and geography regions, which it writes with
 * shapelib, in empty central Kazakhstan:
 *   countries  "Testland" over 66–72°E, 46–50°N; NAME_FA "تستلند", NAME_RU "Тестландия"
 *   places     "Alpha" (67.5°E 49°N)  NAME_FA "آلفا",  NAME_RU "Альфа"
 *              "Beta"  (70.5°E 49°N)  NAME_FA "",      NAME_RU "Бета"
 *              "Gamma" (67.5°E 47°N)  NAME_FA "گاما",  NAME_RU ""
 *   rivers, regions: none
 * So a Persian map leaves exactly "Beta" untranslated and a Russian one exactly "Gamma"
 * (the shipped catalogues have no names for them). Maps are rendered through the library
 * into memory (PNG) with a label report, read as JSON text. Skipped (77) without the test
 * data folder. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairo.h>
#include <dirent.h>
#include <shapefil.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "lang/lang.h"
#include "pipeline.h"
#include "spec/spec.h"
#include "text/text.h"

#define W 1200
#define H 800

static char g_data[1024];
static char g_tmp[1024];

static const char *const replaced_stems[] = {"ne_10m_admin_0_countries", "ne_10m_populated_places",
                                             "ne_10m_rivers_lake_centerlines",
                                             "ne_10m_geography_regions_polys", NULL};

static bool replaced(const char *name) {
  for (size_t i = 0; replaced_stems[i]; i++)
    if (!strcmp(name, replaced_stems[i])) return true;
  return false;
}

static void open_layer(const char *stem, int type, SHPHandle *shp, DBFHandle *dbf) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", g_data, stem);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/%s/%s", g_data, stem, stem);
  *shp = SHPCreate(path, type);
  *dbf = DBFCreate(path);
  assert_non_null(*shp);
  assert_non_null(*dbf);
  /* UTF-8 attributes, as Natural Earth's .cpg says */
  snprintf(path, sizeof path, "%s/%s/%s.cpg", g_data, stem, stem);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("UTF-8", f);
  fclose(f);
}

static void write_countries(void) {
  SHPHandle shp;
  DBFHandle dbf;
  open_layer("ne_10m_admin_0_countries", SHPT_POLYGON, &shp, &dbf);
  int f_a3 = DBFAddField(dbf, "adm0_a3", FTString, 3, 0);
  int f_iso = DBFAddField(dbf, "iso_a3", FTString, 3, 0);
  int f_name = DBFAddField(dbf, "name", FTString, 80, 0);
  int f_rank = DBFAddField(dbf, "labelrank", FTInteger, 4, 0);
  int f_fa = DBFAddField(dbf, "name_fa", FTString, 80, 0);
  int f_ru = DBFAddField(dbf, "name_ru", FTString, 80, 0);
  double x[] = {66, 66, 72, 72, 66}, y[] = {46, 50, 50, 46, 46};
  SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, x, y, NULL);
  int id = SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteStringAttribute(dbf, id, f_a3, "TST");
  DBFWriteStringAttribute(dbf, id, f_iso, "TST");
  DBFWriteStringAttribute(dbf, id, f_name, "Testland");
  DBFWriteIntegerAttribute(dbf, id, f_rank, 2);
  DBFWriteStringAttribute(dbf, id, f_fa, "تستلند");
  DBFWriteStringAttribute(dbf, id, f_ru, "Тестландия");
  SHPClose(shp);
  DBFClose(dbf);
}

static void write_places(void) {
  SHPHandle shp;
  DBFHandle dbf;
  open_layer("ne_10m_populated_places", SHPT_POINT, &shp, &dbf);
  int f_name = DBFAddField(dbf, "NAME", FTString, 80, 0);
  int f_cla = DBFAddField(dbf, "FEATURECLA", FTString, 40, 0);
  int f_rank = DBFAddField(dbf, "SCALERANK", FTInteger, 4, 0);
  int f_pop = DBFAddField(dbf, "POP_MAX", FTInteger, 10, 0);
  int f_fa = DBFAddField(dbf, "NAME_FA", FTString, 80, 0);
  int f_ru = DBFAddField(dbf, "NAME_RU", FTString, 80, 0);
  static const struct {
    const char *name, *fa, *ru;
    double lon, lat;
  } places[] = {{"Alpha", "آلفا", "Альфа", 67.5, 49},
                {"Beta", "", "Бета", 70.5, 49},
                {"Gamma", "گاما", "", 67.5, 47}};
  for (size_t i = 0; i < 3; i++) {
    SHPObject *o = SHPCreateSimpleObject(SHPT_POINT, 1, &places[i].lon, &places[i].lat, NULL);
    int id = SHPWriteObject(shp, -1, o);
    SHPDestroyObject(o);
    DBFWriteStringAttribute(dbf, id, f_name, places[i].name);
    DBFWriteStringAttribute(dbf, id, f_cla, "Populated place");
    DBFWriteIntegerAttribute(dbf, id, f_rank, 3);
    DBFWriteIntegerAttribute(dbf, id, f_pop, 500000);
    DBFWriteStringAttribute(dbf, id, f_fa, places[i].fa);
    DBFWriteStringAttribute(dbf, id, f_ru, places[i].ru);
  }
  SHPClose(shp);
  DBFClose(dbf);
}

/* A layer with the fields but no feature. */
static void write_empty(const char *stem, int type, const char *const *fields) {
  SHPHandle shp;
  DBFHandle dbf;
  open_layer(stem, type, &shp, &dbf);
  for (size_t i = 0; fields[i]; i++)
    DBFAddField(dbf, fields[i], FTString, 40, 0);
  SHPClose(shp);
  DBFClose(dbf);
}

static int setup(void **state) {
  (void)state;
  char probe[1200];
  snprintf(probe, sizeof probe, "%s/ne_10m_land/ne_10m_land.shp", BM_TEST_DATA);
  if (access(probe, R_OK) != 0) {
    fprintf(stderr, "language_test: no Natural Earth data in %s; skipped\n", BM_TEST_DATA);
    exit(77);
  }
  mkdir(BM_TEST_TMP, 0755);
  snprintf(g_tmp, sizeof g_tmp, "%s/language-%ld", BM_TEST_TMP, (long)getpid());
  snprintf(g_data, sizeof g_data, "%s/data", g_tmp);
  if (mkdir(g_tmp, 0755) || mkdir(g_data, 0755)) return -1;
  DIR *d = opendir(BM_TEST_DATA);
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || replaced(e->d_name)) continue;
    char from[1200], to[1200];
    snprintf(from, sizeof from, "%s/%s", BM_TEST_DATA, e->d_name);
    snprintf(to, sizeof to, "%s/%s", g_data, e->d_name);
    if (symlink(from, to)) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  write_countries();
  write_places();
  static const char *const river_f[] = {"scalerank", "name", "featurecla", NULL};
  static const char *const region_f[] = {"name", "featurecla", "scalerank", NULL};
  write_empty("ne_10m_rivers_lake_centerlines", SHPT_ARC, river_f);
  write_empty("ne_10m_geography_regions_polys", SHPT_POLYGON, region_f);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (getenv("BM_LANGUAGE_TEST_KEEP")) {
    fprintf(stderr, "language_test: kept %s\n", g_tmp);
    return 0;
  }
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- rendering and reading back ----------------------------------------- */

typedef struct {
  cairo_surface_t *img;
  char *report;
  bm_render_stats stats;
} rendered;

typedef struct {
  const unsigned char *buf;
  size_t len, pos;
} reader;

static cairo_status_t read_cb(void *closure, unsigned char *data, unsigned int len) {
  reader *r = closure;
  if (r->len - r->pos < len) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->buf + r->pos, len);
  r->pos += len;
  return CAIRO_STATUS_SUCCESS;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
  if (s) s[n] = '\0';
  fclose(f);
  return s;
}

/* The test map: Testland and its three towns, one factory in the middle, a title and a
 * credit; the legend's corner is left to the layout. */
static bm_status try_render(const char *extra, const char *language, bool strict, rendered *out,
                            bm_error *err) {
  memset(out, 0, sizeof *out);
  char text[2048];
  snprintf(text, sizeof text,
           "title: Title\n"
           "credit: Credit\n"
           "size: {width: %d, height: %d}\n"
           "extent: {bbox: [66, 46, 72, 50], margin: 0}\n"
           "projection: +proj=laea +lon_0=69 +lat_0=48 +datum=WGS84\n"
           "scale: 10m\n"
           "scale_bar: false\n"
           "sites: [{name: Site, kind: factory, lon: 69, lat: 48}]\n"
           "%s",
           W, H, extra);
  bm_spec *spec = bm_spec_load_string(text, "language.yaml", g_tmp, err);
  if (!spec) return err->code;
  char report[1200];
  snprintf(report, sizeof report, "%s/report.json", g_tmp);
  bm_render_options opt = {
      .data_dir = g_data, .labels_report = report, .language = language, .strict_language = strict};
  bm_output outs[1] = {{.format = BM_FORMAT_PNG}};
  bm_status st = bm_render_outputs(spec, outs, 1, &opt, &out->stats, err);
  bm_spec_free(spec);
  if (st) return st;
  reader r = {outs[0].data, outs[0].len, 0};
  out->img = cairo_image_surface_create_from_png_stream(read_cb, &r);
  assert_int_equal(cairo_surface_status(out->img), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(out->img);
  free(outs[0].data);
  out->report = slurp(report);
  assert_non_null(out->report);
  return BM_OK;
}

static void render(const char *extra, const char *language, rendered *out) {
  bm_error err = {0};
  if (try_render(extra, language, false, out, &err)) fail_msg("render failed: %s", err.msg);
}

static void rendered_free(rendered *r) {
  cairo_surface_destroy(r->img);
  free(r->report);
}

/* Whether the report has a placed label with this text. */
static bool placed(const rendered *r, const char *text) {
  char want[200];
  snprintf(want, sizeof want, "\"text\": \"%s\"", text);
  for (const char *p = r->report; (p = strstr(p, want)); p++) {
    const char *end = strchr(p, '}');
    const char *pl = strstr(p, "\"placed\": true");
    if (pl && end && pl < end) return true;
  }
  return false;
}

/* A box of the report ("title_box", "credit_box", "legend_box"). */
static bool report_box(const rendered *r, const char *key, double b[4]) {
  char want[64];
  snprintf(want, sizeof want, "\"%s\": {\"box\": [", key);
  const char *p = strstr(r->report, want);
  return p && sscanf(p + strlen(want), "%lf, %lf, %lf, %lf", &b[0], &b[1], &b[2], &b[3]) == 4;
}

/* ---- the tests ----------------------------------------------------------- */

/* NAME_FA and NAME_RU name the places and the country; English stays English. */
static void test_names_in_the_language(void **state) {
  (void)state;
  rendered en, fa, ru;
  render("", NULL, &en);
  render("language: fa\n", NULL, &fa);
  render("", "ru", &ru); /* --language, no key in the spec */
  assert_true(placed(&en, "Alpha"));
  assert_true(placed(&en, "Testland"));
  assert_true(placed(&fa, "آلفا"));
  assert_true(placed(&fa, "گاما"));
  assert_true(placed(&fa, "تستلند"));
  assert_false(placed(&fa, "Alpha"));
  assert_false(placed(&fa, "Gamma"));
  assert_false(placed(&fa, "Testland"));
  assert_true(placed(&ru, "Альфа"));
  assert_true(placed(&ru, "Бета"));
  assert_true(placed(&ru, "Тестландия"));
  assert_false(placed(&ru, "Alpha"));
  assert_false(placed(&ru, "Beta"));
  assert_string_equal(en.stats.language, "en");
  assert_int_equal(en.stats.n_untranslated, 0);
  rendered_free(&en);
  rendered_free(&fa);
  rendered_free(&ru);
}

/* The warning lists exactly the labels without a translation, which keep their name. */
static void test_untranslated_listed_exactly(void **state) {
  (void)state;
  rendered fa, ru;
  render("language: fa\n", NULL, &fa);
  render("language: ru\n", NULL, &ru);
  assert_true(placed(&fa, "Beta"));
  assert_int_equal(fa.stats.n_untranslated, 1);
  assert_string_equal(fa.stats.untranslated, "Beta");
  assert_true(placed(&ru, "Gamma"));
  assert_int_equal(ru.stats.n_untranslated, 1);
  assert_string_equal(ru.stats.untranslated, "Gamma");
  rendered_free(&fa);
  rendered_free(&ru);
  /* --strict-language: an error that names it, and no map */
  rendered none;
  bm_error err = {0};
  assert_int_equal(try_render("language: fa\n", NULL, true, &none, &err), BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "Beta"));
  assert_non_null(strstr(err.msg, "NAME_FA"));
  assert_null(strstr(err.msg, "Alpha"));
}

/* Furniture in the language: the legend's site entry and the credit's base-map line from
 * the catalogue, and a spec's messages: over it. */
static void test_furniture_messages(void **state) {
  (void)state;
  rendered fa, ru;
  render("language: fa\n", NULL, &fa);
  render("language: ru\nmessages: {factory: Фабрика}\n", NULL, &ru);
  assert_non_null(strstr(fa.report, "\"text\": \"کارخانه\""));
  assert_null(strstr(fa.report, "\"text\": \"Factory\""));
  assert_non_null(strstr(ru.report, "\"text\": \"Фабрика\""));
  rendered_free(&fa);
  rendered_free(&ru);
  bm_lang l;
  bm_error err = {0};
  assert_int_equal(bm_lang_load("fa", NULL, 0, &l, &err), BM_OK);
  char km[64];
  bm_lang_km(&l, 200, km, sizeof km);
  assert_string_equal(km, "۲۰۰ کیلومتر");
  char n[64];
  bm_lang_digits(&l, "1,170", n, sizeof n);
  assert_string_equal(n, "۱٬۱۷۰");
  assert_true(l.rtl);
  bm_lang_free(&l);
}

/* Right to left, the furniture is mirrored: the title block and the credit line end at
 * the right padding, the legend takes the mirrored corner, and its symbols stand right of
 * their text (the factory's red in the legend box's right part, not its left). */
static void test_rtl_mirrored(void **state) {
  (void)state;
  rendered en, fa;
  render("", NULL, &en);
  render("language: fa\n", NULL, &fa);
  double te[4], tf[4], ce[4], cf[4], le[4], lf[4];
  assert_true(report_box(&en, "title_box", te) && report_box(&fa, "title_box", tf));
  assert_true(report_box(&en, "credit_box", ce) && report_box(&fa, "credit_box", cf));
  assert_true(report_box(&en, "legend_box", le) && report_box(&fa, "legend_box", lf));
  assert_true(te[0] < 20 && te[2] < W / 2);
  if (!(tf[2] > W - 20 && tf[0] > W / 2))
    fail_msg("Persian title block at x %.0f-%.0f, not right-aligned", tf[0], tf[2]);
  assert_true(ce[0] < 20);
  if (!(cf[2] > W - 20 && cf[0] > W / 2))
    fail_msg("Persian credit line at x %.0f-%.0f, not right-aligned", cf[0], cf[2]);
  /* the legend: mirrored about the middle */
  if (!(le[0] > W / 2 && lf[2] < W / 2 && fabs((W - lf[0]) - le[2]) < 2))
    fail_msg("legend at x %.0f-%.0f (en) and %.0f-%.0f (fa): not mirrored", le[0], le[2], lf[0],
             lf[2]);
  assert_non_null(strstr(fa.report, "\"direction\": \"rtl\""));
  /* where the factory symbol's red is in each legend */
  const rendered *maps[2] = {&en, &fa};
  const double *boxes[2] = {le, lf};
  double share_right[2];
  for (int m = 0; m < 2; m++) {
    const unsigned char *p = cairo_image_surface_get_data(maps[m]->img);
    int stride = cairo_image_surface_get_stride(maps[m]->img);
    const double *b = boxes[m];
    int left = 0, right = 0;
    for (int y = (int)b[1]; y < (int)b[3]; y++)
      for (int x = (int)b[0]; x < (int)b[2]; x++) {
        uint32_t v;
        memcpy(&v, p + (size_t)y * (size_t)stride + 4 * (size_t)x, 4);
        int r = (v >> 16) & 255, g = (v >> 8) & 255, bl = v & 255;
        if (r - g > 80 && r - bl > 80) *(x < (b[0] + b[2]) / 2 ? &left : &right) += 1;
      }
    assert_true(left + right > 20);
    share_right[m] = (double)right / (left + right);
  }
  if (!(share_right[0] < 0.1 && share_right[1] > 0.9))
    fail_msg("legend symbols on the right: %.0f%% (en), %.0f%% (fa)", share_right[0] * 100,
             share_right[1] * 100);
  rendered_free(&en);
  rendered_free(&fa);
}

/* Arabic-script text is never letter-spaced; Latin text is. */
static void test_arabic_script_not_spaced(void **state) {
  (void)state;
  bm_text *t = NULL;
  bm_error err = {0};
  assert_int_equal(bm_text_create("Noto Sans", &t, &err), BM_OK);
  bm_text_style plain = {.size = 20, .weight = 400}, spaced = plain;
  spaced.letter_spacing = 0.3;
  const char *words[2] = {"تاجیکستان", "Tajikistan"};
  double w[2][2];
  for (int i = 0; i < 2; i++) {
    const bm_text_style *st[2] = {&plain, &spaced};
    for (int s = 0; s < 2; s++) {
      PangoLayout *l = bm_text_layout(t, words[i], st[s]);
      double h;
      bm_text_size(l, &w[i][s], &h);
      g_object_unref(l);
    }
  }
  assert_true(fabs(w[0][1] - w[0][0]) < 0.01); /* Persian: the same width */
  assert_true(w[1][1] > w[1][0] + 20);         /* Latin: wider by the spacing */
  assert_true(bm_text_is_arabic_script("مرز"));
  assert_false(bm_text_is_arabic_script("Граница"));
  bm_text_destroy(t);
}

/* The spec's language is checked, with what is valid. */
static void test_spec_language_checked(void **state) {
  (void)state;
  bm_error err = {0};
  bm_spec *s = bm_spec_load_string("language: Persian\nextent: {bbox: [66, 46, 72, 50]}\n",
                                   "bad.yaml", ".", &err);
  assert_null(s);
  assert_int_equal(err.line, 1);
  assert_non_null(strstr(err.msg, "'Persian' is not a language code"));
  s = bm_spec_load_string("messages: {kilometres: km}\nextent: {bbox: [66, 46, 72, 50]}\n",
                          "bad.yaml", ".", &err);
  assert_null(s);
  assert_non_null(strstr(err.msg, "unknown message 'kilometres'"));
  assert_non_null(strstr(err.msg, "base_map"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_in_the_language),
      cmocka_unit_test(test_untranslated_listed_exactly),
      cmocka_unit_test(test_furniture_messages),
      cmocka_unit_test(test_rtl_mirrored),
      cmocka_unit_test(test_arabic_script_not_spaced),
      cmocka_unit_test(test_spec_language_checked),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
