#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/util.h"
#include "render/render.h"

struct bm_canvas {
  bm_format format;
  bm_atomic out;
  cairo_surface_t *surface;
  cairo_t *cr;
  bool write_failed;
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len) {
  bm_canvas *c = closure;
  if (fwrite(data, 1, len, c->out.f) != len) {
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
  bm_status st = bm_atomic_open(&c->out, path, err);
  if (st) {
    free(c);
    return st;
  }
  double pt_w = width * 72.0 / dpi, pt_h = height * 72.0 / dpi;
  switch (c->format) {
  case BM_FORMAT_PNG:
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    break;
  case BM_FORMAT_PDF:
    c->surface = cairo_pdf_surface_create_for_stream(write_cb, c, pt_w, pt_h);
    /* fixed dates: the same map gives the same bytes */
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2000-01-01T00:00:00Z");
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

bm_status bm_canvas_close(bm_canvas *c, bm_error *err) {
  cairo_status_t cs = cairo_status(c->cr);
  if (cs != CAIRO_STATUS_SUCCESS)
    return bm_error_set(err, BM_ERR_INTERNAL, c->out.path, 0, 0, "drawing failed: %s",
                        cairo_status_to_string(cs));
  bm_status st = BM_OK;
  cairo_destroy(c->cr);
  c->cr = NULL;
  if (c->format == BM_FORMAT_PNG) {
    cairo_surface_flush(c->surface);
    st = bm_png_write(c->surface, c->out.f, err);
  } else {
    cairo_surface_finish(c->surface);
    if (c->write_failed || cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
      st = bm_error_set(err, BM_ERR_IO, c->out.path, 0, 0, "cannot write the output (disk full?)");
  }
  cairo_surface_destroy(c->surface);
  c->surface = NULL;
  return st ? st : bm_atomic_close(&c->out, err);
}

bm_status bm_canvas_rename(bm_canvas *c, bm_error *err) { return bm_atomic_rename(&c->out, err); }

bm_status bm_canvas_finish(bm_canvas *c, bm_error *err) {
  bm_status st = bm_canvas_close(c, err);
  return st ? st : bm_canvas_rename(c, err);
}

void bm_canvas_destroy(bm_canvas *c) {
  if (!c) return;
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) {
    if (c->format != BM_FORMAT_PNG) cairo_surface_finish(c->surface);
    cairo_surface_destroy(c->surface);
  }
  bm_atomic_abort(&c->out);
  free(c);
}
