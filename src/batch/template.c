/* batch/template.c — the jobs of a batch: spec files, or a template filled from a table's
 * rows; placeholder substitution that keeps the YAML's structure; unique output names. */
#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "core/util.h"

/* A growing string. */
typedef struct {
  char *s;
  size_t n, cap;
  bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = (b->n + n + 1) * 2;
    char *p = realloc(b->s, cap);
    if (!p) {
      b->oom = true;
      return;
    }
    b->s = p, b->cap = cap;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}
static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* The value as the inside of a YAML double-quoted string. */
static void put_double_escaped(sbuf *b, const char *v) {
  for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\', esc[1] = (char)*p, esc[2] = 0;
    } else if (*p == '\n') {
      snprintf(esc, sizeof esc, "\\n");
    } else if (*p == '\t') {
      snprintf(esc, sizeof esc, "\\t");
    } else if (*p < 0x20 || *p == 0x7f) {
      snprintf(esc, sizeof esc, "\\x%02x", *p);
    } else {
      esc[0] = (char)*p, esc[1] = 0;
    }
    puts_(b, esc);
  }
}

/* The value inside a YAML single-quoted string: ' doubled; a line break (which would
 * fold) becomes a space. */
static void put_single_escaped(sbuf *b, const char *v) {
  for (const char *p = v; *p; p++)
    if (*p == '\'')
      puts_(b, "''");
    else if (*p == '\n' || *p == '\r' || (unsigned char)*p < 0x20)
      puts_(b, " ");
    else
      put(b, p, 1);
}

static bool is_number(const char *v) {
  const char *p = v;
  if (*p == '-' || *p == '+') p++;
  if (!isdigit((unsigned char)*p)) return false;
  while (isdigit((unsigned char)*p))
    p++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p))
      p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '-' || *p == '+') p++;
    if (!isdigit((unsigned char)*p)) return false;
    while (isdigit((unsigned char)*p))
      p++;
  }
  return *p == '\0';
}

typedef struct {
  const char *file;
  const bm_table *t;
  long row; /* < 0: check only */
  bm_error *err;
} fill_ctx;

/* Columns the table offers, for messages. */
static void column_list(const bm_table *t, char *buf, size_t n) {
  size_t k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < t->ncols && k + 1 < n; i++)
    k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", t->cols[i]);
  if (t->has_geometry && k + 1 < n) snprintf(buf + k, n - k, "%sgeometry", t->ncols ? ", " : "");
}

/* Reads the placeholder at p ("{{ name }}"): its name into name, its length into *len.
 * NULL on success, else an error was set. The value (or NULL for geometry) into *value. */
static bm_status placeholder(const fill_ctx *c, const char *p, int line, int col, char *name,
                             size_t nname, size_t *len, const char **value, bool *geometry) {
  const char *end = strstr(p + 2, "}}");
  const char *nl = strchr(p + 2, '\n');
  if (!end || (nl && nl < end))
    return bm_error_set(c->err, BM_ERR_SPEC, c->file, line, col,
                        "'{{' opens a placeholder that is not closed with '}}' on its line; write "
                        "{{column}}");
  const char *a = p + 2, *b = end;
  while (a < b && isspace((unsigned char)*a))
    a++;
  while (b > a && isspace((unsigned char)b[-1]))
    b--;
  snprintf(name, nname, "%.*s", (int)(b - a), a);
  *len = (size_t)(end + 2 - p);
  *geometry = false;
  *value = NULL;
  if (c->t->has_geometry && !strcmp(name, "geometry")) {
    *geometry = true;
    return BM_OK;
  }
  int k = *name ? bm_table_column(c->t, name) : -1;
  if (k < 0) {
    char cols[1024];
    column_list(c->t, cols, sizeof cols);
    return bm_error_set(c->err, BM_ERR_SPEC, c->file, line, col,
                        "placeholder {{%s}} names no column of the table; its columns are: %s",
                        name, cols);
  }
  if (c->row >= 0) *value = c->t->cells[(size_t)c->row * c->t->ncols + (size_t)k];
  return BM_OK;
}

static void put_geometry(sbuf *b, const fill_ctx *c) {
  const double *bb = c->t->bbox[c->row];
  char buf[160];
  if (bb[2] - bb[0] < 1e-6 || bb[3] - bb[1] < 1e-6) /* a point (or a line along a parallel) */
    snprintf(buf, sizeof buf, "{center: [%.9g, %.9g], radius_km: %d}", (bb[0] + bb[2]) / 2,
             (bb[1] + bb[3]) / 2, BM_GEOMETRY_POINT_KM);
  else
    snprintf(buf, sizeof buf, "{bbox: [%.9g, %.9g, %.9g, %.9g]}", bb[0], bb[1], bb[2], bb[3]);
  puts_(b, buf);
}

/* Is the value at p that of a "file:" key ("- file: {{geometry}}", "{file: {{geometry}}}")? */
static bool value_of_file_key(const char *line_start, const char *p) {
  const char *q = p;
  while (q > line_start && (q[-1] == ' ' || q[-1] == '\t'))
    q--;
  if (q == line_start || q[-1] != ':') return false;
  q--;
  const char *end = q;
  while (q > line_start && (isalnum((unsigned char)q[-1]) || q[-1] == '_' || q[-1] == '-'))
    q--;
  return end - q == 4 && !strncmp(q, "file", 4);
}

/* {{geometry}} as a file: the row's geometry written as GeoJSON into the table's
 * geometry_dir, its path as a double-quoted YAML string. */
static bm_status put_geometry_file(sbuf *b, const fill_ctx *c, int line, int col) {
  const bm_table *t = c->t;
  if (!t->geojson || !t->geojson[c->row])
    return bm_error_set(c->err, BM_ERR_SPEC, c->file, line, col,
                        "{{geometry}}: row %ld of the table has no geometry", c->row + 1);
  if (!t->geometry_dir)
    return bm_error_set(c->err, BM_ERR_INTERNAL, c->file, line, col,
                        "no folder for the rows' geometry files");
  char path[1200];
  snprintf(path, sizeof path, "%s/row-%ld.geojson", t->geometry_dir, c->row + 1);
  GError *ge = NULL;
  if (!g_file_set_contents(path, t->geojson[c->row], -1, &ge)) {
    bm_status st = bm_error_set(c->err, BM_ERR_IO, path, 0, 0,
                                "cannot write the row's geometry: %s", ge ? ge->message : "?");
    if (ge) g_error_free(ge);
    return st;
  }
  puts_(b, "\"");
  put_double_escaped(b, path);
  puts_(b, "\"");
  return BM_OK;
}

/* Where a plain scalar starting at p ends: end of line, a comment, ": ", and in flow
 * context , [ ] { } (placeholders inside it are skipped whole). */
static const char *plain_end(const char *p, int flow) {
  const char *q = p;
  while (*q && *q != '\n') {
    if (q[0] == '{' && q[1] == '{') {
      const char *e = strstr(q + 2, "}}");
      const char *nl = strchr(q + 2, '\n');
      if (e && (!nl || e < nl)) {
        q = e + 2;
        continue;
      }
    }
    if (*q == ' ' && q[1] == '#') break;
    if (*q == ':' && (q[1] == ' ' || q[1] == '\n' || q[1] == '\0' || (flow && q[1] == ','))) break;
    if (flow && (*q == ',' || *q == '[' || *q == ']' || *q == '{' || *q == '}')) break;
    q++;
  }
  while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
    q--;
  return q;
}

char *bm_template_fill(const char *text, const char *file, const bm_table *t, long row,
                       bm_error *err) {
  fill_ctx c = {file, t, row, err};
  sbuf b = {0};
  put(&b, "", 0);
  int line = 1, flow = 0;
  char quote = 0;
  const char *line_start = text;
  bool at_line_start = true;
  for (const char *p = text; *p;) {
    int col = (int)(p - line_start) + 1;
    if (*p == '\n') {
      put(&b, p, 1);
      p++;
      line++;
      line_start = p;
      at_line_start = true;
      continue;
    }
    if (quote) {
      if (p[0] == '{' && p[1] == '{') {
        char name[256];
        size_t len;
        const char *v;
        bool geom;
        if (placeholder(&c, p, line, col, name, sizeof name, &len, &v, &geom)) goto fail;
        if (geom) {
          bm_error_set(err, BM_ERR_SPEC, file, line, col,
                       "{{geometry}} must stand alone as a value (extent: {{geometry}}), not "
                       "inside quotes");
          goto fail;
        }
        if (v) (quote == '"' ? put_double_escaped : put_single_escaped)(&b, v);
        p += len;
        continue;
      }
      if (quote == '"' && *p == '\\' && p[1] && p[1] != '\n') {
        put(&b, p, 2);
        p += 2;
        continue;
      }
      if (quote == '\'' && p[0] == '\'' && p[1] == '\'') {
        put(&b, p, 2);
        p += 2;
        continue;
      }
      if (*p == quote) quote = 0;
      put(&b, p, 1);
      p++;
      continue;
    }
    /* outside quotes */
    if (*p == '#' && (at_line_start || p == line_start || p[-1] == ' ' || p[-1] == '\t')) {
      const char *e = strchr(p, '\n'); /* a comment, copied as it is */
      size_t n = e ? (size_t)(e - p) : strlen(p);
      put(&b, p, n);
      p += n;
      continue;
    }
    if (*p == ' ' || *p == '\t' || *p == '\r') {
      put(&b, p, 1);
      p++;
      continue;
    }
    at_line_start = false;
    if (*p == '"' || *p == '\'') {
      quote = *p;
      put(&b, p, 1);
      p++;
      continue;
    }
    bool placeholder_here = p[0] == '{' && p[1] == '{';
    if (!placeholder_here && (*p == '[' || *p == '{' || *p == ']' || *p == '}' || *p == ',' ||
                              (*p == '-' && (p[1] == ' ' || p[1] == '\n')) ||
                              (*p == ':' && (p[1] == ' ' || p[1] == '\n' || p[1] == '\0')) ||
                              ((*p == '|' || *p == '>') && (p == line_start || p[-1] == ' ')))) {
      if (*p == '[' || *p == '{') flow++;
      if ((*p == ']' || *p == '}') && flow > 0) flow--;
      put(&b, p, 1);
      p++;
      continue;
    }
    /* a plain scalar from p to e */
    const char *e = plain_end(p, flow);
    if (e <= p) e = p + 1;
    const char *ph = NULL;
    for (const char *q = p; q + 1 < e; q++)
      if (q[0] == '{' && q[1] == '{') {
        ph = q;
        break;
      }
    if (!ph) {
      put(&b, p, (size_t)(e - p));
      p = e;
      continue;
    }
    /* the whole scalar is one placeholder: the value keeps its type */
    char name[256];
    size_t len;
    const char *v;
    bool geom;
    if (ph == p) {
      if (placeholder(&c, p, line, col, name, sizeof name, &len, &v, &geom)) goto fail;
      if (p + len == e) {
        if (geom && value_of_file_key(line_start, p)) {
          if (row >= 0 && put_geometry_file(&b, &c, line, col)) goto fail;
          p = e;
          continue;
        }
        if (geom && row >= 0 && !t->has_bbox[row]) {
          bm_error_set(err, BM_ERR_SPEC, file, line, col,
                       "{{geometry}}: row %ld of the table has no geometry", row + 1);
          goto fail;
        }
        if (geom && row >= 0)
          put_geometry(&b, &c);
        else if (row >= 0 && is_number(v))
          puts_(&b, v);
        else if (row >= 0) {
          puts_(&b, "\"");
          put_double_escaped(&b, v);
          puts_(&b, "\"");
        }
        p = e;
        continue;
      }
    }
    /* a placeholder inside a longer plain scalar: the scalar becomes double-quoted */
    puts_(&b, "\"");
    for (const char *q = p; q < e;) {
      int qcol = (int)(q - line_start) + 1;
      if (q[0] == '{' && q[1] == '{') {
        if (placeholder(&c, q, line, qcol, name, sizeof name, &len, &v, &geom)) goto fail;
        if (geom) {
          bm_error_set(err, BM_ERR_SPEC, file, line, qcol,
                       "{{geometry}} must stand alone as a value (extent: {{geometry}})");
          goto fail;
        }
        if (v) put_double_escaped(&b, v);
        q += len;
        continue;
      }
      char one[2] = {*q, 0};
      put_double_escaped(&b, one);
      q++;
    }
    puts_(&b, "\"");
    p = e;
  }
  if (b.oom) {
    bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  return b.s;
fail:
  free(b.s);
  return NULL;
}

/* ---- jobs ---------------------------------------------------------------------------------- */

void bm_batch_jobs_free(bm_batch_jobs *jobs) {
  for (size_t i = 0; i < jobs->n; i++) {
    bm_batch_job *j = &jobs->v[i];
    free(j->spec_path);
    free(j->text);
    free(j->name);
    free(j->label);
    free(j->error);
  }
  free(jobs->v);
  jobs->v = NULL;
  jobs->n = 0;
  if (jobs->tmpdir) { /* the rows' geometry files */
    GDir *d = g_dir_open(jobs->tmpdir, 0, NULL);
    const gchar *name;
    while (d && (name = g_dir_read_name(d))) {
      gchar *f = g_build_filename(jobs->tmpdir, name, NULL);
      remove(f);
      g_free(f);
    }
    if (d) g_dir_close(d);
    remove(jobs->tmpdir);
    g_free(jobs->tmpdir);
    jobs->tmpdir = NULL;
  }
}

/* "a/b/x.yaml" -> "x" */
static char *stem_of(const char *path) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *s = malloc(len + 1);
  if (s) snprintf(s, len + 1, "%.*s", (int)len, base);
  return s;
}

/* A template row's hash: the template, the row's cells and geometry, the name (not the
 * filled text, which names a temporary geometry file that differs between runs). */
static void hash_row(bm_batch_job *j, const char *tmpl, const bm_table *t, size_t r) {
  GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(h, (const guchar *)tmpl, (gssize)strlen(tmpl));
  for (size_t k = 0; k < t->ncols; k++) {
    const char *v = t->cells[r * t->ncols + k];
    g_checksum_update(h, (const guchar *)"\0", 1);
    g_checksum_update(h, (const guchar *)v, (gssize)strlen(v));
  }
  const char *g = t->geojson && t->geojson[r] ? t->geojson[r] : "";
  g_checksum_update(h, (const guchar *)"\0geometry ", 10);
  g_checksum_update(h, (const guchar *)g, (gssize)strlen(g));
  g_checksum_update(h, (const guchar *)"\n--name ", 8);
  g_checksum_update(h, (const guchar *)j->name, (gssize)strlen(j->name));
  snprintf(j->hash, sizeof j->hash, "%s", g_checksum_get_string(h));
  g_checksum_free(h);
}

static void hash_job(bm_batch_job *j, const char *content, size_t len) {
  GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(h, (const guchar *)content, (gssize)len);
  g_checksum_update(h, (const guchar *)"\n--name ", 8);
  g_checksum_update(h, (const guchar *)j->name, (gssize)strlen(j->name));
  snprintf(j->hash, sizeof j->hash, "%s", g_checksum_get_string(h));
  g_checksum_free(h);
}

bm_status bm_batch_jobs_from_specs(const char *const *paths, size_t n, bm_batch_jobs *out,
                                   bm_error *err) {
  out->v = calloc(n + 1, sizeof *out->v);
  out->n = 0;
  out->tmpdir = NULL;
  if (!out->v) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    bm_batch_job *j = &out->v[out->n++];
    j->spec_path = strdup(paths[i]);
    j->label = strdup(paths[i]);
    j->name = stem_of(paths[i]);
    if (!j->spec_path || !j->label || !j->name)
      return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    gchar *content = NULL;
    gsize len = 0;
    if (g_file_get_contents(paths[i], &content, &len, NULL))
      hash_job(j, content, len);
    else
      hash_job(j, "", 0); /* unreadable: the render says why */
    g_free(content);
  }
  return BM_OK;
}

/* Makes a filled name safe as a file name: no folder separators, no control characters,
 * no leading dot. */
static void sanitize_name(char *s) {
  for (char *p = s; *p; p++)
    if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) *p = '_';
  if (*s == '.') *s = '_';
}

/* The output name of a row from --name's pattern: placeholders filled raw. */
static char *fill_name(const char *pattern, const bm_table *t, long row, bm_error *err) {
  sbuf b = {0};
  put(&b, "", 0);
  fill_ctx c = {"--name", t, row, err};
  for (const char *p = pattern; *p;) {
    if (p[0] == '{' && p[1] == '{') {
      char name[256];
      size_t len;
      const char *v;
      bool geom;
      if (placeholder(&c, p, 1, (int)(p - pattern) + 1, name, sizeof name, &len, &v, &geom)) {
        free(b.s);
        return NULL;
      }
      if (geom) {
        bm_error_set(err, BM_ERR_USAGE, "--name", 1, (int)(p - pattern) + 1,
                     "{{geometry}} cannot be part of a file name; use a column");
        free(b.s);
        return NULL;
      }
      if (v) puts_(&b, v);
      p += len;
      continue;
    }
    put(&b, p, 1);
    p++;
  }
  if (b.s) sanitize_name(b.s);
  return b.s;
}

bm_status bm_batch_jobs_from_template(const char *template_path, const bm_table *table,
                                      const char *name_pattern, bm_batch_jobs *out, bm_error *err) {
  out->v = NULL;
  out->n = 0;
  out->tmpdir = NULL;
  gchar *text = NULL;
  gsize len = 0;
  GError *ge = NULL;
  if (!g_file_get_contents(template_path, &text, &len, &ge)) {
    bm_status st = bm_error_set(err, BM_ERR_SPEC, template_path, 0, 0,
                                "the template cannot be read: %s", ge ? ge->message : "?");
    if (ge) g_error_free(ge);
    return st;
  }
  if (strlen(text) != len) {
    g_free(text);
    return bm_error_set(err, BM_ERR_SPEC, template_path, 0, 0,
                        "the template holds a NUL byte; a template is a YAML text file");
  }
  /* every placeholder is checked before any row is filled or any map renders */
  char *checked = bm_template_fill(text, template_path, table, -1, err);
  char *stem = stem_of(template_path);
  char def_pattern[600];
  snprintf(def_pattern, sizeof def_pattern, "%s-", stem ? stem : "map");
  char *name_check = checked && name_pattern ? fill_name(name_pattern, table, -1, err) : NULL;
  bm_status st = !checked || (name_pattern && !name_check) ? err->code : BM_OK;
  free(checked);
  free(name_check);
  /* rows' geometry as files ({{geometry}} as a file:) go to a folder of this batch */
  bm_table rows = *table;
  if (!st && table->has_geometry && strstr(text, "geometry")) {
    GError *ge = NULL;
    out->tmpdir = g_dir_make_tmp("bordermap-rows-XXXXXX", &ge);
    if (!out->tmpdir) {
      st = bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                        "cannot make a temporary folder for the rows' geometry: %s",
                        ge ? ge->message : "?");
      if (ge) g_error_free(ge);
    }
    rows.geometry_dir = out->tmpdir;
  }
  if (!st && !(out->v = calloc(table->nrows + 1, sizeof *out->v)))
    st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t r = 0; !st && r < table->nrows; r++) {
    bm_batch_job *j = &out->v[out->n++];
    j->row = (int)r + 1;
    j->spec_path = strdup(template_path);
    char label[1200];
    snprintf(label, sizeof label, "%s row %zu", template_path, r + 1);
    j->label = strdup(label);
    if (name_pattern) {
      j->name = fill_name(name_pattern, table, (long)r, err);
    } else {
      char nm[700];
      snprintf(nm, sizeof nm, "%s%0*zu", def_pattern, table->nrows >= 100 ? 3 : 2, r + 1);
      j->name = strdup(nm);
    }
    if (!j->spec_path || !j->label || !j->name) {
      st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      break;
    }
    if (!*j->name) {
      st = bm_error_set(err, BM_ERR_USAGE, "--name", 0, 0,
                        "row %zu of the table gives an empty output name; every row must fill "
                        "--name with something",
                        r + 1);
      break;
    }
    bm_error row_err;
    bm_error_clear(&row_err);
    j->text = bm_template_fill(text, template_path, &rows, (long)r, &row_err);
    if (!j->text) { /* this row alone cannot make a spec: it fails, the others go on */
      char msg[2200];
      bm_error_format(&row_err, msg, sizeof msg);
      j->error = strdup(msg);
    }
    hash_row(j, text, table, r);
  }
  free(stem);
  g_free(text);
  return st;
}

bm_status bm_batch_check_unique(const bm_batch_jobs *jobs, bm_error *err) {
  /* sorted indices by name: a collision is two neighbours */
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  bm_status st = BM_OK;
  for (size_t i = 0; i < jobs->n && !st; i++) {
    gpointer prev;
    if (g_hash_table_lookup_extended(seen, jobs->v[i].name, NULL, &prev)) {
      const bm_batch_job *a = &jobs->v[(size_t)GPOINTER_TO_SIZE(prev)], *b = &jobs->v[i];
      st = bm_error_set(err, BM_ERR_SPEC, NULL, 0, 0,
                        "two maps of the batch would write the same output '%s': %s and %s; "
                        "give each map its own name (rename a spec, or use a column that is "
                        "unique in --name '...{{column}}')",
                        a->name, a->label, b->label);
    } else {
      g_hash_table_insert(seen, jobs->v[i].name, GSIZE_TO_POINTER(i));
    }
  }
  g_hash_table_destroy(seen);
  return st;
}

/* ---- shards -------------------------------------------------------------------------------- */

static bool parse_nonneg(const char *s, long *out) {
  char *end;
  if (!s || !*s) return false;
  long v = strtol(s, &end, 10);
  if (*end || v < 0 || v > 1000000) return false;
  *out = v;
  return true;
}

bm_status bm_batch_parse_shard(const char *arg, int *index, int *count, bm_error *err) {
  const char *slash = strchr(arg, '/');
  long i = -1, n = -1;
  char head[64];
  snprintf(head, sizeof head, "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
  if (slash && !parse_nonneg(slash + 1, &n))
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                        "--shard takes i/N (0 <= i < N), auto or auto/N, not '%s'", arg);
  if (!strcmp(head, "auto")) {
    const char *sid = getenv("SLURM_ARRAY_TASK_ID"), *kid = getenv("JOB_COMPLETION_INDEX");
    const char *src = sid ? "SLURM_ARRAY_TASK_ID" : "JOB_COMPLETION_INDEX";
    if (!parse_nonneg(sid ? sid : kid, &i))
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                          "--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm array job) or "
                          "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) set to a whole "
                          "number; %s is '%s'",
                          src,
                          sid   ? sid
                          : kid ? kid
                                : "");
    long min = 0;
    if (sid && parse_nonneg(getenv("SLURM_ARRAY_TASK_MIN"), &min)) i -= min;
    if (n < 0) {
      const char *cn = sid ? getenv("SLURM_ARRAY_TASK_COUNT") : getenv("JOB_COMPLETIONS");
      if (!parse_nonneg(cn, &n))
        return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                            "--shard auto needs the number of shards: give --shard auto/N, or "
                            "set %s",
                            sid ? "SLURM_ARRAY_TASK_COUNT"
                                : "JOB_COMPLETIONS (to the Job's "
                                  ".spec.completions)");
    }
  } else if (!slash || !parse_nonneg(head, &i)) {
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                        "--shard takes i/N (0 <= i < N), auto or auto/N, not '%s'", arg);
  }
  if (n < 1 || i < 0 || i >= n)
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                        "--shard %s: the index must be from 0 to N-1 and N at least 1 (got "
                        "index %ld of %ld)",
                        arg, i, n);
  *index = (int)i;
  *count = (int)n;
  return BM_OK;
}

bool bm_batch_in_shard(size_t j, int index, int count) {
  return count <= 1 || (int)(j % (size_t)count) == index;
}
