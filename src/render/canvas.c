#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "render/render.h"

struct bm_canvas {
  bm_format format;
  char *path, *tmp;
  FILE *f;
  cairo_surface_t *surface;
  cairo_t *cr;
  bool write_failed;
};

bool bm_format_from_path(const char *path, bm_format *out) {
  char ext[16];
  bm_path_ext(path, ext, sizeof ext);
  if (!strcmp(ext, "png")) *out = BM_FORMAT_PNG;
  else if (!strcmp(ext, "pdf")) *out = BM_FORMAT_PDF;
  else if (!strcmp(ext, "svg")) *out = BM_FORMAT_SVG;
  else return false;
  return true;
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len) {
  bm_canvas *c = closure;
  if (fwrite(data, 1, len, c->f) != len) {
    c->write_failed = true;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

bm_status bm_canvas_create(const char *path, int width, int height, double dpi, bm_canvas **out,
                           bm_error *err) {
  *out = NULL;
  bm_canvas *c = calloc(1, sizeof *c);
  if (!c) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  if (!bm_format_from_path(path, &c->format)) {
    free(c);
    return bm_error_set(err, BM_ERR_USAGE, path, 0, 0,
                        "unknown output format; the file name must end in .png, .pdf or .svg");
  }
  c->path = strdup(path);
  char *dir = bm_path_dirname(path);
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t n = strlen(dir) + strlen(base) + 32;
  c->tmp = malloc(n);
  if (c->tmp && dir) snprintf(c->tmp, n, "%s/.%s.tmp-XXXXXX", dir, base);
  int fd = c->tmp ? mkstemp(c->tmp) : -1;
  if (fd < 0) {
    int e = errno;
    bm_error_set(err, BM_ERR_IO, path, 0, 0,
                 "cannot write the output: folder '%s' is missing or not writable (%s)", dir,
                 strerror(e));
    free(dir);
    free(c->tmp);
    c->tmp = NULL;
    bm_canvas_destroy(c);
    return BM_ERR_IO;
  }
  free(dir);
  /* mkstemp makes the file private; a map is an ordinary file for its folder */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  c->f = fdopen(fd, "wb");
  double pt_w = width * 72.0 / dpi, pt_h = height * 72.0 / dpi;
  switch (c->format) {
  case BM_FORMAT_PNG:
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    break;
  case BM_FORMAT_PDF:
    c->surface = cairo_pdf_surface_create_for_stream(write_cb, c, pt_w, pt_h);
    /* fixed dates: the same map gives the same bytes */
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "bordermap " BM_VERSION);
    break;
  case BM_FORMAT_SVG:
    c->surface = cairo_svg_surface_create_for_stream(write_cb, c, pt_w, pt_h);
    cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PX);
    break;
  }
  if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
    bm_canvas_destroy(c);
    return bm_error_set(err, BM_ERR_NOMEM, path, 0, 0, "cannot create a %dx%d drawing surface",
                        width, height);
  }
  c->cr = cairo_create(c->surface);
  /* draw in pixels whatever the page unit is */
  if (c->format != BM_FORMAT_PNG) cairo_scale(c->cr, 72.0 / dpi, 72.0 / dpi);
  *out = c;
  return BM_OK;
}

cairo_t *bm_canvas_cairo(bm_canvas *c) { return c->cr; }

bm_status bm_canvas_finish(bm_canvas *c, bm_error *err) {
  cairo_status_t cs = cairo_status(c->cr);
  bm_status st = BM_OK;
  if (cs != CAIRO_STATUS_SUCCESS)
    return bm_error_set(err, BM_ERR_INTERNAL, c->path, 0, 0, "drawing failed: %s",
                        cairo_status_to_string(cs));
  cairo_destroy(c->cr);
  c->cr = NULL;
  if (c->format == BM_FORMAT_PNG) {
    cairo_surface_flush(c->surface);
    st = bm_png_write(c->surface, c->f, err);
  } else {
    cairo_surface_finish(c->surface);
    if (c->write_failed || cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
      st = bm_error_set(err, BM_ERR_IO, c->path, 0, 0, "cannot write the output (disk full?)");
  }
  cairo_surface_destroy(c->surface);
  c->surface = NULL;
  if (!st && (fflush(c->f) != 0 || ferror(c->f)))
    st = bm_error_set(err, BM_ERR_IO, c->path, 0, 0, "cannot write the output: %s", strerror(errno));
  int rc = fclose(c->f);
  c->f = NULL;
  if (!st && rc != 0)
    st = bm_error_set(err, BM_ERR_IO, c->path, 0, 0, "cannot write the output: %s", strerror(errno));
  if (!st && rename(c->tmp, c->path) != 0)
    st = bm_error_set(err, BM_ERR_IO, c->path, 0, 0, "cannot move the finished map into place: %s",
                      strerror(errno));
  if (!st) {
    free(c->tmp);
    c->tmp = NULL; /* renamed: nothing to clean up */
  }
  return st;
}

void bm_canvas_destroy(bm_canvas *c) {
  if (!c) return;
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) {
    if (c->format != BM_FORMAT_PNG) cairo_surface_finish(c->surface);
    cairo_surface_destroy(c->surface);
  }
  if (c->f) fclose(c->f);
  if (c->tmp) remove(c->tmp);
  free(c->tmp);
  free(c->path);
  free(c);
}
