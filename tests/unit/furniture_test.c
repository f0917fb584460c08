/* Unit tests for render/furniture: the scale bar against geodesics computed
 * here with PROJ's geod_inverse (independently of the code under test), how
 * scale and north vary across a view, the legend's entries, the content map,
 * and whole renders (BM_TEST_DATA; skipped without it) whose report must show
 * a legend of exactly what is drawn and an inset outline around the main map. */
#define _GNU_SOURCE
#include <geodesic.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/util.h"
#include "layout/furniture.h"
#include "pipeline.h"
#include "proj/proj.h"
#include "spec/spec.h"

static double geod(double lon1, double lat1, double lon2, double lat2) {
  struct geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  double s12 = 0;
  geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
  return s12;
}

static bm_proj *make(const char *def) {
  bm_proj *p = NULL;
  bm_error err;
  bm_error_clear(&err);
  if (bm_proj_create(def, &p, &err)) fail_msg("%s: %s", def, err.msg);
  return p;
}

static void px_lonlat(const bm_proj *p, const bm_view *v, double x, double y, double *lon,
                      double *lat) {
  double xy[2] = {v->proj.minx + x / v->px_per_m, v->proj.maxy - y / v->px_per_m};
  bm_proj_inverse(p, xy, 1);
  *lon = xy[0];
  *lat = xy[1];
}

/* ---- scale bar -------------------------------------------------------------- */

static void check_bar(const char *def, bm_bbox ll, double max_km_err) {
  bm_proj *p = make(def);
  bm_view v;
  bm_error err;
  assert_int_equal(bm_view_fit(p, ll, 0.05, 1200, 800, &v, &err), BM_OK);
  static const double at[][2] = {{20, 760}, {1000, 760}, {600, 400}, {20, 40}};
  double worst = 0;
  for (size_t i = 0; i < 4; i++) {
    bm_scalebar bar;
    assert_true(bm_scalebar_measure(p, &v, at[i][0], at[i][1], 130, 0, false, &bar));
    /* a round number */
    double e = pow(10, floor(log10(bar.km))), m = bar.km / e;
    assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
    assert_true(bar.px <= 130.0001 && bar.px > 130 / 2.6);
    double lon1, lat1, lon2, lat2;
    px_lonlat(p, &v, at[i][0], at[i][1], &lon1, &lat1);
    px_lonlat(p, &v, at[i][0] + bar.px, at[i][1], &lon2, &lat2);
    double d = geod(lon1, lat1, lon2, lat2);
    double rel = fabs(d - bar.km * 1000) / (bar.km * 1000);
    worst = fmax(worst, rel);
    if (rel > max_km_err)
      fail_msg("%s at %g,%g: bar %g km over %.2f px is %.1f m on the ground (%.3f%%)", def,
               at[i][0], at[i][1], bar.km, bar.px, d, rel * 100);
  }
  fprintf(stderr, "furniture_test: %s: worst scale-bar error %.2e\n", def, worst);
  bm_proj_destroy(p);
}

static void test_scale_bar_matches_the_ground_within_one_percent(void **state) {
  (void)state;
  check_bar("+proj=laea +lat_0=35.2 +lon_0=67.8 +datum=WGS84 +units=m +no_defs",
            (bm_bbox){60, 29, 75, 39}, 0.01);
  check_bar("+proj=aea +lat_1=40 +lat_2=50 +lat_0=45 +lon_0=60 +datum=WGS84 +units=m +no_defs",
            (bm_bbox){30, 35, 90, 55}, 0.01);
  check_bar("EPSG:3857", (bm_bbox){40, 30, 80, 55}, 0.01);
}

static void test_fixed_km_and_too_long(void **state) {
  (void)state;
  bm_proj *p = make("+proj=laea +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs");
  bm_view v;
  bm_error err;
  assert_int_equal(bm_view_fit(p, (bm_bbox){66, 36, 72, 40}, 0.05, 1200, 800, &v, &err), BM_OK);
  bm_scalebar bar;
  assert_true(bm_scalebar_measure(p, &v, 20, 760, 130, 50, false, &bar));
  assert_true(bar.km == 50);
  assert_false(bm_scalebar_measure(p, &v, 20, 760, 130, 5000, false, &bar));
  bm_proj_destroy(p);
}

static void test_scale_variation_and_north(void **state) {
  (void)state;
  /* a region: scale nearly constant; a world map: far from it */
  bm_proj *p = make("+proj=laea +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs");
  bm_view v;
  bm_error err;
  assert_int_equal(bm_view_fit(p, (bm_bbox){66, 36, 72, 40}, 0.05, 1200, 800, &v, &err), BM_OK);
  assert_true(bm_scale_variation(p, &v) < 1.02);
  double a;
  assert_true(bm_north_angle(p, &v, 600, 400, &a));
  assert_true(fabs(a) < 0.01);
  assert_true(bm_north_spread(p, &v) < 3 * M_PI / 180);
  bm_proj_destroy(p);
  p = make("+proj=eqearth +lon_0=0 +datum=WGS84 +units=m +no_defs");
  assert_int_equal(bm_view_fit(p, (bm_bbox){-180, -80, 180, 80}, 0.0, 1200, 600, &v, &err), BM_OK);
  assert_true(bm_scale_variation(p, &v) > 1.5);
  bm_proj_destroy(p);
  /* a big conic: meridians converge, north turns across the map */
  p = make("+proj=aea +lat_1=40 +lat_2=50 +lat_0=45 +lon_0=60 +datum=WGS84 +units=m +no_defs");
  assert_int_equal(bm_view_fit(p, (bm_bbox){30, 35, 90, 55}, 0.05, 1200, 800, &v, &err), BM_OK);
  assert_true(bm_north_spread(p, &v) > 10 * M_PI / 180);
  assert_true(bm_north_angle(p, &v, 0, 400, &a) && a > 0.1); /* west edge: north leans right */
  bm_proj_destroy(p);
}

/* ---- legend and content ------------------------------------------------------ */

static void test_legend_dedupes_and_applies_the_spec(void **state) {
  (void)state;
  bm_legend L = {0};
  bm_legend_item f = {.symbol = BM_LEGEND_SITE, .site_kind = BM_SITE_FACTORY, .text = "Factory"};
  bm_legend_item r = {.symbol = BM_LEGEND_ROUTE, .text = "Flights"};
  bm_legend_item d = {.symbol = BM_LEGEND_DISPUTED, .text = "Disputed boundary"};
  assert_true(bm_legend_add(&L, &f) && bm_legend_add(&L, &r) && bm_legend_add(&L, &r) &&
              bm_legend_add(&L, &d));
  assert_int_equal(L.n, 3);
  assert_string_equal(bm_legend_symbol_name(&L.v[0]), "factory");
  assert_string_equal(bm_legend_symbol_name(&L.v[2]), "disputed");
  char *hide[] = {"disputed"};
  bm_legend_entry names[] = {{"factory", "Drone factory"}};
  bm_legend_spec spec = {.hide = hide, .n_hide = 1, .names = names, .n_names = 1};
  assert_true(bm_legend_apply_spec(&L, &spec));
  assert_int_equal(L.n, 2);
  assert_string_equal(L.v[0].text, "Drone factory");
  bm_legend_entry items[] = {{"ring", "200 km"}, {"text", "Note"}};
  bm_legend_spec written = {.items = items, .n_items = 2};
  assert_true(bm_legend_apply_spec(&L, &written));
  assert_int_equal(L.n, 2);
  assert_int_equal(L.v[0].symbol, BM_LEGEND_RING);
  bm_legend_free(&L);
}

static void test_content_map_sums_what_is_drawn(void **state) {
  (void)state;
  bm_content *c = bm_content_create(400, 200);
  assert_non_null(c);
  bm_content_box(c, (bm_bbox){0, 0, 100, 100}, 1);
  assert_true(fabs(bm_content_sum(c, (bm_bbox){0, 0, 100, 100}) - 10000) < 200);
  assert_true(bm_content_sum(c, (bm_bbox){300, 100, 400, 200}) < 1);
  bm_content_destroy(c);
}

/* ---- whole renders --------------------------------------------------------------- */

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
  s[n] = 0;
  fclose(f);
  return s;
}

static bool have_data(void) {
  char p[1024];
  snprintf(p, sizeof p, "%s/ne_10m_admin_0_countries/ne_10m_admin_0_countries.shp", BM_TEST_DATA);
  return bm_file_exists(p);
}

/* Renders spec text and returns the report (caller frees); NULL and err on failure. */
static char *render(const char *text, bm_error *err) {
  mkdir(BM_TEST_TMP, 0777);
  char dir[1024], out[1100], rep[1100];
  snprintf(dir, sizeof dir, "%s/furniture", BM_TEST_TMP);
  mkdir(dir, 0777);
  snprintf(out, sizeof out, "%s/map.png", dir);
  snprintf(rep, sizeof rep, "%s/map.json", dir);
  bm_error_clear(err);
  bm_spec *s = bm_spec_load_string(text, "furniture.yaml", dir, err);
  if (!s) return NULL;
  bm_render_options opt = {.data_dir = BM_TEST_DATA, .labels_report = rep};
  bm_status st = bm_render_map(s, out, &opt, NULL, err);
  bm_spec_free(s);
  return st ? NULL : slurp(rep);
}

/* The symbols listed in the report's legend, in order, joined by spaces. */
static void legend_symbols(const char *rep, char *buf, size_t n) {
  buf[0] = 0;
  const char *p = strstr(rep, "\"legend\": [");
  const char *end = p ? strchr(p, ']') : NULL;
  size_t k = 0;
  while (p && (p = strstr(p, "\"symbol\": \"")) && p < end) {
    p += 11;
    const char *q = strchr(p, '"');
    k += (size_t)snprintf(buf + k, n - k, "%s%.*s", k ? " " : "", (int)(q - p), p);
  }
}

static void test_legend_lists_exactly_what_is_drawn(void **state) {
  (void)state;
  if (!have_data()) skip();
  bm_error err;
  /* a factory and a base in view, an airfield far outside it: no airfield entry */
  char *rep = render("title: t\nplaces: false\nextent: {bbox: [66, 36, 72, 40]}\n"
                     "sites:\n  - {name: F, lon: 68.78, lat: 38.56, kind: factory}\n"
                     "  - {name: B, lon: 69.78, lat: 37.91, kind: military-base}\n"
                     "  - {name: A, lon: 30, lat: 10, kind: airfield}\n"
                     "rings:\n  - {center: F, radius_km: 100, label: R}\n"
                     "routes:\n  - {from: B, to: F, legend: Flights}\n"
                     "  - {from: [20, 10], to: [22, 11], legend: Far away}\n",
                     &err);
  if (!rep) fail_msg("%s", err.msg);
  char syms[400];
  legend_symbols(rep, syms, sizeof syms);
  /* the Kyrgyz-Tajik disputed lines are in this box too: drawn, so listed */
  assert_string_equal(syms, "factory military-base ring route disputed");
  assert_null(strstr(rep, "Far away"));
  free(rep);
  /* hidden and renamed entries; no legend at all */
  rep = render("title: t\nplaces: false\nextent: {bbox: [66, 36, 72, 40]}\n"
               "sites:\n  - {name: F, lon: 68.78, lat: 38.56, kind: factory}\n"
               "rings:\n  - {center: F, radius_km: 100}\n"
               "legend: {hide: [ring], names: {factory: Drone plant}}\n",
               &err);
  if (!rep) fail_msg("%s", err.msg);
  legend_symbols(rep, syms, sizeof syms);
  assert_string_equal(syms, "factory disputed");
  assert_non_null(strstr(rep, "Drone plant"));
  free(rep);
}

static bool inside(const double *poly, size_t n, double x, double y) {
  bool in = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++)
    if ((poly[2 * i + 1] > y) != (poly[2 * j + 1] > y) &&
        x < (poly[2 * j] - poly[2 * i]) * (y - poly[2 * i + 1]) /
                    (poly[2 * j + 1] - poly[2 * i + 1]) +
                poly[2 * i])
      in = !in;
  return in;
}

static void test_inset_outline_encloses_the_main_extent(void **state) {
  (void)state;
  if (!have_data()) skip();
  bm_error err;
  const double box[4] = {66, 36, 72, 40};
  char *rep = render("title: t\nplaces: false\nextent: {bbox: [66, 36, 72, 40], margin: 3%}\n"
                     "inset: {extent: {bbox: [30, 15, 110, 60]}, label: [IRN]}\nscale_bar: false\n",
                     &err);
  if (!rep) fail_msg("%s", err.msg);
  /* read the inset's projection, view, box and outline from the report */
  char *p = strstr(rep, "\"inset\": {\"projection\": \"");
  assert_non_null(p);
  p += strlen("\"inset\": {\"projection\": \"");
  char def[512];
  snprintf(def, sizeof def, "%.*s", (int)(strchr(p, '"') - p), p);
  double view[4], ibox[4];
  p = strstr(p, "\"view\": [");
  assert_int_equal(
      sscanf(p, "\"view\": [%lf, %lf, %lf, %lf]", &view[0], &view[1], &view[2], &view[3]), 4);
  p = strstr(p, "\"box\": [");
  assert_int_equal(
      sscanf(p, "\"box\": [%lf, %lf, %lf, %lf]", &ibox[0], &ibox[1], &ibox[2], &ibox[3]), 4);
  p = strstr(p, "\"outline\": [");
  assert_non_null(p);
  p += strlen("\"outline\": [");
  double poly[2 * 400];
  size_t n = 0;
  while (n < 400 && sscanf(p, "[%lf, %lf]", &poly[2 * n], &poly[2 * n + 1]) == 2) {
    n++;
    p = strchr(p, ']') + 1;
    if (*p == ',') p += 2;
  }
  assert_true(n >= 100);
  double ppm = (ibox[2] - ibox[0]) / (view[2] - view[0]);
  /* every outline point inside the inset's box */
  for (size_t i = 0; i < n; i++)
    assert_true(poly[2 * i] >= ibox[0] - 0.5 && poly[2 * i] <= ibox[2] + 0.5 &&
                poly[2 * i + 1] >= ibox[1] - 0.5 && poly[2 * i + 1] <= ibox[3] + 0.5);
  /* the main extent, projected independently into the inset, lies inside the outline */
  bm_proj *ip = make(def);
  for (int i = 0; i <= 20; i++)
    for (int j = 0; j <= 20; j++) {
      double xy[2] = {box[0] + (box[2] - box[0]) * i / 20.0, box[1] + (box[3] - box[1]) * j / 20.0};
      bm_proj_forward(ip, xy, 1);
      double x = ibox[0] + (xy[0] - view[0]) * ppm, y = ibox[1] + (view[3] - xy[1]) * ppm;
      if (!inside(poly, n, x, y))
        fail_msg("extent point %d,%d (%.1f, %.1f) outside the inset outline", i, j, x, y);
    }
  bm_proj_destroy(ip);
  free(rep);
}

static void test_scale_bar_error_and_note_on_a_world_map(void **state) {
  (void)state;
  if (!have_data()) skip();
  bm_error err;
  char *rep = render("title: t\nplaces: false\nextent: {bbox: [-180, -60, 180, 80]}\n"
                     "scale_bar: {when_varies: error}\n",
                     &err);
  assert_null(rep);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_int_equal(err.line, 4);
  assert_non_null(strstr(err.msg, "scale varies by"));
  rep = render("title: t\nplaces: false\nextent: {bbox: [-180, -60, 180, 80]}\n", &err);
  if (!rep) fail_msg("%s", err.msg);
  /* by default: a note where the bar would be, and no bar */
  assert_non_null(strstr(rep, "\"note\": \"Scale varies: Equal Earth projection\""));
  assert_null(strstr(rep, "\"km\""));
  assert_non_null(strstr(rep, "\"north_arrow\": false"));
  free(rep);
  /* a bar asked for on a world map is never under 1 km (off the earth, PROJ's
   * inverse answers with a pole: "0.5 m, true at 90°S") */
  rep = render("title: t\nplaces: false\nextent: {bbox: [-180, -60, 180, 80]}\n"
               "scale_bar: {when_varies: bar}\n",
               &err);
  if (!rep) fail_msg("%s", err.msg);
  const char *km = strstr(rep, "\"km\": ");
  if (km) assert_true(strtod(km + 6, NULL) >= 1);
  free(rep);
  rep = render("title: t\nplaces: false\nextent: {bbox: [-180, -60, 180, 80]}\n"
               "scale_bar: {when_varies: omit}\n",
               &err);
  if (!rep) fail_msg("%s", err.msg);
  assert_null(strstr(rep, "\"scale_bar\""));
  free(rep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scale_bar_matches_the_ground_within_one_percent),
      cmocka_unit_test(test_fixed_km_and_too_long),
      cmocka_unit_test(test_scale_variation_and_north),
      cmocka_unit_test(test_legend_dedupes_and_applies_the_spec),
      cmocka_unit_test(test_content_map_sums_what_is_drawn),
      cmocka_unit_test(test_legend_lists_exactly_what_is_drawn),
      cmocka_unit_test(test_inset_outline_encloses_the_main_extent),
      cmocka_unit_test(test_scale_bar_error_and_note_on_a_world_map),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
