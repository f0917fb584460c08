#include <glib.h>
#include <math.h>
#include <shapefil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gdal_calls.h"
#include "core/util.h"
#include "load/load.h"

void bm_features_free(bm_features *fs) {
  for (size_t i = 0; i < fs->n; i++) {
    bm_geom_free(&fs->f[i].geom);
    for (size_t k = 0; k < fs->nfields; k++)
      free(fs->f[i].attr[k]);
    free(fs->f[i].attr);
  }
  free(fs->f);
  for (size_t k = 0; k < fs->nfields; k++)
    free(fs->fields[k]);
  free(fs->fields);
  free(fs->present);
  memset(fs, 0, sizeof *fs);
}

bool bm_features_have_field(const bm_features *fs, const char *field) {
  for (size_t k = 0; fs->present && k < fs->nfields; k++)
    if (!strcmp(fs->fields[k], field)) return fs->present[k];
  return false;
}

const char *bm_feature_attr(const bm_features *fs, size_t i, const char *field) {
  for (size_t k = 0; k < fs->nfields; k++)
    if (!bm_strcasecmp(fs->fields[k], field)) return fs->f[i].attr[k];
  return NULL;
}

/* Windows-1252 bytes 0x80..0x9F; the rest of the upper half is Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

static char *cp1252_to_utf8(const char *s) {
  size_t n = strlen(s);
  char *out = malloc(3 * n + 1), *o = out;
  if (!out) return NULL;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned cp = *p < 0x80 ? *p : *p < 0xA0 ? cp1252_high[*p - 0x80] : *p;
    if (cp < 0x80) {
      *o++ = (char)cp;
    } else if (cp < 0x800) {
      *o++ = (char)(0xC0 | (cp >> 6));
      *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
      *o++ = (char)(0xE0 | (cp >> 12));
      *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
      *o++ = (char)(0x80 | (cp & 0x3F));
    }
  }
  *o = '\0';
  return out;
}

/* Text that is valid UTF-8 (bad bytes become U+FFFD), so Pango never sees
 * bad text; a new malloc'd string, or NULL. */
static char *valid_utf8(const char *s) {
  gchar *v = g_utf8_make_valid(s, -1);
  char *out = v ? strdup(v) : NULL;
  g_free(v);
  return out;
}

static bool codepage_is_utf8(DBFHandle dbf) {
  const char *cp = DBFGetCodePage(dbf);
  if (!cp) return false;
  return strstr(cp, "UTF") || strstr(cp, "utf") || strstr(cp, "65001");
}

/* {stem}.{ext} of a .shp path, into buf. */
static void sibling(const char *shp_path, const char *ext, char *buf, size_t n) {
  size_t len = strlen(shp_path);
  snprintf(buf, n, "%.*s.%s", (int)(len > 4 ? len - 4 : len), shp_path, ext);
}

/* DBF text padded with spaces, and now and then with two inside a name
 * ("Syr  Darya"): trimmed, and runs of spaces made one. */
static char *trim_dup(const char *s) {
  while (*s == ' ')
    s++;
  char *out = strdup(s);
  if (!out) return NULL;
  size_t k = 0;
  for (const char *p = s; *p; p++)
    if (*p != ' ' || (k && out[k - 1] != ' ')) out[k++] = *p;
  while (k && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
  return out;
}

/* shapelib's last message on this thread. Its error hook takes no user
 * pointer, so the message is kept here (per thread, so concurrent readers do
 * not mix them) and read right after the call that may have set it. */
static _Thread_local char shp_message[256];

static void keep_error(const char *message) {
  snprintf(shp_message, sizeof shp_message, "%s", message ? message : "");
  size_t k = strlen(shp_message); /* one line: no trailing newline */
  while (k && (shp_message[k - 1] == '\n' || shp_message[k - 1] == ' '))
    shp_message[--k] = '\0';
}

static SAHooks quiet_hooks(void) {
  SAHooks h;
  SASetupDefaultHooks(&h);
  h.Error = keep_error; /* library code never prints; the message goes into the report */
  return h;
}

/* Record bounding boxes from the .shp record headers: shape type (4 bytes) then
 * xmin ymin xmax ymax for lines and polygons, or x y for points. */
static int *candidates_from_headers(SHPHandle shp, const bm_bbox *q, int *count) {
  int n = shp->nRecords;
  int *ids = malloc((size_t)(n ? n : 1) * sizeof *ids);
  if (!ids) return NULL;
  int k = 0;
  unsigned char buf[36];
  for (int i = 0; i < n; i++) {
    unsigned off = shp->panRecOffset[i], size = shp->panRecSize[i];
    /* a header that cannot be read is a bad record: keep it as a candidate so
     * that SHPReadObject fails on it and it is counted as skipped */
    if (size < 4 || shp->sHooks.FSeek(shp->fpSHP, (SAOffset)off + 8, SEEK_SET) != 0) {
      ids[k++] = i;
      continue;
    }
    size_t want = size >= 36 ? 36 : 20;
    if (size < want || shp->sHooks.FRead(buf, 1, want, shp->fpSHP) != want) {
      ids[k++] = i;
      continue;
    }
    int32_t type;
    memcpy(&type, buf, 4);
    double b[4];
    if (type == SHPT_NULL) continue;
    if (type == SHPT_POINT || type == SHPT_POINTZ || type == SHPT_POINTM) {
      memcpy(b, buf + 4, 16);
      b[2] = b[0];
      b[3] = b[1];
    } else {
      if (want < 36) continue;
      memcpy(b, buf + 4, 32);
    }
    bm_bbox rb = {b[0], b[1], b[2], b[3]};
    if (bm_bbox_intersects(rb, *q)) ids[k++] = i;
  }
  *count = k;
  return ids;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Does the index list every record of the .shp exactly once (as the tree data fetch
 * writes does)? A cut, overwritten or stale index does not: why says how. */
static bool index_complete(const int *ids, int n, int nrec, char *why, size_t len) {
  if (n != nrec) {
    snprintf(why, len, "it lists %d records, the .shp has %d", n, nrec);
    return false;
  }
  unsigned char *seen = calloc((size_t)nrec + 1, 1);
  bool ok = seen != NULL;
  for (int i = 0; ok && i < n; i++) {
    ok = ids[i] >= 0 && ids[i] < nrec && !seen[ids[i]];
    if (ok) seen[ids[i]] = 1;
    else snprintf(why, len, "it lists record %d twice or out of range", ids[i]);
  }
  free(seen);
  return ok;
}

/* The candidates for q from the .qix, or NULL (with why set when the index is
 * damaged) to read the record headers instead. The whole index is checked first:
 * a damaged one would silently lose records, and with them, say, a country the
 * spec highlights. */
static int *candidates_from_qix(const char *qix, SHPHandle shp, const bm_bbox *q, int *count,
                                char *why, size_t len) {
  SAHooks hooks = quiet_hooks();
  SHPTreeDiskHandle h = SHPOpenDiskTree(qix, &hooks);
  if (!h) {
    snprintf(why, len, "it is not a shapelib spatial index");
    return NULL;
  }
  double amn[2] = {-1e300, -1e300}, amx[2] = {1e300, 1e300};
  int nall = 0;
  int *all = SHPSearchDiskTreeEx(h, amn, amx, &nall);
  bool ok = index_complete(all, all ? nall : 0, shp->nRecords, why, len);
  free(all);
  if (!ok) {
    SHPCloseDiskTree(h);
    return NULL;
  }
  double mn[2] = {q->minx, q->miny}, mx[2] = {q->maxx, q->maxy};
  int *ids = SHPSearchDiskTreeEx(h, mn, mx, count);
  SHPCloseDiskTree(h);
  if (!ids) { /* no hits is not an error */
    *count = 0;
    return calloc(1, sizeof(int));
  }
  qsort(ids, (size_t)*count, sizeof *ids, cmp_int);
  int k = 0; /* drop ids the .shp does not have (a stale index) */
  for (int i = 0; i < *count; i++)
    if (ids[i] >= 0 && ids[i] < shp->nRecords) ids[k++] = ids[i];
  *count = k;
  return ids;
}

static bool coords_ok(const SHPObject *o, char *why, size_t n) {
  for (int v = 0; v < o->nVertices; v++) {
    double x = o->padfX[v], y = o->padfY[v];
    if (!isfinite(x) || !isfinite(y) || x < -181 || x > 181 || y < -91 || y > 91) {
      snprintf(why, n, "vertex %d at (%g, %g) is not a longitude/latitude", v, x, y);
      return false;
    }
  }
  return true;
}

static void note_skip(bm_features *out, int rec, const char *why) {
  if (out->skipped++ == 0) {
    out->first_bad = rec;
    snprintf(out->bad_reason, sizeof out->bad_reason, "%s", why);
  }
}

/* The .prj beside the .shp: *ct stays NULL when there is none or it says
 * geographic WGS84 (semi-major axis 6378137 m, inverse flattening 298.257...,
 * degrees); else a transformation to lon/lat WGS84. */
static bm_status read_prj(const char *shp_path, OGRCoordinateTransformationH *ct, char *name,
                          size_t nname, bm_error *err) {
  *ct = NULL;
  char prj[1100];
  sibling(shp_path, "prj", prj, sizeof prj);
  gchar *text = NULL;
  if (!bm_file_exists(prj)) return BM_OK;
  if (!g_file_get_contents(prj, &text, NULL, NULL))
    return bm_error_set(err, BM_ERR_DATA, prj, 0, 0, "the layer's .prj cannot be read");
  /* Natural Earth's own .prj, word for word: geographic WGS84, known without asking
   * OGR and PROJ's database (which costs more than reading a small layer) */
  static const char ne_wgs84[] =
      "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
      "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
  g_strstrip(text);
  if (!strcmp(text, ne_wgs84)) {
    g_free(text);
    return BM_OK;
  }
  char what[1200];
  snprintf(what, sizeof what, "the layer's .prj '%s' (not Natural Earth's WGS84)", prj);
  bm_status need = bm_gdal_need(what, err);
  if (need) {
    g_free(text);
    return need;
  }
  OGRSpatialReferenceH src = OSRNewSpatialReference(NULL);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  OGRErr e = OSRSetFromUserInput(src, text);
  CPLPopErrorHandler();
  g_free(text);
  bm_status st = BM_OK;
  if (e != OGRERR_NONE || !(OSRIsGeographic(src) || OSRIsProjected(src))) {
    st = bm_error_set(err, BM_ERR_DATA, prj, 0, 0,
                      "the layer's .prj cannot be understood as a geographic or projected "
                      "CRS; give the layer in longitude/latitude WGS84 (EPSG:4326), or remove "
                      "the .prj if it is already");
    OSRDestroySpatialReference(src);
    return st;
  }
  OGRErr e1, e2;
  bool wgs84 = OSRIsGeographic(src) && fabs(OSRGetSemiMajor(src, &e1) - 6378137.0) < 0.5 &&
               fabs(OSRGetInvFlattening(src, &e2) - 298.257223563) < 1e-3 &&
               fabs(OSRGetAngularUnits(src, NULL) - 0.0174532925199433) < 1e-9 &&
               fabs(OSRGetPrimeMeridian(src, NULL)) < 1e-9;
  if (!wgs84) {
    const char *nm = OSRGetName(src);
    snprintf(name, nname, "%s", nm ? nm : "unnamed CRS");
    OGRSpatialReferenceH dst = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(dst, 4326);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    *ct = OCTNewCoordinateTransformation(src, dst);
    CPLPopErrorHandler();
    OSRDestroySpatialReference(dst);
    if (!*ct)
      st = bm_error_set(err, BM_ERR_DATA, prj, 0, 0,
                        "the layer is in %s, which cannot be transformed to longitude/latitude "
                        "WGS84; give the layer in EPSG:4326",
                        name);
  }
  OSRDestroySpatialReference(src);
  return st;
}

/* Transforms a record's vertices in place and sets its box; false when any fails. */
static bool transform_object(OGRCoordinateTransformationH ct, SHPObject *o) {
  if (o->nVertices == 0) return true;
  int *ok = malloc((size_t)o->nVertices * sizeof *ok);
  if (!ok) return false;
  bool good = OCTTransformEx(ct, o->nVertices, o->padfX, o->padfY, NULL, ok) != 0;
  for (int v = 0; good && v < o->nVertices; v++)
    good = ok[v] != 0;
  free(ok);
  if (!good) return false;
  o->dfXMin = o->dfXMax = o->padfX[0];
  o->dfYMin = o->dfYMax = o->padfY[0];
  for (int v = 1; v < o->nVertices; v++) {
    o->dfXMin = fmin(o->dfXMin, o->padfX[v]);
    o->dfXMax = fmax(o->dfXMax, o->padfX[v]);
    o->dfYMin = fmin(o->dfYMin, o->padfY[v]);
    o->dfYMax = fmax(o->dfYMax, o->padfY[v]);
  }
  return true;
}

static bool to_geom(const SHPObject *o, bm_geom *g) {
  bm_geom_type t;
  switch (o->nSHPType) {
  case SHPT_POINT:
  case SHPT_POINTZ:
  case SHPT_POINTM:
  case SHPT_MULTIPOINT:
  case SHPT_MULTIPOINTZ:
  case SHPT_MULTIPOINTM: t = BM_GEOM_POINT; break;
  case SHPT_ARC:
  case SHPT_ARCZ:
  case SHPT_ARCM: t = BM_GEOM_LINE; break;
  case SHPT_POLYGON:
  case SHPT_POLYGONZ:
  case SHPT_POLYGONM: t = BM_GEOM_POLYGON; break;
  default: return false;
  }
  bm_geom_init(g, t);
  int nparts = o->nParts > 0 ? o->nParts : 1;
  for (int p = 0; p < nparts; p++) {
    int start = o->nParts > 0 ? o->panPartStart[p] : 0;
    int end = (o->nParts > 0 && p + 1 < o->nParts) ? o->panPartStart[p + 1] : o->nVertices;
    if (start < 0 || end > o->nVertices || start >= end) continue;
    if (!bm_geom_begin_part(g)) return false;
    for (int v = start; v < end; v++)
      if (!bm_geom_add(g, o->padfX[v], o->padfY[v])) return false;
    /* Natural Earth has a few unclosed rings: close them here, once. */
    if (t == BM_GEOM_POLYGON) {
      double *first = bm_geom_part_xy(g, g->nparts - 1);
      double *last = g->xy + 2 * (g->npts - 1);
      if ((first[0] != last[0] || first[1] != last[1]) && !bm_geom_add(g, first[0], first[1]))
        return false;
    }
  }
  bm_geom_drop_short_parts(g, t == BM_GEOM_POLYGON ? 4 : t == BM_GEOM_LINE ? 2 : 1);
  return true;
}

bm_status bm_shp_read(const char *shp_path, const bm_bbox *query, const char *const *fields,
                      bm_features *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  out->first_bad = -1;
  SAHooks hooks = quiet_hooks();
  shp_message[0] = '\0';
  SHPHandle shp = SHPOpenLL(shp_path, "rb", &hooks);
  if (!shp)
    return bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0,
                        "cannot open as a shapefile (the .shp and .shx must both exist and be "
                        "valid%s%s); run `bordermap data fetch` to get it again",
                        shp_message[0] ? "; shapelib: " : "", shp_message);
  DBFHandle dbf = DBFOpenLL(shp_path, "rb", &hooks);
  if (!dbf) {
    SHPClose(shp);
    return bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0,
                        "the shapefile's .dbf attribute table is missing or unreadable");
  }
  bm_status st = BM_OK;
  int nrec = shp->nRecords;
  if (DBFGetRecordCount(dbf) != nrec) {
    st = bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0,
                      "the .shp has %d records but the .dbf has %d; the files do not belong "
                      "together",
                      nrec, DBFGetRecordCount(dbf));
    goto done;
  }
  dbf->sHooks.FSeek(dbf->fp, 0, SEEK_END);
  if ((SAOffset)dbf->nHeaderLength + (SAOffset)dbf->nRecordLength * (SAOffset)nrec >
      dbf->sHooks.FTell(dbf->fp)) {
    st = bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0,
                      "the .dbf attribute table is shorter than its %d records; the file is "
                      "truncated: run `bordermap data fetch` to get it again",
                      nrec);
    goto done;
  }
  out->total = (size_t)nrec;
  size_t nf = 0;
  while (fields && fields[nf])
    nf++;
  out->nfields = nf;
  out->fields = calloc(nf ? nf : 1, sizeof *out->fields);
  out->present = calloc(nf ? nf : 1, sizeof *out->present);
  int *field_idx = calloc(nf ? nf : 1, sizeof *field_idx);
  if (!out->fields || !out->present || !field_idx) {
    free(field_idx);
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < nf; k++) {
    out->fields[k] = strdup(fields[k]);
    if (!out->fields[k]) {
      out->nfields = k; /* free only what exists */
      free(field_idx);
      st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto done;
    }
    field_idx[k] = DBFGetFieldIndex(dbf, fields[k]); /* case-insensitive in shapelib */
    out->present[k] = field_idx[k] >= 0;
  }
  char cpg[1100];
  sibling(shp_path, "cpg", cpg, sizeof cpg);
  out->cpg_missing = !bm_file_exists(cpg);
  bool utf8 = !out->cpg_missing && codepage_is_utf8(dbf);
  OGRCoordinateTransformationH ct = NULL;
  if ((st = read_prj(shp_path, &ct, out->crs, sizeof out->crs, err))) {
    free(field_idx);
    goto done;
  }
  out->reprojected = ct != NULL;

  bm_bbox all = {-1e300, -1e300, 1e300, 1e300};
  const bm_bbox *q = (query && !bm_bbox_is_empty(*query)) ? query : &all;
  int count = 0;
  char qix[1100];
  snprintf(qix, sizeof qix, "%.*s.qix", (int)(strlen(shp_path) - 4), shp_path);
  /* record boxes are in the file's CRS: a transformed layer is read whole */
  const bm_bbox *cq = ct ? &all : q;
  int *ids = !ct && bm_file_exists(qix) ? candidates_from_qix(qix, shp, cq, &count,
                                                              out->index_damaged,
                                                              sizeof out->index_damaged)
                                        : NULL;
  if (!ids) ids = candidates_from_headers(shp, cq, &count);
  if (!ids) {
    free(field_idx);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  out->read = (size_t)count;
  shp->sHooks.FSeek(shp->fpSHP, 0, SEEK_END);
  SAOffset shp_size = shp->sHooks.FTell(shp->fpSHP);
  for (int i = 0; i < nrec; i++)
    if ((SAOffset)shp->panRecOffset[i] + 8 + (SAOffset)shp->panRecSize[i] > shp_size)
      out->past_end++;
  bool all_utf8 = true; /* without a .cpg: is every value read valid UTF-8? */
  out->f = calloc((size_t)(count ? count : 1), sizeof *out->f);
  for (int c = 0; out->f && c < count; c++) {
    shp_message[0] = '\0';
    SHPObject *o = SHPReadObject(shp, ids[c]);
    char why[256];
    if (!o) {
      snprintf(why, sizeof why, "%s", shp_message[0] ? shp_message : "the record cannot be read");
      note_skip(out, ids[c], why);
      continue;
    }
    if (ct && !transform_object(ct, o)) {
      snprintf(why, sizeof why, "its coordinates cannot be transformed from %s to lon/lat",
               out->crs);
      note_skip(out, ids[c], why);
      SHPDestroyObject(o);
      continue;
    }
    if (!coords_ok(o, why, sizeof why)) {
      note_skip(out, ids[c], why);
      SHPDestroyObject(o);
      continue;
    }
    bm_bbox ob = {o->dfXMin, o->dfYMin, o->dfXMax, o->dfYMax};
    if (!bm_bbox_intersects(ob, *q)) { /* an index candidate outside the query: not bad */
      SHPDestroyObject(o);
      continue;
    }
    bm_feature *f = &out->f[out->n];
    bool ok = to_geom(o, &f->geom);
    SHPDestroyObject(o);
    if (!ok || f->geom.nparts == 0) {
      if (!ok && f->geom.type == BM_GEOM_NONE) note_skip(out, ids[c], "unsupported shape type");
      bm_geom_free(&f->geom);
      continue;
    }
    f->id = ids[c];
    f->attr = calloc(nf ? nf : 1, sizeof *f->attr);
    if (!f->attr) {
      bm_geom_free(&f->geom);
      st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      break;
    }
    for (size_t k = 0; k < nf; k++) {
      if (field_idx[k] < 0 || DBFIsAttributeNULL(dbf, ids[c], field_idx[k])) continue;
      const char *raw = DBFReadStringAttribute(dbf, ids[c], field_idx[k]);
      if (!raw) continue;
      char *t = trim_dup(raw);
      if (t && out->cpg_missing) { /* decided below, once every value is read */
        all_utf8 = all_utf8 && g_utf8_validate(t, -1, NULL);
        f->attr[k] = t;
        continue;
      }
      if (t && !utf8) {
        char *u = cp1252_to_utf8(t);
        free(t);
        t = u;
      }
      char *v = t ? valid_utf8(t) : NULL;
      free(t);
      f->attr[k] = v;
    }
    out->n++;
  }
  if (ct) OCTDestroyCoordinateTransformation(ct);
  /* no .cpg: text that is all valid UTF-8 is UTF-8 (Windows-1252 text with
   * letters beyond ASCII almost never is), else Windows-1252 */
  out->guessed_utf8 = out->cpg_missing && all_utf8;
  for (size_t i = 0; out->cpg_missing && !all_utf8 && i < out->n; i++)
    for (size_t k = 0; k < nf; k++) {
      char *t = out->f[i].attr[k];
      if (!t) continue;
      char *u = cp1252_to_utf8(t);
      out->f[i].attr[k] = u ? valid_utf8(u) : NULL;
      free(u);
      free(t);
    }
  if (!out->f) st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  free(ids);
  free(field_idx);
done:
  DBFClose(dbf);
  SHPClose(shp);
  return st;
}

bm_status bm_shp_index_build(const char *shp_path, bm_error *err) {
  SAHooks hooks = quiet_hooks();
  SHPHandle shp = SHPOpenLL(shp_path, "rb", &hooks);
  if (!shp) return bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0, "cannot open as a shapefile");
  SHPTree *tree = SHPCreateTree(shp, 2, 0, NULL, NULL);
  bm_status st = BM_OK;
  if (!tree) {
    st = bm_error_set(err, BM_ERR_DATA, shp_path, 0, 0, "cannot build a spatial index");
  } else {
    SHPTreeTrimExtraNodes(tree);
    char qix[1100], tmp[1120];
    snprintf(qix, sizeof qix, "%.*s.qix", (int)(strlen(shp_path) - 4), shp_path);
    snprintf(tmp, sizeof tmp, "%s.tmp", qix);
    if (!SHPWriteTree(tree, tmp) || rename(tmp, qix) != 0) {
      remove(tmp);
      st = bm_error_set(err, BM_ERR_IO, qix, 0, 0, "cannot write the spatial index");
    }
    SHPDestroyTree(tree);
  }
  SHPClose(shp);
  return st;
}
