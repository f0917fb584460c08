/* render/furniture.h — the map's furniture: title block and credit line.
 *
 * Laid out before labels are placed (its boxes are label obstacles), painted
 * last, over the map. Sizes come from the style, scaled by k (width / 1200).
 */
#ifndef BM_RENDER_FURNITURE_H
#define BM_RENDER_FURNITURE_H

#include <cairo.h>

#include "core/geom.h"
#include "spec/style.h"
#include "text/text.h"

#define BM_FURNITURE_MAX_BOXES 16

typedef struct {
  PangoLayout *title, *subtitle, *credit; /* owned */
  double pad, tx, ty, sy, cx, cy;
  bm_bbox boxes[BM_FURNITURE_MAX_BOXES]; /* areas labels must avoid, in pixels */
  int nboxes;
} bm_furniture;

/* title, subtitle, credit may be NULL; "Base map: Natural Earth" is always credited. */
void bm_furniture_layout(bm_furniture *f, bm_text *text, const bm_style *st, double k, int width,
                         int height, const char *title, const char *subtitle, const char *credit);
void bm_furniture_paint(const bm_furniture *f, cairo_t *cr, const bm_style *st, double k);
void bm_furniture_free(bm_furniture *f);

#endif
