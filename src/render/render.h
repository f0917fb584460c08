/* render/render.h — drawing the map with Cairo and writing the file.
 *
 * A bm_canvas is one output file being drawn: PNG (Cairo image surface,
 * written by our own encoder: zlib at a fast level, no timestamps), PDF
 * (vector, fonts embedded, fixed creation date) or SVG. The file is written
 * atomically: bm_canvas_create opens a temp file in the output's folder (so an
 * unwritable folder fails before any drawing), bm_canvas_finish checks it and
 * renames it into place. bm_canvas_destroy without finish removes the temp
 * file, so a failed map leaves no file and an older file at the path survives.
 *
 * The painters draw pixel-space geometry (already projected, clipped and
 * simplified) with a style; `k` scales style sizes (given at 1200 px width).
 */
#ifndef BM_RENDER_RENDER_H
#define BM_RENDER_RENDER_H

#include <cairo.h>
#include <stdbool.h>

#include "core/error.h"
#include "core/geom.h"
#include "label/label.h"
#include "render/backend.h"
#include "spec/spec.h"
#include "spec/style.h"


typedef struct bm_canvas bm_canvas;

bm_status bm_canvas_create(const char *path, int width, int height, double dpi, bm_canvas **out,
                           bm_error *err);
cairo_t *bm_canvas_cairo(bm_canvas *c);
/* Finishes drawing and writes the temp file (bm_canvas_close), then renames it
 * into place (bm_canvas_rename); bm_canvas_finish does both. Splitting them lets
 * the pipeline check every file it writes before putting any in place. */
bm_status bm_canvas_close(bm_canvas *c, bm_error *err);
bm_status bm_canvas_rename(bm_canvas *c, bm_error *err);
bm_status bm_canvas_finish(bm_canvas *c, bm_error *err);
void bm_canvas_destroy(bm_canvas *c);

/* Writes an ARGB32 Cairo image surface as an opaque RGB PNG to f. */
bm_status bm_png_write(cairo_surface_t *img, FILE *f, bm_error *err);

/* ---- painters --------------------------------------------------------- */

void bm_paint_fill(cairo_t *cr, const bm_geom *g, bm_color fill);
void bm_paint_stroke(cairo_t *cr, const bm_geom *g, bm_color color, double width,
                     const double *dash, int ndash);
/* A site's symbol, centred on (x, y), size in pixels. */
void bm_paint_site_symbol(cairo_t *cr, bm_site_kind kind, double x, double y, double size,
                          const bm_style *st);
/* A populated place: a dot, or a dot in a ring for a capital. */
void bm_paint_place_dot(cairo_t *cr, double x, double y, bool capital, double k,
                        const bm_style *st);
/* Placed labels with halos. */
void bm_paint_labels(cairo_t *cr, const bm_labeler *lb, double k, const bm_style *st,
                     bool debug_boxes);
/* A laid-out text at (x, y) top-left, with a halo of halo_w pixels (0 for none). */
void bm_paint_text(cairo_t *cr, PangoLayout *layout, double x, double y, bm_color color,
                   double halo_w, bm_color halo);

#endif
