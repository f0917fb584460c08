/* Unit tests for proj/: building projections, transforming points against
 * PROJ's own command-line tools (cs2cs, geod, run at test time), the automatic
 * projection choice, fitting a view, cutting geometry at the projection's seam,
 * and geodesics. Failure paths first. Checks that need cs2cs or geod are skipped
 * with a message when those tools are not installed. */
#define _GNU_SOURCE /* popen */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <proj.h>

#include "core/error.h"
#include "core/geom.h"
#include "proj/proj.h"

#define LAEA_CA "+proj=laea +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs"

static const double dushanbe[2] = {68.78, 38.56};
static const double kabul[2] = {69.17, 34.53};
static const bm_bbox central_asia = {60, 35, 75, 42};

/* ---- helpers -------------------------------------------------------------- */

static bool have_tool(const char *name) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
  return system(cmd) == 0;
}

/* Runs a shell command and reads up to n numbers from its output. Returns how
 * many were read. */
static int run_numbers(const char *cmd, double *out, int n) {
  FILE *p = popen(cmd, "r");
  if (!p) return 0;
  int k = 0;
  while (k < n && fscanf(p, "%lf", &out[k]) == 1)
    k++;
  pclose(p);
  return k;
}

static bm_proj *make(const char *def) {
  bm_proj *p = NULL;
  bm_error err;
  bm_error_clear(&err);
  if (bm_proj_create(def, &p, &err) != BM_OK) fail_msg("cannot build '%s': %s", def, err.msg);
  assert_non_null(p);
  return p;
}

/* Projects lon/lat with cs2cs from WGS84 lon/lat to def; false when cs2cs is missing. */
static bool cs2cs(const char *def, double lon, double lat, double *x, double *y) {
  if (!have_tool("cs2cs")) {
    fprintf(stderr, "proj_test: cs2cs not installed; comparison with '%s' skipped\n", def);
    return false;
  }
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "echo '%.10f %.10f' | cs2cs -f %%.4f +proj=longlat +datum=WGS84 +no_defs +to %s "
           "2>/dev/null",
           lon, lat, def);
  double v[3];
  int k = run_numbers(cmd, v, 3);
  assert_true(k >= 2);
  *x = v[0];
  *y = v[1];
  return true;
}

/* The longest jump between neighbouring points of any part of g, in x. */
static double longest_step_x(const bm_geom *g) {
  double worst = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    for (size_t k = 1; k < bm_geom_part_len(g, i); k++)
      worst = fmax(worst, fabs(p[2 * k] - p[2 * k - 2]));
  }
  return worst;
}

/* The projected width of the world at the equator: just east to just west of the seam. */
static double world_width(const bm_proj *p) {
  double s = bm_proj_seam_lon(p);
  double xy[4] = {s + 1e-6, 0, s - 1e-6, 0};
  bm_proj_forward(p, xy, 2);
  assert_true(xy[0] != HUGE_VAL && xy[2] != HUGE_VAL);
  return fabs(xy[2] - xy[0]);
}

static void all_finite(const bm_geom *g) {
  for (size_t i = 0; i < 2 * g->npts; i++)
    assert_true(isfinite(g->xy[i]));
}

/* Reads "+key=value" from a PROJ string. */
static bool proj_param(const char *def, const char *key, double *out) {
  char pat[32];
  snprintf(pat, sizeof pat, "+%s=", key);
  const char *s = strstr(def, pat);
  if (!s) return false;
  *out = strtod(s + strlen(pat), NULL);
  return true;
}

/* ---- failure paths -------------------------------------------------------- */

static void test_invalid_definition_names_it(void **state) {
  (void)state;
  bm_proj *p = (bm_proj *)1;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_proj_create("+proj=nonsense +lat_0=38", &p, &err), BM_ERR_PROJ);
  assert_null(p);
  assert_int_equal(err.code, BM_ERR_PROJ);
  assert_non_null(strstr(err.msg, "projection '+proj=nonsense +lat_0=38' is not valid"));
  assert_non_null(strstr(err.msg, "EPSG:nnnn")); /* says what would be valid */
  bm_error_clear(&err);
  assert_int_equal(bm_proj_create("EPSG:99999999", &p, &err), BM_ERR_PROJ);
  assert_non_null(strstr(err.msg, "'EPSG:99999999'"));
}

static void test_geographic_crs_is_refused(void **state) {
  (void)state;
  static const char *const defs[] = {"EPSG:4326", "+proj=longlat +datum=WGS84 +no_defs",
                                     "+proj=longlat +ellps=intl +towgs84=-87,-98,-121 +no_defs",
                                     "+proj=geocent +datum=WGS84"};
  for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
    bm_proj *p = (bm_proj *)1;
    bm_error err;
    bm_error_clear(&err);
    assert_int_equal(bm_proj_create(defs[i], &p, &err), BM_ERR_PROJ);
    assert_null(p);
    char want[256];
    snprintf(want, sizeof want, "projection '%s' is not a projected CRS in metres", defs[i]);
    assert_non_null(strstr(err.msg, want));
  }
}

/* A point PROJ cannot project (the far side of an orthographic globe) becomes
 * HUGE_VAL, never NaN or a wild number that would reach Cairo. */
static void test_unprojectable_point_is_huge_val(void **state) {
  (void)state;
  bm_proj *p = make("+proj=ortho +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs");
  double xy[4] = {69 - 180, -38, dushanbe[0], dushanbe[1]};
  bm_proj_forward(p, xy, 2);
  assert_true(xy[0] == HUGE_VAL && xy[1] == HUGE_VAL);
  assert_true(isfinite(xy[2]) && isfinite(xy[3]));
  bm_proj_destroy(p);
}

/* bm_proj_geom drops what cannot be projected instead of passing it on. */
static void test_proj_geom_drops_unprojectable_points(void **state) {
  (void)state;
  bm_proj *p = make("+proj=ortho +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs");
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  /* from Dushanbe east round to the far side of the globe */
  for (double lon = 60; lon <= 179; lon += 1)
    assert_true(bm_geom_add(&g, lon, 38));
  bm_bbox world = {-180, -90, 180, 90};
  assert_true(bm_proj_geom(p, &g, world, 0.5));
  assert_true(g.npts > 0);
  all_finite(&g);
  bm_proj_destroy(p);
  bm_geom_free(&g);
}

/* A polygon that the horizon cuts is cut along the horizon: its cut edge is a
 * run of points on the limb (73 here; cut along chords, 36), and nothing lies
 * outside the globe. The earth's outline is that limb. */
static void test_horizon_cut_follows_the_limb(void **state) {
  (void)state;
  bm_proj *p = make("+proj=ortho +lat_0=38 +lon_0=69 +datum=WGS84 +units=m +no_defs");
  assert_true(bm_proj_has_horizon(p));
  /* the outline: the limb, all round (on the ellipsoid not quite a circle) */
  bm_geom o;
  bm_geom_init(&o, BM_GEOM_POLYGON);
  assert_true(bm_proj_earth_outline(p, &o));
  assert_true(o.npts >= 700);
  double rmin = HUGE_VAL, rmax = 0;
  for (size_t i = 0; i < o.npts; i++) {
    double r = hypot(o.xy[2 * i], o.xy[2 * i + 1]);
    rmin = fmin(rmin, r), rmax = fmax(rmax, r);
  }
  assert_true(rmin > 6.3e6 && rmax < 6.4e6);
  bm_geom_free(&o);
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  assert_true(bm_geom_begin_part(&g));
  /* a box in the Pacific that reaches far past the horizon (about 150E at 40N) */
  double box[][2] = {{120, 10}, {179, 10}, {179, 60}, {120, 60}, {120, 10}};
  for (int i = 0; i < 5; i++)
    assert_true(bm_geom_add(&g, box[i][0], box[i][1]));
  bm_bbox world = {-180, -90, 180, 90};
  assert_true(bm_proj_geom(p, &g, world, 0.5));
  all_finite(&g);
  int on_limb = 0;
  for (size_t i = 0; i < g.npts; i++) {
    double r = hypot(g.xy[2 * i], g.xy[2 * i + 1]);
    if (r > rmax + 1) fail_msg("point %zu at %.1f m from the centre, past the globe", i, r);
    on_limb += r > rmin - 1000;
  }
  fprintf(stderr, "proj_test: %d points on the limb\n", on_limb);
  if (on_limb < 60) fail_msg("only %d points on the limb: cut along a chord?", on_limb);
  bm_geom_free(&g);
  bm_proj_destroy(p);
  /* a world projection has no horizon; its outline holds the centre */
  p = make("+proj=eqearth +lon_0=0 +datum=WGS84 +units=m +no_defs");
  assert_false(bm_proj_has_horizon(p));
  bm_geom_init(&o, BM_GEOM_POLYGON);
  assert_true(bm_proj_earth_outline(p, &o));
  assert_true(bm_geom_contains(&o, 0, 0));
  assert_false(bm_geom_contains(&o, 2e7, 8e6));
  bm_geom_free(&o);
  bm_proj_destroy(p);
}

/* ---- transforms ----------------------------------------------------------- */

/* bm_proj builds the transform of a plain WGS84 PROJ string itself, without PROJ's
 * database (35-50 ms a process); it must be the very operation the database gives:
 * the same numbers to the last bit, forward and back, for every kind of CRS auto
 * chooses, a globe and a projection with its own parameters; and the same metadata. */
static void test_direct_pipeline_matches_database(void **state) {
  (void)state;
  static const char *const defs[] = {
      LAEA_CA,
      "+proj=laea +lat_0=90 +lon_0=-40 +datum=WGS84 +units=m +no_defs",
      "+proj=eqearth +lon_0=150 +datum=WGS84 +units=m +no_defs",
      "+proj=aea +lat_1=30.5 +lat_2=45.3 +lat_0=38 +lon_0=20 +datum=WGS84 +units=m +no_defs",
      "+proj=ortho +lat_0=10 +lon_0=-10 +ellps=WGS84 +units=m +no_defs +type=crs",
      "+proj=aeqd +lat_0=38.5 +lon_0=68.8 +datum=WGS84 +units=km +no_defs",
      /* world maps */
      "+proj=eqc +datum=WGS84",
      "+proj=robin +lon_0=20 +datum=WGS84 +units=m +no_defs",
      "+proj=natearth +lon_0=0 +datum=WGS84 +units=m +no_defs",
      "+proj=moll +lon_0=-30 +datum=WGS84 +units=m +no_defs",
      "+proj=merc +lon_0=10 +datum=WGS84 +units=m +no_defs",
      /* these two go to the database (PROJ makes the tmerc a UTM zone) */
      "+proj=tmerc +lat_0=0 +lon_0=69 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m",
      "+proj=utm +zone=42 +datum=WGS84 +units=m +no_defs",
  };
  for (size_t d = 0; d < sizeof defs / sizeof *defs; d++) {
    bm_proj *p = make(defs[d]);
    PJ_CONTEXT *ctx = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(ctx, "EPSG:4326", defs[d], NULL);
    assert_non_null(raw);
    PJ *db = proj_normalize_for_visualization(ctx, raw);
    int differ = 0, n = 0;
    for (double lon = -180; lon <= 180; lon += 7.3)
      for (double lat = -85; lat <= 85; lat += 4.1) {
        double xy[2] = {lon, lat};
        bm_proj_forward(p, xy, 1);
        PJ_COORD c = proj_trans(db, PJ_FWD, proj_coord(lon, lat, 0, 0));
        if (xy[0] == HUGE_VAL || !isfinite(c.xy.x)) { /* off the globe: both say so */
          differ += (xy[0] == HUGE_VAL) != !isfinite(c.xy.x);
          continue;
        }
        n++;
        differ += memcmp(&xy[0], &c.xy.x, sizeof xy[0]) || memcmp(&xy[1], &c.xy.y, sizeof xy[1]);
        bm_proj_inverse(p, xy, 1);
        PJ_COORD b = proj_trans(db, PJ_INV, c);
        differ +=
            memcmp(&xy[0], &b.lp.lam, sizeof xy[0]) || memcmp(&xy[1], &b.lp.phi, sizeof xy[1]);
      }
    if (differ) printf("%s: %d of %d points differ\n", defs[d], differ, n);
    assert_int_equal(differ, 0);
    assert_true(n > 100);
    proj_destroy(db);
    proj_destroy(raw);
    proj_context_destroy(ctx);
    bm_proj_destroy(p);
  }
  /* the metadata read from the CRS, as before */
  bm_proj *p = make(LAEA_CA);
  assert_true(fabs(bm_proj_seam_lon(p) - (69 - 180)) < 1e-9);
  assert_string_equal(bm_proj_method(p), "Lambert Azimuthal Equal Area");
  assert_false(bm_proj_has_horizon(p));
  bm_proj_destroy(p);
  p = make("+proj=ortho +lat_0=10 +lon_0=-10 +ellps=WGS84 +units=m +no_defs +type=crs");
  assert_true(bm_proj_has_horizon(p));
  bm_proj_destroy(p);
}

static void test_laea_point_matches_cs2cs(void **state) {
  (void)state;
  bm_proj *p = make(LAEA_CA);
  assert_string_equal(bm_proj_definition(p), LAEA_CA);
  double xy[2] = {dushanbe[0], dushanbe[1]};
  bm_proj_forward(p, xy, 1);
  double rx, ry;
  if (cs2cs(LAEA_CA, dushanbe[0], dushanbe[1], &rx, &ry)) {
    assert_true(fabs(xy[0] - rx) < 1.0);
    assert_true(fabs(xy[1] - ry) < 1.0);
  }
  /* Dushanbe is west and north of the centre (69E, 38N), less than 100 km away */
  assert_true(xy[0] < 0 && xy[1] > 0 && hypot(xy[0], xy[1]) < 100e3);
  bm_proj_inverse(p, xy, 1);
  /* back within 1e-7 degrees (1 cm; PROJ's ellipsoidal LAEA inverse is a series) */
  assert_true(fabs(xy[0] - dushanbe[0]) < 1e-7 && fabs(xy[1] - dushanbe[1]) < 1e-7);
  bm_proj_destroy(p);
}

static void test_web_mercator_point_matches_cs2cs(void **state) {
  (void)state;
  bm_proj *p = make("EPSG:3857");
  double xy[2] = {dushanbe[0], dushanbe[1]}; /* lon/lat order in, easting/northing out */
  bm_proj_forward(p, xy, 1);
  double rx, ry;
  if (cs2cs("EPSG:3857", dushanbe[0], dushanbe[1], &rx, &ry)) {
    assert_true(fabs(xy[0] - rx) < 1.0);
    assert_true(fabs(xy[1] - ry) < 1.0);
  }
  /* x = R * lon in radians on the sphere of Web Mercator */
  assert_true(fabs(xy[0] - 6378137.0 * dushanbe[0] * M_PI / 180) < 1e-3);
  assert_true(fabs(bm_proj_seam_lon(p) - 180) < 1e-9 || fabs(bm_proj_seam_lon(p) + 180) < 1e-9);
  bm_proj_destroy(p);
}

static void test_seam_is_opposite_central_meridian(void **state) {
  (void)state;
  bm_proj *p = make(LAEA_CA);
  assert_true(fabs(bm_proj_seam_lon(p) - (-111)) < 1e-6);
  bm_proj_destroy(p);
  p = make("+proj=eqearth +lon_0=150 +datum=WGS84 +units=m +no_defs");
  assert_true(fabs(bm_proj_seam_lon(p) - (-30)) < 1e-6);
  bm_proj_destroy(p);
  p = make("+proj=eqearth +lon_0=180 +datum=WGS84 +units=m +no_defs");
  assert_true(fabs(bm_proj_seam_lon(p)) < 1e-6);
  bm_proj_destroy(p);
}

/* Cylindrical, pseudo-cylindrical and conic maps tear along the meridian
 * opposite their centre; azimuthal ones do not (nothing is cut there, and a
 * polar map named by the spec is never recentred). */
static void test_which_projections_tear(void **state) {
  (void)state;
  static const char *const tear[] = {
      "EPSG:3857", "+proj=robin +lon_0=0 +datum=WGS84 +units=m",
      "+proj=eqearth +lon_0=70 +datum=WGS84 +units=m",
      "+proj=aea +lat_1=36 +lat_2=41 +lat_0=38 +lon_0=67 +datum=WGS84 +units=m", NULL};
  static const char *const whole[] = {"+proj=laea +lat_0=90 +lon_0=111.5 +datum=WGS84 +units=m",
                                      "+proj=laea +lat_0=-90 +lon_0=0 +datum=WGS84 +units=m",
                                      LAEA_CA, NULL};
  for (int i = 0; tear[i]; i++) {
    bm_proj *p = make(tear[i]);
    if (!bm_proj_tears(p)) fail_msg("'%s' should tear at its seam", tear[i]);
    bm_proj_destroy(p);
  }
  for (int i = 0; whole[i]; i++) {
    bm_proj *p = make(whole[i]);
    if (bm_proj_tears(p)) fail_msg("'%s' should not tear", whole[i]);
    bm_proj_destroy(p);
  }
}

/* ---- auto projection ------------------------------------------------------ */

static void test_auto_for_central_asia_is_equal_area_centred(void **state) {
  (void)state;
  char def[256];
  bm_proj_auto_definition(central_asia, def, sizeof def);
  assert_true(strstr(def, "+proj=aea ") || strstr(def, "+proj=laea "));
  /* NAN, not left unset: cmocka's assert is not noreturn to gcc -O3 */
  double lon0 = NAN, lat0 = NAN;
  assert_true(proj_param(def, "lon_0", &lon0));
  assert_true(proj_param(def, "lat_0", &lat0));
  assert_true(lon0 >= central_asia.minx && lon0 <= central_asia.maxx);
  assert_true(lat0 >= central_asia.miny && lat0 <= central_asia.maxy);
  double lat1 = NAN, lat2 = NAN;
  if (strstr(def, "+proj=aea ")) { /* standard parallels inside the box */
    assert_true(proj_param(def, "lat_1", &lat1) && proj_param(def, "lat_2", &lat2));
    assert_true(lat1 > central_asia.miny && lat2 < central_asia.maxy && lat1 < lat2);
  }
  bm_proj *p = make(def); /* what auto gives can be built */
  bm_proj_destroy(p);
}

static void test_auto_for_world_is_equal_earth(void **state) {
  (void)state;
  char def[256];
  bm_bbox world = {-180, -90, 180, 90};
  bm_proj_auto_definition(world, def, sizeof def);
  assert_non_null(strstr(def, "+proj=eqearth "));
  bm_proj *p = make(def);
  bm_proj_destroy(p);
}

/* A map of the Arctic (all longitudes, 60N to the pole) is a polar map, not a
 * strip of the world map. */
static void test_auto_for_polar_cap_is_polar_laea(void **state) {
  (void)state;
  char def[256];
  bm_bbox arctic = {-180, 60, 180, 90}, antarctic = {-180, -90, 180, -60},
          greenland = {-75, 58, -10, 84};
  bm_proj_auto_definition(greenland, def, sizeof def);
  assert_non_null(strstr(def, "+proj=laea +lat_0=90 "));
  bm_proj_auto_definition(arctic, def, sizeof def);
  assert_non_null(strstr(def, "+proj=laea +lat_0=90 "));
  bm_proj_auto_definition(antarctic, def, sizeof def);
  assert_non_null(strstr(def, "+proj=laea +lat_0=-90 "));
}

/* The table of extents behind the auto rules (README, `projection`): from a
 * city to the world and both poles, the family auto picks and the largest
 * Tissot distortion (areal scale or axis ratio, from proj_factors) over a
 * 21 x 21 grid of the 1200 x 800 frame it fits with the default 10% margin.
 * Regional maps (up to about 3000 km across) must stay under 10%; the figures
 * are printed (scripts/test.sh output). */
typedef struct {
  const char *what;
  bm_bbox ll;
  const char *family; /* what the definition starts with */
  double max_distortion;
} auto_case;

static void test_auto_table_family_and_distortion(void **state) {
  (void)state;
  static const auto_case cases[] = {
      {"Dushanbe, 30 km", {68.45, 38.33, 69.15, 38.87}, "+proj=laea +lat_0=38.6 ", 0.01},
      {"Tajikistan", {67.3, 36.7, 75.2, 41.1}, "+proj=aea ", 0.02},
      {"Central Asia story", {60, 35, 75, 42}, "+proj=aea ", 0.03},
      {"Fiji across 180", {177.2, -19.2, 181.8, -16.1}, "+proj=aea ", 0.01},
      {"Horn of Africa", {33, -5, 52, 18}, "+proj=laea ", 0.10},
      /* larger than regional (4600 km across): 11% in the frame's corners */
      {"Contiguous USA", {-124.7, 24.5, -67, 49.4}, "+proj=aea ", 0.12},
      {"Chile, tall", {-75.7, -55.9, -66.4, -17.5}, "+proj=laea ", 0.10},
      {"Indonesia, on the equator", {95, -11, 141, 6}, "+proj=laea ", 0.10},
      {"Europe", {-12, 35, 40, 62}, "+proj=aea ", 0.10},
      {"Svalbard, 80N", {10, 76.4, 33.5, 80.8}, "+proj=laea +lat_0=90 +lon_0=21.8 ", 0.01},
      {"North Pole, 2000 km", {-180, 72, 180, 90}, "+proj=laea +lat_0=90 +lon_0=0 ", 0.10},
      {"Greenland", {-73, 59.8, -12, 83.6}, "+proj=laea +lat_0=90 +lon_0=-42.5 ", 0.10},
      /* continents and the world: equal-area, but no projection keeps shapes there */
      {"Antarctica", {-180, -90, 180, -60}, "+proj=laea +lat_0=-90 ", 0.25},
      /* 15 degrees from the pole: not polar, a conic */
      {"Antarctic Peninsula, 75S", {-75, -75, -55, -60}, "+proj=aea +lat_1=-72.5 ", 0.05},
      {"Russia across 180", {19.6, 41.2, 190.3, 81.9}, "+proj=laea +lat_0=90 +lon_0=105 ", 0.6},
      {"World", {-180, -90, 180, 90}, "+proj=eqearth +lon_0=0 ", HUGE_VAL},
      {"World of the story, 20E-160E", {-60, -60, 200, 75}, "+proj=eqearth +lon_0=70 ", HUGE_VAL},
  };
  bool bad = false;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const auto_case *c = &cases[i];
    char def[256];
    bm_proj_auto_definition(c->ll, def, sizeof def);
    bm_proj *p = make(def);
    bm_view v;
    bm_error err;
    bm_error_clear(&err);
    assert_int_equal(bm_view_fit(p, c->ll, 0.1, 1200, 800, &v, &err), BM_OK);
    double d = bm_proj_max_distortion(p, v.proj, 20);
    bool ok = !strncmp(def, c->family, strlen(c->family)) && d < c->max_distortion;
    printf("%-30s %5.1f%%  %s%s\n", c->what, 100 * d, def, ok ? "" : "   <-- WRONG");
    bad |= !ok;
    bm_proj_destroy(p);
  }
  if (bad) fail_msg("auto picked the wrong family or distorts too much (see above)");
}

/* ---- view ----------------------------------------------------------------- */

static void test_view_fit_aspect_and_query(void **state) {
  (void)state;
  bm_proj *p = make(LAEA_CA);
  bm_view v;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_view_fit(p, central_asia, 0.1, 1200, 800, &v, &err), BM_OK);
  assert_int_equal(v.width, 1200);
  assert_int_equal(v.height, 800);
  double w = v.proj.maxx - v.proj.minx, h = v.proj.maxy - v.proj.miny;
  assert_true(fabs(w / h - 1.5) < 1e-9);
  assert_true(fabs(v.px_per_m * w - 1200) < 1e-6);
  assert_true(fabs(v.px_per_m * h - 800) < 1e-6);
  /* the data box covers the extent */
  assert_true(v.query.minx <= central_asia.minx && v.query.maxx >= central_asia.maxx);
  assert_true(v.query.miny <= central_asia.miny && v.query.maxy >= central_asia.maxy);
  assert_true(v.query.minx >= -180 && v.query.maxx <= 180);
  assert_true(v.query.maxx - v.query.minx < 60); /* but is not the world */
  assert_true(v.step_deg > 0);
  /* every corner of the extent lands inside the frame, with room for the margin */
  const double corners[4][2] = {{60, 35}, {75, 35}, {75, 42}, {60, 42}};
  for (int i = 0; i < 4; i++) {
    double xy[2] = {corners[i][0], corners[i][1]};
    bm_proj_forward(p, xy, 1);
    bm_view_to_px(&v, xy, 1);
    assert_true(xy[0] > 0 && xy[0] < 1200 && xy[1] > 0 && xy[1] < 800);
  }
  /* pixels are y down: Kabul (south) is below Dushanbe */
  double d[2] = {dushanbe[0], dushanbe[1]}, k[2] = {kabul[0], kabul[1]};
  bm_proj_forward(p, d, 1);
  bm_proj_forward(p, k, 1);
  bm_view_to_px(&v, d, 1);
  bm_view_to_px(&v, k, 1);
  assert_true(k[1] > d[1]);
  bm_proj_destroy(p);

  /* a tall frame widens the other way */
  p = make(LAEA_CA);
  assert_int_equal(bm_view_fit(p, central_asia, 0, 600, 900, &v, &err), BM_OK);
  w = v.proj.maxx - v.proj.minx, h = v.proj.maxy - v.proj.miny;
  assert_true(fabs(w / h - 600.0 / 900.0) < 1e-9);
  bm_proj_destroy(p);
}

/* A Pacific box given as 170..190 in a projection centred on 180 is shown as
 * the 20 degrees it is, not the rest of the world. */
static void test_view_fit_across_antimeridian(void **state) {
  (void)state;
  bm_proj *p = make("+proj=laea +lat_0=-17 +lon_0=180 +datum=WGS84 +units=m +no_defs");
  bm_view v;
  bm_error err;
  bm_error_clear(&err);
  bm_bbox fiji = {170, -22, 190, -12};
  assert_int_equal(bm_view_fit(p, fiji, 0.05, 1000, 600, &v, &err), BM_OK);
  double w = v.proj.maxx - v.proj.minx;
  assert_true(w > 1.5e6 && w < 4e6); /* about 2,100 km, not a hemisphere */
  bm_proj_destroy(p);
}

static void test_view_fit_projected_box(void **state) {
  (void)state;
  bm_proj *p = make(LAEA_CA);
  bm_view v;
  bm_error err;
  bm_error_clear(&err);
  bm_bbox pb = {-500e3, -300e3, 500e3, 300e3};
  assert_int_equal(bm_view_fit_projected(p, pb, 1000, 600, &v, &err), BM_OK);
  assert_true(fabs(v.px_per_m - 1e-3) < 1e-12);
  double xy[2] = {0, 0};
  bm_view_to_px(&v, xy, 1);
  assert_true(fabs(xy[0] - 500) < 1e-9 && fabs(xy[1] - 300) < 1e-9);
  bm_bbox flat = {0, 0, 0, 0};
  assert_int_equal(bm_view_fit_projected(p, flat, 1000, 600, &v, &err), BM_ERR_PROJ);
  bm_proj_destroy(p);
}

/* ---- geometry at the seam ------------------------------------------------- */

/* The brief's case: lon_0 = 0 and a line given as two points, 179 -> -179.
 * Whatever way it is drawn, no projected segment may jump across the map. */
static void test_line_179_to_minus_179_has_no_long_segment(void **state) {
  (void)state;
  bm_proj *p = make("+proj=eqearth +lon_0=0 +datum=WGS84 +units=m +no_defs");
  double width = world_width(p);
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  assert_true(bm_geom_add(&g, 179, 10) && bm_geom_add(&g, -179, 10));
  bm_bbox world = {-180, -90, 180, 90};
  assert_true(bm_proj_geom(p, &g, world, 1.0));
  assert_true(g.npts >= 2);
  all_finite(&g);
  assert_true(longest_step_x(&g) < width / 2);
  bm_geom_free(&g);
  bm_proj_destroy(p);
}

/* A line and a polygon that cross the seam in their lon/lat data are cut there:
 * two pieces, one at each edge of the map, and no streak across it. */
static void test_geometry_crossing_seam_is_cut(void **state) {
  (void)state;
  static const char *const defs[] = {
      "+proj=eqearth +lon_0=150 +datum=WGS84 +units=m +no_defs", /* seam -30 */
      "+proj=eqearth +lon_0=180 +datum=WGS84 +units=m +no_defs", /* seam 0 */
      "+proj=robin +lon_0=-160 +datum=WGS84 +units=m +no_defs",  /* seam 20 */
  };
  bm_bbox world = {-180, -90, 180, 90};
  for (size_t d = 0; d < sizeof defs / sizeof defs[0]; d++) {
    bm_proj *p = make(defs[d]);
    double s = bm_proj_seam_lon(p), width = world_width(p);

    bm_geom line;
    bm_geom_init(&line, BM_GEOM_LINE);
    assert_true(bm_geom_add(&line, s - 1, 10) && bm_geom_add(&line, s + 1, 10));
    assert_true(bm_proj_geom(p, &line, world, 0.25));
    all_finite(&line);
    assert_int_equal(line.nparts, 2);
    assert_true(longest_step_x(&line) < width / 2);
    bm_geom_free(&line);

    bm_geom poly;
    bm_geom_init(&poly, BM_GEOM_POLYGON);
    const double ring[5][2] = {{s - 5, 0}, {s + 5, 0}, {s + 5, 10}, {s - 5, 10}, {s - 5, 0}};
    for (int i = 0; i < 5; i++)
      assert_true(bm_geom_add(&poly, ring[i][0], ring[i][1]));
    assert_true(bm_proj_geom(p, &poly, world, 0.25));
    all_finite(&poly);
    assert_int_equal(poly.nparts, 2);
    assert_true(longest_step_x(&poly) < width / 2);
    bm_geom_free(&poly);
    bm_proj_destroy(p);
  }
}

/* Data outside the kept lon/lat box is dropped before projecting; long edges
 * are densified so they curve as they should. */
static void test_proj_geom_keeps_box_and_densifies(void **state) {
  (void)state;
  bm_proj *p = make(LAEA_CA);
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  assert_true(bm_geom_add(&g, 60, 40) && bm_geom_add(&g, 75, 40));
  bm_bbox keep = {55, 30, 80, 45};
  assert_true(bm_proj_geom(p, &g, keep, 0.5));
  assert_int_equal(g.nparts, 1);
  assert_true(g.npts >= 30); /* 15 degrees in steps of at most 0.5 */
  /* a parallel is an arc round the pole in LAEA: its ends bend north of its middle */
  double end_y = g.xy[1], mid_y = g.xy[2 * (g.npts / 2) + 1];
  assert_true(end_y > mid_y + 1000);
  bm_geom_free(&g);

  bm_geom far;
  bm_geom_init(&far, BM_GEOM_POLYGON);
  const double ring[5][2] = {{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}};
  for (int i = 0; i < 5; i++)
    assert_true(bm_geom_add(&far, ring[i][0], ring[i][1]));
  assert_true(bm_proj_geom(p, &far, keep, 0.5));
  assert_int_equal(far.nparts, 0);
  bm_geom_free(&far);
  bm_proj_destroy(p);
}

/* ---- geodesics ------------------------------------------------------------ */

static void test_geodesic_distance_matches_geod(void **state) {
  (void)state;
  double d = bm_geodesic_distance(dushanbe[0], dushanbe[1], kabul[0], kabul[1]);
  assert_true(d > 440e3 && d < 460e3);
  assert_true(fabs(d - bm_geodesic_distance(kabul[0], kabul[1], dushanbe[0], dushanbe[1])) < 1e-6);
  if (!have_tool("geod")) {
    fprintf(stderr, "proj_test: geod not installed; distance comparison skipped\n");
    return;
  }
  char cmd[256];
  snprintf(cmd, sizeof cmd,
           "echo '%.6f %.6f %.6f %.6f' | geod +ellps=WGS84 -I +units=m -f %%.8f 2>/dev/null",
           dushanbe[1], dushanbe[0], kabul[1], kabul[0]);
  double v[3];
  assert_int_equal(run_numbers(cmd, v, 3), 3); /* az12 az21 distance */
  assert_true(fabs(d - v[2]) < 1e-3 * v[2]);
  assert_true(fabs(d - v[2]) < 1.0); /* same ellipsoid and algorithm: metre-exact */

  /* flying geod's azimuth for that distance lands in Kabul */
  double lon2, lat2;
  bm_geodesic_direct(dushanbe[0], dushanbe[1], v[0], v[2], &lon2, &lat2);
  assert_true(fabs(lon2 - kabul[0]) < 1e-5 && fabs(lat2 - kabul[1]) < 1e-5);
}

static void test_geodesic_direct_round_trip(void **state) {
  (void)state;
  for (double az = 0; az < 360; az += 45) {
    double lon2, lat2;
    bm_geodesic_direct(dushanbe[0], dushanbe[1], az, 1300e3, &lon2, &lat2);
    assert_true(fabs(bm_geodesic_distance(dushanbe[0], dushanbe[1], lon2, lat2) - 1300e3) < 1e-3);
  }
  /* north goes north along the meridian */
  double lon2, lat2;
  bm_geodesic_direct(dushanbe[0], dushanbe[1], 0, 111e3, &lon2, &lat2);
  assert_true(fabs(lon2 - dushanbe[0]) < 1e-9 && lat2 > dushanbe[1] + 0.99 &&
              lat2 < dushanbe[1] + 1.01);
  /* across the antimeridian, longitudes stay in -180..180 */
  bm_geodesic_direct(179.5, 0, 90, 100e3, &lon2, &lat2);
  assert_true(lon2 >= -180 && lon2 <= 180);
  assert_true(fabs(lon2 - (179.5 + 100e3 / 111319.49 - 360)) < 1e-3);
}

/* ---- main ----------------------------------------------------------------- */

int main(void) {
  const struct CMUnitTest tests[] = {
      /* failure paths */
      cmocka_unit_test(test_invalid_definition_names_it),
      cmocka_unit_test(test_geographic_crs_is_refused),
      cmocka_unit_test(test_unprojectable_point_is_huge_val),
      cmocka_unit_test(test_proj_geom_drops_unprojectable_points),
      cmocka_unit_test(test_horizon_cut_follows_the_limb),
      /* transforms */
      cmocka_unit_test(test_direct_pipeline_matches_database),
      cmocka_unit_test(test_laea_point_matches_cs2cs),
      cmocka_unit_test(test_web_mercator_point_matches_cs2cs),
      cmocka_unit_test(test_seam_is_opposite_central_meridian),
      /* auto projection */
      cmocka_unit_test(test_auto_for_central_asia_is_equal_area_centred),
      cmocka_unit_test(test_auto_for_world_is_equal_earth),
      cmocka_unit_test(test_which_projections_tear),
      cmocka_unit_test(test_auto_for_polar_cap_is_polar_laea),
      cmocka_unit_test(test_auto_table_family_and_distortion),
      /* view */
      cmocka_unit_test(test_view_fit_aspect_and_query),
      cmocka_unit_test(test_view_fit_across_antimeridian),
      cmocka_unit_test(test_view_fit_projected_box),
      /* seam */
      cmocka_unit_test(test_line_179_to_minus_179_has_no_long_segment),
      cmocka_unit_test(test_geometry_crossing_seam_is_cut),
      cmocka_unit_test(test_proj_geom_keeps_box_and_densifies),
      /* geodesics */
      cmocka_unit_test(test_geodesic_distance_matches_geod),
      cmocka_unit_test(test_geodesic_direct_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
