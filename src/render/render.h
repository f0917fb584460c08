/* render/render.h — the painters: everything the paint stage draws, grouped by
 * symbol kind, each drawing only through a render backend (render/backend.h).
 *
 * They take pixel-space geometry (already projected, clipped and simplified)
 * and a style; `k` scales style sizes (given at 1200 px width). None keeps a
 * pointer to what it is given.
 */
#ifndef BM_RENDER_RENDER_H
#define BM_RENDER_RENDER_H

#include <stdbool.h>

#include "core/geom.h"
#include "label/label.h"
#include "layout/furniture.h"
#include "render/backend.h"
#include "spec/spec.h"
#include "spec/style.h"
#include "text/text.h"

/* ---- geometry (paint_geom.c) -------------------------------------------- */

/* g filled with the even-odd rule. */
void bm_paint_fill(bm_backend *be, const bm_geom *g, bm_color fill);
/* g stroked with round joins; round caps unless dashed. */
void bm_paint_stroke(bm_backend *be, const bm_geom *g, bm_color color, double width,
                     const double *dash, int ndash);
/* A route's line with an arrowhead at its end. */
void bm_paint_route(bm_backend *be, const bm_geom *line, bm_color color, double width,
                    bm_dash_kind dash, bool arrow, double k);
/* An area hatched with diagonal lines or filled, with an outline. */
void bm_paint_area(bm_backend *be, const bm_geom *area, bm_color color, bool hatch, double k);

/* ---- point symbols (paint_symbol.c) ------------------------------------- */

/* A site's symbol, centred on (x, y), size in pixels. */
void bm_paint_site_symbol(bm_backend *be, bm_site_kind kind, double x, double y, double size,
                          const bm_style *st);
/* A populated place: a dot, or a dot in a ring for a capital. */
void bm_paint_place_dot(bm_backend *be, double x, double y, bool capital, double k,
                        const bm_style *st);
/* A callout's marker: a disc with its number or letter. */
void bm_paint_callout(bm_backend *be, bm_text *text, const char *marker, double x, double y,
                      const bm_style *st, double k);
/* The north arrow at (x, y), turned angle radians clockwise from up. */
void bm_paint_north_arrow(bm_backend *be, double x, double y, double angle, double k,
                          const bm_style *st);
/* A legend swatch for an item, centred on (x, y), about size pixels. */
void bm_paint_legend_swatch(bm_backend *be, bm_text *text, const bm_legend_item *it, double x,
                            double y, double size, const bm_style *st, double k);

/* ---- text (paint_text.c) ------------------------------------------------ */

/* A laid-out text at (x, y) top-left, with a halo of halo_w pixels (0 for none). */
void bm_paint_text(bm_backend *be, PangoLayout *layout, double x, double y, bm_color color,
                   double halo_w, bm_color halo);
/* Placed labels with halos and leaders; debug_boxes adds every candidate box
 * (grey) and the placed boxes (blue). */
void bm_paint_labels(bm_backend *be, const bm_labeler *lb, double k, const bm_style *st,
                     bool debug_boxes);

/* ---- furniture (paint_furniture.c) -------------------------------------- */

void bm_paint_graticule_labels(bm_backend *be, const bm_furniture *f, const bm_style *st);
/* Inset, legend and panel, scale bar, north arrow, title block and credit,
 * each in its own layer. */
void bm_paint_furniture(bm_backend *be, const bm_furniture *f, const bm_style *st);

#endif
