/* render/cairo_backend.c — the Cairo backend: PNG (an image surface written by
 * our deterministic encoder) and PDF (vector, fonts embedded, fixed dates).
 *
 * Layers: Cairo 1.16 (Debian 12) has no API for PDF optional-content groups,
 * so begin_layer/end_layer draw nothing here; the SVG writer names its layers. */
#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "label/label.h"
#include "render/backend.h"
#include "text/text.h"

typedef struct {
  bm_backend base;
  bm_format format;
  bm_sink *out;
  cairo_surface_t *surface;
  cairo_t *cr;
} cairo_be;

static cairo_be *cb(bm_backend *b) { return (cairo_be *)b; }

static void set_color(cairo_t *cr, bm_color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

static void set_path(cairo_t *cr, const bm_path *p) {
  cairo_new_path(cr);
  const double *v = p->v;
  for (size_t i = 0; i < p->nop; i++) {
    switch (p->op[i]) {
    case BM_PATH_MOVE: cairo_move_to(cr, v[0], v[1]); break;
    case BM_PATH_LINE: cairo_line_to(cr, v[0], v[1]); break;
    case BM_PATH_CURVE: cairo_curve_to(cr, v[0], v[1], v[2], v[3], v[4], v[5]); break;
    case BM_PATH_ARC: cairo_arc(cr, v[0], v[1], v[2], v[3], v[4]); break;
    case BM_PATH_CLOSE: cairo_close_path(cr); break;
    }
    v += bm_path_op_values(p->op[i]);
  }
}

static bm_status check(bm_backend *b) {
  cairo_status_t cs = cairo_status(cb(b)->cr);
  if (cs != CAIRO_STATUS_SUCCESS)
    return bm_backend_fail(b, BM_ERR_INTERNAL, "drawing failed: %s", cairo_status_to_string(cs));
  return BM_OK;
}

static bm_status layer_noop(bm_backend *b, const char *name) {
  (void)name;
  return b->status;
}
static bm_status end_layer_noop(bm_backend *b) { return b->status; }

static bm_status fill(bm_backend *b, const bm_path *p, bm_color c) {
  cairo_t *cr = cb(b)->cr;
  set_path(cr, p);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  set_color(cr, c);
  cairo_fill(cr);
  return check(b);
}

static bm_status stroke(bm_backend *b, const bm_path *p, const bm_stroke *s) {
  static const cairo_line_cap_t caps[] = {CAIRO_LINE_CAP_BUTT, CAIRO_LINE_CAP_ROUND,
                                          CAIRO_LINE_CAP_SQUARE};
  cairo_t *cr = cb(b)->cr;
  set_path(cr, p);
  set_color(cr, s->color);
  cairo_set_line_width(cr, s->width);
  cairo_set_line_cap(cr, caps[s->cap]);
  cairo_set_line_join(cr, s->join == BM_JOIN_MITER ? CAIRO_LINE_JOIN_MITER : CAIRO_LINE_JOIN_ROUND);
  cairo_set_dash(cr, s->dash, s->dash ? s->ndash : 0, 0);
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  return check(b);
}

static bm_status clip_push(bm_backend *b, const bm_path *p) {
  cairo_t *cr = cb(b)->cr;
  cairo_save(cr);
  set_path(cr, p);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_clip(cr);
  return check(b);
}

static bm_status clip_pop(bm_backend *b) {
  cairo_restore(cb(b)->cr);
  return check(b);
}

static bm_status text(bm_backend *b, const bm_text_run *t) {
  cairo_t *cr = cb(b)->cr;
  cairo_new_path(cr);
  cairo_move_to(cr, t->x, t->y);
  if (t->halo_width > 0 && t->paint != BM_TEXT_PAINT_GLYPHS) {
    pango_cairo_layout_path(cr, t->layout);
    set_color(cr, t->halo);
    cairo_set_line_width(cr, 2 * t->halo_width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, t->x, t->y);
  }
  if (t->paint != BM_TEXT_PAINT_HALO) {
    set_color(cr, t->color);
    pango_cairo_show_layout(cr, t->layout);
  }
  cairo_new_path(cr);
  return check(b);
}

/* The layout's outline, shaped as a whole (so joined scripts stay joined),
 * bent point by point onto the path: x becomes arc length from s0, y the
 * distance above the line. */
static bm_status text_on_path(bm_backend *b, const bm_text_path *t) {
  cairo_t *cr = cb(b)->cr;
  double w, h;
  bm_text_size(t->layout, &w, &h);
  cairo_new_path(cr);
  cairo_move_to(cr, 0, 0);
  pango_cairo_layout_path(cr, t->layout);
  cairo_path_t *flat = cairo_copy_path_flat(cr);
  cairo_new_path(cr);
  for (int i = 0; i < flat->num_data; i += flat->data[i].header.length) {
    cairo_path_data_t *d = &flat->data[i];
    if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
      cairo_close_path(cr);
      continue;
    }
    double x = d[1].point.x, y = d[1].point.y, px, py, a;
    bm_polyline_at(t->path, t->npath, t->s0 + x, &px, &py, &a);
    double up = h + 1 - y;
    double X = px + sin(a) * up, Y = py - cos(a) * up;
    if (d->header.type == CAIRO_PATH_MOVE_TO)
      cairo_move_to(cr, X, Y);
    else
      cairo_line_to(cr, X, Y);
  }
  cairo_path_destroy(flat);
  if (t->halo_width > 0 && t->paint != BM_TEXT_PAINT_GLYPHS) {
    set_color(cr, t->halo);
    cairo_set_line_width(cr, 2 * t->halo_width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
  }
  if (t->paint != BM_TEXT_PAINT_HALO) {
    set_color(cr, t->color);
    cairo_fill(cr);
  }
  cairo_new_path(cr);
  return check(b);
}

static bm_status image(bm_backend *b, const bm_image *im) {
  cairo_t *cr = cb(b)->cr;
  cairo_surface_t *s = cairo_image_surface_create_for_data(
      (unsigned char *)im->data, CAIRO_FORMAT_ARGB32, im->pw, im->ph, im->stride);
  cairo_save(cr);
  cairo_translate(cr, im->x, im->y);
  cairo_scale(cr, im->w / im->pw, im->h / im->ph);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(s);
  return check(b);
}

static bm_status finish(bm_backend *b, bm_error *err) {
  cairo_be *c = cb(b);
  if (!b->status) check(b);
  if (b->status) return bm_error_set(err, b->status, NULL, 0, 0, "%s", b->message);
  cairo_destroy(c->cr);
  c->cr = NULL;
  bm_status st = BM_OK;
  if (c->format == BM_FORMAT_PNG) {
    cairo_surface_flush(c->surface);
    st = bm_png_encode(cairo_image_surface_get_data(c->surface), b->width, b->height,
                       cairo_image_surface_get_stride(c->surface), c->out, err);
  } else {
    cairo_surface_finish(c->surface);
    if (c->out->failed || cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
      st = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "cannot write the output (disk full?)");
  }
  return st;
}

static void destroy(bm_backend *b) {
  cairo_be *c = cb(b);
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) {
    if (c->format != BM_FORMAT_PNG) cairo_surface_finish(c->surface);
    cairo_surface_destroy(c->surface);
  }
  free(c);
}

static const bm_backend_ops cairo_ops = {layer_noop, end_layer_noop, fill,   stroke,
                                         clip_push,  clip_pop,       text,   text_on_path,
                                         image,      finish,         destroy};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len) {
  return bm_sink_write(closure, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

bm_status bm_backend_cairo_create(bm_format format, int width, int height, double dpi, bm_sink *out,
                                  bm_backend **be, bm_error *err) {
  *be = NULL;
  cairo_be *c = calloc(1, sizeof *c);
  if (!c) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  c->base = (bm_backend){.ops = &cairo_ops, .width = width, .height = height};
  c->format = format;
  c->out = out;
  if (format == BM_FORMAT_PNG) {
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  } else {
    c->surface =
        cairo_pdf_surface_create_for_stream(write_cb, out, width * 72.0 / dpi, height * 72.0 / dpi);
    /* fixed dates: the same map gives the same bytes */
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "bordermap " BM_VERSION);
  }
  if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
    destroy(&c->base);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "cannot create a %dx%d drawing surface",
                        width, height);
  }
  c->cr = cairo_create(c->surface);
  /* draw in pixels whatever the page unit is */
  if (format != BM_FORMAT_PNG) cairo_scale(c->cr, 72.0 / dpi, 72.0 / dpi);
  cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD);
  *be = &c->base;
  return BM_OK;
}

static bm_status band_finish(bm_backend *b, bm_error *err) {
  if (!b->status) check(b);
  if (b->status) return bm_error_set(err, b->status, NULL, 0, 0, "%s", b->message);
  return BM_OK;
}

static void band_destroy(bm_backend *b) {
  cairo_be *c = cb(b);
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) cairo_surface_destroy(c->surface); /* the pixels are the PNG's */
  free(c);
}

static const bm_backend_ops band_ops = {layer_noop, end_layer_noop, fill,      stroke,
                                        clip_push,  clip_pop,       text,      text_on_path,
                                        image,      band_finish,    band_destroy};

bm_status bm_backend_band(bm_backend *png, int y0, int y1, bm_backend **band, bm_error *err) {
  *band = NULL;
  if (png->ops != &cairo_ops || cb(png)->format != BM_FORMAT_PNG || y0 < 0 || y1 > png->height ||
      y0 >= y1)
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "bands are for PNG output");
  cairo_surface_t *full = cb(png)->surface;
  int stride = cairo_image_surface_get_stride(full);
  cairo_be *c = calloc(1, sizeof *c);
  if (!c) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  c->base = (bm_backend){.ops = &band_ops, .width = png->width, .height = png->height};
  c->format = BM_FORMAT_PNG;
  c->surface = cairo_image_surface_create_for_data(cairo_image_surface_get_data(full) +
                                                       (size_t)y0 * stride,
                                                   CAIRO_FORMAT_ARGB32, png->width, y1 - y0,
                                                   stride);
  /* the band's first row is the image's row y0: painters keep the image's coordinates */
  cairo_surface_set_device_offset(c->surface, 0, -y0);
  c->cr = cairo_create(c->surface);
  cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    band_destroy(&c->base);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "cannot create a drawing band");
  }
  *band = &c->base;
  return BM_OK;
}

void bm_backend_bands_begin(bm_backend *png) {
  if (png->ops == &cairo_ops) cairo_surface_flush(cb(png)->surface);
}

void bm_backend_bands_end(bm_backend *png) {
  if (png->ops == &cairo_ops) cairo_surface_mark_dirty(cb(png)->surface);
}

bm_status bm_backend_create(bm_format format, int width, int height, double dpi, bm_sink *out,
                            bm_backend **be, bm_error *err) {
  if (format == BM_FORMAT_SVG) return bm_backend_svg_create(width, height, out, be, err);
  return bm_backend_cairo_create(format, width, height, dpi, out, be, err);
}
