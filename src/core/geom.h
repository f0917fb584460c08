/* core/geom.h — the geometry and box types every stage shares.
 *
 * A bm_geom is a flat list of x/y pairs cut into parts. For lines each part
 * is one polyline; for polygons each part is one ring (outer rings and holes
 * alike: painters fill with the even-odd rule, so holes and multi-polygons
 * need no extra structure). Coordinates are lon/lat degrees until proj/ turns
 * them into projected metres, then pixels. The geom owns its arrays; free
 * them with bm_geom_free.
 */
#ifndef BM_CORE_GEOM_H
#define BM_CORE_GEOM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  double minx, miny, maxx, maxy;
} bm_bbox;

typedef enum { BM_GEOM_NONE = 0, BM_GEOM_POINT, BM_GEOM_LINE, BM_GEOM_POLYGON } bm_geom_type;

typedef struct {
  bm_geom_type type;
  size_t npts, cap_pts;
  double *xy; /* 2 * npts doubles */
  size_t nparts, cap_parts;
  size_t *part; /* start index (in points) of each part; part[nparts] == npts when closed */
} bm_geom;

/* An empty box that any point will grow. */
bm_bbox bm_bbox_empty(void);
bool bm_bbox_is_empty(bm_bbox b);
void bm_bbox_add(bm_bbox *b, double x, double y);
bool bm_bbox_intersects(bm_bbox a, bm_bbox b);
bm_bbox bm_bbox_grow(bm_bbox b, double dx, double dy);

void bm_geom_init(bm_geom *g, bm_geom_type type);
void bm_geom_free(bm_geom *g);
/* Empties g, keeping its memory for reuse. */
void bm_geom_reset(bm_geom *g, bm_geom_type type);
/* Starts a new part; points added after it belong to it. Returns false on out of memory. */
bool bm_geom_begin_part(bm_geom *g);
bool bm_geom_add(bm_geom *g, double x, double y);
/* Number of points in part i. */
size_t bm_geom_part_len(const bm_geom *g, size_t i);
/* Pointer to the first x of part i. */
double *bm_geom_part_xy(const bm_geom *g, size_t i);
/* Drops parts with fewer than min_pts points. */
void bm_geom_drop_short_parts(bm_geom *g, size_t min_pts);
bm_bbox bm_geom_bbox(const bm_geom *g);
/* Deep copy; returns false on out of memory. */
bool bm_geom_copy(bm_geom *dst, const bm_geom *src);

/* Walks the box's outline as 4 * n points (8 * n doubles into pts): bottom
 * edge left to right, right edge upwards, top edge right to left, left edge
 * downwards, n points per edge. Used to project a box's true shape. */
void bm_bbox_outline(bm_bbox b, int n, double *pts);

/* lon moved by whole turns to within 180 degrees of ref; NaN and infinities
 * come back unchanged (a loop adding 360 would never end on them). */
double bm_lon_unwrap(double lon, double ref);

/* Even-odd point-in-polygon test over all of g's rings. */
bool bm_geom_contains(const bm_geom *g, double x, double y);

#endif
