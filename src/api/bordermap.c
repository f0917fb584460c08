/* api/bordermap.c — libbordermap's public interface (include/bordermap.h): a thin layer over
 * the internal stages. It converts errors, checks arguments and keeps internal types out of
 * the public header; the work is done by spec/, load/ and pipeline.h's bm_render_map. */
#include "bordermap.h"

#include <cairo.h>
#include <geos_c.h>
#include <pango/pango.h>
#include <proj.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/gdal_dl.h"
#include "core/util.h"
#include "lang/lang.h"
#include "load/catalog.h"
#include "pipeline.h"
#include "spec/spec.h"

/* The public codes are the internal ones, number for number. */
_Static_assert((int)BORDERMAP_ERR_USAGE == (int)BM_ERR_USAGE, "status numbers");
_Static_assert((int)BORDERMAP_ERR_SPEC == (int)BM_ERR_SPEC, "status numbers");
_Static_assert((int)BORDERMAP_ERR_DATA == (int)BM_ERR_DATA, "status numbers");
_Static_assert((int)BORDERMAP_ERR_IO == (int)BM_ERR_IO, "status numbers");
_Static_assert((int)BORDERMAP_ERR_PROJ == (int)BM_ERR_PROJ, "status numbers");
_Static_assert((int)BORDERMAP_ERR_NET == (int)BM_ERR_NET, "status numbers");
_Static_assert((int)BORDERMAP_ERR_NOMEM == (int)BM_ERR_NOMEM, "status numbers");
_Static_assert((int)BORDERMAP_ERR_INTERNAL == (int)BM_ERR_INTERNAL, "status numbers");

struct bordermap_spec {
  bm_spec *spec;
};

struct bordermap_catalog {
  char data_dir[1024];
  char release[128];
  bool has_release;
  size_t n;
  bm_catalog_entry *entries;
  bordermap_layer *layers;
};

/* ---- errors ---------------------------------------------------------------------------- */

static void clear(bordermap_error *e) {
  if (e) memset(e, 0, sizeof *e);
}

static bordermap_status give(bordermap_error *out, const bm_error *in) {
  if (out) {
    out->code = (bordermap_status)in->code;
    snprintf(out->file, sizeof out->file, "%s", in->file);
    out->line = in->line;
    out->column = in->col;
    snprintf(out->message, sizeof out->message, "%s", in->msg);
  }
  return (bordermap_status)in->code;
}

static bordermap_status fail(bordermap_error *out, bordermap_status code, const char *fmt, ...) {
  if (out) {
    clear(out);
    out->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
  }
  return code;
}

char *bordermap_error_format(const bordermap_error *err, char *buf, size_t n) {
  if (!buf || n == 0) return buf;
  if (!err) {
    buf[0] = '\0';
    return buf;
  }
  bm_error e = {.code = (bm_status)err->code, .line = err->line, .col = err->column};
  snprintf(e.file, sizeof e.file, "%s", err->file);
  snprintf(e.msg, sizeof e.msg, "%s", err->message);
  bm_error_format(&e, buf, n);
  return buf;
}

const char *bordermap_status_name(bordermap_status code) {
  if ((int)code < 0 || code > BORDERMAP_ERR_INTERNAL) return "unknown status";
  return bm_status_name((bm_status)code);
}

/* ---- versions -------------------------------------------------------------------------- */

const char *bordermap_version(void) { return BM_VERSION; }

void bordermap_versions_get(bordermap_versions *out) {
  if (!out) return;
  out->bordermap = BM_VERSION;
  out->proj = proj_info().version;
  out->gdal = bm_gdal_release(); /* loads GDAL: the version in use, not the headers' */
  out->geos = GEOSversion();
  out->cairo = cairo_version_string();
  out->pango = pango_version_string();
  if (!out->proj) out->proj = "unknown";
  if (!out->gdal) out->gdal = "unknown";
  if (!out->geos) out->geos = "unknown";
}

/* ---- specs ----------------------------------------------------------------------------- */

static bordermap_spec *wrap(bm_spec *s, bordermap_error *err) {
  if (!s) return NULL;
  bordermap_spec *w = malloc(sizeof *w);
  if (!w) {
    bm_spec_free(s);
    fail(err, BORDERMAP_ERR_NOMEM, "out of memory");
    return NULL;
  }
  w->spec = s;
  return w;
}

bordermap_spec *bordermap_spec_load(const char *path, bordermap_error *err) {
  clear(err);
  if (!path || !*path) {
    fail(err, BORDERMAP_ERR_USAGE, "bordermap_spec_load: no spec path given");
    return NULL;
  }
  bm_error e;
  bm_error_clear(&e);
  bm_spec *s = bm_spec_load(path, &e);
  if (!s) give(err, &e);
  return wrap(s, err);
}

bordermap_spec *bordermap_spec_parse(const char *yaml, const char *name, const char *base_dir,
                                     bordermap_error *err) {
  clear(err);
  if (!yaml) {
    fail(err, BORDERMAP_ERR_USAGE, "bordermap_spec_parse: no YAML text given");
    return NULL;
  }
  bm_error e;
  bm_error_clear(&e);
  bm_spec *s = bm_spec_load_string(yaml, name ? name : "<string>", base_dir ? base_dir : ".", &e);
  if (!s) give(err, &e);
  return wrap(s, err);
}

void bordermap_spec_free(bordermap_spec *spec) {
  if (!spec) return;
  bm_spec_free(spec->spec);
  free(spec);
}

const char *bordermap_spec_title(const bordermap_spec *spec) {
  return spec && spec->spec->title ? spec->spec->title : "";
}

bordermap_status bordermap_shared_file(const char *relative, char *buf, size_t n,
                                       bordermap_error *err) {
  clear(err);
  if (!relative || !buf || n == 0)
    return fail(err, BORDERMAP_ERR_USAGE, "bordermap_shared_file: no file name or buffer given");
  char home[1024];
  if (!bm_home_dir(home, sizeof home))
    return fail(err, BORDERMAP_ERR_DATA,
                "cannot find bordermap's shared files (share/bordermap beside the installed "
                "library or program); set BORDERMAP_HOME to that folder");
  if (snprintf(buf, n, "%s/%s", home, relative) >= (int)n)
    return fail(err, BORDERMAP_ERR_USAGE, "bordermap_shared_file: the buffer is too small");
  if (!bm_file_exists(buf)) {
    bm_error e;
    bm_error_set(&e, BM_ERR_DATA, buf, 0, 0,
                 "no such file in bordermap's shared files (%s; BORDERMAP_HOME overrides it)",
                 home);
    return give(err, &e);
  }
  return BORDERMAP_OK;
}

/* ---- rendering ------------------------------------------------------------------------- */

void bordermap_render_options_init(bordermap_render_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->size = sizeof *opts;
}

/* Checks opts and turns them into the pipeline's options (data names the data folder). */
static bordermap_status render_options(const bordermap_render_options *opts, const char *fn,
                                       char *data, size_t ndata, bm_render_options *ro,
                                       bordermap_error *err) {
  bordermap_render_options o;
  bordermap_render_options_init(&o);
  if (opts) {
    if (opts->size < sizeof(size_t) || opts->size > sizeof o)
      return fail(err, BORDERMAP_ERR_USAGE,
                  "%s: options not set up with bordermap_render_options_init", fn);
    memcpy(&o, opts, opts->size); /* fields the caller's version does not know keep defaults */
  }
  if (o.width < 0 || o.width > 20000 || o.height < 0 || o.height > 20000 ||
      (o.width && o.width < 100) || (o.height && o.height < 100))
    return fail(err, BORDERMAP_ERR_USAGE,
                "width and height must be 0 (as the spec says) or 100 to 20000 pixels");
  if (o.dpi != 0 && (o.dpi < 36 || o.dpi > 1200))
    return fail(err, BORDERMAP_ERR_USAGE, "dpi must be 0 (as the spec says) or 36 to 1200");
  if (o.language && *o.language && !bm_lang_code_valid(o.language))
    return fail(err, BORDERMAP_ERR_USAGE,
                "language '%s' is not a language code; give two or three lower-case letters "
                "(ISO 639-1), e.g. en, fa, ru, ar, zh",
                o.language);
  if (o.data_dir && *o.data_dir)
    snprintf(data, ndata, "%s", o.data_dir);
  else
    bm_data_dir_default(data, ndata);
  *ro = (bm_render_options){.data_dir = data,
                            .width = o.width,
                            .height = o.height,
                            .dpi = o.dpi,
                            .labels_report = o.labels_report,
                            .language = o.language,
                            .strict_language = o.strict_language != 0};
  return BORDERMAP_OK;
}

bordermap_status bordermap_render_file(const bordermap_spec *spec, const char *path,
                                       const bordermap_render_options *opts, bordermap_error *err) {
  clear(err);
  if (!spec || !path || !*path)
    return fail(err, BORDERMAP_ERR_USAGE, "bordermap_render_file: no spec or no output path");
  char data[1024];
  bm_render_options ro;
  bordermap_status st = render_options(opts, "bordermap_render_file", data, sizeof data, &ro, err);
  if (st) return st;
  bm_error e;
  bm_error_clear(&e);
  if (bm_render_map(spec->spec, path, &ro, NULL, &e) != BM_OK) return give(err, &e);
  return BORDERMAP_OK;
}

bordermap_status bordermap_render_memory(const bordermap_spec *spec, bordermap_format format,
                                         const bordermap_render_options *opts, unsigned char **data,
                                         size_t *len, bordermap_error *err) {
  clear(err);
  if (data) *data = NULL;
  if (len) *len = 0;
  if (!spec || !data || !len || format < BORDERMAP_PNG || format > BORDERMAP_SVG)
    return fail(err, BORDERMAP_ERR_USAGE,
                "bordermap_render_memory: needs a spec, a format (PNG, PDF or SVG) and places "
                "for the bytes and their length");
  char dir[1024];
  bm_render_options ro;
  bordermap_status st = render_options(opts, "bordermap_render_memory", dir, sizeof dir, &ro, err);
  if (st) return st;
  bm_output out = {.path = NULL, .format = (bm_format)format};
  bm_error e;
  bm_error_clear(&e);
  if (bm_render_outputs(spec->spec, &out, 1, &ro, NULL, &e) != BM_OK) return give(err, &e);
  *data = out.data;
  *len = out.len;
  return BORDERMAP_OK;
}

void bordermap_free(void *p) { free(p); }

/* ---- the data catalog ------------------------------------------------------------------ */

void bordermap_data_dir_default(char *buf, size_t n) {
  if (buf && n) bm_data_dir_default(buf, n);
}

bordermap_catalog *bordermap_catalog_open(const char *data_dir, bordermap_error *err) {
  clear(err);
  bm_error e;
  bm_error_clear(&e);
  bm_catalog *c = bm_catalog_create(&e);
  if (!c) {
    give(err, &e);
    return NULL;
  }
  bordermap_catalog *cat = calloc(1, sizeof *cat);
  size_t n = bm_catalog_count(c);
  if (cat) {
    cat->entries = calloc(n ? n : 1, sizeof *cat->entries);
    cat->layers = calloc(n ? n : 1, sizeof *cat->layers);
  }
  if (!cat || !cat->entries || !cat->layers) {
    bm_catalog_destroy(c);
    bordermap_catalog_close(cat);
    fail(err, BORDERMAP_ERR_NOMEM, "out of memory");
    return NULL;
  }
  if (data_dir && *data_dir)
    snprintf(cat->data_dir, sizeof cat->data_dir, "%s", data_dir);
  else
    bm_data_dir_default(cat->data_dir, sizeof cat->data_dir);
  cat->n = n;
  for (size_t i = 0; i < n; i++) {
    cat->entries[i] = *bm_catalog_at(c, i); /* copied: the layers point into cat */
    const bm_catalog_entry *en = &cat->entries[i];
    cat->layers[i] = (bordermap_layer){.name = en->logical,
                                       .scale = en->scale,
                                       .theme = en->theme,
                                       .file = en->stem,
                                       .present = bm_catalog_present(cat->data_dir, en)};
  }
  bm_catalog_destroy(c);
  cat->has_release = bm_catalog_release(cat->data_dir, cat->release, sizeof cat->release);
  return cat;
}

void bordermap_catalog_close(bordermap_catalog *cat) {
  if (!cat) return;
  free(cat->entries);
  free(cat->layers);
  free(cat);
}

size_t bordermap_catalog_count(const bordermap_catalog *cat) { return cat ? cat->n : 0; }

const bordermap_layer *bordermap_catalog_layer(const bordermap_catalog *cat, size_t i) {
  return cat && i < cat->n ? &cat->layers[i] : NULL;
}

const char *bordermap_catalog_data_dir(const bordermap_catalog *cat) {
  return cat ? cat->data_dir : NULL;
}

const char *bordermap_catalog_release(const bordermap_catalog *cat) {
  return cat && cat->has_release ? cat->release : NULL;
}
