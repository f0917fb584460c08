#include <ctype.h>
#include <glib.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/gdal_calls.h"
#include "core/util.h"
#include "load/load.h"
#include "load/ogr.h"

const char *const bm_ogr_site_drivers[] = {
    "GeoJSON", "CSV", "GPKG", "KML", "LIBKML", "GPX", "FlatGeobuf", "ESRI Shapefile", NULL};

static int field_index(OGRFeatureDefnH defn, const char *const *names) {
  for (const char *const *n = names; *n; n++) {
    int i = OGR_FD_GetFieldIndex(defn, *n);
    if (i >= 0) return i;
    for (int k = 0; k < OGR_FD_GetFieldCount(defn); k++)
      if (!bm_strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k)), *n)) return k;
  }
  return -1;
}

bool bm_ogr_csv_header_ok(const char *path, char *dup, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return true; /* GDAL says why it cannot be read */
  char line[8192];
  bool ok = true;
  if (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *cols[256];
    int nc = 0;
    for (char *save = NULL, *t = strtok_r(line, ",;\t", &save); t && nc < 256;
         t = strtok_r(NULL, ",;\t", &save)) {
      while (*t == ' ' || *t == '"')
        t++;
      size_t k = strlen(t);
      while (k && (t[k - 1] == ' ' || t[k - 1] == '"'))
        t[--k] = '\0';
      for (int i = 0; ok && i < nc; i++)
        if (*t && !bm_strcasecmp(cols[i], t)) {
          snprintf(dup, n, "%s", t);
          ok = false;
        }
      cols[nc++] = t;
    }
  }
  fclose(f);
  return ok;
}

/* The data rows of a CSV site file as GDAL's CSV driver will number them (FID 1 is
 * the first non-blank row after the header; a quoted field may span lines), each
 * with the line it starts on, so that a bad row is reported where the user can
 * find it. GDAL stops reading a layer at a row longer than its line limit and
 * loses every row after it: such rows are left out here instead, and `kept` is
 * the file without them (NULL when no row was left out). */
typedef struct {
  long *line; /* line of row FID-1 */
  size_t n;
  size_t too_long;      /* rows left out for their length */
  long first_too_long;  /* the line of the first of them */
  size_t first_len;     /* and its length in bytes */
  GString *kept;
} csv_rows;

static void csv_rows_free(csv_rows *r) {
  free(r->line);
  if (r->kept) g_string_free(r->kept, TRUE);
}

static bool csv_rows_scan(const char *path, csv_rows *r) {
  gchar *buf;
  gsize len;
  if (!g_file_get_contents(path, &buf, &len, NULL)) return true; /* GDAL says why */
  size_t cap = 0;
  long line = 1;
  bool header = true, ok = true;
  for (size_t i = 0; ok && i < len;) {
    size_t start = i;
    long start_line = line;
    bool quoted = false, blank = true;
    for (; i < len; i++) {
      char c = buf[i];
      if (c == '"') quoted = !quoted;
      if (c == '\n') {
        line++;
        if (!quoted) {
          i++;
          break;
        }
      } else if (c != ' ' && c != '\t' && c != '\r')
        blank = false;
    }
    if (!header && !blank && i - start > BM_CSV_MAX_ROW) {
      if (r->too_long++ == 0) {
        r->first_too_long = start_line;
        r->first_len = i - start;
        r->kept = g_string_new_len(buf, (gssize)start);
      }
      continue;
    }
    if (r->kept) g_string_append_len(r->kept, buf + start, (gssize)(i - start));
    if (header || blank) {
      header = false;
      continue;
    }
    if (r->n == cap) {
      cap = cap ? 2 * cap : 64;
      long *l = realloc(r->line, cap * sizeof *l);
      if (!l) ok = false;
      else r->line = l;
    }
    if (ok) r->line[r->n++] = start_line;
  }
  g_free(buf);
  return ok;
}

/* Puts the rows GDAL should read (r->kept) and the file's .csvt and .prj into a
 * /vsimem folder of their own, under the file's own name; writes its path to vpath. */
static void csv_rows_to_vsimem(const char *path, csv_rows *r, char *vpath, size_t n) {
  static int seq;
  char dir[96];
  snprintf(dir, sizeof dir, "/vsimem/bordermap-sites-%ld-%d", (long)getpid(),
           g_atomic_int_add(&seq, 1));
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  snprintf(vpath, n, "%s/%s", dir, base);
  VSIFCloseL(VSIFileFromMemBuffer(vpath, (GByte *)r->kept->str, (vsi_l_offset)r->kept->len,
                                  FALSE));
  static const char *const sidecars[] = {"csvt", "prj"};
  for (size_t i = 0; i < 2; i++) {
    char side[1200], vside[1300];
    snprintf(side, sizeof side, "%.*s.%s", (int)(strlen(path) - 4), path, sidecars[i]);
    gchar *text;
    gsize len;
    if (strlen(path) < 4 || !g_file_get_contents(side, &text, &len, NULL)) continue;
    snprintf(vside, sizeof vside, "%.*s.%s", (int)(strlen(vpath) - 4), vpath, sidecars[i]);
    /* GDAL frees what it owns with its own allocator (core/gdal_dl.c): a copy made by it */
    GByte *copy = CPLMalloc(len ? len : 1);
    memcpy(copy, text, len);
    g_free(text);
    VSIFCloseL(VSIFileFromMemBuffer(vside, copy, (vsi_l_offset)len, TRUE));
  }
}

static void csv_vsimem_remove(const char *vpath) {
  char dir[1300];
  snprintf(dir, sizeof dir, "%s", vpath);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  VSIRmdirRecursive(dir);
}

/* Where a feature is in its file, for messages: the line of a CSV row, else the
 * feature's number. */
static void feature_place(const csv_rows *r, bool csv, long fid, char *buf, size_t n) {
  if (csv && fid >= 1 && (size_t)fid <= r->n)
    snprintf(buf, n, "line %ld", r->line[fid - 1]);
  else
    snprintf(buf, n, "feature %ld", fid);
}

static void note_bad_row(bm_sites_damage *d, const char *place, const char *why) {
  if (d && d->skipped++ == 0) snprintf(d->first, sizeof d->first, "%s: %s", place, why);
}

bm_load_limits bm_load_limits_resolve(const bm_load_limits *lim) {
  bm_load_limits l = lim ? *lim : (bm_load_limits){0};
  if (l.max_file_mb <= 0) l.max_file_mb = BM_LIMIT_FILE_MB;
  if (l.max_features <= 0) l.max_features = BM_LIMIT_FEATURES;
  if (l.max_parts <= 0) l.max_parts = BM_LIMIT_PARTS;
  if (l.max_vertices <= 0) l.max_vertices = BM_LIMIT_VERTICES;
  return l;
}

bm_status bm_ogr_check_size(const char *what, const char *path, const char *spec_path, int line,
                            int col, const bm_load_limits *lim, bm_error *err) {
  struct stat sb;
  if (stat(path, &sb) != 0 || (double)sb.st_size <= lim->max_file_mb * 1048576.0) return BM_OK;
  return bm_error_set(err, BM_ERR_SPEC, spec_path, line, col,
                      "%s '%s' is %.1f MB, over the limit of %g MB for a file a map spec names; "
                      "raise it with --max-file-mb MB",
                      what, path, (double)sb.st_size / 1048576.0, lim->max_file_mb);
}

void bm_ogr_last_error(char *buf, size_t n) {
  const char *m = CPLGetLastErrorMsg();
  if (CPLGetLastErrorType() == CE_None || !m || !*m) {
    snprintf(buf, n, "%s", "");
    return;
  }
  snprintf(buf, n, " (GDAL: %s)", m);
}

OGRSpatialReferenceH bm_ogr_wgs84_new(void) {
  OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
  OSRSetWellKnownGeogCS(wgs84, "WGS84");
  OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  return wgs84;
}

OGRCoordinateTransformationH bm_ogr_to_wgs84(OGRLayerH layer, OGRSpatialReferenceH wgs84) {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  if (!srs || OSRIsSame(srs, wgs84)) return NULL;
  OGRSpatialReferenceH src = OSRClone(srs);
  OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, wgs84);
  OSRDestroySpatialReference(src);
  return ct;
}

/* Where a reader's rows go: the checks and the adding every format shares. */
typedef struct {
  const bm_site_file *file;
  bm_spec *spec;
  long max_features;
  size_t added;
  bm_sites_damage *damage;
  bm_error *err;
} site_sink;

/* One row as read: its place for messages ("line 4", "feature 2"); a point or, when none,
 * why not; fields NULL when not set. */
typedef struct {
  const char *place, *no_point;
  double lon, lat;
  const char *name, *kind, *note, *approximate;
} site_row;

/* A row with no point or no name is left out and noted (the rows after it still load);
 * coordinates off the earth and an unknown kind are errors. */
static bm_status add_row(site_sink *k, const site_row *r) {
  const char *path = k->file->path, *sf = k->spec->path;
  int line = k->file->pos.line, col = k->file->pos.col;
  if ((long)k->added >= k->max_features)
    return bm_error_set(k->err, BM_ERR_SPEC, sf, line, col,
                        "site file '%s' has more than %ld sites, the limit for one site file; "
                        "raise it with --max-features N",
                        path, k->max_features);
  if (r->no_point) {
    note_bad_row(k->damage, r->place, r->no_point);
    return BM_OK;
  }
  if (!r->name || !*r->name) {
    note_bad_row(k->damage, r->place, "no name");
    return BM_OK;
  }
  if (!(r->lon >= -180 && r->lon <= 180 && r->lat >= -90 && r->lat <= 90))
    return bm_error_set(k->err, BM_ERR_SPEC, sf, line, col,
                        "site file '%s' %s: site '%s' has coordinates outside lon -180..180, "
                        "lat -90..90",
                        path, r->place, r->name);
  bm_site site = {.pos = k->file->pos, .lon = r->lon, .lat = r->lat};
  if (r->kind && *r->kind && !bm_site_kind_parse(r->kind, &site.kind)) /* empty: generic */
    return bm_error_set(k->err, BM_ERR_SPEC, sf, line, col,
                        "site file '%s' %s: site '%s' has unknown kind '%s'; valid kinds "
                        "are: %s",
                        path, r->place, r->name, r->kind, bm_site_kind_list());
  const char *a = r->approximate;
  site.approximate = a && (!bm_strcasecmp(a, "true") || !strcmp(a, "1") || !bm_strcasecmp(a, "yes"));
  /* names from any file go to Pango: make them valid UTF-8 first */
  gchar *vname = g_utf8_make_valid(r->name, -1);
  gchar *vnote = r->note && *r->note ? g_utf8_make_valid(r->note, -1) : NULL;
  site.name = vname;
  site.note = vnote;
  bm_status st = BM_OK;
  if (!vname || !bm_spec_add_site(k->spec, &site))
    st = bm_error_set(k->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  else
    k->added++;
  g_free(vname);
  g_free(vnote);
  return st;
}

/* A file that gave no site at all is an error. */
static bm_status no_sites(const site_sink *k) {
  if (k->added) return BM_OK;
  const bm_sites_damage *d = k->damage;
  return bm_error_set(k->err, BM_ERR_SPEC, k->spec->path, k->file->pos.line, k->file->pos.col,
                      "site file '%s' has no sites%s%s", k->file->path,
                      d && d->skipped ? " it can read; first bad row: " : "",
                      d && d->skipped ? d->first : "");
}

/* ---- GeoJSON points without GDAL ----
 * Loading GDAL costs 50 ms of a process (a seventh of the story map), and a GeoJSON file
 * of points needs none of it. The plainest files are read here: a FeatureCollection of
 * Point features, no "crs", the fields bordermap uses strings (approximate may be true or
 * false), no two property names alike but for case. They give what OGR gives them (the
 * tests read the same files both ways); any other file returns false and goes to OGR. */

/* The scalar text of a JSON string node; NULL for anything else. */
static const char *json_string(struct fy_node *n) {
  return n && fy_node_is_scalar(n) && fy_node_get_style(n) == FYNS_DOUBLE_QUOTED
             ? fy_node_get_scalar0(n)
             : NULL;
}

/* A string OGR reads as a date or a time ("2022-08-14", "10:30") and writes back its own
 * way. */
static bool ogr_date_like(const char *t) {
  const unsigned char *u = (const unsigned char *)t;
  return strlen(t) >= 4 && isdigit(u[0]) && isdigit(u[1]) &&
         ((u[2] == ':' && isdigit(u[3])) ||
          (strlen(t) >= 6 && isdigit(u[2]) && isdigit(u[3]) && u[4] == '-' && isdigit(u[5])));
}

static bool json_number(struct fy_node *n, double *v) {
  if (!n || !fy_node_is_scalar(n) || fy_node_get_style(n) != FYNS_PLAIN) return false;
  const char *t = fy_node_get_scalar0(n);
  char *end;
  *v = t ? strtod(t, &end) : 0;
  return t && *t && !*end && isfinite(*v);
}

/* The property of this feature that a field named one of names stands for (the first
 * name any feature has, as OGR's field lookup finds it, ignoring case). */
typedef struct {
  const char *key; /* the name as the file spells it; NULL: no such field */
  bool boolean;    /* its values are true/false (OGR: an integer field, "1"/"0") */
} json_field;

static bool json_fields_alike(struct fy_node *features, const char *const *names, json_field *f) {
  *f = (json_field){0};
  for (int a = 0; names[a] && !f->key; a++) {
    void *it = NULL;
    for (struct fy_node *ft; (ft = fy_node_sequence_iterate(features, &it)) && !f->key;) {
      struct fy_node *props = fy_node_mapping_lookup_by_string(ft, "properties", FY_NT);
      if (!props || !fy_node_is_mapping(props)) continue;
      void *pi = NULL;
      for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(props, &pi));) {
        const char *k = fy_node_get_scalar0(fy_node_pair_key(p));
        if (k && !bm_strcasecmp(k, names[a])) {
          f->key = k;
          break;
        }
      }
    }
  }
  if (!f->key) return true;
  /* every value a string (or null), or every value a boolean */
  int strings = 0, booleans = 0, others = 0;
  void *it = NULL;
  for (struct fy_node *ft; (ft = fy_node_sequence_iterate(features, &it));) {
    struct fy_node *props = fy_node_mapping_lookup_by_string(ft, "properties", FY_NT);
    struct fy_node *v = props && fy_node_is_mapping(props)
                            ? fy_node_mapping_lookup_by_string(props, f->key, FY_NT)
                            : NULL;
    const char *t = v && fy_node_is_scalar(v) ? fy_node_get_scalar0(v) : NULL;
    if (!v || (t && fy_node_get_style(v) == FYNS_PLAIN && !strcmp(t, "null"))) continue;
    if (json_string(v) && !ogr_date_like(json_string(v))) strings++;
    else if (t && fy_node_get_style(v) == FYNS_PLAIN && (!strcmp(t, "true") || !strcmp(t, "false")))
      booleans++;
    else
      others++;
  }
  f->boolean = booleans > 0;
  return !others && !(strings && booleans);
}

/* This feature's value of field f, NULL when it has none. */
static const char *json_value(struct fy_node *props, const json_field *f) {
  struct fy_node *v = f->key && props ? fy_node_mapping_lookup_by_string(props, f->key, FY_NT)
                                      : NULL;
  if (!v) return NULL;
  if (f->boolean) {
    const char *t = fy_node_get_scalar0(v);
    return t && !strcmp(t, "true") ? "1" : t && !strcmp(t, "false") ? "0" : NULL;
  }
  return json_string(v);
}

/* No two property names that differ only in case (OGR would make them one field or two). */
static bool json_keys_distinct(struct fy_node *features) {
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  bool ok = true;
  void *it = NULL;
  for (struct fy_node *ft; ok && (ft = fy_node_sequence_iterate(features, &it));) {
    struct fy_node *props = fy_node_mapping_lookup_by_string(ft, "properties", FY_NT);
    if (!props || !fy_node_is_mapping(props)) continue;
    void *pi = NULL;
    for (struct fy_node_pair *p; ok && (p = fy_node_mapping_iterate(props, &pi));) {
      const char *k = fy_node_get_scalar0(fy_node_pair_key(p));
      if (!k) {
        ok = false;
        break;
      }
      gchar *folded = g_ascii_strdown(k, -1);
      const char *first = g_hash_table_lookup(seen, folded);
      if (first && strcmp(first, k)) ok = false;
      if (!first) g_hash_table_insert(seen, folded, (gpointer)k);
      else g_free(folded);
    }
  }
  g_hash_table_destroy(seen);
  return ok;
}

static bool is_plain_point(struct fy_node *ft, double *lon, double *lat) {
  if (!ft || !fy_node_is_mapping(ft)) return false;
  const char *type = json_string(fy_node_mapping_lookup_by_string(ft, "type", FY_NT));
  struct fy_node *g = fy_node_mapping_lookup_by_string(ft, "geometry", FY_NT);
  struct fy_node *props = fy_node_mapping_lookup_by_string(ft, "properties", FY_NT);
  if (!type || strcmp(type, "Feature") || !g || !fy_node_is_mapping(g)) return false;
  if (props && !fy_node_is_mapping(props) &&
      !(fy_node_is_scalar(props) && !strcmp(fy_node_get_scalar0(props), "null")))
    return false;
  const char *gt = json_string(fy_node_mapping_lookup_by_string(g, "type", FY_NT));
  struct fy_node *c = fy_node_mapping_lookup_by_string(g, "coordinates", FY_NT);
  if (!gt || strcmp(gt, "Point") || !c || !fy_node_is_sequence(c)) return false;
  int n = fy_node_sequence_item_count(c);
  return (n == 2 || n == 3) && json_number(fy_node_sequence_get_by_index(c, 0), lon) &&
         json_number(fy_node_sequence_get_by_index(c, 1), lat) &&
         (n == 2 || json_number(fy_node_sequence_get_by_index(c, 2), &(double){0}));
}

static bool geojson_points(const char *path, site_sink *k, bm_status *st) {
  struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_JSON_FORCE};
  struct fy_document *doc = fy_document_build_from_file(&cfg, path);
  struct fy_node *root = doc ? fy_document_root(doc) : NULL;
  bool plain = root && fy_node_is_mapping(root);
  const char *type =
      plain ? json_string(fy_node_mapping_lookup_by_string(root, "type", FY_NT)) : NULL;
  struct fy_node *features =
      plain ? fy_node_mapping_lookup_by_string(root, "features", FY_NT) : NULL;
  plain = type && !strcmp(type, "FeatureCollection") && features &&
          fy_node_is_sequence(features) && fy_node_sequence_item_count(features) > 0 &&
          !fy_node_mapping_lookup_by_string(root, "crs", FY_NT) && json_keys_distinct(features);
  static const char *const name_f[] = {"name", "title", "label", NULL};
  static const char *const kind_f[] = {"kind", "type", NULL};
  static const char *const note_f[] = {"note", "description", NULL};
  static const char *const approx_f[] = {"approximate", NULL};
  json_field fname, fkind, fnote, fapprox;
  plain = plain && json_fields_alike(features, name_f, &fname) && fname.key && !fname.boolean &&
          json_fields_alike(features, kind_f, &fkind) && !fkind.boolean &&
          json_fields_alike(features, note_f, &fnote) && !fnote.boolean &&
          json_fields_alike(features, approx_f, &fapprox);
  void *it = NULL;
  double lon, lat;
  for (struct fy_node *ft; plain && (ft = fy_node_sequence_iterate(features, &it));)
    plain = is_plain_point(ft, &lon, &lat);
  if (plain) {
    *st = BM_OK;
    long fid = 0;
    it = NULL;
    for (struct fy_node *ft; !*st && (ft = fy_node_sequence_iterate(features, &it));) {
      char place[64];
      snprintf(place, sizeof place, "feature %ld", ++fid);
      struct fy_node *props = fy_node_mapping_lookup_by_string(ft, "properties", FY_NT);
      if (props && !fy_node_is_mapping(props)) props = NULL;
      site_row r = {.place = place};
      is_plain_point(ft, &r.lon, &r.lat);
      r.name = json_value(props, &fname);
      if (!r.name) r.name = "";
      r.kind = json_value(props, &fkind);
      r.note = json_value(props, &fnote);
      r.approximate = json_value(props, &fapprox);
      *st = add_row(k, &r);
    }
  }
  fy_document_destroy(doc);
  return plain;
}

bm_status bm_sites_read_ogr(const bm_site_file *file, bm_spec *spec, bm_error *err) {
  return bm_sites_read_ogr_limited(file, spec, NULL, NULL, err);
}

bm_status bm_sites_read_ogr_limited(const bm_site_file *file, bm_spec *spec,
                                    const bm_load_limits *limits, bm_sites_damage *damage,
                                    bm_error *err) {
  const char *path = file->path;
  const char *sf = spec->path;
  if (strstr(path, "://") || !strncmp(path, "/vsi", 4))
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s': only local files can be read, not URLs or /vsi paths",
                        path);
  bm_load_limits lim = bm_load_limits_resolve(limits);
  bm_status sst =
      bm_ogr_check_size("site file", path, sf, file->pos.line, file->pos.col, &lim, err);
  if (sst) return sst;
  if (damage) *damage = (bm_sites_damage){0};
  char ext[16];
  bm_path_ext(path, ext, sizeof ext);
  if (!strcmp(ext, "geojson") || !strcmp(ext, "json")) {
    site_sink sink = {file, spec, lim.max_features, 0, damage, err};
    if (geojson_points(path, &sink, &sst)) {
      return sst ? sst : no_sites(&sink);
    }
    if (damage) *damage = (bm_sites_damage){0};
  }
  char what[1100];
  snprintf(what, sizeof what, "site file '%s'", path);
  if ((sst = bm_gdal_need(what, err))) return sst;
  static const char *const csv_opts[] = {"X_POSSIBLE_NAMES=lon,longitude,lng,x",
                                         "Y_POSSIBLE_NAMES=lat,latitude,y", "KEEP_GEOM_COLUMNS=NO",
                                         NULL};
  char dup[128];
  if (!strcmp(ext, "csv") && !bm_ogr_csv_header_ok(path, dup, sizeof dup))
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s': its first line names the column '%s' twice; each "
                        "column (name, lon, lat, kind, note, approximate) once",
                        path, dup);
  bool csv = !strcmp(ext, "csv");
  csv_rows rows = {0};
  char vpath[1400] = "";
  if (csv && !csv_rows_scan(path, &rows)) {
    csv_rows_free(&rows);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  if (rows.kept) csv_rows_to_vsimem(path, &rows, vpath, sizeof vpath);
  if (damage) *damage = (bm_sites_damage){0};
  if (rows.too_long) {
    char place[64], why[128];
    snprintf(place, sizeof place, "line %ld", rows.first_too_long);
    snprintf(why, sizeof why, "a row of %zu bytes, longer than the %ld a site row may have",
             rows.first_len, (long)BM_CSV_MAX_ROW);
    note_bad_row(damage, place, why);
    if (damage) damage->skipped = rows.too_long;
  }
  /* GDAL would print its warnings to stderr; library code stays quiet */
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(*vpath ? vpath : path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                               bm_ogr_site_drivers, csv ? csv_opts : NULL, NULL);
  if (!ds) {
    char why[400];
    bm_ogr_last_error(why, sizeof why);
    CPLPopErrorHandler();
    if (*vpath) csv_vsimem_remove(vpath);
    csv_rows_free(&rows);
    return bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s' cannot be read%s; valid formats are GeoJSON, CSV with "
                        "lon/lat columns, GeoPackage, KML, GPX, FlatGeobuf and Shapefile",
                        path, why);
  }
  bm_status st = BM_OK;
  OGRSpatialReferenceH wgs84 = bm_ogr_wgs84_new();
  site_sink sink = {file, spec, lim.max_features, 0, damage, err};
  for (int li = 0; !st && li < GDALDatasetGetLayerCount(ds); li++) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, li);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    static const char *const name_f[] = {"name", "title", "label", NULL};
    static const char *const kind_f[] = {"kind", "type", NULL};
    static const char *const note_f[] = {"note", "description", NULL};
    static const char *const approx_f[] = {"approximate", NULL};
    int fname = field_index(defn, name_f), fkind = field_index(defn, kind_f),
        fnote = field_index(defn, note_f), fapprox = field_index(defn, approx_f);
    if (fname < 0) {
      st = bm_error_set(err, BM_ERR_SPEC, sf, file->pos.line, file->pos.col,
                        "site file '%s' (layer %s) has no 'name' field; each site needs a name",
                        path, OGR_L_GetName(layer));
      break;
    }
    OGRCoordinateTransformationH ct = bm_ogr_to_wgs84(layer, wgs84);
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    long fid = 0;
    while (!st && (feat = OGR_L_GetNextFeature(layer))) {
      fid++;
      OGRGeometryH g = OGR_F_GetGeometryRef(feat);
      char place[64];
      feature_place(&rows, csv, csv ? OGR_F_GetFID(feat) : fid, place, sizeof place);
      site_row r = {.place = place, .name = OGR_F_GetFieldAsString(feat, fname)};
      if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint || OGR_G_IsEmpty(g)) {
        r.no_point = csv ? "no point (lon and lat must be numbers)" : "no point geometry";
      } else {
        r.lon = OGR_G_GetX(g, 0), r.lat = OGR_G_GetY(g, 0);
        if (ct && !OCTTransform(ct, 1, &r.lon, &r.lat, NULL)) r.lon = r.lat = 1e9;
      }
      if (fkind >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fkind))
        r.kind = OGR_F_GetFieldAsString(feat, fkind);
      if (fnote >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fnote))
        r.note = OGR_F_GetFieldAsString(feat, fnote);
      if (fapprox >= 0 && OGR_F_IsFieldSetAndNotNull(feat, fapprox))
        r.approximate = OGR_F_GetFieldAsString(feat, fapprox);
      st = add_row(&sink, &r);
      OGR_F_Destroy(feat);
    }
    if (ct) OCTDestroyCoordinateTransformation(ct);
  }
  if (!st) st = no_sites(&sink);
  OSRDestroySpatialReference(wgs84);
  GDALClose(ds);
  CPLPopErrorHandler();
  if (*vpath) csv_vsimem_remove(vpath);
  csv_rows_free(&rows);
  return st;
}
