/* Unit tests for the antimeridian and far-off territories (issue 9, bullets 3
 * and 4): joining polygon pieces a data set cut at +-180 or +-179.9
 * (geom/antimeridian.h), the lon/lat boxes of country extents with and
 * without their far-off parts (bm_proj_parts_box, on Natural Earth's 50m
 * countries), and whole renders read back pixel by pixel: no false border
 * along 180 in a highlighted Chukotka, a story area from 170E to 170W drawn
 * the short way in Robinson, an EPSG:3857 map of the Bering Strait framing the
 * strait. Data: BM_TEST_DATA (skipped when it is not there). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <cmocka.h>

#include "core/geom.h"
#include "core/util.h"
#include "geom/antimeridian.h"
#include "load/load.h"
#include "pipeline.h"
#include "proj/proj.h"
#include "spec/spec.h"
#include "png_memory.h"

/* ---- helpers ---------------------------------------------------------------- */

static bool have_data(void) {
  char p[1024];
  snprintf(p, sizeof p, "%s/ne_50m_admin_0_countries/ne_50m_admin_0_countries.shp", BM_TEST_DATA);
  return bm_file_exists(p);
}

static void part(bm_geom *g, const double *xy, size_t n) {
  assert_true(bm_geom_begin_part(g));
  for (size_t i = 0; i < n; i++)
    assert_true(bm_geom_add(g, xy[2 * i], xy[2 * i + 1]));
}

/* Degrees of latitude that g's edges run along the cut (both ends within 0.11
 * degrees of 180, counting longitudes past 180 too; unclosed rings count
 * their open side as an edge). */
static double along_cut(const bm_geom *g) {
  double n = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t m = bm_geom_part_len(g, i);
    for (size_t k = 1; k <= m; k++) {
      size_t j = k % m;
      double a = fabs(bm_lon_unwrap(p[2 * k - 2], 180) - 180),
             b = fabs(bm_lon_unwrap(p[2 * j], 180) - 180);
      if (a < 0.11 && b < 0.11) n += fabs(p[2 * j + 1] - p[2 * k - 1]);
    }
  }
  return n;
}

/* The features of a Natural Earth layer in BM_TEST_DATA. */
static void read_layer(const char *stem, const char *const *fields, bm_features *fs) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s/%s.shp", BM_TEST_DATA, stem, stem);
  bm_error err;
  bm_error_clear(&err);
  if (bm_shp_read(p, NULL, fields, fs, &err)) fail_msg("%s", err.msg);
}

static const bm_geom *find(const bm_features *fs, const char *field, const char *value) {
  for (size_t i = 0; i < fs->n; i++) {
    const char *v = bm_feature_attr(fs, i, field);
    if (v && !strcmp(v, value)) return &fs->f[i].geom;
  }
  fail_msg("no feature with %s = %s", field, value);
  return NULL;
}

/* ---- joining pieces cut at the antimeridian ----------------------------------- */

static void test_join_leaves_uncut_geometry_alone(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  const double sq[] = {170, 60, 179.95, 60, 179.95, 62, 170, 62, 170, 60};
  part(&g, sq, 5); /* one side only: nothing to join */
  assert_false(bm_geom_cut_at_antimeridian(&g));
  assert_true(bm_geom_join_antimeridian(&g));
  assert_int_equal(g.nparts, 1);
  assert_int_equal(g.npts, 5);
  assert_true(g.xy[2] == 179.95);
  bm_geom_free(&g);
}

static void test_join_merges_pieces_cut_at_179_9(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  /* a square from 179E to 179W cut at +-179.9 (a 0.2 degree gap), the west
   * piece unclosed, and an island elsewhere that must stay as it is */
  const double east[] = {179, 60, 179.9, 60, 179.9, 61, 179, 61, 179, 60};
  const double west[] = {-179.9, 60, -179, 60, -179, 61, -179.9, 61};
  const double island[] = {10, 10, 11, 10, 11, 11, 10, 10};
  part(&g, east, 5);
  part(&g, west, 4);
  part(&g, island, 4);
  assert_true(bm_geom_cut_at_antimeridian(&g));
  assert_true(fabs(along_cut(&g) - 2) < 1e-9);
  assert_true(bm_geom_join_antimeridian(&g));
  assert_int_equal(g.nparts, 2); /* the island and one joined ring */
  assert_true(along_cut(&g) == 0);
  bm_bbox b = bm_geom_bbox(&g);
  assert_true(b.maxx > 180.9 && b.maxx < 181.1); /* the west piece moved a turn east */
  /* the island comes first, unchanged */
  assert_int_equal(bm_geom_part_len(&g, 0), 4);
  assert_true(g.xy[0] == 10 && g.xy[1] == 10);
  bm_geom_free(&g);
}

static void test_chukotka_is_joined_across_180(void **state) {
  (void)state;
  if (!have_data()) skip();
  static const char *const fields[] = {"adm0_a3", "name", NULL};
  bm_features fs;
  read_layer("ne_10m_admin_1_states_provinces", fields, &fs);
  bm_geom g;
  assert_true(bm_geom_copy(&g, find(&fs, "name", "Chukchi Autonomous Okrug")));
  assert_true(bm_geom_cut_at_antimeridian(&g));
  double before = along_cut(&g);
  printf("Chukotka: %.2f degrees of edges along 180 before joining\n", before);
  assert_true(before > 5); /* Natural Earth cuts it at +-179.9, on both sides */
  assert_true(bm_geom_join_antimeridian(&g));
  double after = along_cut(&g);
  /* what is left is where the coast meets the cut (vertices within 0.11
   * degrees of it are moved onto it): a few hundredths of a degree */
  printf("Chukotka: %.2f degrees of edges along 180 before joining, %.3f after\n", before, after);
  if (after > 0.15) fail_msg("%.3f degrees of edges still run along 180", after);
  bm_geom_free(&g);
  bm_features_free(&fs);
}

/* ---- country extents without far-off parts --------------------------------- */

typedef struct {
  const char *iso;
  bool all;
  double min_w, max_w, min_s, max_s, min_e, max_e, min_n, max_n; /* bounds on each edge */
} box_case;

static void test_country_boxes_leave_far_off_parts_out(void **state) {
  (void)state;
  if (!have_data()) skip();
  static const char *const fields[] = {"ADM0_A3", NULL};
  bm_features fs;
  read_layer("ne_50m_admin_0_countries", fields, &fs);
  /* west, south, east, north: each between two bounds */
  static const box_case cases[] = {
      /* Spain with the Balearics, Ceuta and Melilla, not the Canaries (27.6N, 18W) */
      {"ESP", false, -10, -8.5, 35, 36.1, 3.5, 4.5, 43.5, 44},
      {"ESP", true, -18.5, -17.5, 27.5, 28, 3.5, 4.5, 43.5, 44},
      /* mainland Norway, not Svalbard (to 80.8N) or Jan Mayen (8W) */
      {"NOR", false, 4, 5.5, 57.8, 58.1, 30, 31.5, 70.8, 71.5},
      {"NOR", true, -9.5, -7.5, 57.8, 58.1, 30, 34, 80, 81},
      /* Chile without Juan Fernandez (80.8W) and Easter Island (109W) */
      {"CHL", false, -76, -73, -56.5, -55, -67.5, -66, -18, -17},
      /* the contiguous states, not Alaska or Hawaii */
      {"USA", false, -125, -124, 24, 25.5, -67.5, -66.5, 49, 49.6},
      /* metropolitan France with Corsica (to 9.56E, 41.4N), not Guiana or Reunion */
      {"FRA", false, -5.5, -4.5, 41.2, 41.6, 9.3, 9.8, 50.9, 51.3},
      /* mainland Portugal, not the Azores or Madeira */
      {"PRT", false, -9.6, -8.8, 36.8, 37.1, -6.3, -6.0, 42, 42.3},
      /* all of Russia, from Kaliningrad to Chukotka past 180, not the whole world */
      {"RUS", false, 19, 21, 41, 42, 189, 191, 80, 82.5},
      /* Malaysia: Peninsular Malaysia is a main part too (two thirds of Borneo's part) */
      {"MYS", false, 99, 100.5, 0.5, 1.5, 119, 119.5, 7, 7.5},
      /* Equatorial Guinea keeps Bioko (the capital's island, 180 km off the mainland) */
      {"GNQ", false, 8, 9, 0.5, 1.5, 11, 11.5, 3.5, 4},
      /* Fiji across 180, compact */
      {"FJI", false, 176.5, 178, -21, -18.5, 180, 182, -16.5, -15.5},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const box_case *c = &cases[i];
    bm_bbox b = bm_proj_parts_box(find(&fs, "ADM0_A3", c->iso), c->all);
    printf("%s%s: [%.2f, %.2f, %.2f, %.2f]\n", c->iso, c->all ? " (all parts)" : "", b.minx, b.miny,
           b.maxx, b.maxy);
    if (!(b.minx >= c->min_w && b.minx <= c->max_w && b.miny >= c->min_s && b.miny <= c->max_s &&
          b.maxx >= c->min_e && b.maxx <= c->max_e && b.maxy >= c->min_n && b.maxy <= c->max_n))
      fail_msg("%s%s box [%.2f, %.2f, %.2f, %.2f] is not within [%g..%g, %g..%g, %g..%g, %g..%g]",
               c->iso, c->all ? " (all parts)" : "", b.minx, b.miny, b.maxx, b.maxy, c->min_w,
               c->max_w, c->min_s, c->max_s, c->min_e, c->max_e, c->min_n, c->max_n);
  }
  bm_features_free(&fs);
}

/* ---- whole renders, read back as pixels ------------------------------------- */

typedef struct {
  cairo_surface_t *img;
  char projection[512];
  bm_view view; /* the frame, worked out as the plan stage does */
  bm_proj *proj;
} rendered;

/* Renders spec text (a bbox extent, default margin) to a PNG in memory and
 * decodes it; the view is fitted the way the plan stage fits it. */
static void render(const char *text, rendered *out) {
  bm_error err;
  bm_error_clear(&err);
  mkdir(BM_TEST_TMP, 0777);
  bm_spec *s = bm_spec_load_string(text, "antimeridian.yaml", BM_TEST_TMP, &err);
  if (!s) fail_msg("%s", err.msg);
  bm_output o = {.path = NULL, .format = BM_FORMAT_PNG};
  bm_render_options opt = {.data_dir = BM_TEST_DATA};
  bm_render_stats stats;
  memset(&stats, 0, sizeof stats);
  if (bm_render_outputs(s, &o, 1, &opt, &stats, &err)) fail_msg("%s", err.msg);
  out->img = png_from_memory(o.data, o.len);
  assert_int_equal(cairo_surface_status(out->img), CAIRO_STATUS_SUCCESS);
  free(o.data);
  snprintf(out->projection, sizeof out->projection, "%s", stats.projection);
  assert_int_equal(bm_proj_create(stats.projection, &out->proj, &err), BM_OK);
  bm_bbox ll = {s->bbox[0], s->bbox[1], s->bbox[2], s->bbox[3]};
  if (ll.maxx < ll.minx) ll.maxx += 360;
  assert_int_equal(bm_view_fit(out->proj, ll, s->margin, s->width, s->height, &out->view, &err),
                   BM_OK);
  bm_spec_free(s);
}

static void rendered_free(rendered *r) {
  cairo_surface_destroy(r->img);
  bm_proj_destroy(r->proj);
}

/* The pixel where lon/lat lands, as 0xRRGGBB; false when off the frame. */
static bool pixel_at(const rendered *r, double lon, double lat, uint32_t *rgb, int *px, int *py) {
  double xy[2] = {lon, lat};
  bm_proj_forward(r->proj, xy, 1);
  if (xy[0] == HUGE_VAL) return false;
  bm_view_to_px(&r->view, xy, 1);
  int x = (int)floor(xy[0]), y = (int)floor(xy[1]);
  int w = cairo_image_surface_get_width(r->img), h = cairo_image_surface_get_height(r->img);
  if (x < 0 || y < 0 || x >= w || y >= h) return false;
  cairo_surface_flush(r->img);
  const unsigned char *d = cairo_image_surface_get_data(r->img);
  uint32_t v = *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(r->img) + 4 * x);
  *rgb = v & 0xffffff;
  if (px) *px = x, *py = y;
  return true;
}

static int channel_diff(uint32_t a, uint32_t b) {
  int d = 0;
  for (int s = 0; s < 24; s += 8)
    d = fmax(d, abs((int)((a >> s) & 255) - (int)((b >> s) & 255)));
  return d;
}

/* A highlighted Chukotka in one projection (auto: Albers centred on 180, or a
 * polar map centred on 0E, whose seam meridian 180 crosses it). */
static void check_chukotka(const char *projection) {
  rendered r;
  char spec[512];
  snprintf(spec, sizeof spec,
           "title: t\nplaces: false\nsize: {width: 900, height: 600}\n"
           "extent: {bbox: [165, 60, -165, 72]}\nprojection: '%s'\n"
           "highlight:\n  provinces: [{country: RUS, name: Chukchi Autonomous Okrug}]\n",
           projection);
  render(spec, &r);
  printf("%s\n", r.projection);
  /* the tint as painted, inside the province away from 180 */
  uint32_t tint = 0;
  assert_true(pixel_at(&r, 176.0, 66.0, &tint, NULL, NULL));
  assert_true(channel_diff(tint, 0xf2c4bd) < 40);
  /* along the meridian through the province's inland part, every pixel is
   * the highlight tint (a river or a label may cross it: allow a few) */
  int n = 0, tinted = 0, red = 0;
  /* 66.1N to 68.7N: inland all the way (Kresta Bay's coast reaches 65.95N
   * just east of 180) */
  for (double lat = 66.1; lat <= 68.7; lat += 0.05) {
    uint32_t c = 0;
    int x = -1, y = -1;
    if (!pixel_at(&r, 180.0, lat, &c, &x, &y)) continue;
    n++;
    if (channel_diff(c, tint) <= 8)
      tinted++;
    else
      printf("  %.2fN (%d, %d): %06x\n", lat, x, y, c);
    /* and no outline red on the cut either side (Natural Earth's 179.9E, 179.9W) */
    for (double lon = 179.8; lon <= 180.2; lon += 0.02) {
      uint32_t e = 0;
      /* red well above green: the outline, even antialiased (the tint's
       * red exceeds its green by 46, the outline's by 135) */
      if (pixel_at(&r, lon, lat, &e, NULL, NULL) &&
          (int)((e >> 16) & 255) - (int)((e >> 8) & 255) > 80)
        red++;
    }
  }
  /* and no false border anywhere near 180 across the peninsula: along 66.5N
   * from 176E to 175W the province is inland all the way */
  for (double lon = 176; lon <= 185; lon += 0.01) {
    uint32_t e = 0;
    if (pixel_at(&r, lon, 66.5, &e, NULL, NULL) &&
        (int)((e >> 16) & 255) - (int)((e >> 8) & 255) > 80) {
      printf("  red at %.2fE 66.5N: %06x\n", lon, e);
      red++;
    }
  }
  printf("Chukotka along 180: %d of %d pixels tinted, %d outline red near it\n", tinted, n, red);
  assert_true(n > 40);
  assert_true(tinted >= n * 19 / 20);
  assert_int_equal(red, 0);
  rendered_free(&r);
}

static void test_chukotka_has_no_false_border_along_180(void **state) {
  (void)state;
  if (!have_data()) skip();
  check_chukotka("auto");
  check_chukotka("+proj=laea +lat_0=90 +lon_0=0 +datum=WGS84 +units=m +no_defs");
}

static void test_area_across_180_takes_the_short_way(void **state) {
  (void)state;
  if (!have_data()) skip();
  mkdir(BM_TEST_TMP, 0777);
  char path[1024];
  snprintf(path, sizeof path, "%s/area-180.geojson", BM_TEST_TMP);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "
        "\"properties\": {}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
        "[[[170, -20], [-170, -20], [-170, 10], [170, 10], [170, -20]]]}}]}\n",
        f);
  assert_int_equal(fclose(f), 0);
  /* the same Robinson world map with and without the area: the area is
   * 20 degrees wide across 180, so 179.5E and 179.5W change colour and
   * 0E, 90E, 90W do not */
  const char *base = "title: t\nplaces: false\nlegend: false\nsize: {width: 900, height: 450}\n"
                     "extent: {bbox: [-180, -60, 180, 80]}\n"
                     "projection: '+proj=robin +lon_0=0 +datum=WGS84 +units=m +no_defs'\n";
  char with[1024];
  snprintf(with, sizeof with, "%sareas:\n  - {file: area-180.geojson, style: fill}\n", base);
  rendered a, b;
  render(with, &a);
  render(base, &b);
  const double inside[][2] = {{179.5, -5}, {-179.5, -5}, {175, 0}, {-175, -15}};
  const double outside[][2] = {{0, -5}, {90, -5}, {-90, -5}, {160, -5}, {-160, -5}};
  for (size_t i = 0; i < 4; i++) {
    uint32_t ca = 0, cb = 0;
    assert_true(pixel_at(&a, inside[i][0], inside[i][1], &ca, NULL, NULL));
    assert_true(pixel_at(&b, inside[i][0], inside[i][1], &cb, NULL, NULL));
    if (channel_diff(ca, cb) < 10)
      fail_msg("(%g, %g) is inside the area but not tinted (%06x)", inside[i][0], inside[i][1], ca);
  }
  for (size_t i = 0; i < 5; i++) {
    uint32_t ca = 0, cb = 0;
    assert_true(pixel_at(&a, outside[i][0], outside[i][1], &ca, NULL, NULL));
    assert_true(pixel_at(&b, outside[i][0], outside[i][1], &cb, NULL, NULL));
    if (ca != cb)
      fail_msg("(%g, %g) is outside the area but was painted (%06x, not %06x)", outside[i][0],
               outside[i][1], ca, cb);
  }
  rendered_free(&a);
  rendered_free(&b);
}

static void test_buffer_along_a_line_across_180_is_whole(void **state) {
  (void)state;
  if (!have_data()) skip();
  /* a 60 km band along 60N from 170E to 170W, vertices every 2 degrees, so it
   * is buffered in several 500 km pieces, some centred east of 180 and some
   * west: every pixel on the line is tinted (no piece left out, no hole where
   * two pieces overlap) */
  const char *base = "title: t\nplaces: false\nlegend: false\nsize: {width: 900, height: 600}\n"
                     "extent: {bbox: [160, 52, -160, 68]}\n";
  char with[1024];
  int k = snprintf(with, sizeof with, "%sareas:\n  - {buffer_km: 60, style: fill, along: [", base);
  for (int lon = 170; lon <= 190; lon += 2)
    k += snprintf(with + k, sizeof with - (size_t)k, "%s[%d, 60]", lon > 170 ? ", " : "",
                  lon > 180 ? lon - 360 : lon);
  snprintf(with + k, sizeof with - (size_t)k, "]}\n");
  rendered a, b;
  render(with, &a);
  render(base, &b);
  int n = 0, same = 0;
  for (double lon = 170.5; lon <= 189.5; lon += 0.25) {
    uint32_t ca = 0, cb = 0;
    assert_true(pixel_at(&a, lon, 60, &ca, NULL, NULL));
    assert_true(pixel_at(&b, lon, 60, &cb, NULL, NULL));
    n++;
    if (channel_diff(ca, cb) < 10) {
      same++;
      printf("  %.2fE on the line is not tinted (%06x)\n", lon, ca);
    }
  }
  printf("buffer across 180: %d of %d pixels on the line tinted\n", n - same, n);
  assert_int_equal(same, 0);
  rendered_free(&a);
  rendered_free(&b);
}

static void test_mercator_across_180_frames_the_bering_strait(void **state) {
  (void)state;
  if (!have_data()) skip();
  rendered r;
  render("title: t\nplaces: false\nsize: {width: 900, height: 600}\n"
         "extent: {bbox: [160, 55, -150, 72]}\nprojection: EPSG:3857\n",
         &r);
  printf("Bering Strait in EPSG:3857: %s\n", r.projection);
  /* the strait (168.9W, 65.8N) lies in the middle third of the frame's width,
   * and the frame shows less than 90 degrees of longitude, not the world */
  uint32_t c = 0;
  int x = -1, y = -1;
  assert_true(pixel_at(&r, -168.9, 65.8, &c, &x, &y));
  assert_true(x > 300 && x < 600);
  double xy[4] = {r.view.proj.minx, (r.view.proj.miny + r.view.proj.maxy) / 2, r.view.proj.maxx,
                  (r.view.proj.miny + r.view.proj.maxy) / 2};
  bm_proj_inverse(r.proj, xy, 2);
  double span = bm_lon_unwrap(xy[2], xy[0]) - xy[0];
  if (span <= 0) span += 360;
  printf("frame spans %.1f degrees of longitude\n", span);
  assert_true(span > 30 && span < 90);
  /* Cape Dezhnev and Cape Prince of Wales are land, the strait between is sea */
  uint32_t land_w = 0, land_e = 0, sea = 0;
  assert_true(pixel_at(&r, -172.5, 65.5, &land_w, NULL, NULL)); /* Chukotka */
  assert_true(pixel_at(&r, -164.0, 65.3, &land_e, NULL, NULL)); /* Seward Peninsula */
  assert_true(pixel_at(&r, -169.5, 64.6, &sea, NULL, NULL));    /* the strait's south end */
  assert_true(channel_diff(land_w, sea) > 10);
  assert_true(channel_diff(land_e, sea) > 10);
  rendered_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_join_leaves_uncut_geometry_alone),
      cmocka_unit_test(test_join_merges_pieces_cut_at_179_9),
      cmocka_unit_test(test_chukotka_is_joined_across_180),
      cmocka_unit_test(test_country_boxes_leave_far_off_parts_out),
      cmocka_unit_test(test_chukotka_has_no_false_border_along_180),
      cmocka_unit_test(test_area_across_180_takes_the_short_way),
      cmocka_unit_test(test_buffer_along_a_line_across_180_is_whole),
      cmocka_unit_test(test_mercator_across_180_frames_the_bering_strait),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
