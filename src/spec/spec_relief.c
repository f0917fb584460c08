/* spec/spec_relief.c — the spec's `relief:` key: shaded terrain from a GDAL raster.
 *
 *   relief:
 *     dem: ../data/central-asia-1km.tif   # or shaded: SR_LR.tif (a ready hillshade)
 *     opacity: 0.5                        # 0..1, default the style's relief.opacity
 *     light: {azimuth: 315, altitude: 45} # where the light comes from (default north-west)
 *     tint: hypsometric                   # or none (default)
 *
 * The file must exist (relative to the spec's folder); whether GDAL can read it is
 * decided at render time (a data error, exit 4). */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "spec/spec.h"
#include "spec/spec_story.h"
#include "spec/yaml.h"

static bm_spec_pos pos_of(const bm_yaml *y) { return (bm_spec_pos){y->line, y->col}; }

static bm_status parse_light(bm_relief_spec *r, const bm_yaml *y, const char *file,
                             bm_error *err) {
  static const char *const keys[] = {"azimuth", "altitude", NULL};
  if (bm_yaml_expect(y, BM_YAML_MAP, file, "relief light ({azimuth, altitude} in degrees)", err) ||
      bm_yaml_check_keys(y, keys, "relief light", file, err))
    return BM_ERR_SPEC;
  const bm_yaml *v;
  if ((v = bm_yaml_get(y, "azimuth")) &&
      bm_yaml_number(v, file, "relief light azimuth (degrees clockwise from north)", 0, 360,
                     &r->azimuth, err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "altitude")) &&
      bm_yaml_number(v, file, "relief light altitude (degrees above the horizon)", 1, 90,
                     &r->altitude, err))
    return BM_ERR_SPEC;
  return BM_OK;
}

bm_status bm_spec_parse_relief(bm_spec *s, const bm_yaml *y, const char *file, bm_error *err) {
  static const char *const keys[] = {"dem", "shaded", "opacity", "light", "tint", NULL};
  bm_relief_spec *r = &s->relief;
  r->opacity = -1;
  r->azimuth = 315;
  r->altitude = 45;
  if (bm_yaml_expect(y, BM_YAML_MAP, file, "relief ({dem: FILE} or {shaded: FILE})", err) ||
      bm_yaml_check_keys(y, keys, "relief", file, err))
    return BM_ERR_SPEC;
  r->pos = pos_of(y);
  const bm_yaml *dem = bm_yaml_get(y, "dem"), *shaded = bm_yaml_get(y, "shaded"), *v;
  if ((dem != NULL) == (shaded != NULL))
    return bm_error_set(err, BM_ERR_SPEC, file, y->line, y->col,
                        "relief needs exactly one of dem: FILE (elevations in metres, any GDAL "
                        "raster) or shaded: FILE (a ready hillshade)");
  const bm_yaml *f = dem ? dem : shaded;
  r->kind = dem ? BM_RELIEF_DEM : BM_RELIEF_SHADED;
  char *rel = NULL;
  if (bm_yaml_string(f, file, dem ? "relief dem" : "relief shaded", &rel, err)) return BM_ERR_SPEC;
  r->file = rel[0] == '/' ? strdup(rel) : bm_path_join(s->dir, rel);
  free(rel);
  if (!r->file) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  r->file_pos = pos_of(f);
  if (!bm_file_exists(r->file))
    return bm_error_set(err, BM_ERR_SPEC, file, f->line, f->col,
                        "relief file '%s' does not exist (paths are relative to the spec's "
                        "folder; README.md says where to get elevation data)",
                        r->file);
  if ((v = bm_yaml_get(y, "opacity")) &&
      bm_yaml_number(v, file, "relief opacity (0 to 1)", 0, 1, &r->opacity, err))
    return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "light")) && parse_light(r, v, file, err)) return BM_ERR_SPEC;
  if ((v = bm_yaml_get(y, "tint"))) {
    if (bm_yaml_expect(v, BM_YAML_SCALAR, file, "relief tint", err)) return BM_ERR_SPEC;
    if (!strcmp(v->scalar, "hypsometric"))
      r->tint = BM_RELIEF_TINT_HYPSOMETRIC;
    else if (!strcmp(v->scalar, "none"))
      r->tint = BM_RELIEF_TINT_NONE;
    else
      return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col,
                          "unknown relief tint '%s'; valid tints are: hypsometric, none",
                          v->scalar);
    if (r->tint && r->kind == BM_RELIEF_SHADED)
      return bm_error_set(err, BM_ERR_SPEC, file, v->line, v->col,
                          "tint: hypsometric needs elevations (dem: FILE), not a shaded raster");
  }
  return BM_OK;
}
