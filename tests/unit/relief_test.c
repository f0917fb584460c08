/* Unit tests for the relief (spec relief:): what a reader sees, on elevation models the
 * tests make with GDAL's API and render through the whole pipeline with Natural Earth
 * (BM_TEST_DATA).
 *
 *  - a cone in Tajikistan lit from the north-west: its north-west flank is lighter than the
 *    land, its south-east flank darker, at pixels found by PROJ;
 *  - a known cell lands where PROJ puts it: one dark cell of a hillshade in UTM 42N (not the
 *    map's CRS, not lon/lat) is found within 1 px of where cs2cs (PROJ's command-line tool,
 *    outside the code under test) puts its centre;
 *  - the sea is untouched: a DEM with hills under the sea changes no sea pixel of the map
 *    on the Makran coast, and does shade the land;
 *  - PNG, PDF and SVG show the same relief (PDF rasterised with pdftoppm, SVG with
 *    rsvg-convert, skipped when they are missing), the SVG as one <image> in a relief group;
 *  - bad input: a file GDAL cannot open (exit 4, GDAL's reason), no georeferencing, a raster
 *    that misses the map (a warning, no relief), one over the read limit (names the option),
 *    and the spec's checks.
 */
#define _GNU_SOURCE
#include <cairo.h>
#include <math.h>
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
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "core/util.h"
#include "pipeline.h"
#include "proj/proj.h"
#include "spec/spec.h"
#include "png_memory.h"

#define TMP BM_TEST_TMP "/relief"

/* ---- making rasters ---------------------------------------------------------------------- */

typedef float (*field)(double x, double y, const void *ctx);

/* A GeoTIFF of w x h cells, top-left corner (x0, y0), cells dx by dy CRS units, band 1 the
 * field at each cell's centre; epsg 0: no CRS; gt false: no geotransform either. */
static void write_raster(const char *path, GDALDataType type, int epsg, bool gt, double x0,
                         double y0, double dx, double dy, int w, int h, field f, const void *ctx) {
  GDALAllRegister();
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, type, NULL);
  assert_non_null(ds);
  if (gt) {
    double t[6] = {x0, dx, 0, y0, 0, -dy};
    GDALSetGeoTransform(ds, t);
  }
  if (epsg) {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, epsg);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
  }
  float *row = malloc(sizeof *row * w);
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++)
      row[x] = f(x0 + (x + 0.5) * dx, y0 - (y + 0.5) * dy, ctx);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, y, w, 1, row, w, 1,
                                  GDT_Float32, 0, 0),
                     CE_None);
  }
  free(row);
  GDALClose(ds);
}

typedef struct {
  double lon, lat, r_km, height;
} cone_def;

/* A cone: height at the centre, 0 at r_km on the ground and beyond. */
static float cone(double lon, double lat, const void *ctx) {
  const cone_def *c = ctx;
  double dx = (lon - c->lon) * 111.32 * cos(c->lat * M_PI / 180), dy = (lat - c->lat) * 110.9;
  double d = hypot(dx, dy);
  return (float)(d < c->r_km ? c->height * (1 - d / c->r_km) : 0);
}

/* Hills everywhere, sea included: a DEM that knows nothing of the coast. */
static float hills(double lon, double lat, const void *ctx) {
  (void)ctx;
  return (float)(900 + 800 * sin(lon * 40) * cos(lat * 30));
}

/* A hillshade: white, one black cell at (col, row). */
typedef struct {
  double x0, y0, cell;
  int col, row;
} cell_def;
static float one_dark_cell(double x, double y, const void *ctx) {
  const cell_def *c = ctx;
  int col = (int)floor((x - c->x0) / c->cell), row = (int)floor((c->y0 - y) / c->cell);
  return col == c->col && row == c->row ? 0.0f : 255.0f;
}

/* ---- rendering ---------------------------------------------------------------------------- */

/* A custom style: no lines over the land and glaciers the land colour, so that every land
 * pixel shows the relief alone */
static const char *const bare_style = "colors: {land: \"#f3f1ec\", glacier: \"#f3f1ec\"}\n"
                                      "lines: {border: 0, disputed: 0, river: 0, province: 0}\n";

typedef struct {
  cairo_surface_t *img[3]; /* png, pdf, svg (rasterised; NULL when not asked or no tool) */
  char *svg;               /* the SVG's text, when asked */
  bm_render_stats stats;
  bm_proj *proj;
  bm_view view;
} rendered;

static cairo_surface_t *decode_png(const unsigned char *p, size_t n) {
  cairo_surface_t *s = png_from_memory(p, n);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  return s;
}

static bool have(const char *tool) {
  char cmd[200];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
  return system(cmd) == 0;
}

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  fclose(f);
}

/* Renders the spec (text, in TMP) to PNG, and when formats say so to PDF and SVG, each
 * rasterised the way a reader's tool would; the view fitted as the plan stage fits it. */
static bm_status render(const char *text, bool all_formats, rendered *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  bm_error_clear(err);
  char style[600];
  snprintf(style, sizeof style, "%s/bare.yaml", TMP);
  write_file(style, bare_style, strlen(bare_style));
  bm_spec *s = bm_spec_load_string(text, TMP "/relief.yaml", TMP, err);
  if (!s) return err->code;
  bm_output o[3] = {{.format = BM_FORMAT_PNG}, {.format = BM_FORMAT_PDF}, {.format = BM_FORMAT_SVG}};
  bm_render_options opt = {.data_dir = BM_TEST_DATA};
  bm_status st = bm_render_outputs(s, o, all_formats ? 3 : 1, &opt, &out->stats, err);
  if (!st) {
    out->img[0] = decode_png(o[0].data, o[0].len);
    if (all_formats && have("pdftoppm")) {
      write_file(TMP "/map.pdf", o[1].data, o[1].len);
      assert_int_equal(
          system("pdftoppm -png -r 96 -singlefile " TMP "/map.pdf " TMP "/pdf >/dev/null 2>&1"), 0);
      out->img[1] = cairo_image_surface_create_from_png(TMP "/pdf.png");
    }
    if (all_formats) {
      out->svg = strndup((const char *)o[2].data, o[2].len);
      write_file(TMP "/map.svg", o[2].data, o[2].len);
      if (have("rsvg-convert")) {
        assert_int_equal(system("rsvg-convert " TMP "/map.svg -o " TMP "/svg.png"), 0);
        out->img[2] = cairo_image_surface_create_from_png(TMP "/svg.png");
      }
    }
    assert_int_equal(bm_proj_create(out->stats.projection, &out->proj, err), BM_OK);
    bm_bbox ll = {s->bbox[0], s->bbox[1], s->bbox[2], s->bbox[3]};
    assert_int_equal(bm_view_fit(out->proj, ll, s->margin, s->width, s->height, &out->view, err),
                     BM_OK);
  }
  for (int i = 0; i < 3; i++)
    free(o[i].data);
  bm_spec_free(s);
  return st;
}

static void rendered_free(rendered *r) {
  for (int i = 0; i < 3; i++)
    if (r->img[i]) cairo_surface_destroy(r->img[i]);
  free(r->svg);
  bm_proj_destroy(r->proj);
}

static uint32_t px(cairo_surface_t *s, int x, int y) {
  cairo_surface_flush(s);
  const unsigned char *d = cairo_image_surface_get_data(s);
  return *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * x) & 0xffffff;
}

static double lum(uint32_t c) {
  return 0.299 * (c >> 16 & 255) + 0.587 * (c >> 8 & 255) + 0.114 * (c & 255);
}

/* Mean luminance of the (2r+1)^2 box around (x, y). */
static double box_lum(cairo_surface_t *s, double x, double y, int r) {
  double sum = 0;
  int n = 0;
  for (int j = -r; j <= r; j++)
    for (int i = -r; i <= r; i++, n++)
      sum += lum(px(s, (int)floor(x) + i, (int)floor(y) + j));
  return sum / n;
}

/* lon/lat -> map pixel (continuous: pixel i spans [i, i + 1)) through PROJ and the view. */
static void to_px(const rendered *r, double lon, double lat, double *x, double *y) {
  double xy[2] = {lon, lat};
  bm_proj_forward(r->proj, xy, 1);
  bm_view_to_px(&r->view, xy, 1);
  *x = xy[0];
  *y = xy[1];
}

static int setup(void **state) {
  (void)state;
  mkdir(BM_TEST_TMP, 0777);
  mkdir(TMP, 0777);
  struct stat sb;
  if (stat(BM_TEST_DATA, &sb) != 0) {
    fprintf(stderr, "relief_test: no Natural Earth data at %s; skipped\n", BM_TEST_DATA);
    exit(77);
  }
  return 0;
}

/* ---- the tests ---------------------------------------------------------------------------- */

static const cone_def tj_cone = {71.0, 38.6, 15, 3000};

/* The cone map: Tajikistan around the cone, nothing drawn over the land but the relief. */
static char *cone_spec(const char *dem) {
  char *t = NULL;
  assert_true(asprintf(&t,
                       "size: {width: 800, height: 600}\n"
                       "extent: {bbox: [70.0, 38.0, 72.0, 39.2], margin: 0}\n"
                       "projection: +proj=laea +lat_0=38.6 +lon_0=71 +datum=WGS84\n"
                       "style: bare.yaml\nplaces: false\nlegend: false\nscale_bar: false\n"
                       "labels: {hide: [countries, regions, rivers, places]}\n"
                       "relief: {dem: %s}\n",
                       dem) > 0);
  return t;
}

static void test_cone_lit_from_the_north_west(void **state) {
  (void)state;
  write_raster(TMP "/cone.tif", GDT_Float32, 4326, true, 69.5, 40.0, 0.005, 0.005, 700, 400,
               cone, &tj_cone);
  char *spec = cone_spec("cone.tif");
  rendered r;
  bm_error err;
  if (render(spec, false, &r, &err)) fail_msg("%s", err.msg);
  free(spec);
  /* half way down each flank, along the diagonal: 7.5 km from the top, on the ground */
  double d = 7.5 / 111.0 / sqrt(2);
  double cx, cy, nwx, nwy, sex, sey, fx, fy;
  to_px(&r, tj_cone.lon, tj_cone.lat, &cx, &cy);
  to_px(&r, tj_cone.lon - d / cos(38.6 * M_PI / 180), tj_cone.lat + d, &nwx, &nwy);
  to_px(&r, tj_cone.lon + d / cos(38.6 * M_PI / 180), tj_cone.lat - d, &sex, &sey);
  to_px(&r, 70.15, 38.1, &fx, &fy); /* flat ground, off the cone */
  double nw = box_lum(r.img[0], nwx, nwy, 3), se = box_lum(r.img[0], sex, sey, 3),
         flat = box_lum(r.img[0], fx, fy, 3);
  print_message("cone at (%.0f, %.0f): north-west flank %.1f, flat %.1f, south-east flank %.1f\n",
                cx, cy, nw, flat, se);
  assert_true(nw > flat + 1);  /* lit: lighter than the land */
  assert_true(se < flat - 15); /* in shadow */
  assert_true(nw > se + 20);
  /* flat ground keeps the land colour: the relief is quiet where there is none */
  assert_true(fabs(flat - lum(0xf3f1ec)) < 1.5);
  rendered_free(&r);
}

/* Where cs2cs (PROJ's tool) puts an easting/northing of UTM 42N on the map: projected
 * metres in the map's CRS. */
static void cs2cs(const char *to, double e, double n, double *x, double *y) {
  char cmd[800];
  snprintf(cmd, sizeof cmd, "echo '%.3f %.3f' | cs2cs -f %%.4f EPSG:32642 +to %s", e, n, to);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  assert_int_equal(fscanf(p, "%lf %lf", x, y), 2);
  pclose(p);
}

static void test_known_cell_lands_where_proj_puts_it(void **state) {
  (void)state;
  if (!have("cs2cs")) skip();
  /* a white hillshade in UTM 42N, 2 km cells, one black cell */
  cell_def c = {580000, 4380000, 2000, 47, 53};
  write_raster(TMP "/utm.tif", GDT_Byte, 32642, true, c.x0, c.y0, c.cell, c.cell, 100, 100,
               one_dark_cell, &c);
  const char *spec = "size: {width: 800, height: 600}\n"
                     "extent: {bbox: [70.0, 38.0, 72.0, 39.2], margin: 0}\n"
                     "projection: +proj=laea +lat_0=38.6 +lon_0=71 +datum=WGS84\n"
                     "style: bare.yaml\nplaces: false\nlegend: false\nscale_bar: false\n"
                     "labels: {hide: [countries, regions, rivers, places]}\n"
                     "relief: {shaded: utm.tif, opacity: 1}\n";
  rendered r;
  bm_error err;
  if (render(spec, false, &r, &err)) fail_msg("%s", err.msg);
  double e = c.x0 + (c.col + 0.5) * c.cell, n = c.y0 - (c.row + 0.5) * c.cell, x, y;
  cs2cs("'+proj=laea +lat_0=38.6 +lon_0=71 +datum=WGS84'", e, n, &x, &y);
  double want[2] = {x, y};
  bm_view_to_px(&r.view, want, 1);
  /* the dark blob's centre: the darkness-weighted mean of the pixel centres within 30 px of
   * where PROJ puts it (the blob is about 20 px across) */
  double sx = 0, sy = 0, sw = 0, land = lum(0xf3f1ec);
  for (int j = (int)want[1] - 30; j <= (int)want[1] + 30; j++)
    for (int i = (int)want[0] - 30; i <= (int)want[0] + 30; i++) {
      double dk = land - lum(px(r.img[0], i, j));
      if (dk <= 1) continue;
      sx += dk * (i + 0.5), sy += dk * (j + 0.5), sw += dk;
    }
  assert_true(sw > 0);
  print_message("cell centre: cs2cs puts it at pixel (%.2f, %.2f), the map has it at (%.2f, "
                "%.2f)\n",
                want[0], want[1], sx / sw, sy / sw);
  assert_true(fabs(sx / sw - want[0]) <= 1);
  assert_true(fabs(sy / sw - want[1]) <= 1);
  rendered_free(&r);
}

static void test_sea_is_untouched(void **state) {
  (void)state;
  /* the Makran coast: Iran and Pakistan and the Gulf of Oman; hills under the sea too */
  write_raster(TMP "/hills.tif", GDT_Float32, 4326, true, 59.5, 27.0, 0.01, 0.01, 400, 300,
               hills, NULL);
  const char *base = "size: {width: 700, height: 500}\n"
                     "extent: {bbox: [60.2, 24.6, 62.6, 26.4], margin: 0}\n"
                     "projection: +proj=laea +lat_0=25.5 +lon_0=61.4 +datum=WGS84\n"
                     "places: false\nlegend: false\nscale_bar: false\n";
  char *with = NULL;
  assert_true(asprintf(&with, "%srelief: {dem: hills.tif, opacity: 1}\n", base) > 0);
  rendered plain, relief;
  bm_error err;
  if (render(base, false, &plain, &err)) fail_msg("%s", err.msg);
  if (render(with, false, &relief, &err)) fail_msg("%s", err.msg);
  free(with);
  int W = cairo_image_surface_get_width(plain.img[0]),
      H = cairo_image_surface_get_height(plain.img[0]);
  const uint32_t water = 0xd9e8f2, land = 0xf3f1ec;
  long sea = 0, sea_changed = 0, land_px = 0, land_changed = 0;
  for (int y = 1; y < H - 1; y++)
    for (int x = 1; x < W - 1; x++) {
      uint32_t p = px(plain.img[0], x, y), q = px(relief.img[0], x, y);
      bool all_water = true, all_land = true;
      for (int j = -1; j <= 1; j++)
        for (int i = -1; i <= 1; i++) {
          uint32_t n = px(plain.img[0], x + i, y + j);
          all_water &= n == water;
          all_land &= n == land;
        }
      if (all_water) sea++, sea_changed += p != q;
      if (all_land) land_px++, land_changed += p != q;
    }
  print_message("sea pixels %ld (changed %ld), land pixels %ld (changed %ld)\n", sea, sea_changed,
                land_px, land_changed);
  assert_true(sea > 10000);
  assert_int_equal(sea_changed, 0);
  assert_true(land_changed > land_px / 2); /* the land does get its relief */
  rendered_free(&plain);
  rendered_free(&relief);
}

static int count(const char *s, const char *needle) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p++)
    n++;
  return n;
}

static void test_png_pdf_svg_show_the_same_relief(void **state) {
  (void)state;
  write_raster(TMP "/cone.tif", GDT_Float32, 4326, true, 69.5, 40.0, 0.005, 0.005, 700, 400,
               cone, &tj_cone);
  char *spec = cone_spec("cone.tif");
  rendered r;
  bm_error err;
  if (render(spec, true, &r, &err)) fail_msg("%s", err.msg);
  free(spec);
  /* the SVG: one raster, in the relief layer; everything else stays vector */
  assert_int_equal(count(r.svg, "<image"), 1);
  const char *g = strstr(r.svg, "inkscape:label=\"relief\"");
  assert_non_null(g);
  assert_true(strstr(g, "<image") && strstr(g, "<image") < strstr(g, "</g>"));
  assert_true(count(r.svg, "<path") > 0);
  const char *name[3] = {"PNG", "PDF", "SVG"};
  double d = 7.5 / 111.0 / sqrt(2), nwx, nwy, sex, sey, cx, cy;
  to_px(&r, tj_cone.lon - d / cos(38.6 * M_PI / 180), tj_cone.lat + d, &nwx, &nwy);
  to_px(&r, tj_cone.lon + d / cos(38.6 * M_PI / 180), tj_cone.lat - d, &sex, &sey);
  to_px(&r, tj_cone.lon, tj_cone.lat, &cx, &cy);
  for (int f = 0; f < 3; f++) {
    if (!r.img[f]) {
      print_message("%s: no rasteriser installed; not compared\n", name[f]);
      continue;
    }
    assert_int_equal(cairo_image_surface_get_width(r.img[f]), 800);
    assert_int_equal(cairo_image_surface_get_height(r.img[f]), 600);
    double nw = box_lum(r.img[f], nwx, nwy, 3), se = box_lum(r.img[f], sex, sey, 3);
    /* the whole cone, pixel by pixel, against the PNG */
    double diff = 0;
    int n = 0;
    for (int y = (int)cy - 80; y <= (int)cy + 80; y++)
      for (int x = (int)cx - 80; x <= (int)cx + 80; x++, n++)
        diff += fabs(lum(px(r.img[f], x, y)) - lum(px(r.img[0], x, y)));
    print_message("%s: north-west flank %.1f, south-east flank %.1f, mean difference from the "
                  "PNG over the cone %.2f\n",
                  name[f], nw, se, diff / n);
    assert_true(nw > se + 20);
    assert_true(diff / n < 1.5);
  }
  rendered_free(&r);
}

/* ---- bad input ---------------------------------------------------------------------------- */

static bm_status render_err(const char *relief, bm_error *err, bm_render_stats *stats,
                            double max_mpx) {
  char *text = NULL;
  assert_true(asprintf(&text,
                       "size: {width: 400, height: 300}\n"
                       "extent: {bbox: [70.0, 38.0, 72.0, 39.2]}\n"
                       "places: false\nrelief: %s\n",
                       relief) > 0);
  bm_error_clear(err);
  bm_spec *s = bm_spec_load_string(text, TMP "/bad.yaml", TMP, err);
  free(text);
  if (!s) return err->code;
  bm_output o = {.format = BM_FORMAT_PNG};
  bm_render_options opt = {.data_dir = BM_TEST_DATA, .max_relief_mpx = max_mpx};
  bm_status st = bm_render_outputs(s, &o, 1, &opt, stats, err);
  free(o.data);
  bm_spec_free(s);
  return st;
}

static void test_bad_rasters(void **state) {
  (void)state;
  bm_error err;
  bm_render_stats stats;
  /* not a raster */
  write_file(TMP "/junk.tif", "this is not a GeoTIFF\n", 22);
  assert_int_equal(render_err("{dem: junk.tif}", &err, &stats, 0), BM_ERR_DATA);
  assert_non_null(strstr(err.file, "junk.tif"));
  assert_non_null(strstr(err.msg, "GDAL cannot open it"));
  assert_non_null(strstr(err.msg, "(GDAL: ")); /* GDAL's own reason */
  /* no georeferencing at all */
  write_raster(TMP "/nogeo.tif", GDT_Float32, 0, false, 0, 0, 1, 1, 20, 20, hills, NULL);
  assert_int_equal(render_err("{dem: nogeo.tif}", &err, &stats, 0), BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "no georeferencing"));
  /* in the Pacific: a warning, the map is drawn without relief */
  write_raster(TMP "/pacific.tif", GDT_Float32, 4326, true, -150, 10, 0.1, 0.1, 20, 20, hills,
               NULL);
  assert_int_equal(render_err("{dem: pacific.tif}", &err, &stats, 0), BM_OK);
  assert_int_equal(stats.nwarnings, 1);
  assert_non_null(strstr(stats.warnings[0], "does not cover the map"));
  assert_non_null(strstr(stats.warnings[0], "pacific.tif"));
  /* no CRS, lon/lat numbers: taken as WGS84, with a warning */
  write_raster(TMP "/nocrs.tif", GDT_Float32, 0, true, 69.5, 40.0, 0.01, 0.01, 350, 200, cone,
               &tj_cone);
  assert_int_equal(render_err("{dem: nocrs.tif}", &err, &stats, 0), BM_OK);
  assert_int_equal(stats.nwarnings, 1);
  assert_non_null(strstr(stats.warnings[0], "no CRS"));
  /* over the read limit (the file has no overviews): refused, naming the option */
  assert_int_equal(render_err("{dem: nocrs.tif}", &err, &stats, 0.01), BM_ERR_DATA);
  assert_non_null(strstr(err.msg, "--max-relief-mpx"));
  assert_non_null(strstr(err.msg, "gdaladdo"));
}

static void test_spec_checks(void **state) {
  (void)state;
  bm_error err;
  bm_render_stats stats;
  write_raster(TMP "/small.tif", GDT_Float32, 4326, true, 69.5, 40.0, 0.05, 0.05, 70, 40, cone,
               &tj_cone);
  assert_int_equal(render_err("{dem: small.tif, colour: red}", &err, &stats, 0), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "dem, shaded, opacity, light, tint"));
  assert_int_equal(render_err("{dem: small.tif, shaded: small.tif}", &err, &stats, 0),
                   BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "exactly one of dem"));
  assert_int_equal(render_err("{dem: missing.tif}", &err, &stats, 0), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "does not exist"));
  assert_int_equal(render_err("{dem: small.tif, opacity: 2}", &err, &stats, 0), BM_ERR_SPEC);
  assert_int_equal(render_err("{dem: small.tif, tint: rainbow}", &err, &stats, 0), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "hypsometric, none"));
  assert_int_equal(render_err("{dem: small.tif, light: {azimuth: 400}}", &err, &stats, 0),
                   BM_ERR_SPEC);
  /* confined like every file a spec names */
  assert_int_equal(render_err("{dem: /etc/hostname}", &err, &stats, 0), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "--allow-dir"));
  /* and a good one renders */
  assert_int_equal(
      render_err("{dem: small.tif, tint: hypsometric, light: {azimuth: 270, altitude: 30}}", &err,
                 &stats, 0),
      BM_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cone_lit_from_the_north_west),
      cmocka_unit_test(test_known_cell_lands_where_proj_puts_it),
      cmocka_unit_test(test_sea_is_untouched),
      cmocka_unit_test(test_png_pdf_svg_show_the_same_relief),
      cmocka_unit_test(test_bad_rasters),
      cmocka_unit_test(test_spec_checks),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
