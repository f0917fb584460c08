/* geom/clip.h — cutting geometry to a box: our own Sutherland-Hodgman and
 * Liang-Barsky code, used by proj/ (antimeridian cut) and by the project stage
 * (cutting pixel geometry to the frame). Pure geometry: no library below it. */
#ifndef BM_GEOM_CLIP_H
#define BM_GEOM_CLIP_H

#include <stdbool.h>

#include "core/geom.h"

/* Clips g to the box r into out (out is reset first; g and out must differ).
 * Polygons: Sutherland-Hodgman per ring, so cut edges run along r's sides:
 * callers clip to a box a little larger than what is seen, so those edges stay
 * out of sight. It copes with unclosed, self-touching or otherwise invalid rings,
 * which Natural Earth has and GEOS would refuse. Lines are split where they
 * leave r. Points outside r are dropped. Returns false on out of memory. */
bool bm_geom_clip_rect(const bm_geom *g, bm_bbox r, bm_geom *out);

#endif
