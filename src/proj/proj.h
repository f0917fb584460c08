/* proj/proj.h — map projection, the view (map frame <-> projected metres <->
 * pixels) and geodesics. Everything goes through PROJ; nothing here does its
 * own trigonometry for a CRS or a distance.
 *
 * A bm_proj owns its PJ_CONTEXT (no global state) and one lon/lat -> map CRS
 * transform, always in lon/lat axis order. bm_view fixes how the map's extent
 * fills the frame: which lon/lat box to read data for, and where a projected
 * point lands in pixels.
 */
#ifndef BM_PROJ_PROJ_H
#define BM_PROJ_PROJ_H

#include <stddef.h>

#include "core/error.h"
#include "core/geom.h"

typedef struct bm_proj bm_proj;

/* The PROJ string 'auto' picks for a lon/lat extent (longitudes may run past
 * 180 for an extent across the antimeridian), in this order:
 *  - polar: the extent comes within 10 degrees of a pole (north edge >= 80N
 *    with the south edge north of the equator, or the mirror image): a
 *    Lambert azimuthal equal-area centred on that pole, lon_0 the extent's
 *    middle longitude (so that meridian points up the map);
 *  - world: wider than 200 degrees or taller than 120: Equal Earth, centred
 *    on the extent's middle longitude;
 *  - wide mid-latitude area (wider than 1.3 x its height, centre beyond 15
 *    degrees from the equator): Albers equal-area conic, standard parallels
 *    at 1/6 and 5/6 of its height;
 *  - anything else: Lambert azimuthal equal-area centred on the extent.
 * All are equal-area; for regional extents (up to about 3000 km across) the
 * shape distortion stays under 10% across the frame (tests/unit/proj_test.c). */
void bm_proj_auto_definition(bm_bbox lonlat, char *buf, size_t n);

/* The lon/lat box of a country's geometry (one polygon, several parts), for
 * an extent. The largest part is the main part, and so is any part at least
 * a quarter its area; a part is kept when it lies within T of a kept part,
 * T = 30% of the square root of the main part's area, at least 200 km and at
 * most 500 km (distances between the parts' vertices, at most 256 per part,
 * in an azimuthal equidistant projection centred on the main part). So
 * far-off islands and territories (the Canaries, Svalbard, Alaska, Hawaii,
 * the Azores, Easter Island) are left out, coastal islands (Corsica, the
 * Balearics, Chiloe) stay in. all_parts keeps every part. Longitudes are
 * unwrapped around the main part, so a country across 180 (RUS, FJI) gives
 * a box running past 180, never the whole world. */
bm_bbox bm_proj_parts_box(const bm_geom *g, bool all_parts);

/* Builds the transform from lon/lat WGS84 to definition (a PROJ string,
 * "EPSG:nnnn", or any CRS PROJ knows). The target must be projected (metres);
 * on failure err says why, with PROJ's own words. */
bm_status bm_proj_create(const char *definition, bm_proj **out, bm_error *err);
void bm_proj_destroy(bm_proj *p);
/* Keep up to n destroyed transforms (0, the default: none) for the next bm_proj_create of the
 * same definition in this process: a batch worker renders map after map in one CRS, and
 * creating the transform (PROJ's database) was a tenth of each map. */
void bm_proj_keep(int n);
/* A second transform of the same definition, for another thread (a PROJ object may be
 * used by one thread at a time); it gives the same results as p. */
bm_status bm_proj_clone(const bm_proj *p, bm_proj **out, bm_error *err);
const char *bm_proj_definition(const bm_proj *p);
/* Longitude opposite the projection's central meridian, where it tears (in -180..180). */
/* False for projections that do not tear along that meridian (azimuthal ones,
 * polar or oblique, tear only at the antipode): nothing is cut there. */
bool bm_proj_tears(const bm_proj *p);
double bm_proj_seam_lon(const bm_proj *p);

/* Does the projection have a horizon (orthographic, perspective): a part of
 * the globe it cannot show, behind a cap around its centre? bm_proj_geom then
 * cuts polygons and lines along the horizon (not along chords between the
 * last points it can show). */
bool bm_proj_has_horizon(const bm_proj *p);
/* The projection method's name from PROJ ("Equal Earth", "Orthographic"), or
 * "" when PROJ gives none. */
const char *bm_proj_method(const bm_proj *p);
/* The earth's outline in projected metres, one polygon ring into out: the
 * horizon for a projection that has one, else the edge of the lon/lat world
 * (the seam meridian on both sides and the poles), densified every half
 * degree. False on out of memory. */
bool bm_proj_earth_outline(const bm_proj *p, bm_geom *out);

/* The same projection with its central meridian moved to lon0, as a PROJ
 * string (for an extent across the seam of a projection given by the spec,
 * e.g. EPSG:3857 across 180). False when PROJ has no string for it. */
bool bm_proj_recentred_definition(const bm_proj *p, double lon0, char *buf, size_t n);

/* The largest Tissot distortion over a (steps+1)^2 grid of the projected box
 * frame (points off the earth are skipped): the largest linear scale error in
 * any direction, max(a - 1, 1 - b) for Tissot's indicatrix semi-axes a >= b
 * (from PROJ's proj_factors). For an equal-area projection (a * b = 1) it
 * also bounds the areal and angular distortion. 0.1 means 10%. */
double bm_proj_max_distortion(const bm_proj *p, bm_bbox frame, int steps);

/* Projects n lon/lat points in place (xy interleaved). Points that cannot be
 * projected become HUGE_VAL. */
void bm_proj_forward(const bm_proj *p, double *xy, size_t n);
void bm_proj_inverse(const bm_proj *p, double *xy, size_t n);

/* The geometry stage before painting, on lon/lat input, in order:
 * cut to the lon/lat box `keep` (data outside the view is dropped before the
 * expensive part), split at the projection's seam so no ring streaks across the
 * map, densify so no edge spans more than max_step_deg, project, and drop what
 * could not be projected. g is replaced by the projected result. */
bool bm_proj_geom(const bm_proj *p, bm_geom *g, bm_bbox keep, double max_step_deg);

/* The view: the map frame in pixels and the projected box it shows. */
typedef struct {
  int width, height; /* frame size in pixels */
  bm_bbox proj;      /* projected metres shown in the frame */
  double px_per_m;   /* pixels per projected metre */
  bm_bbox query;     /* lon/lat box to read data for (frame plus a margin) */
  double step_deg;   /* densify step for this view */
} bm_view;

/* Fits the lon/lat extent, grown by margin (fraction of its size on each side),
 * to a width x height frame, keeping the aspect ratio by widening the
 * narrower side. */
bm_status bm_view_fit(const bm_proj *p, bm_bbox lonlat, double margin, int width, int height,
                      bm_view *out, bm_error *err);
/* Fits a projected box (metres) instead. */
bm_status bm_view_fit_projected(const bm_proj *p, bm_bbox projected, int width, int height,
                                bm_view *out, bm_error *err);
/* The lon/lat box [west, south, east, north] of what the frame shows of the
 * earth (points off the earth are left out; west > east when the frame
 * crosses the antimeridian; a pole in the frame spans every longitude). */
bm_bbox bm_view_frame_lonlat(const bm_proj *p, const bm_view *v);
/* Pixel -> lon/lat; false when the pixel is off the earth (the inverse fails,
 * or does not project back to within 0.01 px of it). */
bool bm_view_px_lonlat(const bm_proj *p, const bm_view *v, double x, double y, double *lon,
                       double *lat);
/* Projected metres -> pixels (y down), in place. */
void bm_view_to_px(const bm_view *v, double *xy, size_t n);
void bm_view_geom_to_px(const bm_view *v, bm_geom *g);

/* Geodesics on WGS84 (PROJ's geodesic.h). Distances in metres, azimuths in degrees. */
double bm_geodesic_distance(double lon1, double lat1, double lon2, double lat2);
/* Distance and the azimuth at the start, from point 1 to point 2. */
double bm_geodesic_inverse(double lon1, double lat1, double lon2, double lat2, double *azi1);
void bm_geodesic_direct(double lon, double lat, double azimuth, double dist_m, double *lon2,
                        double *lat2);

#endif
