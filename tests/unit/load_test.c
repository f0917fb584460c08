/* Unit tests for load/: the shapelib reader (bbox query, spatial index,
 * attribute decoding, broken files) on the real Natural Earth 10m countries,
 * and the OGR site-file reader on files the tests write themselves.
 *
 * Data: BM_TEST_DATA/ne_10m_admin_0_countries/ when it is unpacked there,
 * otherwise setup unzips it from the mirror into BM_TEST_TMP/loaddata/.
 * Exits 77 (skip) when the mirror is not there either. */
#define _GNU_SOURCE /* mkdtemp, strndup */

#include <math.h>
#include <setjmp.h>
#include <shapefil.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/geom.h"
#include "core/util.h"
#include "load/catalog.h"
#include "load/load.h"
#include "spec/spec.h"

#define STEM "ne_10m_admin_0_countries"
#define MIRROR_ZIP BM_TEST_MIRROR "/10m/cultural/" STEM ".zip"

static char g_tmp[1024];       /* scratch folder of this run, removed at the end */
static char g_countries[1200]; /* the 10m countries .shp */

/* ---- helpers -------------------------------------------------------------- */

static void tmp_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", g_tmp, name);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_true(fputs(text, f) >= 0);
  assert_int_equal(fclose(f), 0);
}

/* Copies at most max bytes of src to dst (max < 0: all). */
static void copy_file(const char *src, const char *dst, long max) {
  FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
  assert_non_null(in);
  assert_non_null(out);
  char buf[65536];
  long done = 0;
  size_t got;
  while ((max < 0 || done < max) && (got = fread(buf, 1, sizeof buf, in)) > 0) {
    if (max >= 0 && done + (long)got > max) got = (size_t)(max - done);
    assert_int_equal(fwrite(buf, 1, got, out), got);
    done += (long)got;
  }
  fclose(in);
  assert_int_equal(fclose(out), 0);
}

static long file_size(const char *path) {
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return (long)st.st_size;
}

/* The countries' {stem}.{ext} path. */
static void countries_file(char *buf, size_t n, const char *ext) {
  snprintf(buf, n, "%.*s.%s", (int)(strlen(g_countries) - 4), g_countries, ext);
}

/* Copies the countries' .shp/.shx/.dbf/.cpg into folder dir (created) as
 * {dir}/c.*, truncating the file with extension trunc_ext to half its size
 * (trunc_ext NULL: no truncation). Writes the new .shp path into shp. */
static void copy_countries(const char *dir, const char *trunc_ext, char *shp, size_t n) {
  bm_error err;
  assert_int_equal(bm_mkdir_p(dir, &err), BM_OK);
  static const char *const exts[] = {"shp", "shx", "dbf", "cpg"};
  for (int i = 0; i < 4; i++) {
    char src[1300], dst[1300];
    countries_file(src, sizeof src, exts[i]);
    snprintf(dst, sizeof dst, "%s/c.%s", dir, exts[i]);
    if (!bm_file_exists(src)) continue;
    long max = trunc_ext && !strcmp(trunc_ext, exts[i]) ? file_size(src) / 2 : -1;
    copy_file(src, dst, max);
  }
  snprintf(shp, n, "%s/c.shp", dir);
}

/* Features of the countries whose record bbox meets q, counted by reading every
 * record with shapelib directly: the reference the reader is checked against. */
static int count_by_hand(const char *shp_path, bm_bbox q) {
  SHPHandle h = SHPOpen(shp_path, "rb");
  assert_non_null(h);
  int nrec = 0, count = 0;
  SHPGetInfo(h, &nrec, NULL, NULL, NULL);
  for (int i = 0; i < nrec; i++) {
    SHPObject *o = SHPReadObject(h, i);
    assert_non_null(o);
    if (o->nVertices > 0 &&
        !(o->dfXMax < q.minx || o->dfXMin > q.maxx || o->dfYMax < q.miny || o->dfYMin > q.maxy))
      count++;
    SHPDestroyObject(o);
  }
  SHPClose(h);
  return count;
}

static int find_code(const bm_features *fs, const char *code) {
  for (size_t i = 0; i < fs->n; i++) {
    const char *a = bm_feature_attr(fs, i, "ADM0_A3");
    if (a && !strcmp(a, code)) return (int)i;
  }
  return -1;
}

static const bm_bbox central_asia = {60, 35, 75, 42};
static const char *const fields_upper[] = {"ADM0_A3", "NAME", NULL};

/* A point shapefile {dir}/{name}.shp with one NAME field, written with shapelib.
 * cpg: the .cpg text to write beside it, or NULL for none. */
typedef struct {
  double x, y;
  const char *name;
} pt;

static void write_points(const char *base, const pt *pts, int n, const char *cpg) {
  SHPHandle shp = SHPCreate(base, SHPT_POINT);
  assert_non_null(shp);
  DBFHandle dbf = DBFCreate(base);
  assert_non_null(dbf);
  assert_int_equal(DBFAddField(dbf, "NAME", FTString, 40, 0), 0);
  for (int i = 0; i < n; i++) {
    SHPObject *o = SHPCreateSimpleObject(SHPT_POINT, 1, &pts[i].x, &pts[i].y, NULL);
    assert_non_null(o);
    assert_int_equal(SHPWriteObject(shp, -1, o), i);
    SHPDestroyObject(o);
    assert_true(DBFWriteStringAttribute(dbf, i, 0, pts[i].name));
  }
  SHPClose(shp);
  DBFClose(dbf);
  char path[1300];
  snprintf(path, sizeof path, "%s.cpg", base);
  remove(path);
  if (cpg) write_file(path, cpg);
}

static bm_spec *empty_spec(void) {
  bm_spec *s = calloc(1, sizeof *s);
  assert_non_null(s);
  s->path = strdup("maps/test.yaml");
  s->dir = strdup("maps");
  return s;
}

/* ---- shapefile reader: failure paths -------------------------------------- */

static void test_missing_shapefile_is_data_error(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "nowhere/none.shp");
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(path, NULL, fields_upper, &fs, &err), BM_ERR_DATA);
  assert_string_equal(err.file, path);
  assert_int_equal(fs.n, 0);
  bm_features_free(&fs);
}

/* A .shp cut in half (an interrupted copy): refused with the path, or the
 * records that are gone are skipped and counted; never a crash, never garbage. */
static void test_truncated_shp_is_refused_or_skipped(void **state) {
  (void)state;
  char dir[1200], shp[1300];
  tmp_path(dir, sizeof dir, "trunc-shp");
  copy_countries(dir, "shp", shp, sizeof shp);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  bm_status st = bm_shp_read(shp, NULL, fields_upper, &fs, &err);
  if (st != BM_OK) {
    assert_int_equal(st, BM_ERR_DATA);
    assert_string_equal(err.file, shp);
  } else {
    assert_int_equal(fs.total, 267);
    assert_true(fs.n > 0);
    assert_true(fs.n < fs.total);
    /* every record left out is accounted for */
    assert_int_equal(fs.n + fs.skipped, fs.total);
    for (size_t i = 0; i < fs.n; i++) {
      bm_bbox b = bm_geom_bbox(&fs.f[i].geom);
      assert_true(b.minx >= -181 && b.maxx <= 181 && b.miny >= -91 && b.maxy <= 91);
    }
  }
  bm_features_free(&fs);
}

static void test_truncated_shx_is_data_error(void **state) {
  (void)state;
  char dir[1200], shp[1300];
  tmp_path(dir, sizeof dir, "trunc-shx");
  copy_countries(dir, "shx", shp, sizeof shp);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, fields_upper, &fs, &err), BM_ERR_DATA);
  assert_string_equal(err.file, shp);
  bm_features_free(&fs);
}

/* A .dbf cut in half: its header still says 267 records. Refused with the path,
 * or the records whose attributes are gone are skipped and counted: a country
 * silently losing its name or code would make a wrong map (a highlight that
 * matches nothing), not an error. */
static void test_truncated_dbf_is_refused_or_skipped(void **state) {
  (void)state;
  char dir[1200], shp[1300];
  tmp_path(dir, sizeof dir, "trunc-dbf");
  copy_countries(dir, "dbf", shp, sizeof shp);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  bm_status st = bm_shp_read(shp, NULL, fields_upper, &fs, &err);
  if (st != BM_OK) {
    assert_int_equal(st, BM_ERR_DATA);
    assert_string_equal(err.file, shp);
  } else {
    assert_true(fs.n < fs.total);
    assert_int_equal(fs.n + fs.skipped, fs.total);
    for (size_t i = 0; i < fs.n; i++) {
      const char *a = bm_feature_attr(&fs, i, "ADM0_A3");
      assert_non_null(a);
      assert_int_equal(strlen(a), 3);
    }
  }
  bm_features_free(&fs);
}

static void test_dbf_of_another_file_is_data_error(void **state) {
  (void)state;
  char dir[1200], shp[1300], small[1300], dbf[1300];
  tmp_path(dir, sizeof dir, "mismatch");
  copy_countries(dir, NULL, shp, sizeof shp);
  snprintf(small, sizeof small, "%s/small", dir);
  const pt p[] = {{68.78, 38.56, "Dushanbe"}};
  write_points(small, p, 1, NULL);
  snprintf(dbf, sizeof dbf, "%s/c.dbf", dir);
  snprintf(small, sizeof small, "%s/small.dbf", dir);
  copy_file(small, dbf, -1);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, fields_upper, &fs, &err), BM_ERR_DATA);
  assert_string_equal(err.file, shp);
  assert_non_null(strstr(err.msg, "267"));
  bm_features_free(&fs);
}

/* NaN and out-of-range coordinates are skipped and counted, never passed on. */
static void test_bad_coordinates_are_skipped_and_counted(void **state) {
  (void)state;
  char base[1200];
  tmp_path(base, sizeof base, "badpts");
  const pt p[] = {
      {68.78, 38.56, "Dushanbe"}, {NAN, 38.0, "nan"}, {500, 10, "far"}, {69.17, 34.53, "Kabul"}};
  write_points(base, p, 4, "UTF-8");
  char shp[1300];
  snprintf(shp, sizeof shp, "%s.shp", base);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, fields_upper, &fs, &err), BM_OK);
  assert_int_equal(fs.total, 4);
  assert_int_equal(fs.n, 2);
  assert_int_equal(fs.skipped, 2);
  assert_string_equal(bm_feature_attr(&fs, 0, "name"), "Dushanbe");
  assert_string_equal(bm_feature_attr(&fs, 1, "name"), "Kabul");
  assert_int_equal(fs.f[1].id, 3);
  bm_features_free(&fs);
}

/* ---- shapefile reader: real data ------------------------------------------ */

static void test_central_asia_bbox_query(void **state) {
  (void)state;
  int expected = count_by_hand(g_countries, central_asia);
  assert_true(expected >= 5); /* TJK, AFG, UZB, KGZ, TKM, PAK, CHN, KAZ, IRN ... */
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(g_countries, &central_asia, fields_upper, &fs, &err), BM_OK);
  assert_int_equal(fs.total, 267);
  assert_int_equal(fs.skipped, 0);
  assert_int_equal(fs.n, (size_t)expected);
  /* the file's field names are lower case: upper-case requests still match */
  assert_true(find_code(&fs, "TJK") >= 0);
  assert_true(find_code(&fs, "AFG") >= 0);
  assert_true(find_code(&fs, "FRA") < 0);
  for (size_t i = 0; i < fs.n; i++) {
    if (i > 0) assert_true(fs.f[i].id > fs.f[i - 1].id); /* record order */
    assert_int_equal(fs.f[i].geom.type, BM_GEOM_POLYGON);
    assert_true(bm_bbox_intersects(bm_geom_bbox(&fs.f[i].geom), central_asia));
  }
  bm_features_free(&fs);
}

static void test_attribute_values(void **state) {
  (void)state;
  static const char *const fields[] = {"NAME", "adm0_a3", "NO_SUCH_FIELD", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(g_countries, &central_asia, fields, &fs, &err), BM_OK);
  int t = -1;
  for (size_t i = 0; i < fs.n; i++)
    if (!strcmp(bm_feature_attr(&fs, i, "adm0_a3"), "TJK")) t = (int)i;
  assert_true(t >= 0);
  assert_string_equal(bm_feature_attr(&fs, (size_t)t, "NAME"), "Tajikistan");
  assert_string_equal(bm_feature_attr(&fs, (size_t)t, "name"), "Tajikistan"); /* any case */
  assert_null(bm_feature_attr(&fs, (size_t)t, "NO_SUCH_FIELD"));              /* not in the file */
  assert_null(bm_feature_attr(&fs, (size_t)t, "pop_est"));                    /* not requested */
  assert_string_equal(fs.fields[0], "NAME");
  bm_features_free(&fs);
}

static void test_query_outside_all_land_is_empty(void **state) {
  (void)state;
  const bm_bbox sea = {-25, -28, -18, -22}; /* South Atlantic */
  assert_int_equal(count_by_hand(g_countries, sea), 0);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(g_countries, &sea, fields_upper, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 0);
  assert_int_equal(fs.skipped, 0);
  assert_int_equal(fs.total, 267);
  bm_features_free(&fs);
}

static void test_null_query_reads_everything(void **state) {
  (void)state;
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(g_countries, NULL, fields_upper, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 267);
  assert_int_equal(fs.skipped, 0);
  for (size_t i = 0; i < fs.n; i++) {
    assert_int_equal(fs.f[i].id, (int)i);
    assert_non_null(bm_feature_attr(&fs, i, "ADM0_A3"));
  }
  bm_features_free(&fs);
  assert_int_equal(bm_shp_read(g_countries, NULL, NULL, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 267);
  assert_int_equal(fs.nfields, 0);
  bm_features_free(&fs);
  bm_bbox empty = bm_bbox_empty();
  assert_int_equal(bm_shp_read(g_countries, &empty, NULL, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 267);
  bm_features_free(&fs);
}

/* The same query through a .qix index gives the same records, and no record is
 * reported as bad because the index offered it as a candidate. */
static void test_index_gives_same_ids(void **state) {
  (void)state;
  char dir[1200], shp[1300], qix[1300];
  tmp_path(dir, sizeof dir, "indexed");
  copy_countries(dir, NULL, shp, sizeof shp);
  snprintf(qix, sizeof qix, "%s/c.qix", dir);
  remove(qix);
  const bm_bbox boxes[] = {central_asia, {-25, -28, -18, -22}, {5, 45, 15, 55}};
  bm_features before[3], after[3];
  bm_error err;
  bm_error_clear(&err);
  for (int b = 0; b < 3; b++)
    assert_int_equal(bm_shp_read(shp, &boxes[b], fields_upper, &before[b], &err), BM_OK);
  assert_int_equal(bm_shp_index_build(shp, &err), BM_OK);
  assert_true(bm_file_exists(qix));
  for (int b = 0; b < 3; b++) {
    assert_int_equal(bm_shp_read(shp, &boxes[b], fields_upper, &after[b], &err), BM_OK);
    assert_int_equal(after[b].n, before[b].n);
    for (size_t i = 0; i < after[b].n; i++) {
      assert_int_equal(after[b].f[i].id, before[b].f[i].id);
      assert_string_equal(bm_feature_attr(&after[b], i, "ADM0_A3"),
                          bm_feature_attr(&before[b], i, "ADM0_A3"));
    }
    assert_int_equal(before[b].skipped, 0);
    assert_int_equal(after[b].skipped, 0);
    bm_features_free(&before[b]);
    bm_features_free(&after[b]);
  }
}

static void test_index_of_missing_file_is_data_error(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "none.shp");
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_index_build(path, &err), BM_ERR_DATA);
  assert_string_equal(err.file, path);
}

/* ---- attribute encoding --------------------------------------------------- */

/* No .cpg: text is Windows-1252, and comes out as UTF-8. */
static void test_dbf_without_cpg_is_windows_1252(void **state) {
  (void)state;
  char base[1200], shp[1300];
  tmp_path(base, sizeof base, "cp1252");
  const pt p[] = {{2.35, 48.85, "Caf\xe9 \x80"}}; /* é and the euro sign */
  write_points(base, p, 1, NULL);
  snprintf(shp, sizeof shp, "%s.cpg", base);
  assert_false(bm_file_exists(shp));
  snprintf(shp, sizeof shp, "%s.shp", base);
  static const char *const f[] = {"name", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, f, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 1);
  assert_string_equal(bm_feature_attr(&fs, 0, "name"), "Caf\xc3\xa9 \xe2\x82\xac");
  bm_features_free(&fs);
}

/* A .cpg saying UTF-8: the bytes are kept; bytes that are not UTF-8 never reach
 * the text renderer. */
static void test_dbf_with_utf8_cpg_is_kept(void **state) {
  (void)state;
  char base[1200], shp[1300];
  tmp_path(base, sizeof base, "utf8");
  const pt p[] = {{2.35, 48.85, "Caf\xc3\xa9"},
                  {69.17, 34.53, "\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84"},
                  {1, 1, "bad \xe9 byte"}};
  write_points(base, p, 3, "UTF-8\n");
  snprintf(shp, sizeof shp, "%s.shp", base);
  static const char *const f[] = {"NAME", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, f, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 3);
  assert_string_equal(bm_feature_attr(&fs, 0, "NAME"), "Caf\xc3\xa9");
  assert_string_equal(bm_feature_attr(&fs, 1, "NAME"),
                      "\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84"); /* کابل */
  assert_string_equal(bm_feature_attr(&fs, 2, "NAME"), "bad \xef\xbf\xbd byte");
  bm_features_free(&fs);
}

/* No .cpg and text that is valid UTF-8 (Tajik Cyrillic, Persian): read as
 * UTF-8, not as Windows-1252 mojibake, and the guess is reported. */
static void test_dbf_without_cpg_utf8_content_is_utf8(void **state) {
  (void)state;
  char base[1200], shp[1300];
  tmp_path(base, sizeof base, "nocpg-utf8");
  const pt p[] = {{68.78, 38.56, "\xd0\x94\xd1\x83\xd1\x88\xd0\xb0\xd0\xbd\xd0\xb1\xd0\xb5"},
                  {69.17, 34.53, "\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84"}};
  write_points(base, p, 2, NULL);
  snprintf(shp, sizeof shp, "%s.shp", base);
  static const char *const f[] = {"NAME", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, f, &fs, &err), BM_OK);
  assert_int_equal(fs.n, 2);
  assert_true(fs.cpg_missing);
  assert_true(fs.guessed_utf8);
  assert_string_equal(bm_feature_attr(&fs, 0, "NAME"),
                      "\xd0\x94\xd1\x83\xd1\x88\xd0\xb0\xd0\xbd\xd0\xb1\xd0\xb5"); /* Душанбе */
  assert_string_equal(bm_feature_attr(&fs, 1, "NAME"), "\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84");
  bm_features_free(&fs);
}

/* A layer whose .prj says Web Mercator: its points come back in lon/lat, and
 * the reader says it transformed them. */
static void test_prj_web_mercator_is_transformed(void **state) {
  (void)state;
  char base[1200], path[1300];
  tmp_path(base, sizeof base, "merc");
  /* Dushanbe (68.78 E, 38.56 N) in EPSG:3857 metres */
  const pt p[] = {{7656612.4, 4659298.3, "Dushanbe"}};
  write_points(base, p, 1, "UTF-8\n");
  snprintf(path, sizeof path, "%s.prj", base);
  write_file(path, "PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\","
                   "DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],"
                   "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
                   "PROJECTION[\"Mercator_Auxiliary_Sphere\"],PARAMETER[\"False_Easting\",0.0],"
                   "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",0.0],"
                   "PARAMETER[\"Standard_Parallel_1\",0.0],PARAMETER[\"Auxiliary_Sphere_Type\","
                   "0.0],UNIT[\"Meter\",1.0]]");
  snprintf(path, sizeof path, "%s.shp", base);
  static const char *const f[] = {"NAME", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  bm_bbox q = {60, 30, 75, 45}; /* the query is in lon/lat, the file in metres */
  assert_int_equal(bm_shp_read(path, &q, f, &fs, &err), BM_OK);
  assert_true(fs.reprojected);
  assert_int_equal(fs.skipped, 0);
  assert_int_equal(fs.n, 1);
  assert_true(fabs(fs.f[0].geom.xy[0] - 68.78) < 0.01);
  assert_true(fabs(fs.f[0].geom.xy[1] - 38.56) < 0.01);
  bm_features_free(&fs);
  /* the same layer with a WGS84 .prj (Natural Earth's own) is read as it is */
  const pt ll[] = {{68.78, 38.56, "Dushanbe"}};
  write_points(base, ll, 1, "UTF-8\n");
  snprintf(path, sizeof path, "%s.prj", base);
  write_file(path, "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\","
                   "6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\","
                   "0.0174532925199433]]");
  snprintf(path, sizeof path, "%s.shp", base);
  assert_int_equal(bm_shp_read(path, &q, f, &fs, &err), BM_OK);
  assert_false(fs.reprojected);
  assert_int_equal(fs.n, 1);
  assert_true(fs.f[0].geom.xy[0] == 68.78);
  bm_features_free(&fs);
}

/* A .prj that is not a CRS: refused naming the .prj, never drawn as if lon/lat. */
static void test_prj_garbage_is_data_error(void **state) {
  (void)state;
  char base[1200], path[1300];
  tmp_path(base, sizeof base, "badprj");
  const pt p[] = {{68.78, 38.56, "Dushanbe"}};
  write_points(base, p, 1, "UTF-8\n");
  snprintf(path, sizeof path, "%s.prj", base);
  write_file(path, "this is not a CRS");
  snprintf(path, sizeof path, "%s.shp", base);
  static const char *const f[] = {"NAME", NULL};
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(path, NULL, f, &fs, &err), BM_ERR_DATA);
  assert_non_null(strstr(err.file, "badprj.prj"));
  assert_non_null(strstr(err.msg, "cannot be understood"));
  bm_features_free(&fs);
}

/* A record shapelib refuses: skipped, counted, with its number and shapelib's reason. */
static void test_skipped_record_keeps_number_and_reason(void **state) {
  (void)state;
  char dir[1200], shp[1300];
  tmp_path(dir, sizeof dir, "nparts");
  copy_countries(dir, NULL, shp, sizeof shp);
  /* record 5's nParts (byte 44 of the record, after the 8-byte header) := 0xFFFFFFFF */
  char shx[1300];
  snprintf(shx, sizeof shx, "%s/c.shx", dir);
  FILE *f = fopen(shx, "rb");
  assert_non_null(f);
  unsigned char b[4];
  assert_int_equal(fseek(f, 100 + 8 * 5, SEEK_SET), 0);
  assert_int_equal(fread(b, 1, 4, f), 4);
  fclose(f);
  long off = 2L * (((long)b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
  f = fopen(shp, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, off + 44, SEEK_SET), 0);
  assert_int_equal(fwrite("\xff\xff\xff\xff", 1, 4, f), 4);
  fclose(f);
  bm_features fs;
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_shp_read(shp, NULL, fields_upper, &fs, &err), BM_OK);
  assert_int_equal(fs.skipped, 1);
  assert_int_equal(fs.first_bad, 5);
  assert_non_null(strstr(fs.bad_reason, "nParts=4294967295"));
  assert_int_equal(fs.n + fs.skipped, fs.total);
  assert_int_equal(fs.past_end, 0);
  bm_features_free(&fs);
}

/* ---- OGR site files ------------------------------------------------------- */

static void test_site_url_is_refused(void **state) {
  (void)state;
  bm_spec *s = empty_spec();
  const char *paths[] = {"https://example.com/sites.geojson", "/vsicurl/http://example.com/a.csv",
                         "/vsizip//tmp/a.zip/sites.csv"};
  for (int i = 0; i < 3; i++) {
    bm_site_file f = {(char *)paths[i], {7, 5}};
    bm_error err;
    bm_error_clear(&err);
    assert_int_equal(bm_sites_read_ogr(&f, s, &err), BM_ERR_SPEC);
    assert_non_null(strstr(err.msg, "only local files"));
    assert_string_equal(err.file, "maps/test.yaml");
    assert_int_equal(err.line, 7);
    assert_int_equal(err.col, 5);
  }
  assert_int_equal(s->n_sites, 0);
  bm_spec_free(s);
}

static void test_site_csv_unknown_kind_lists_valid_kinds(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "badkind.csv");
  write_file(path, "lon,lat,name,kind\n68.78,38.56,Ababil-2 factory,drone-factory\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {9, 11}};
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_sites_read_ogr(&f, s, &err), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "'drone-factory'"));
  assert_non_null(
      strstr(err.msg, "valid kinds are: generic, city, factory, military-base, airfield"));
  assert_int_equal(err.line, 9);
  bm_spec_free(s);
}

static void test_site_file_without_name_field(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "noname.csv");
  write_file(path, "lon,lat,kind\n68.78,38.56,factory\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {9, 11}};
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_sites_read_ogr(&f, s, &err), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "no 'name' field"));
  assert_int_equal(s->n_sites, 0);
  bm_spec_free(s);
}

static void test_site_file_not_a_vector_format(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "notes.txt");
  write_file(path, "Dushanbe is at 68.78E 38.56N\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {9, 11}};
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_sites_read_ogr(&f, s, &err), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "cannot be read"));
  bm_spec_free(s);
}

static void test_site_geojson_appends_sites(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "sites.geojson");
  write_file(
      path, "{\"type\":\"FeatureCollection\",\"features\":[\n"
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[68.78,38.56]},"
            "\"properties\":{\"name\":\"Ababil-2 factory\",\"kind\":\"factory\","
            "\"note\":\"opened May 2022\",\"approximate\":true}},\n"
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[69.17,34.53]},"
            "\"properties\":{\"name\":\"\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84\"}}\n"
            "]}\n");
  bm_spec *s = empty_spec();
  bm_site existing = {.name = "Existing", .lon = 1, .lat = 2};
  assert_true(bm_spec_add_site(s, &existing));
  bm_site_file f = {path, {4, 3}};
  bm_error err;
  bm_error_clear(&err);
  if (bm_sites_read_ogr(&f, s, &err) != BM_OK) fail_msg("%s", err.msg);
  assert_int_equal(s->n_sites, 3);
  assert_string_equal(s->sites[0].name, "Existing");
  const bm_site *a = &s->sites[1], *b = &s->sites[2];
  assert_string_equal(a->name, "Ababil-2 factory");
  assert_true(fabs(a->lon - 68.78) < 1e-9 && fabs(a->lat - 38.56) < 1e-9);
  assert_int_equal(a->kind, BM_SITE_FACTORY);
  assert_string_equal(a->note, "opened May 2022");
  assert_true(a->approximate);
  assert_int_equal(a->pos.line, 4);
  assert_string_equal(b->name, "\xda\xa9\xd8\xa7\xd8\xa8\xd9\x84");
  assert_true(fabs(b->lon - 69.17) < 1e-9 && fabs(b->lat - 34.53) < 1e-9);
  assert_int_equal(b->kind, BM_SITE_GENERIC);
  assert_null(b->note);
  assert_false(b->approximate);
  bm_spec_free(s);
}

/* Reads path (a GeoJSON body given as `features`, with a "crs" member when through_ogr:
 * such files go to OGR, plain ones are read by sites.c itself) into a new spec. */
static bm_spec *read_geojson(const char *features, bool through_ogr, bm_status *st,
                             bm_error *err) {
  char path[1200], body[8192];
  tmp_path(path, sizeof path, through_ogr ? "ogr.geojson" : "plain.geojson");
  snprintf(body, sizeof body, "{\"type\": \"FeatureCollection\",%s \"features\": [%s]}\n",
           through_ogr ? " \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
                         "\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},"
                       : "",
           features);
  write_file(path, body);
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {4, 3}};
  bm_error_clear(err);
  *st = bm_sites_read_ogr(&f, s, err);
  return s;
}

/* GeoJSON files of plain points are read without GDAL; they must give exactly what OGR
 * gives the same file: names (escapes, other scripts), kinds (also under "type"), notes,
 * approximate as a boolean or a string, a third coordinate, missing and null properties,
 * a row with no name left out, and the same errors. */
static void test_plain_geojson_reads_as_ogr_does(void **state) {
  (void)state;
  static const char *const cases[] = {
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [68.78, "
      "38.56]}, \"properties\": {\"name\": \"Ababil-2 \\\"factory\\\"\", \"kind\": \"factory\", "
      "\"note\": \"opened May 2022\", \"approximate\": true}},"
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [69.17, "
      "34.53, 1800]}, \"properties\": {\"name\": \"\\u06a9\\u0627\\u0628\\u0644\", "
      "\"approximate\": false, \"extra\": [1, 2]}},"
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [1e1, "
      "-0.5]}, \"properties\": null},"
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [70, 35]}, "
      "\"properties\": {\"name\": \"Bagram\", \"kind\": null, \"note\": \"\"}}",
      /* kind under "type", name under "title", approximate as text */
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [68.8, "
      "38.5]}, \"properties\": {\"title\": \"Kulob\", \"type\": \"military-base\", "
      "\"description\": \"201st base\", \"approximate\": \"yes\"}}",
      /* an unknown kind: the same error */
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [68.8, "
      "38.5]}, \"properties\": {\"name\": \"X\", \"kind\": \"castle\"}}",
      /* off the earth: the same error */
      "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [190, "
      "38.5]}, \"properties\": {\"name\": \"Far\"}}",
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    bm_status s1, s2;
    bm_error e1, e2;
    bm_spec *a = read_geojson(cases[c], false, &s1, &e1);
    bm_spec *b = read_geojson(cases[c], true, &s2, &e2);
    assert_int_equal(s1, s2);
    if (s1) {
      /* the same message but for the file's name */
      const char *m1 = strstr(e1.msg, ".geojson'"), *m2 = strstr(e2.msg, ".geojson'");
      assert_non_null(m1);
      assert_non_null(m2);
      assert_string_equal(m1, m2);
    }
    assert_int_equal(a->n_sites, b->n_sites);
    for (size_t i = 0; i < a->n_sites; i++) {
      const bm_site *x = &a->sites[i], *y = &b->sites[i];
      assert_string_equal(x->name, y->name);
      assert_memory_equal(&x->lon, &y->lon, sizeof x->lon);
      assert_memory_equal(&x->lat, &y->lat, sizeof x->lat);
      assert_int_equal(x->kind, y->kind);
      assert_true((x->note == NULL) == (y->note == NULL));
      if (x->note) assert_string_equal(x->note, y->note);
      assert_int_equal(x->approximate, y->approximate);
    }
    bm_spec_free(a);
    bm_spec_free(b);
  }
}

static void test_site_csv_appends_sites(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "sites.csv");
  write_file(path, "lon,lat,name,kind\n"
                   "68.78,38.56,Ababil-2 factory,factory\n"
                   "68.80,38.55,201st base,military-base\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {4, 3}};
  bm_error err;
  bm_error_clear(&err);
  if (bm_sites_read_ogr(&f, s, &err) != BM_OK) fail_msg("%s", err.msg);
  assert_int_equal(s->n_sites, 2);
  assert_string_equal(s->sites[0].name, "Ababil-2 factory");
  assert_true(fabs(s->sites[0].lon - 68.78) < 1e-9 && fabs(s->sites[0].lat - 38.56) < 1e-9);
  assert_int_equal(s->sites[0].kind, BM_SITE_FACTORY);
  assert_string_equal(s->sites[1].name, "201st base");
  assert_true(fabs(s->sites[1].lon - 68.80) < 1e-9 && fabs(s->sites[1].lat - 38.55) < 1e-9);
  assert_int_equal(s->sites[1].kind, BM_SITE_MILITARY_BASE);
  bm_spec_free(s);
}

/* A spreadsheet leaves the kind cell of a plain site empty: that is a generic
 * site, as when the column is missing, not an unknown kind ''. */
static void test_site_csv_empty_kind_is_generic(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "emptykind.csv");
  write_file(path, "lon,lat,name,kind,note\n"
                   "68.78,38.56,Dushanbe,,\n"
                   "68.80,38.55,201st base,military-base,\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {4, 3}};
  bm_error err;
  bm_error_clear(&err);
  if (bm_sites_read_ogr(&f, s, &err) != BM_OK) fail_msg("%s", err.msg);
  assert_int_equal(s->n_sites, 2);
  assert_int_equal(s->sites[0].kind, BM_SITE_GENERIC);
  assert_null(s->sites[0].note);
  assert_int_equal(s->sites[1].kind, BM_SITE_MILITARY_BASE);
  bm_spec_free(s);
}

static void test_site_csv_out_of_range_is_refused(void **state) {
  (void)state;
  char path[1200];
  tmp_path(path, sizeof path, "far.csv");
  write_file(path, "lon,lat,name\n268.78,38.56,Nowhere\n");
  bm_spec *s = empty_spec();
  bm_site_file f = {path, {4, 3}};
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_sites_read_ogr(&f, s, &err), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "outside lon -180..180"));
  assert_int_equal(s->n_sites, 0);
  bm_spec_free(s);
}

/* ---- library code never prints -------------------------------------------- */

/* Runs the readers on bad input with stderr sent to a file: all a user should
 * see is the bm_error the CLI prints, not shapelib's or GDAL's own chatter. */
static void test_readers_do_not_print(void **state) {
  (void)state;
  char missing[1200], dir[1200], shx_bad[1300], dbf_dir[1200], dbf_bad[1300], gj[1200], log[1200];
  tmp_path(missing, sizeof missing, "nowhere/none.shp");
  tmp_path(dir, sizeof dir, "quiet-shx");
  copy_countries(dir, "shx", shx_bad, sizeof shx_bad);
  tmp_path(dbf_dir, sizeof dbf_dir, "quiet-dbf");
  copy_countries(dbf_dir, "dbf", dbf_bad, sizeof dbf_bad);
  tmp_path(gj, sizeof gj, "quiet.geojson");
  write_file(gj, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                 "\"geometry\":{\"type\":\"Point\",\"coordinates\":[68.78,38.56]},"
                 "\"properties\":{\"name\":\"Dushanbe\"}}]}\n");
  tmp_path(log, sizeof log, "stderr.txt");
  bm_spec *s = empty_spec();
  bm_site_file sf = {gj, {1, 1}};

  fflush(stderr);
  int saved = dup(2);
  assert_true(saved >= 0);
  FILE *f = fopen(log, "w");
  assert_non_null(f);
  dup2(fileno(f), 2);
  bm_error err;
  bm_features fs[3];
  bm_status st[4];
  st[0] = bm_shp_read(missing, NULL, fields_upper, &fs[0], &err);
  st[1] = bm_shp_read(shx_bad, NULL, fields_upper, &fs[1], &err);
  st[2] = bm_shp_read(dbf_bad, NULL, fields_upper, &fs[2], &err);
  st[3] = bm_sites_read_ogr(&sf, s, &err);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  fclose(f);

  for (int i = 0; i < 3; i++)
    bm_features_free(&fs[i]);
  bm_spec_free(s);
  assert_int_equal(st[0], BM_ERR_DATA);
  assert_int_equal(st[1], BM_ERR_DATA);
  assert_int_equal(st[3], BM_OK);
  (void)st[2];
  long printed = file_size(log);
  if (printed > 0) {
    char text[600] = "";
    FILE *r = fopen(log, "r");
    if (r) {
      size_t got = fread(text, 1, sizeof text - 1, r);
      text[got] = '\0';
      fclose(r);
    }
    fail_msg("the readers printed %ld bytes to stderr:\n%s", printed, text);
  }
}

/* ---- main ----------------------------------------------------------------- */

static int setup(void **state) {
  (void)state;
  bm_error err;
  if (bm_mkdir_p(BM_TEST_TMP, &err) != BM_OK) return -1;
  snprintf(g_tmp, sizeof g_tmp, "%s/load-XXXXXX", BM_TEST_TMP);
  if (!mkdtemp(g_tmp)) return -1;
  snprintf(g_countries, sizeof g_countries, "%s/%s/%s.shp", BM_TEST_DATA, STEM, STEM);
  if (bm_file_exists(g_countries)) return 0;
  char dir[1100];
  snprintf(dir, sizeof dir, "%s/loaddata/%s", BM_TEST_TMP, STEM);
  snprintf(g_countries, sizeof g_countries, "%s/%s.shp", dir, STEM);
  if (bm_mkdir_p(dir, &err) != BM_OK) return -1;
  char cmd[2400];
  snprintf(cmd, sizeof cmd, "unzip -q -o '%s' -d '%s'", MIRROR_ZIP, dir);
  if (system(cmd) != 0 || !bm_file_exists(g_countries)) {
    fprintf(stderr, "load_test: cannot unpack %s into %s\n", MIRROR_ZIP, dir);
    return -1;
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
  char probe[1200];
  snprintf(probe, sizeof probe, "%s/%s/%s.shp", BM_TEST_DATA, STEM, STEM);
  if (!bm_file_exists(probe) && !bm_file_exists(MIRROR_ZIP)) {
    fprintf(stderr, "load_test: no Natural Earth data at %s and no mirror at %s; skipping\n",
            BM_TEST_DATA, BM_TEST_MIRROR);
    return 77;
  }
  const struct CMUnitTest tests[] = {
      /* failure paths */
      cmocka_unit_test(test_missing_shapefile_is_data_error),
      cmocka_unit_test(test_truncated_shp_is_refused_or_skipped),
      cmocka_unit_test(test_truncated_shx_is_data_error),
      cmocka_unit_test(test_truncated_dbf_is_refused_or_skipped),
      cmocka_unit_test(test_dbf_of_another_file_is_data_error),
      cmocka_unit_test(test_bad_coordinates_are_skipped_and_counted),
      cmocka_unit_test(test_index_of_missing_file_is_data_error),
      cmocka_unit_test(test_site_url_is_refused),
      cmocka_unit_test(test_site_csv_unknown_kind_lists_valid_kinds),
      cmocka_unit_test(test_site_file_without_name_field),
      cmocka_unit_test(test_site_file_not_a_vector_format),
      cmocka_unit_test(test_site_csv_out_of_range_is_refused),
      cmocka_unit_test(test_readers_do_not_print),
      /* real data */
      cmocka_unit_test(test_central_asia_bbox_query),
      cmocka_unit_test(test_attribute_values),
      cmocka_unit_test(test_query_outside_all_land_is_empty),
      cmocka_unit_test(test_null_query_reads_everything),
      cmocka_unit_test(test_index_gives_same_ids),
      /* encodings */
      cmocka_unit_test(test_dbf_without_cpg_is_windows_1252),
      cmocka_unit_test(test_dbf_with_utf8_cpg_is_kept),
      cmocka_unit_test(test_dbf_without_cpg_utf8_content_is_utf8),
      cmocka_unit_test(test_prj_web_mercator_is_transformed),
      cmocka_unit_test(test_prj_garbage_is_data_error),
      cmocka_unit_test(test_skipped_record_keeps_number_and_reason),
      /* site files */
      cmocka_unit_test(test_site_geojson_appends_sites),
      cmocka_unit_test(test_plain_geojson_reads_as_ogr_does),
      cmocka_unit_test(test_site_csv_appends_sites),
      cmocka_unit_test(test_site_csv_empty_kind_is_generic),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
