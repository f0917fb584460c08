/* spec/spec_story.h — inside spec/ only: the story-layer and furniture keys of
 * a map spec (rings, routes, areas, borders, callouts, legend, scale_bar,
 * north_arrow, inset, graticule, date, point_of_view). spec.c calls these; everything they
 * fill belongs to the bm_spec and is freed by bm_spec_free.
 */
#ifndef BM_SPEC_SPEC_STORY_H
#define BM_SPEC_SPEC_STORY_H

#include "spec/spec.h"
#include "spec/yaml.h"

/* The root keys this part reads, for the list of valid keys. */
#define BM_SPEC_STORY_KEYS                                                                         \
  "date", "rings", "routes", "areas", "borders", "callouts", "legend", "scale_bar", "north_arrow", \
      "inset", "graticule", "point_of_view"

/* Sets the defaults of these keys on a new spec. */
void bm_spec_story_defaults(bm_spec *s);
/* Reads the keys above from the spec's root mapping. */
bm_status bm_spec_parse_story(bm_spec *s, const bm_yaml *root, const char *file, bm_error *err);
void bm_spec_free_story(bm_spec *s);

/* The `relief:` key, into s->relief (spec_relief.c). */
bm_status bm_spec_parse_relief(bm_spec *s, const bm_yaml *y, const char *file, bm_error *err);

/* The `labels:` key (spec_labels.c). */
bm_status bm_spec_parse_labels(bm_spec *s, const bm_yaml *y, const char *file, bm_error *err);
void bm_spec_free_labels(bm_spec *s);

/* The parse context shared by spec.c and spec_story.c, and its error helper. */
typedef struct {
  const char *file;
  bm_error *err;
  bm_spec *s;
} bm_spec_ctx;
#define BM_SPEC_FAIL(c, y, ...)                                                                    \
  bm_error_set((c)->err, BM_ERR_SPEC, (c)->file, (y)->line, (y)->col, __VA_ARGS__)

/* Readers shared by spec.c and spec_story.c (errors name file:line:col). */
bm_status bm_spec_read_country(const bm_yaml *y, const char *file, const char *what,
                               bm_country_ref *out, bm_error *err);
bm_status bm_spec_read_countries(const bm_yaml *y, const char *file, const char *what,
                                 bm_country_ref **out, size_t *n, bm_error *err);
/* [min_lon, min_lat, max_lon, max_lat]; max_lon < min_lon crosses the antimeridian. */
bm_status bm_spec_read_bbox(const bm_yaml *y, const char *file, const char *what, double out[4],
                            bm_error *err);
bm_status bm_spec_read_lonlat(const bm_yaml *y, const char *file, const char *what, double out[2],
                              bm_error *err);

#endif
