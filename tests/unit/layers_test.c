/* Unit tests for layers/: the story's own geometry. Spec errors first (unknown
 * site as a ring centre, radius <= 0, unknown border pair, each with
 * file:line:col), then range rings checked vertex by vertex with PROJ's
 * geod_inverse (independently of bm_geodesic_*), routes, buffers within 1% of
 * the geodesic distance, and the Tajik-Afghan border measured on Natural
 * Earth's 10m boundary lines (BM_TEST_DATA; skipped when it is not there). */
#include <geodesic.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/geom.h"
#include "core/util.h"
#include "load/load.h"
#include "spec/spec.h"
#include "story/story.h"

static const double dushanbe[2] = {68.7791, 38.5598};

/* geod_inverse on WGS84, written out here so the test does not trust the code under test */
static double geod(double lon1, double lat1, double lon2, double lat2) {
  struct geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  double s12 = 0;
  geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
  return s12;
}

static bm_spec *spec(const char *text, bm_error *err) {
  bm_error_clear(err);
  return bm_spec_load_string(text, "story.yaml", ".", err);
}

#define EXTENT "extent: {bbox: [60, 29, 76, 41]}\n"

/* ---- failure paths -------------------------------------------------------- */

static void test_ring_radius_zero_is_a_spec_error(void **state) {
  (void)state;
  bm_error err;
  bm_spec *s = spec(EXTENT "rings:\n  - {center: [68.8, 38.6], radius_km: 0}\n", &err);
  assert_null(s);
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, "story.yaml");
  assert_int_equal(err.line, 3);
  assert_int_equal(err.col, 39);
  assert_non_null(strstr(err.msg, "ring radius_km must be greater than 0 km, not 0"));
  s = spec(EXTENT "rings:\n  - {center: [68.8, 38.6], radius_km: -5}\n", &err);
  assert_null(s);
  assert_non_null(strstr(err.msg, "greater than 0"));
}

static void test_unknown_ring_centre_names_line_and_sites(void **state) {
  (void)state;
  bm_error err;
  bm_spec *s = spec(EXTENT "sites:\n  - {name: Dushanbe, lon: 68.78, lat: 38.56}\n"
                           "rings:\n  - {center: Dushanbee, radius_km: 200}\n",
                    &err);
  assert_non_null(s); /* names are resolved at render time, against every site */
  double lon, lat;
  bm_status st = bm_story_resolve_place(&s->rings[0].center, s->sites, s->n_sites, "ring center",
                                        s->path, &lon, &lat, &err);
  assert_int_equal(st, BM_ERR_SPEC);
  assert_string_equal(err.file, "story.yaml");
  assert_int_equal(err.line, 5);
  assert_int_equal(err.col, 14);
  assert_non_null(strstr(err.msg, "unknown site 'Dushanbee' as ring center"));
  assert_non_null(strstr(err.msg, "'Dushanbe'"));
  /* case does not matter */
  free(s->rings[0].center.site);
  s->rings[0].center.site = bm_strdup("dushanbe");
  assert_int_equal(bm_story_resolve_place(&s->rings[0].center, s->sites, s->n_sites, "ring center",
                                          s->path, &lon, &lat, &err),
                   BM_OK);
  assert_true(fabs(lon - 68.78) < 1e-9 && fabs(lat - 38.56) < 1e-9);
  bm_spec_free(s);
}

static void test_bad_story_keys(void **state) {
  (void)state;
  bm_error err;
  static const struct {
    const char *text, *frag;
  } cases[] = {
      {EXTENT "rings:\n  - {center: [68, 38], radius_km: 200, colour: red}\n",
       "unknown key 'colour' in a range ring"},
      {EXTENT "rings:\n  - {radius_km: 200}\n", "a range ring needs center"},
      {EXTENT "routes:\n  - {from: A, to: B, path: straight}\n",
       "route path must be great-circle or rhumb"},
      {EXTENT "routes:\n  - {from: A, to: B, dash: wavy}\n",
       "route dash must be solid, dashed or dotted"},
      {EXTENT "routes:\n  - {from: A, to: B, curve: 0.8}\n",
       "route curve must be from -0.5 to 0.5"},
      {EXTENT "routes:\n  - {from: A, to: B, curve: bent}\n",
       "route curve must be a number from -0.5 to 0.5, not 'bent'"},
      {EXTENT "borders:\n  - {between: [TJK]}\n", "border between must name two countries"},
      {EXTENT "borders:\n  - {between: [TJK, TJK]}\n", "names TJK twice"},
      {EXTENT "areas:\n  - {buffer_km: 30}\n", "a buffer needs exactly one of around"},
      {EXTENT "areas:\n  - {buffer_km: 0, around: [68, 38]}\n",
       "area buffer_km must be greater than 0 km"},
      {EXTENT "areas:\n  - {file: nosuch.geojson}\n", "does not exist"},
      {EXTENT "legend: {hide: [castle]}\n", "unknown legend symbol 'castle'"},
      {EXTENT "scale_bar: {when_varies: maybe}\n", "when_varies must be note, bar, omit or error"},
      {EXTENT "inset: {position: middle}\n", "inset position must be one of auto, top-left"},
      {EXTENT "north_arrow: sometimes\n", "north_arrow must be true, false or auto"},
      {EXTENT "callouts:\n  - {at: [68, 38]}\n", "a callout needs at"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bm_spec *s = spec(cases[i].text, &err);
    if (s || !strstr(err.msg, cases[i].frag) || err.line < 2)
      fail_msg("case %zu: expected '%s' with a line, got %s (line %d)", i, cases[i].frag, err.msg,
               err.line);
  }
}

static void test_unknown_border_pair_lists_neighbours(void **state) {
  (void)state;
  char path[1024];
  snprintf(path, sizeof path,
           "%s/ne_10m_admin_0_boundary_lines_land/ne_10m_admin_0_boundary_lines_land.shp",
           BM_TEST_DATA);
  if (!bm_file_exists(path)) skip();
  static const char *const fields[] = {"ADM0_A3_L", "ADM0_A3_R", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(path, NULL, fields, &fs, &err), BM_OK);
  bool *mask = calloc(fs.n, sizeof *mask);
  bm_country_ref a = {"TJK", {7, 15}}, b = {"IRN", {7, 20}};
  assert_int_equal(bm_story_match_border(&fs, &a, &b, "story.yaml", mask, &err), BM_ERR_SPEC);
  assert_int_equal(err.line, 7);
  assert_int_equal(err.col, 15);
  assert_non_null(strstr(err.msg, "unknown border TJK-IRN"));
  assert_non_null(strstr(err.msg, "TJK borders: "));
  assert_non_null(strstr(err.msg, "AFG"));
  assert_non_null(strstr(err.msg, "KGZ"));
  /* the real one, either order, and its length */
  bm_country_ref afg = {"AFG", {1, 1}};
  assert_int_equal(bm_story_match_border(&fs, &afg, &a, "story.yaml", mask, &err), BM_OK);
  bm_geom all;
  bm_geom_init(&all, BM_GEOM_LINE);
  int parts = 0;
  for (size_t i = 0; i < fs.n; i++) {
    if (!mask[i]) continue;
    parts++;
    const bm_geom *g = &fs.f[i].geom;
    for (size_t p = 0; p < g->nparts; p++) {
      bm_geom_begin_part(&all);
      for (size_t k = 0; k < bm_geom_part_len(g, p); k++)
        bm_geom_add(&all, bm_geom_part_xy(g, p)[2 * k], bm_geom_part_xy(g, p)[2 * k + 1]);
    }
  }
  double len = bm_story_geodesic_length(&all), check = 0;
  for (size_t p = 0; p < all.nparts; p++)
    for (size_t k = 1; k < bm_geom_part_len(&all, p); k++) {
      const double *q = bm_geom_part_xy(&all, p);
      check += geod(q[2 * k - 2], q[2 * k - 1], q[2 * k], q[2 * k + 1]);
    }
  char km[32];
  bm_story_format_km(len, km, sizeof km);
  fprintf(stderr, "layers_test: Tajik-Afghan border in Natural Earth 10m: %d lines, %s (%.1f m)\n",
          parts, km, len);
  assert_true(parts >= 1);
  assert_true(fabs(len - check) < 1e-6 * check);
  /* the article says 1,300 km; the generalised data must be in that range */
  assert_true(len > 1000e3 && len < 1500e3);
  bm_geom_free(&all);
  free(mask);
  bm_features_free(&fs);
}

/* ---- rings ------------------------------------------------------------------ */

static void test_ring_vertices_are_200_km_from_the_centre(void **state) {
  (void)state;
  static const double centres[][2] = {{68.7791, 38.5598}, {0, 0}, {179.5, -20}, {-70, 75}};
  for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++) {
    bm_geom g;
    bm_geom_init(&g, BM_GEOM_POLYGON);
    assert_true(bm_story_ring(centres[c][0], centres[c][1], 200e3, 720, &g));
    assert_int_equal(g.nparts, 1);
    assert_int_equal(g.npts, 721);
    double worst = 0;
    for (size_t i = 0; i < g.npts; i++) {
      double d = geod(centres[c][0], centres[c][1], g.xy[2 * i], g.xy[2 * i + 1]);
      worst = fmax(worst, fabs(d - 200e3) / 200e3);
      /* continuous: no jump of longitude across the antimeridian */
      if (i) assert_true(fabs(g.xy[2 * i] - g.xy[2 * i - 2]) < 1);
    }
    assert_true(worst < 0.001);
    /* closed */
    assert_true(g.xy[0] == g.xy[2 * g.npts - 2] && g.xy[1] == g.xy[2 * g.npts - 1]);
    bm_geom_free(&g);
  }
}

static void test_ring_around_a_pole_is_refused(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  assert_false(bm_story_ring(0, 89, 300e3, 360, &g));
  bm_geom_free(&g);
}

/* ---- routes ----------------------------------------------------------------- */

static void test_great_circle_route_follows_the_geodesic(void **state) {
  (void)state;
  const double kabul[2] = {69.1723, 34.5281}, termez[2] = {67.2783, 37.2242};
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  assert_true(
      bm_story_route(kabul[0], kabul[1], termez[0], termez[1], BM_PATH_GREAT_CIRCLE, 5000, &g));
  double total = geod(kabul[0], kabul[1], termez[0], termez[1]), sum = 0;
  assert_true(g.xy[0] == kabul[0] && g.xy[1] == kabul[1]);
  assert_true(g.xy[2 * g.npts - 2] == termez[0] && g.xy[2 * g.npts - 1] == termez[1]);
  for (size_t i = 1; i < g.npts; i++) {
    double d = geod(g.xy[2 * i - 2], g.xy[2 * i - 1], g.xy[2 * i], g.xy[2 * i + 1]);
    assert_true(d <= 5000 * 1.0001);
    sum += d;
  }
  /* on the geodesic, the pieces add up to its length */
  assert_true(fabs(sum - total) < 1e-6 * total);
  bm_geom_free(&g);
}

static void test_rhumb_route_keeps_its_bearing(void **state) {
  (void)state;
  /* Ankara to Bishkek: the rhumb line is longer than the great circle and
   * has one bearing all along */
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  assert_true(bm_story_route(32.85, 39.93, 74.59, 42.87, BM_PATH_RHUMB, 10000, &g));
  struct geod_geodesic gd;
  geod_init(&gd, 6378137.0, 1 / 298.257223563);
  double first = 0, len = 0;
  for (size_t i = 1; i < g.npts; i++) {
    double s12, a1, a2;
    geod_inverse(&gd, g.xy[2 * i - 1], g.xy[2 * i - 2], g.xy[2 * i + 1], g.xy[2 * i], &s12, &a1,
                 &a2);
    if (i == 1) first = a1;
    assert_true(fabs(a1 - first) < 0.2); /* a loxodrome: constant azimuth */
    len += s12;
  }
  assert_true(len > geod(32.85, 39.93, 74.59, 42.87));
  assert_true(fabs(g.xy[2 * g.npts - 2] - 74.59) < 1e-6);
  bm_geom_free(&g);
}

/* ---- buffers ---------------------------------------------------------------- */

/* Geodesic distance from (lon, lat) to a line densified every ~200 m. */
static double dist_to_line(const bm_geom *dense, double lon, double lat) {
  double best = HUGE_VAL;
  for (size_t i = 0; i < dense->npts; i++)
    best = fmin(best, geod(lon, lat, dense->xy[2 * i], dense->xy[2 * i + 1]));
  return best;
}

static void test_buffer_along_a_line_is_within_one_percent(void **state) {
  (void)state;
  /* a bent 1,200 km line across Central Asia: longer than one buffer piece */
  static const double pts[][2] = {{62, 36}, {66, 37.5}, {70, 37}, {74, 38.8}, {76, 36}};
  bm_geom line, dense, out;
  bm_geom_init(&line, BM_GEOM_LINE);
  bm_geom_init(&dense, BM_GEOM_LINE);
  bm_geom_init(&out, BM_GEOM_POLYGON);
  bm_geom_begin_part(&line);
  bm_geom_begin_part(&dense);
  for (size_t i = 0; i < 5; i++) {
    if (i) {
      bm_geom seg;
      bm_geom_init(&seg, BM_GEOM_LINE);
      assert_true(bm_story_route(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1],
                                 BM_PATH_GREAT_CIRCLE, 2000, &seg));
      for (size_t k = 1; k < seg.npts; k++)
        bm_geom_add(&line, seg.xy[2 * k], seg.xy[2 * k + 1]);
      bm_geom_free(&seg);
      assert_true(bm_story_route(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1],
                                 BM_PATH_GREAT_CIRCLE, 200, &seg));
      for (size_t k = 0; k < seg.npts; k++)
        bm_geom_add(&dense, seg.xy[2 * k], seg.xy[2 * k + 1]);
      bm_geom_free(&seg);
    } else {
      bm_geom_add(&line, pts[0][0], pts[0][1]);
    }
  }
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_story_buffer(&line, 30e3, &out, &err), BM_OK);
  assert_true(out.nparts >= 1);
  double worst = 0;
  size_t checked = 0;
  for (size_t i = 0; i < out.npts; i += 7) {
    double d = dist_to_line(&dense, out.xy[2 * i], out.xy[2 * i + 1]);
    worst = fmax(worst, fabs(d - 30e3) / 30e3);
    checked++;
  }
  fprintf(stderr, "layers_test: 30 km buffer, %zu outline points checked, worst error %.3f%%\n",
          checked, worst * 100);
  assert_true(checked > 50);
  assert_true(worst < 0.01);
  bm_geom_free(&line);
  bm_geom_free(&dense);
  bm_geom_free(&out);
}

static void test_buffer_around_a_point(void **state) {
  (void)state;
  bm_geom p, out;
  bm_geom_init(&p, BM_GEOM_POINT);
  bm_geom_init(&out, BM_GEOM_POLYGON);
  bm_geom_begin_part(&p);
  bm_geom_add(&p, dushanbe[0], dushanbe[1]);
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_story_buffer(&p, 50e3, &out, &err), BM_OK);
  for (size_t i = 0; i < out.npts; i++)
    assert_true(fabs(geod(dushanbe[0], dushanbe[1], out.xy[2 * i], out.xy[2 * i + 1]) - 50e3) <
                500);
  bm_geom_free(&p);
  bm_geom_free(&out);
}

static void test_format_km_and_midpoint(void **state) {
  (void)state;
  char b[32];
  bm_story_format_km(1344490, b, sizeof b);
  assert_string_equal(b, "1,344 km");
  bm_story_format_km(200000, b, sizeof b);
  assert_string_equal(b, "200 km");
  bm_story_format_km(1005400, b, sizeof b);
  assert_string_equal(b, "1,005 km");
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  bm_geom_begin_part(&g);
  bm_geom_add(&g, 60, 0);
  bm_geom_add(&g, 62, 0);
  double lon, lat;
  assert_true(bm_story_line_midpoint(&g, &lon, &lat));
  assert_true(fabs(lon - 61) < 1e-6 && fabs(lat) < 1e-9);
  bm_geom_free(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ring_radius_zero_is_a_spec_error),
      cmocka_unit_test(test_unknown_ring_centre_names_line_and_sites),
      cmocka_unit_test(test_bad_story_keys),
      cmocka_unit_test(test_unknown_border_pair_lists_neighbours),
      cmocka_unit_test(test_ring_vertices_are_200_km_from_the_centre),
      cmocka_unit_test(test_ring_around_a_pole_is_refused),
      cmocka_unit_test(test_great_circle_route_follows_the_geodesic),
      cmocka_unit_test(test_rhumb_route_keeps_its_bearing),
      cmocka_unit_test(test_buffer_along_a_line_is_within_one_percent),
      cmocka_unit_test(test_buffer_around_a_point),
      cmocka_unit_test(test_format_km_and_midpoint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
