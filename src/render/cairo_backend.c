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
  int band_y0, band_y1; /* a band's rows of the image (0, 0 when not a band) */
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

/* Does what p paints, spread by margin pixels, miss the band's rows? Then the band skips
 * it: Cairo would paint nothing there, but building, stroking and culling a path it is
 * given costs each band as much as if it lay inside (a world map's bands: a third of
 * their time). */
static bool misses_band(const cairo_be *c, const bm_path *p, double margin) {
  if (c->band_y0 == c->band_y1) return false;
  double lo = c->band_y0 - margin, hi = c->band_y1 + margin;
  const double *v = p->v;
  for (size_t i = 0; i < p->nop; i++) {
    switch (p->op[i]) {
    case BM_PATH_MOVE:
    case BM_PATH_LINE:
      if (v[1] >= lo && v[1] <= hi) return false;
      break;
    case BM_PATH_CURVE: /* the curve lies in its control points' hull */ return false;
    case BM_PATH_ARC:
      if (v[1] + v[2] >= lo && v[1] - v[2] <= hi) return false;
      break;
    case BM_PATH_CLOSE: break;
    }
    v += bm_path_op_values(p->op[i]);
  }
  /* every point is above or below the band, but a segment may cross it */
  v = p->v;
  int side = 0;
  for (size_t i = 0; i < p->nop; i++) {
    if (p->op[i] == BM_PATH_MOVE || p->op[i] == BM_PATH_LINE || p->op[i] == BM_PATH_ARC) {
      int s = v[1] < lo ? -1 : 1;
      if (side && s != side) return false;
      side = s;
    }
    v += bm_path_op_values(p->op[i]);
  }
  return true;
}

static bm_status fill(bm_backend *b, const bm_path *p, bm_color c) {
  cairo_t *cr = cb(b)->cr;
  if (misses_band(cb(b), p, 1)) return b->status;
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
  /* a stroke reaches past its path by half its width (round and butt), 0.71 of it (square
   * caps' corners), up to 5 widths (mitre joins at Cairo's default limit of 10) */
  if (misses_band(cb(b), p, (s->join == BM_JOIN_MITER ? 5 : 1) * s->width + 1)) return b->status;
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

/* ---- halos on a PNG ---------------------------------------------------------------
 * Stroking every glyph outline with a wide round-joined pen is the slowest thing Cairo does
 * on our maps (on the story map it was 63% of painting the labels). On a PNG a halo is
 * instead grown from the glyphs' coverage: the glyphs are drawn into a small mask, and a
 * pixel gets the halo when some glyph pixel lies within the halo's width of it. With the
 * edge pixels' coverage taken as their distance to the outline (a pixel c covered lies
 * 0.5 - c inside it), the result is the stroked halo's coverage, antialiased, for straight
 * edges exactly and within a few tenths of a pixel elsewhere. PDF and SVG keep stroked
 * (editable) halos, and so do halos wider than GROW_MAX. */

/* Coverage of the halo of width r around the glyph coverage g (w x h A8, stride gs), into
 * out (w x h A8, stride os): the largest r - |q| + g(p + q) over the offsets q with
 * |q| < r + 1 and a glyph pixel (g > 0) at p + q, in 1/255ths of a pixel (16-bit lanes, so
 * that the compiler can do eight or sixteen pixels at once). */
enum { LANES = 16 };
static void grow_halo(const unsigned char *g, int gs, unsigned char *out, int os, int w, int h,
                      double r) {
  const short none = -30000; /* no glyph: below any halo (r is at most GROW_MAX) */
  int R = (int)ceil(r + 1), wb = (w + LANES - 1) / LANES * LANES;
  size_t pw = (size_t)wb + 2 * R; /* a padded row: R each side */
  short *acc = malloc((size_t)wb * sizeof *acc);
  short *rows = malloc((size_t)h * pw * sizeof *rows); /* g, none where no glyph is */
  short *lift = malloc((size_t)(2 * R + 1) * (2 * R + 1) * sizeof *lift);
  bool *inked = calloc((size_t)h, sizeof *inked);
  if (!acc || !rows || !lift || !inked) goto done;
  for (int dy = -R; dy <= R; dy++) /* r - |q|, or none beyond the halo */
    for (int dx = -R; dx <= R; dx++) {
      double d = hypot(dx, dy);
      lift[(dy + R) * (2 * R + 1) + dx + R] = d < r + 1 ? (short)lrint(255 * (r - d)) : none;
    }
  for (int y = 0; y < h; y++) {
    const unsigned char *src = g + (size_t)y * gs;
    short *row = rows + (size_t)y * pw + R;
    for (int x = -R; x < wb + R; x++) {
      row[x] = x >= 0 && x < w && src[x] ? src[x] : none;
      inked[y] |= row[x] != none;
    }
  }
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < wb; x++)
      acc[x] = 0;
    for (int dy = -R; dy <= R; dy++) {
      int sy = y + dy;
      if (sy < 0 || sy >= h || !inked[sy]) continue;
      const short *row = rows + (size_t)sy * pw + R;
      for (int dx = -R; dx <= R; dx++) {
        short t = lift[(dy + R) * (2 * R + 1) + dx + R];
        if (t == none) continue;
        const short *restrict s = row + dx;
        short *restrict a = acc;
        for (int xb = 0; xb < wb; xb += LANES)
          for (int k = 0; k < LANES; k++) {
            short v = (short)(t + s[xb + k]);
            a[xb + k] = v > a[xb + k] ? v : a[xb + k];
          }
      }
    }
    unsigned char *o = out + (size_t)y * os;
    for (int x = 0; x < w; x++)
      o[x] = (unsigned char)(acc[x] < 0 ? 0 : acc[x] > 255 ? 255 : acc[x]);
  }
done:
  free(acc);
  free(rows);
  free(lift);
  free(inked);
}

/* Paints the halo of the glyphs that draw() draws into a mask whose device pixel (0, 0) is
 * the image's pixel (x0, y0), over the box x0, y0, w, h (the glyphs' ink grown by the
 * halo). */
typedef void (*glyph_painter)(cairo_t *mask, const void *arg);

static void png_halo(cairo_t *cr, int x0, int y0, int x1, int y1, double r, bm_color color,
                     glyph_painter draw, const void *arg) {
  int W = cairo_image_surface_get_width(cairo_get_target(cr));
  int H = cairo_image_surface_get_height(cairo_get_target(cr));
  x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
  x1 = x1 > W ? W : x1, y1 = y1 > H ? H : y1;
  if (x0 >= x1 || y0 >= y1) return;
  int w = x1 - x0, h = y1 - y0;
  cairo_surface_t *glyphs = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
  cairo_surface_t *halo = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
  cairo_t *m = cairo_create(glyphs);
  cairo_translate(m, -x0, -y0);
  draw(m, arg);
  cairo_destroy(m);
  cairo_surface_flush(glyphs);
  cairo_surface_flush(halo);
  grow_halo(cairo_image_surface_get_data(glyphs), cairo_image_surface_get_stride(glyphs),
            cairo_image_surface_get_data(halo), cairo_image_surface_get_stride(halo), w, h, r);
  cairo_surface_mark_dirty(halo);
  set_color(cr, color);
  cairo_mask_surface(cr, halo, x0, y0);
  cairo_surface_destroy(glyphs);
  cairo_surface_destroy(halo);
}

static void draw_layout(cairo_t *m, const void *arg) {
  const bm_text_run *t = arg;
  cairo_move_to(m, t->x, t->y);
  pango_cairo_show_layout(m, t->layout);
}

static void draw_path(cairo_t *m, const void *arg) {
  cairo_append_path(m, arg);
  cairo_set_fill_rule(m, CAIRO_FILL_RULE_WINDING);
  cairo_fill(m);
}

/* Is this halo grown (on a PNG's whole image, not a band or a PDF page)? Growing costs
 * the square of the width per pixel, stroking the outline's length: measured with
 * callgrind, growing is 3x cheaper at 3.5 px (the story map's labels), stroking 2.3x
 * cheaper at 10 to 15 px (a world map at 7000 px); wider halos than GROW_MAX are
 * stroked. */
#define GROW_MAX 6.0
static bool grows_halo(bm_backend *b, double width);

static bm_status text(bm_backend *b, const bm_text_run *t) {
  cairo_t *cr = cb(b)->cr;
  cairo_new_path(cr);
  if (t->halo_width > 0 && t->paint != BM_TEXT_PAINT_GLYPHS) {
    if (grows_halo(b, t->halo_width)) {
      PangoRectangle ink;
      pango_layout_get_pixel_extents(t->layout, &ink, NULL);
      int R = (int)ceil(t->halo_width + 1);
      int x0 = (int)floor(t->x) + ink.x - R, y0 = (int)floor(t->y) + ink.y - R;
      png_halo(cr, x0, y0, x0 + ink.width + 2 * R + 1, y0 + ink.height + 2 * R + 1, t->halo_width,
               t->halo, draw_layout, t);
    } else {
      cairo_move_to(cr, t->x, t->y);
      pango_cairo_layout_path(cr, t->layout);
      set_color(cr, t->halo);
      cairo_set_line_width(cr, 2 * t->halo_width);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke(cr);
    }
  }
  if (t->paint != BM_TEXT_PAINT_HALO) {
    cairo_move_to(cr, t->x, t->y);
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
  bm_polyline_walk along;
  if (!bm_polyline_walk_init(&along, t->path, t->npath)) {
    bm_polyline_walk_free(&along);
    cairo_path_destroy(flat);
    return bm_backend_fail(b, BM_ERR_NOMEM, "out of memory (text along a line)");
  }
  for (int i = 0; i < flat->num_data; i += flat->data[i].header.length) {
    cairo_path_data_t *d = &flat->data[i];
    if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
      cairo_close_path(cr);
      continue;
    }
    double x = d[1].point.x, y = d[1].point.y, px, py, a;
    bm_polyline_walk_at(&along, t->s0 + x, &px, &py, &a);
    double up = h + 1 - y;
    double X = px + sin(a) * up, Y = py - cos(a) * up;
    if (d->header.type == CAIRO_PATH_MOVE_TO)
      cairo_move_to(cr, X, Y);
    else
      cairo_line_to(cr, X, Y);
  }
  bm_polyline_walk_free(&along);
  cairo_path_destroy(flat);
  if (t->halo_width > 0 && t->paint != BM_TEXT_PAINT_GLYPHS) {
    if (grows_halo(b, t->halo_width)) {
      double ex0, ey0, ex1, ey1;
      cairo_path_extents(cr, &ex0, &ey0, &ex1, &ey1);
      cairo_path_t *bent = cairo_copy_path(cr);
      int R = (int)ceil(t->halo_width + 1);
      png_halo(cr, (int)floor(ex0) - R, (int)floor(ey0) - R, (int)ceil(ex1) + R + 1,
               (int)ceil(ey1) + R + 1, t->halo_width, t->halo, draw_path, bent);
      cairo_path_destroy(bent);
    } else {
      set_color(cr, t->halo);
      cairo_set_line_width(cr, 2 * t->halo_width);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve(cr);
    }
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

static bool grows_halo(bm_backend *b, double width) {
  return b->ops == &cairo_ops && cb(b)->format == BM_FORMAT_PNG && width <= GROW_MAX;
}

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
  c->base.clip_per_operation = format == BM_FORMAT_PDF;
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

static const bm_backend_ops band_ops = {layer_noop, end_layer_noop, fill,        stroke,
                                        clip_push,  clip_pop,       text,        text_on_path,
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
  c->band_y0 = y0, c->band_y1 = y1;
  c->surface =
      cairo_image_surface_create_for_data(cairo_image_surface_get_data(full) + (size_t)y0 * stride,
                                          CAIRO_FORMAT_ARGB32, png->width, y1 - y0, stride);
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
