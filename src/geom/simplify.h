/* geom/simplify.h — the last geometry steps before painting, in pixels:
 * simplify to the output resolution, and find where an area's label goes. */
#ifndef BM_GEOM_SIMPLIFY_H
#define BM_GEOM_SIMPLIFY_H

#include <stdbool.h>

#include "core/geom.h"

/* Drops vertices closer than tol pixels to the last kept one, in place.
 * Rings stay closed; parts that shrink below a drawable size are removed. */
void bm_geom_simplify(bm_geom *g, double tol);

/* Drops the vertices that lie within tol pixels of the line through the vertices kept
 * (Douglas-Peucker), in place: every dropped vertex is within tol of the result. Ends of
 * lines and the closing vertex of rings stay; rings straightened flat are removed. */
void bm_geom_straighten(bm_geom *g, double tol);

/* The label point of a polygon (pixels): the centre of the largest circle
 * inside its largest part (GEOS maximum inscribed circle, the pole of
 * inaccessibility), and that circle's radius. The rings inside that part are
 * its holes (lakes, enclaves): the circle keeps out of them. False when g has
 * no area. */
bool bm_geom_label_anchor(const bm_geom *g, double *x, double *y, double *radius);

/* Joins line parts that meet end to end (within tol pixels, either way
 * round) into longer polylines, into out: Natural Earth cuts rivers and
 * borders into many short pieces, too short to carry a label each. */
bool bm_geom_join_lines(const bm_geom *g, double tol, bm_geom *out);

/* Area of part i by the shoelace formula (absolute value). */
double bm_geom_ring_area(const bm_geom *g, size_t i);

#endif
