/* geom/antimeridian.h — joining polygon pieces that a data set cut at the
 * antimeridian. Natural Earth cuts every polygon that crosses 180 degrees into
 * a piece on each side (provinces at +-179.9, so the pieces do not even touch);
 * stroking their outlines would draw a false border along the meridian. */
#ifndef BM_GEOM_ANTIMERIDIAN_H
#define BM_GEOM_ANTIMERIDIAN_H

#include <stdbool.h>

#include "core/geom.h"

/* A vertex this close to +-180 (degrees) lies on a data set's cut. */
#define BM_ANTIMERIDIAN_CUT 179.89

/* True when lon/lat polygon g has rings on both sides of a cut at the
 * antimeridian (vertices within BM_ANTIMERIDIAN_CUT..180 east and west). */
bool bm_geom_cut_at_antimeridian(const bm_geom *g);

/* Joins the pieces of lon/lat polygon g cut at the antimeridian, in place:
 * vertices on the cut are moved onto 180, the western pieces are moved a whole
 * turn east (so their longitudes run past 180), and the touching pieces are
 * merged with a GEOS union. Rings that do not touch the cut are kept as they
 * are. g is left unchanged when it has no such cut or GEOS cannot merge the
 * pieces. Returns false on out of memory only. */
bool bm_geom_join_antimeridian(bm_geom *g);

#endif
