/* layers/story.h — the story's own things, resolved against the base data.
 *
 * Highlight references in the spec (countries by ISO A3, provinces by
 * country and name) are matched here against the Natural Earth features; a
 * reference that matches nothing is a spec error naming the spec's line and
 * column and listing what would be valid. Sites that would sit on top of each
 * other (two sites in one city) are spread apart so both symbols show.
 */
#ifndef BM_LAYERS_STORY_H
#define BM_LAYERS_STORY_H

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

#endif
