/* render/relief.h — shaded relief: a grid of elevations (or a ready hillshade) turned into
 * a translucent image over the land, and its painter.
 *
 * The shading is computed on the grid the warper made in the map's projection, so every
 * cell is the same size in metres (the view's metres per pixel): the slope needs no
 * z-factor for degrees, and a geographic DEM at 60°N shades like one at the equator.
 *
 * Multi-directional hillshade (Mark 1992, as gdaldem -multidirectional): four lights 45°
 * apart centred on the light's azimuth, each weighted by sin²(aspect - its azimuth), so
 * ridges parallel to the main light still show. Flat ground gets nothing (the land stays
 * its colour), slopes turned from the light a shadow, slopes facing it a highlight, each at
 * most the opacity; a hypsometric tint, when asked, goes under the shading.
 */
#ifndef BM_RENDER_RELIEF_H
#define BM_RENDER_RELIEF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/geom.h"
#include "render/backend.h"
#include "spec/style.h"

typedef struct {
  double opacity;            /* strongest shadow or highlight, 0..1 */
  double azimuth, altitude;  /* degrees: where the light comes from */
  bool tint;                 /* hypsometric tint under the shading */
  const bm_style *style;     /* relief colours and the tint ramp */
} bm_relief_look;

/* A computed relief: ARGB32 premultiplied (Cairo's layout), w x h, drawn at (0, 0) to
 * (draw_w, draw_h) output pixels. */
typedef struct {
  unsigned char *argb;
  int w, h, stride;
  double draw_w, draw_h;
} bm_relief;

/* The vertical exaggeration for cells of cell_m metres: 1 at 100 m and finer, growing with
 * the square root of the cell size (2.2 at 500 m, 3.2 at 1 km, 10 at 10 km), the usual way to
 * keep small-scale relief from going flat. */
double bm_relief_exaggeration(double cell_m);

/* Shades elevations (metres, NaN: none) on a grid of cell_m metre cells into r (allocated). */
bm_status bm_relief_from_dem(const float *elev, int w, int h, double cell_m,
                             const bm_relief_look *look, bm_relief *r, bm_error *err);
/* A ready hillshade (0 black .. max white, NaN: none): darker than white is shadow. */
bm_status bm_relief_from_shaded(const float *grey, int w, int h, double max,
                                const bm_relief_look *look, bm_relief *r, bm_error *err);
void bm_relief_free(bm_relief *r);

/* The relief over the land, masked to it: clipped to the land polygons, then the lakes
 * painted again over it so that water stays water. */
void bm_paint_relief(bm_backend *be, const bm_relief *r, const bm_geom *const *land, size_t nland,
                     const bm_geom *const *lakes, size_t nlakes, bm_color lake);

#endif
