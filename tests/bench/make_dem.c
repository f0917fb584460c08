/* make_dem — small GeoTIFF elevation models for the relief tests and benchmark, made with
 * GDAL's own API (no gdal-bin needed).
 *
 *   make_dem cone   OUT.tif LON LAT RADIUS_DEG HEIGHT_M RES_DEG
 *       a cone of HEIGHT_M metres on flat ground at 0 m, RADIUS_DEG degrees of latitude in
 *       radius (its footprint is a true circle on the ground), in a lon/lat grid (EPSG:4326)
 *       of RES_DEG cells, 2.5 radii on each side
 *   make_dem region OUT.tif WEST SOUTH EAST NORTH RES_DEG
 *       a synthetic terrain (value-noise hills, ridged ranges along the lines of the Pamirs,
 *       the Hindu Kush, the Tian Shan and their neighbours, nearly flat lowlands) at RES_DEG (1/120 = 30", about
 *       1 km: the size of GMTED2010's or SRTM30's grid), Int16 metres, deflate-compressed.
 *       Not real terrain: it is the size and texture of a real 1 km DEM, for timing.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

static GDALDatasetH create(const char *path, int w, int h, GDALDataType type, double west,
                           double north, double res) {
  GDALAllRegister();
  char **opt = CSLSetNameValue(NULL, "COMPRESS", "DEFLATE");
  opt = CSLSetNameValue(opt, "TILED", "YES");
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, type, opt);
  CSLDestroy(opt);
  if (!ds) {
    fprintf(stderr, "make_dem: cannot create %s\n", path);
    exit(1);
  }
  double gt[6] = {west, res, 0, north, 0, -res};
  GDALSetGeoTransform(ds, gt);
  OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
  OSRImportFromEPSG(srs, 4326);
  GDALSetSpatialRef(ds, srs);
  OSRDestroySpatialReference(srs);
  return ds;
}

static int cone(const char *path, double lon, double lat, double r, double height, double res) {
  int n = (int)ceil(5 * r / res);
  double west = lon - 2.5 * r / cos(lat * M_PI / 180), north = lat + 2.5 * r;
  double resx = res / cos(lat * M_PI / 180);
  int w = n; /* as many cells across as down: resx is res widened by 1 / cos(lat) */
  GDALDatasetH ds = create(path, w, n, GDT_Float32, west, north, res);
  double gt[6] = {west, resx, 0, north, 0, -res};
  GDALSetGeoTransform(ds, gt); /* square on the ground: longitude cells wider in degrees */
  float *row = malloc(sizeof *row * w);
  for (int y = 0; y < n; y++) {
    double la = north - (y + 0.5) * res;
    for (int x = 0; x < w; x++) {
      double lo = west + (x + 0.5) * resx;
      double dx = (lo - lon) * cos(lat * M_PI / 180), dy = la - lat;
      double d = sqrt(dx * dx + dy * dy);
      row[x] = (float)(d < r ? height * (1 - d / r) : 0);
    }
    if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, y, w, 1, row, w, 1, GDT_Float32, 0,
                     0) != CE_None)
      return fprintf(stderr, "make_dem: cannot write %s\n", path), 1;
  }
  free(row);
  GDALClose(ds);
  return 0;
}

/* ---- synthetic terrain ----------------------------------------------------------------- */

static double lattice(int x, int y, int seed) {
  uint32_t h = (uint32_t)x * 374761393u + (uint32_t)y * 668265263u + (uint32_t)seed * 2246822519u;
  h = (h ^ (h >> 13)) * 1274126177u;
  return ((h ^ (h >> 16)) & 0xffffff) / (double)0xffffff;
}

static double noise(double x, double y, int seed) {
  int x0 = (int)floor(x), y0 = (int)floor(y);
  double fx = x - x0, fy = y - y0;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  double a = lattice(x0, y0, seed), b = lattice(x0 + 1, y0, seed);
  double c = lattice(x0, y0 + 1, seed), d = lattice(x0 + 1, y0 + 1, seed);
  return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
}

/* ranges: lines (lon, lat to lon, lat), half-width in degrees, height in metres */
static const double ranges[][6] = {
    {71.5, 38.8, 75.5, 37.2, 1.6, 5200}, /* Pamirs */
    {66.5, 34.6, 71.8, 36.4, 1.0, 4600}, /* Hindu Kush */
    {64.5, 34.5, 68.0, 34.9, 0.8, 3800}, /* Koh-i-Baba */
    {68.5, 39.7, 73.5, 39.9, 0.6, 4200}, /* Alay */
    {67.5, 39.3, 71.0, 39.4, 0.5, 3800}, /* Turkestan, Zeravshan */
    {69.5, 41.2, 80.0, 42.2, 1.2, 4300}, /* Tian Shan */
    {69.2, 30.0, 70.2, 33.5, 0.7, 2800}, /* Sulaiman */
    {54.0, 38.3, 60.5, 36.3, 0.6, 2500}, /* Kopet Dag */
    {72.0, 35.0, 77.0, 35.8, 1.2, 5800}, /* Karakoram */
    {62.0, 33.5, 65.0, 34.2, 1.0, 2800}, /* Paropamisus */
};

static double seg_dist(double px, double py, const double *r) {
  double ax = r[0], ay = r[1], bx = r[2], by = r[3];
  double dx = bx - ax, dy = by - ay, t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
  t = fmax(0, fmin(1, t));
  return hypot(px - ax - t * dx, py - ay - t * dy);
}

static int region(const char *path, double w0, double s0, double e0, double n0, double res) {
  int w = (int)ceil((e0 - w0) / res), h = (int)ceil((n0 - s0) / res);
  GDALDatasetH ds = create(path, w, h, GDT_Int16, w0, n0, res);
  int16_t *row = malloc(sizeof *row * w);
  for (int y = 0; y < h; y++) {
    double lat = n0 - (y + 0.5) * res;
    for (int x = 0; x < w; x++) {
      double lon = w0 + (x + 0.5) * res;
      double hills = 0, amp = 1, f = 1.5;
      for (int o = 0; o < 6; o++, amp *= 0.5, f *= 2.1)
        hills += amp * noise(lon * f, lat * f, o);
      double ridged = 0;
      amp = 1, f = 3;
      for (int o = 0; o < 5; o++, amp *= 0.5, f *= 2.2)
        ridged += amp * (1 - fabs(2 * noise(lon * f, lat * f, 10 + o) - 1));
      double mask = 0, top = 0, foothills = 0;
      for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        double d = seg_dist(lon, lat, ranges[r]) / ranges[r][4];
        double m = exp(-d * d * 1.5);
        if (m > mask) mask = m, top = ranges[r][5];
        foothills = fmax(foothills, exp(-d * d * 0.25));
      }
      /* lowlands nearly flat (a real 1 km DEM of the Turan lowland or the Indus plain is),
       * hills rising towards the ranges */
      double e = 150 + (40 + 900 * foothills) * hills + mask * top * (0.35 + 0.45 * ridged);
      row[x] = (int16_t)fmin(8000, e);
    }
    if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, y, w, 1, row, w, 1, GDT_Int16, 0,
                     0) != CE_None)
      return fprintf(stderr, "make_dem: cannot write %s\n", path), 1;
  }
  free(row);
  GDALClose(ds);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 8 && !strcmp(argv[1], "cone"))
    return cone(argv[2], atof(argv[3]), atof(argv[4]), atof(argv[5]), atof(argv[6]),
                atof(argv[7]));
  if (argc == 8 && !strcmp(argv[1], "region"))
    return region(argv[2], atof(argv[3]), atof(argv[4]), atof(argv[5]), atof(argv[6]),
                  atof(argv[7]));
  fprintf(stderr, "usage: make_dem cone OUT.tif LON LAT RADIUS_DEG HEIGHT_M RES_DEG\n"
                  "       make_dem region OUT.tif WEST SOUTH EAST NORTH RES_DEG\n");
  return 2;
}
