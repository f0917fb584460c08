/* render/backend.h — the render backend interface: everything a painter may
 * draw with, and the backends that turn it into a file format.
 *
 * Painters (render/paint_*.c) never call Cairo or write SVG themselves: they
 * build a bm_path and call the backend's operations, so one computed map can be
 * painted once per output format. Modelled on MapServer's renderer vtable.
 *
 *   begin_layer/end_layer  a named group ("land", "labels" ...): an SVG
 *                          <g inkscape:groupmode="layer">; nothing in Cairo
 *   fill                   a path, even-odd rule, one colour
 *   stroke                 a path with width, dash, cap and join
 *   clip_push/clip_pop     restrict drawing to a path until the matching pop
 *   text                   a laid-out Pango text at its top-left, with a halo
 *   text_on_path           a one-line Pango text bent along a polyline
 *   image                  a raster (ARGB32, premultiplied, as Cairo's)
 *   finish                 completes the document and writes it to the sink
 *
 * Every operation returns a status; a failure also sticks in the backend, so a
 * painter may ignore the return values and finish reports the first failure.
 * Coordinates are output pixels (origin top-left, y down) whatever the format.
 * Ownership: a backend never keeps a pointer to a path, layout or image after
 * the call returns; the sink belongs to the caller and must outlive the backend.
 */
#ifndef BM_RENDER_BACKEND_H
#define BM_RENDER_BACKEND_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/geom.h"
#include "spec/style.h"

typedef enum { BM_FORMAT_PNG, BM_FORMAT_PDF, BM_FORMAT_SVG } bm_format;

/* Format from the file name's extension; false when it is not png, pdf or svg. */
bool bm_format_from_path(const char *path, bm_format *out);
/* Format from a name: "png", "pdf" or "svg"; false otherwise. */
bool bm_format_from_name(const char *name, bm_format *out);
const char *bm_format_name(bm_format f);

/* ---- where a backend's bytes go --------------------------------------- */

/* A file (f set) or a growing memory buffer (f NULL). A failed write sets
 * failed and later writes are dropped. Memory: data/len, freed by the caller. */
typedef struct {
  FILE *f;
  unsigned char *data;
  size_t len, cap;
  bool failed;
} bm_sink;

bool bm_sink_write(bm_sink *s, const void *data, size_t n);

/* ---- paths ------------------------------------------------------------- */

typedef enum {
  BM_PATH_MOVE,  /* x y */
  BM_PATH_LINE,  /* x y */
  BM_PATH_CURVE, /* x1 y1 x2 y2 x3 y3: a cubic Bezier from the current point */
  BM_PATH_ARC,   /* cx cy r a0 a1: clockwise (y down) from angle a0 to a1, radians;
                    joined to the current point by a line, as cairo_arc */
  BM_PATH_CLOSE  /* no values */
} bm_path_op;

/* A path in pixels: ops and their values in order. A failed allocation sets
 * oom and later additions are dropped (painting an incomplete path is then
 * skipped by the backends, and finish reports out of memory). */
typedef struct {
  bm_path_op *op;
  size_t nop, cap_op;
  double *v;
  size_t nv, cap_v;
  bool oom;
} bm_path;

void bm_path_init(bm_path *p);
void bm_path_reset(bm_path *p); /* empties it, keeping its memory */
void bm_path_free(bm_path *p);
void bm_path_move(bm_path *p, double x, double y);
void bm_path_line(bm_path *p, double x, double y);
void bm_path_curve(bm_path *p, double x1, double y1, double x2, double y2, double x3, double y3);
void bm_path_arc(bm_path *p, double cx, double cy, double r, double a0, double a1);
void bm_path_close(bm_path *p);
void bm_path_rect(bm_path *p, double x, double y, double w, double h);
/* Every part of g: polylines, or closed rings for polygons. */
void bm_path_geom(bm_path *p, const bm_geom *g);
/* Number of values each op takes. */
int bm_path_op_values(bm_path_op op);

/* ---- what the operations take ----------------------------------------- */

typedef enum { BM_CAP_BUTT, BM_CAP_ROUND, BM_CAP_SQUARE } bm_line_cap;
typedef enum { BM_JOIN_ROUND, BM_JOIN_MITER } bm_line_join;

typedef struct {
  bm_color color;
  double width;
  const double *dash; /* on/off lengths in pixels, ndash of them; NULL: solid */
  int ndash;
  bm_line_cap cap;
  bm_line_join join;
} bm_stroke;

/* Which part of a text a call paints. Labels are painted in two passes, every
 * halo first and then every glyph, so that no halo covers a glyph of another
 * label. A backend that keeps a text whole (SVG: one <text> per label, with its
 * halo) paints it in the glyph pass and nothing in the halo pass. */
typedef enum { BM_TEXT_PAINT_ALL = 0, BM_TEXT_PAINT_HALO, BM_TEXT_PAINT_GLYPHS } bm_text_paint;

/* A laid-out text whose layout box has its top-left at (x, y); halo_width > 0
 * strokes the glyph outlines with halo, twice that wide, under the text. */
typedef struct {
  PangoLayout *layout;
  double x, y;
  bm_color color;
  double halo_width;
  bm_color halo;
  const char *id; /* optional: an id for the text element (SVG) */
  bm_text_paint paint;
} bm_text_run;

/* A one-line text along the polyline path (npath points, x y pairs): the
 * layout's x runs along the line from arc length s0, its bottom 1 px above the
 * line (on the left of the direction of travel). */
typedef struct {
  PangoLayout *layout;
  const double *path;
  size_t npath;
  double s0;
  bm_color color;
  double halo_width;
  bm_color halo;
  const char *id;
  bm_text_paint paint;
} bm_text_path;

/* A raster drawn into the box (x, y, w, h) pixels; data is ARGB32 premultiplied
 * in native byte order (Cairo's CAIRO_FORMAT_ARGB32), pw x ph, stride bytes a row. */
typedef struct {
  const unsigned char *data;
  int pw, ph, stride;
  double x, y, w, h;
} bm_image;

typedef struct bm_backend bm_backend;

typedef struct {
  bm_status (*begin_layer)(bm_backend *b, const char *name);
  bm_status (*end_layer)(bm_backend *b);
  bm_status (*fill)(bm_backend *b, const bm_path *p, bm_color c);
  bm_status (*stroke)(bm_backend *b, const bm_path *p, const bm_stroke *s);
  bm_status (*clip_push)(bm_backend *b, const bm_path *p);
  bm_status (*clip_pop)(bm_backend *b);
  bm_status (*text)(bm_backend *b, const bm_text_run *t);
  bm_status (*text_on_path)(bm_backend *b, const bm_text_path *t);
  bm_status (*image)(bm_backend *b, const bm_image *im);
  /* Completes the document into the sink. err says why when it fails (also
   * for an earlier operation's failure). */
  bm_status (*finish)(bm_backend *b, bm_error *err);
  void (*destroy)(bm_backend *b);
} bm_backend_ops;

/* The common head of every backend. status: the first failure, BM_OK until then. */
struct bm_backend {
  const bm_backend_ops *ops;
  bm_status status;
  char message[256]; /* what failed, for finish */
  int width, height; /* pixels */
  /* Clipping costs each operation drawn under the clip, not the clip once: Cairo's PDF
   * surface writes the whole clip path again before every fill or stroke under it. */
  bool clip_per_operation;
};

/* Cairo: PNG (image surface, our deterministic encoder) or PDF (vector, fonts
 * embedded, fixed dates; dpi sets the page size). */
bm_status bm_backend_cairo_create(bm_format format, int width, int height, double dpi, bm_sink *out,
                                  bm_backend **be, bm_error *err);
/* A backend drawing only rows [y0, y1) of a PNG backend's image, in the same pixel
 * coordinates, so that bands of one map can be painted by several threads at once (each
 * band its own Cairo context; text must not be drawn in bands: Pango layouts are shared).
 * Call bm_backend_bands_begin on the PNG backend before painting any band and
 * bm_backend_bands_end after the last, before painting on it again. BM_ERR_USAGE for a
 * backend that is not PNG. Destroy a band with bm_be_destroy; finishing it does nothing. */
bm_status bm_backend_band(bm_backend *png, int y0, int y1, bm_backend **band, bm_error *err);
void bm_backend_bands_begin(bm_backend *png);
void bm_backend_bands_end(bm_backend *png);
/* The native SVG writer: one <g> per layer, live <text>, width/height in px. */
bm_status bm_backend_svg_create(int width, int height, bm_sink *out, bm_backend **be,
                                bm_error *err);
/* Either, by format. */
bm_status bm_backend_create(bm_format format, int width, int height, double dpi, bm_sink *out,
                            bm_backend **be, bm_error *err);

/* Records a failure in b (the first one wins) and returns its status. */
bm_status bm_backend_fail(bm_backend *b, bm_status st, const char *fmt, ...);

/* Shorthands painters use; each calls the operation if b has not failed. */
void bm_be_layer(bm_backend *b, const char *name);
void bm_be_end_layer(bm_backend *b);
void bm_be_fill(bm_backend *b, const bm_path *p, bm_color c);
void bm_be_stroke(bm_backend *b, const bm_path *p, const bm_stroke *s);
void bm_be_clip(bm_backend *b, const bm_path *p);
void bm_be_unclip(bm_backend *b);
void bm_be_text(bm_backend *b, const bm_text_run *t);
void bm_be_text_on_path(bm_backend *b, const bm_text_path *t);
bm_status bm_be_finish(bm_backend *b, bm_error *err);
void bm_be_destroy(bm_backend *b);

/* Writes an ARGB32 image (Cairo's layout, premultiplied) as an opaque RGB PNG:
 * zlib at a fast level, no time chunks, so the same pixels give the same bytes. */
bm_status bm_png_encode(const unsigned char *argb, int width, int height, int stride, bm_sink *out,
                        bm_error *err);

#endif
