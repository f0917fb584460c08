/* story/story.h — the story's own things, resolved against the base data.
 *
 * Highlight references in the spec (countries by ISO A3, provinces by
 * country and name) are matched here against the Natural Earth features; a
 * reference that matches nothing is a spec error naming the spec's line and
 * column and listing what would be valid. Sites that would sit on top of each
 * other (two sites in one city) are spread apart so both symbols show.
 */
#ifndef BM_STORY_STORY_H
#define BM_STORY_STORY_H

#include <stdbool.h>

#include "core/error.h"
#include "load/load.h"
#include "spec/spec.h"

/* Sets mask[i] for every feature of countries (fields ADM0_A3, ISO_A3, NAME)
 * whose code is ref->code. Fails when none matches. */
bm_status bm_story_match_country(const bm_features *countries, const bm_country_ref *ref,
                                 const char *spec_path, bool *mask, bm_error *err);

/* Sets mask[i] for the provinces (fields ADM0_A3, NAME, WOE_NAME, GN_NAME)
 * of ref->country named ref->name (case-insensitive, any of the three names). */
bm_status bm_story_match_province(const bm_features *provinces, const bm_province_ref *ref,
                                  const char *spec_path, bool *mask, bm_error *err);

/* Moves symbol centres (pixels, xy interleaved, n sites) apart where two would
 * overlap: each later site steps sideways by one symbol size until it is free.
 * Returns how many were moved. */
int bm_story_spread_symbols(double *xy, int n, double size);

/* ---- rings, routes, borders, areas: lon/lat geometry ------------------- *
 * Everything below returns lon/lat WGS84 geometry (degrees, longitudes
 * unwrapped so a line or ring is continuous, possibly beyond +-180); the
 * pipeline projects, clips and paints it like any other layer. Distances
 * are geodesics on WGS84 (PROJ's geodesic.h through proj/), never hand trig. */

/* Resolves a place given as a site's name (case-insensitive, among n sites)
 * or as lon/lat. An unknown name is a spec error at ref->pos that says what
 * it was for (`what`, e.g. "ring center") and lists the site names. */
bm_status bm_story_resolve_place(const bm_place_ref *ref, const bm_site *sites, size_t n,
                                 const char *what, const char *spec_path, double *lon, double *lat,
                                 bm_error *err);

/* A geodesic circle of radius_m around (lon, lat): n vertices (n >= 8) at
 * azimuths 0, 360/n, ... degrees, each exactly radius_m away along the
 * geodesic, as one closed polygon ring. Longitudes are unwrapped around lon.
 * A circle that encloses a pole is not supported (returns false). */
bool bm_story_ring(double lon, double lat, double radius_m, int n, bm_geom *out);

/* A route from (lon1, lat1) to (lon2, lat2) as a line with a vertex at least
 * every step_m metres: the great circle (geodesic), or the rhumb line (the
 * straight line of a Mercator projection made with PROJ). False on out of memory
 * or when the rhumb line cannot be built (a pole). */
bool bm_story_route(double lon1, double lat1, double lon2, double lat2, bm_path_kind path,
                    double step_m, bm_geom *out);

/* Sets mask[i] for the boundary lines (fields ADM0_A3_L and ADM0_A3_R, as in
 * Natural Earth's admin-0 boundary lines) between countries a and b, either
 * side. When none matches: a spec error at a's position that lists the
 * countries a does border in the data. */
bm_status bm_story_match_border(const bm_features *lines, const bm_country_ref *a,
                                const bm_country_ref *b, const char *spec_path, bool *mask,
                                bm_error *err);

/* As bm_story_match_border, then keeps only the lines of class want (cls[i] is each
 * line's bm_boundary_class). When the two countries share lines but none of that
 * class: a spec error at pos that lists the classes they do share. */
bm_status bm_story_match_border_class(const bm_features *lines, const unsigned char *cls,
                                      bm_boundary_class want, const bm_country_ref *a,
                                      const bm_country_ref *b, const char *spec_path,
                                      bm_spec_pos pos, bool *mask, bm_error *err);

/* The geodesic length of a lon/lat line geometry (sum over its parts), metres. */
double bm_story_geodesic_length(const bm_geom *g);

/* The area within dist_m of a lon/lat line (or of the points of a point
 * geometry), as a lon/lat polygon. The line is cut into pieces of at most
 * 500 km; each is buffered in an azimuthal equidistant projection centred on
 * it (GEOS), so every outline point is within 0.2% of dist_m from the line,
 * and the pieces are unioned. Fails only on out of memory or a GEOS error. */
bm_status bm_story_buffer(const bm_geom *line, double dist_m, bm_geom *out, bm_error *err);

/* A point on a lon/lat line half way along its longest part (by geodesic length). */
bool bm_story_line_midpoint(const bm_geom *g, double *lon, double *lat);

/* "1,344 km": a distance rounded to the kilometre with thousands separators. */
void bm_story_format_km(double metres, char *buf, size_t n);

#endif
