/* Points of view and classes of boundary line, as a reader sees them.
 *
 * The offline mirror's boundary lines predate Natural Earth 5.1 (no FCLASS_* fields),
 * so this test makes its own: a data folder that links every layer of BM_TEST_DATA
 * except the admin-0 boundary lines and disputed-areas lines (all scales) and the 10m
 * provinces, which it writes
 * with shapelib. In central Kazakhstan (nothing else there is a boundary), along the
 * meridian 69°E, which is the vertical centre line of a Lambert azimuthal map centred
 * on it:
 *   46.5–47.5°N  IND|PAK  "International boundary (verify)"; FCLASS_IN "Disputed";
 *                FCLASS_PK "International boundary"
 *   47.5–48.5°N  IND|PAK  "Line of control (please verify)"
 *   48.5–49.5°N  IND|CHN  "Indefinite (please verify)"
 *   49.55–49.95°N a claim line of the disputed-areas layer: FCLASS_IN "International
 *                boundary", FCLASS_PK "Unrecognized"
 * and a lease limit along 67°E and an overlay limit along 71°E. One province,
 * "Testprov" (KAZ), lies west of 69°E with its east edge on that meridian, so that its
 * outline runs under the lines. India's POV countries layer holds one polygon, "India",
 * over 69.5–71.5°E. Maps are rendered through the library into memory and
 * read back as pixels, and the label report's legend is read as JSON text.
 * Skipped (77) when the test data folder is not there. */
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
#include "pipeline.h"
#include "spec/spec.h"

#define W 1200
#define H 1200

static char g_data[1024]; /* the synthetic data folder */
static char g_tmp[1024];

static const char *const boundary_stems[] = {"ne_10m_admin_0_boundary_lines_land",
                                             "ne_50m_admin_0_boundary_lines_land",
                                             "ne_110m_admin_0_boundary_lines_land"};
static const char *const disputed_stems[] = {"ne_10m_admin_0_boundary_lines_disputed_areas",
                                             "ne_50m_admin_0_boundary_lines_disputed_areas"};
static const char *const province_stem = "ne_10m_admin_1_states_provinces";
/* India's POV layer of the countries (not in the mirror; written here) */
static const char *const pov_countries_stem = "ne_10m_admin_0_countries_ind";

static bool replaced(const char *name) {
  for (size_t i = 0; i < 3; i++)
    if (!strcmp(name, boundary_stems[i])) return true;
  for (size_t i = 0; i < 2; i++)
    if (!strcmp(name, disputed_stems[i])) return true;
  return !strcmp(name, province_stem);
}

typedef struct {
  double lon0, lat0, lon1, lat1;
  const char *cla, *l, *r, *in, *pk;
} line_rec;

static void write_boundaries(const char *dir, const char *stem) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, stem);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/%s/%s", dir, stem, stem);
  SHPHandle shp = SHPCreate(path, SHPT_ARC);
  DBFHandle dbf = DBFCreate(path);
  assert_non_null(shp);
  assert_non_null(dbf);
  /* Natural Earth's own lower-case names; FCLASS_* as 5.1 spells them */
  int f_cla = DBFAddField(dbf, "featurecla", FTString, 40, 0);
  int f_l = DBFAddField(dbf, "adm0_a3_l", FTString, 3, 0);
  int f_r = DBFAddField(dbf, "adm0_a3_r", FTString, 3, 0);
  int f_in = DBFAddField(dbf, "FCLASS_IN", FTString, 40, 0);
  int f_pk = DBFAddField(dbf, "FCLASS_PK", FTString, 40, 0);
  static const line_rec lines[] = {
      {69, 46.5, 69, 47.5, "International boundary (verify)", "IND", "PAK",
       "Disputed (please verify)", "International boundary"},
      {69, 47.5, 69, 48.5, "Line of control (please verify)", "IND", "PAK",
       "Line of control (please verify)", "Line of control (please verify)"},
      {69, 48.5, 69, 49.5, "Indefinite (please verify)", "IND", "CHN", "Indefinite (please verify)",
       ""},
      {67, 46.5, 67, 49.5, "Lease limit", "KAZ", "KAB", "Lease limit", "Lease limit"},
      {71, 46.5, 71, 49.5, "Overlay limit", "KAZ", "KAZ", "Overlay limit", "Overlay limit"}};
  for (int i = 0; i < (int)(sizeof lines / sizeof lines[0]); i++) {
    const line_rec *L = &lines[i];
    /* densified, so that the line follows the meridian in any projection */
    double x[21], y[21];
    for (int k = 0; k <= 20; k++) {
      x[k] = L->lon0 + (L->lon1 - L->lon0) * k / 20.0;
      y[k] = L->lat0 + (L->lat1 - L->lat0) * k / 20.0;
    }
    SHPObject *o = SHPCreateSimpleObject(SHPT_ARC, 21, x, y, NULL);
    int id = SHPWriteObject(shp, -1, o);
    SHPDestroyObject(o);
    DBFWriteStringAttribute(dbf, id, f_cla, L->cla);
    DBFWriteStringAttribute(dbf, id, f_l, L->l);
    DBFWriteStringAttribute(dbf, id, f_r, L->r);
    DBFWriteStringAttribute(dbf, id, f_in, L->in);
    DBFWriteStringAttribute(dbf, id, f_pk, L->pk);
  }
  SHPClose(shp);
  DBFClose(dbf);
}

/* The disputed-areas lines: one claim line, 49.55–49.95°N on 69°E, that India takes as
 * its international boundary and Pakistan does not recognise. */
static void write_disputed(const char *dir, const char *stem) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, stem);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/%s/%s", dir, stem, stem);
  SHPHandle shp = SHPCreate(path, SHPT_ARC);
  DBFHandle dbf = DBFCreate(path);
  assert_non_null(shp);
  assert_non_null(dbf);
  int f_cla = DBFAddField(dbf, "featurecla", FTString, 40, 0);
  int f_in = DBFAddField(dbf, "FCLASS_IN", FTString, 40, 0);
  int f_pk = DBFAddField(dbf, "FCLASS_PK", FTString, 40, 0);
  double x[9], y[9];
  for (int k = 0; k <= 8; k++)
    x[k] = 69, y[k] = 49.55 + 0.05 * k;
  SHPObject *o = SHPCreateSimpleObject(SHPT_ARC, 9, x, y, NULL);
  int id = SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteStringAttribute(dbf, id, f_cla, "Claim boundary");
  DBFWriteStringAttribute(dbf, id, f_in, "International boundary");
  DBFWriteStringAttribute(dbf, id, f_pk, "Unrecognized");
  SHPClose(shp);
  DBFClose(dbf);
}

/* India's view of the countries: one polygon, "India", over 69.5–71.5°E, 46.5–49.5°N. */
static void write_pov_countries(const char *dir) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, pov_countries_stem);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/%s/%s", dir, pov_countries_stem, pov_countries_stem);
  SHPHandle shp = SHPCreate(path, SHPT_POLYGON);
  DBFHandle dbf = DBFCreate(path);
  assert_non_null(shp);
  assert_non_null(dbf);
  int f_a3 = DBFAddField(dbf, "ADM0_A3", FTString, 3, 0);
  int f_iso = DBFAddField(dbf, "ISO_A3", FTString, 3, 0);
  int f_name = DBFAddField(dbf, "NAME", FTString, 40, 0);
  int f_rank = DBFAddField(dbf, "LABELRANK", FTInteger, 4, 0);
  double x[] = {69.5, 69.5, 71.5, 71.5, 69.5}, y[] = {46.5, 49.5, 49.5, 46.5, 46.5};
  SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, x, y, NULL);
  int id = SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteStringAttribute(dbf, id, f_a3, "IND");
  DBFWriteStringAttribute(dbf, id, f_iso, "IND");
  DBFWriteStringAttribute(dbf, id, f_name, "India");
  DBFWriteIntegerAttribute(dbf, id, f_rank, 2);
  SHPClose(shp);
  DBFClose(dbf);
}

static void write_provinces(const char *dir) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, province_stem);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/%s/%s", dir, province_stem, province_stem);
  SHPHandle shp = SHPCreate(path, SHPT_POLYGON);
  DBFHandle dbf = DBFCreate(path);
  assert_non_null(shp);
  assert_non_null(dbf);
  int f_a3 = DBFAddField(dbf, "adm0_a3", FTString, 3, 0);
  int f_name = DBFAddField(dbf, "name", FTString, 40, 0);
  DBFAddField(dbf, "woe_name", FTString, 40, 0);
  DBFAddField(dbf, "gn_name", FTString, 40, 0);
  /* clockwise, as shapefiles want outer rings; the east edge densified on 69°E */
  double x[64], y[64];
  int n = 0;
  x[n] = 66.5, y[n++] = 46.5;
  x[n] = 66.5, y[n++] = 49.5;
  for (int k = 0; k <= 10; k++)
    x[n] = 66.5 + 2.5 * k / 10.0, y[n++] = 49.5;
  for (int k = 1; k <= 30; k++)
    x[n] = 69, y[n++] = 49.5 - 3.0 * k / 30.0;
  for (int k = 1; k <= 10; k++)
    x[n] = 69 - 2.5 * k / 10.0, y[n++] = 46.5;
  SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, n, x, y, NULL);
  int id = SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteStringAttribute(dbf, id, f_a3, "KAZ");
  DBFWriteStringAttribute(dbf, id, f_name, "Testprov");
  DBFWriteNULLAttribute(dbf, id, 2);
  DBFWriteNULLAttribute(dbf, id, 3);
  SHPClose(shp);
  DBFClose(dbf);
}

static int setup(void **state) {
  (void)state;
  char probe[1200];
  snprintf(probe, sizeof probe, "%s/ne_10m_land/ne_10m_land.shp", BM_TEST_DATA);
  if (access(probe, R_OK) != 0) {
    fprintf(stderr, "pov_test: no Natural Earth data in %s; skipped\n", BM_TEST_DATA);
    exit(77);
  }
  mkdir(BM_TEST_TMP, 0755);
  snprintf(g_tmp, sizeof g_tmp, "%s/pov-%ld", BM_TEST_TMP, (long)getpid());
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
  for (size_t i = 0; i < 3; i++)
    write_boundaries(g_data, boundary_stems[i]);
  for (size_t i = 0; i < 2; i++)
    write_disputed(g_data, disputed_stems[i]);
  write_provinces(g_data);
  write_pov_countries(g_data);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (getenv("BM_POV_TEST_KEEP")) { /* to look at the data and maps */
    fprintf(stderr, "pov_test: kept %s\n", g_tmp);
    return 0;
  }
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- rendering and reading back ----------------------------------------- */

typedef struct {
  cairo_surface_t *img;
  char *report; /* the label report's text */
  char *svg;    /* the same map as SVG (live text) */
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

/* The spec: the test map plus extra keys. */
static bm_spec *spec_with(const char *extra, bm_error *err) {
  char text[2048];
  snprintf(text, sizeof text,
           "size: {width: %d, height: %d}\n"
           "extent: {bbox: [66, 46, 72, 50], margin: 0}\n"
           "projection: +proj=laea +lon_0=69 +lat_0=48 +datum=WGS84\n"
           "places: false\n"
           "scale_bar: false\n"
           "legend: {position: bottom-right}\n"
           "%s",
           W, H, extra);
  return bm_spec_load_string(text, "pov.yaml", g_tmp, err);
}

static bm_status try_render(const char *extra, const char *data, rendered *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  bm_spec *spec = spec_with(extra, err);
  if (!spec) return err->code;
  char report[1200];
  snprintf(report, sizeof report, "%s/report.json", g_tmp);
  bm_render_options opt = {.data_dir = data, .labels_report = report};
  bm_output outs[2] = {{.format = BM_FORMAT_PNG}, {.format = BM_FORMAT_SVG}};
  bm_status st = bm_render_outputs(spec, outs, 2, &opt, NULL, err);
  bm_spec_free(spec);
  if (st) return st;
  reader r = {outs[0].data, outs[0].len, 0};
  out->img = cairo_image_surface_create_from_png_stream(read_cb, &r);
  assert_int_equal(cairo_surface_status(out->img), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(out->img);
  out->report = slurp(report);
  assert_non_null(out->report);
  out->svg = malloc(outs[1].len + 1);
  assert_non_null(out->svg);
  memcpy(out->svg, outs[1].data, outs[1].len);
  out->svg[outs[1].len] = '\0';
  free(outs[0].data);
  free(outs[1].data);
  return BM_OK;
}

static void render(const char *extra, rendered *out) {
  bm_error err = {0};
  bm_status st = try_render(extra, g_data, out, &err);
  if (st) fail_msg("render failed: %s", err.msg);
}

static void rendered_free(rendered *r) {
  cairo_surface_destroy(r->img);
  free(r->report);
  free(r->svg);
}

static void rgb(const rendered *r, int x, int y, int c[3]) {
  const unsigned char *p = cairo_image_surface_get_data(r->img);
  int stride = cairo_image_surface_get_stride(r->img);
  uint32_t v;
  memcpy(&v, p + (size_t)y * (size_t)stride + 4 * (size_t)x, 4);
  c[0] = (v >> 16) & 255, c[1] = (v >> 8) & 255, c[2] = v & 255;
}

/* What the centre column (69°E, x = W/2 ± 3 px) shows between two heights (fractions
 * of the height from the top): the share of rows with a grey line pixel (at least 30
 * darker than the land, neutral), and with a red one (the accent, or a highlighted
 * province's outline). */
typedef struct {
  double grey, red;
} column;

static column centre_column(const rendered *r, double top, double bottom) {
  int grey = 0, red = 0, rows = 0;
  for (int y = (int)(top * H); y < (int)(bottom * H); y++, rows++) {
    bool g = false, rd = false;
    for (int x = W / 2 - 3; x <= W / 2 + 3; x++) {
      int c[3];
      rgb(r, x, y, c);
      if (c[0] - c[1] > 80) rd = true;
      if (abs(c[0] - c[1]) < 12 && abs(c[1] - c[2]) < 12 && c[1] < 0xf1 - 30) g = true;
    }
    grey += g;
    red += rd;
  }
  return (column){(double)grey / rows, (double)red / rows};
}

/* The three stretches of the centre line: 46.5–47.5°N at the bottom, the line of
 * control in the middle, the indefinite line at the top (each a little inside). */
#define INTL_TOP 0.67
#define INTL_BOTTOM 0.84
#define LOC_TOP 0.41
#define LOC_BOTTOM 0.59
/* the claim line of the disputed-areas layer, near the top */
#define CLAIM_TOP 0.05
#define CLAIM_BOTTOM 0.10

static bool legend_has(const rendered *r, const char *symbol) {
  char want[80];
  snprintf(want, sizeof want, "{\"symbol\": \"%s\"", symbol);
  const char *legend = strstr(r->report, "\"legend\": [");
  return legend && strstr(legend, want);
}

/* ---- the tests ----------------------------------------------------------- */

/* The same line is solid in the de facto view and for Pakistan, dashed (and in the
 * legend as disputed) as India sees it; the credit line says whose view it is. */
static void test_pov_changes_a_line(void **state) {
  (void)state;
  rendered d, in, pk;
  render("", &d);
  render("point_of_view: IND\n", &in);
  render("point_of_view: pak\n", &pk);
  column cd = centre_column(&d, INTL_TOP, INTL_BOTTOM);
  column ci = centre_column(&in, INTL_TOP, INTL_BOTTOM);
  column cp = centre_column(&pk, INTL_TOP, INTL_BOTTOM);
  if (cd.grey < 0.9 || cp.grey < 0.9)
    fail_msg("the international stretch is not solid: %.0f%% / %.0f%% of rows drawn", cd.grey * 100,
             cp.grey * 100);
  if (ci.grey > 0.8 || ci.grey < 0.3)
    fail_msg("as India sees it the stretch should be dashed: %.0f%% of rows drawn", ci.grey * 100);
  /* the claim line: dashed de facto, solid as India sees it, not drawn for Pakistan */
  column kd = centre_column(&d, CLAIM_TOP, CLAIM_BOTTOM);
  column ki = centre_column(&in, CLAIM_TOP, CLAIM_BOTTOM);
  column kp = centre_column(&pk, CLAIM_TOP, CLAIM_BOTTOM);
  if (kd.grey > 0.8 || kd.grey < 0.3 || ki.grey < 0.9 || kp.grey > 0.05)
    fail_msg("claim line drawn on %.0f%% (de facto, dashed), %.0f%% (India, solid), %.0f%% "
             "(Pakistan, unrecognised) of rows",
             kd.grey * 100, ki.grey * 100, kp.grey * 100);
  /* disputed in the legend: the claim line de facto; the stretch as India sees it */
  assert_true(legend_has(&d, "disputed"));
  assert_false(legend_has(&pk, "disputed"));
  assert_true(legend_has(&in, "disputed"));
  assert_non_null(strstr(d.svg, "Boundaries: Natural Earth de facto view"));
  assert_non_null(strstr(in.svg, "Boundaries: as seen by India"));
  assert_non_null(strstr(pk.svg, "Boundaries: as seen by Pakistan"));
  rendered_free(&d);
  rendered_free(&in);
  rendered_free(&pk);
}

/* Line of control, indefinite, lease and overlay limits: one legend entry each, none
 * called a disputed boundary. */
static void test_distinct_legend_entries(void **state) {
  (void)state;
  rendered d;
  render("", &d);
  assert_true(legend_has(&d, "line-of-control"));
  assert_true(legend_has(&d, "indefinite"));
  assert_true(legend_has(&d, "lease-limit"));
  assert_true(legend_has(&d, "overlay-limit"));
  assert_non_null(strstr(d.report, "\"text\": \"Line of control\""));
  assert_non_null(strstr(d.report, "\"text\": \"Indefinite boundary\""));
  assert_non_null(strstr(d.report, "\"text\": \"Lease limit\""));
  rendered_free(&d);
  /* as Pakistan sees it, with the claim line unrecognised: nothing is merely disputed */
  rendered pk;
  render("point_of_view: PAK\n", &pk);
  assert_true(legend_has(&pk, "line-of-control"));
  assert_null(strstr(pk.report, "Disputed boundary"));
  rendered_free(&pk);
}

/* A highlighted province whose outline runs along a dashed line: the dashes stay on
 * top, and no red outline shows through their gaps. */
static void test_dashes_over_highlight(void **state) {
  (void)state;
  rendered in;
  render("point_of_view: IND\nhighlight: {provinces: [{country: KAZ, name: Testprov}]}\n", &in);
  column c = centre_column(&in, INTL_TOP, INTL_BOTTOM);
  column l = centre_column(&in, LOC_TOP, LOC_BOTTOM);
  if (c.grey < 0.3 || l.grey < 0.3)
    fail_msg("dashes hidden by the highlight: %.0f%% / %.0f%% of rows grey", c.grey * 100,
             l.grey * 100);
  if (c.red > 0.05 || l.red > 0.05)
    fail_msg("the highlight's outline shows along the dashed lines: %.0f%% / %.0f%% of rows red",
             c.red * 100, l.red * 100);
  assert_true(legend_has(&in, "highlight-province"));
  rendered_free(&in);
}

/* borders: between [IND, PAK] takes the international boundary alone; with class:
 * line-of-control, the line of control alone; a class they do not share is an error. */
static void test_border_class(void **state) {
  (void)state;
  rendered intl, loc;
  render("borders: [{between: [IND, PAK], label: Border}]\n", &intl);
  render("borders: [{between: [PAK, IND], class: line-of-control, label: LoC}]\n", &loc);
  column ii = centre_column(&intl, INTL_TOP, INTL_BOTTOM);
  column il = centre_column(&intl, LOC_TOP, LOC_BOTTOM);
  column li = centre_column(&loc, INTL_TOP, INTL_BOTTOM);
  column ll = centre_column(&loc, LOC_TOP, LOC_BOTTOM);
  if (ii.red < 0.9 || il.red > 0.05)
    fail_msg("default border: %.0f%% red on the international stretch, %.0f%% on the LoC",
             ii.red * 100, il.red * 100);
  if (li.red > 0.05 || ll.red < 0.3 || ll.red > 0.95)
    fail_msg("LoC border: %.0f%% red on the international stretch, %.0f%% (dashed) on the LoC",
             li.red * 100, ll.red * 100);
  rendered_free(&intl);
  rendered_free(&loc);

  bm_error err = {0};
  rendered none;
  bm_status st =
      try_render("borders:\n  - {between: [IND, CHN], class: lease-limit}\n", g_data, &none, &err);
  if (st != BM_ERR_SPEC) fail_msg("expected a spec error, got %d: %s", st, err.msg);
  assert_non_null(strstr(err.msg, "no line of class lease-limit"));
  assert_non_null(strstr(err.msg, "indefinite"));
  assert_int_equal(err.line, 8); /* the class, after the six lines of the test map */
}

/* Data without FCLASS_* fields (the mirror's, older than 5.1.0): a data error that
 * names the release that adds them and how to fetch it. */
static void test_missing_fields(void **state) {
  (void)state;
  bm_error err = {0};
  rendered r;
  assert_int_equal(try_render("point_of_view: IND\n", BM_TEST_DATA, &r, &err), BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "FCLASS_IN"));
  assert_non_null(strstr(err.msg, "5.1.0"));
  assert_non_null(strstr(err.msg, "bordermap data fetch"));
}

/* With the point of view's own countries layer in the data folder, the countries are that
 * view's: "India" here exists only in it, so highlighting it works as India sees the map
 * and is an error in the de facto view. */
static void test_pov_countries_layer(void **state) {
  (void)state;
  rendered in;
  render("point_of_view: IND\nhighlight: {countries: [IND]}\n", &in);
  int tinted = 0, n = 0;
  for (int y = (int)(0.30 * H); y < (int)(0.70 * H); y += 4)
    for (int x = (int)(0.62 * W); x < (int)(0.80 * W); x += 4, n++) {
      int c[3];
      rgb(&in, x, y, c);
      /* the newsroom highlight tint, #e4ddd0 */
      tinted += abs(c[0] - 0xe4) < 8 && abs(c[1] - 0xdd) < 8 && abs(c[2] - 0xd0) < 8;
    }
  if (tinted < n * 8 / 10) fail_msg("India's POV polygon is tinted on %d of %d samples", tinted, n);
  assert_true(legend_has(&in, "highlight-country"));
  rendered_free(&in);

  bm_error err = {0};
  rendered none;
  bm_status st = try_render("highlight: {countries: [IND]}\n", g_data, &none, &err);
  if (st == BM_OK) fail_msg("highlighting IND in the de facto view should fail here");
  assert_non_null(strstr(err.msg, "IND"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pov_changes_a_line),    cmocka_unit_test(test_distinct_legend_entries),
      cmocka_unit_test(test_dashes_over_highlight), cmocka_unit_test(test_border_class),
      cmocka_unit_test(test_missing_fields),        cmocka_unit_test(test_pov_countries_layer)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
