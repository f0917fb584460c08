/* spec/style.h — a style file (YAML) as a validated struct.
 *
 * Sizes (line widths, font sizes, symbol sizes) are given in pixels at a map
 * width of 1200 px, as ../shared/CARTOGRAPHY.md states them; the renderer
 * scales them by width / 1200 (at least 0.75, so small maps stay readable). Colours are "#rrggbb"
 * or "#rrggbbaa". Every field has a built-in default (the newsroom look), so a style file only
 * needs what it changes; unknown keys are errors.
 */
#ifndef BM_SPEC_STYLE_H
#define BM_SPEC_STYLE_H

#include "core/error.h"
#include "spec/spec.h"

typedef struct {
  double r, g, b, a;
} bm_color;

/* A dash pattern in pixels at 1200 px: on, off, or on, off, on, off. */
typedef struct {
  double d[4];
  int n; /* 2 or 4 */
} bm_dash;

typedef struct bm_style {
  char font[64]; /* family, e.g. "Noto Sans" */

  /* colours */
  bm_color water, land, lake, glacier, highlight_country, highlight_province,
      highlight_province_outline, province_line, river, border, disputed, coast, text, text_muted,
      country_label, accent, accent2, halo, credit, title, city_dot, river_label, region_label;
  /* line widths (px at 1200 px) */
  double border_width, disputed_width, province_width, highlight_province_width, river_width,
      coast_width;
  double disputed_dash[2]; /* on, off */
  /* the other classes of boundary line, each with a dash of its own (colour and width:
   * disputed's) */
  bm_dash line_of_control_dash, indefinite_dash, lease_limit_dash, overlay_limit_dash;
  /* text sizes (px at 1200 px) */
  double title_size, subtitle_size, credit_size, country_size, capital_size, city_size, town_size,
      site_size, site_note_size, region_size, river_size;
  double halo_width, country_letter_spacing; /* spacing in em */
  /* symbols (px at 1200 px) */
  double site_symbol_size, capital_dot_size, city_dot_size;
  /* labels: point positions in the order they are tried (bm_point_pos values:
   * 0 upper-right, 1 right, 2 upper-left, 3 left, 4 lower-right, 5 lower-left,
   * 6 top, 7 bottom) */
  int point_order[8];
  int n_point_order;
  /* story layer and furniture */
  bm_color graticule, legend_background;
  bm_color background, earth_outline; /* off the earth (world maps); the earth's edge */
  double earth_outline_width;
  double ring_width, route_width, story_border_width, graticule_width;
  double ring_dash[2];
  double legend_size, furniture_size; /* legend text; scale bar, inset, graticule text */
  /* relief (section relief:): slopes turned from the light darken towards shadow, slopes
   * facing it lighten towards highlight, flat ground is left as it is; opacity is the
   * strongest either gets (0..1), tint_* the hypsometric ramp at 0, 2000 and 5000 m */
  double relief_opacity, relief_tint_opacity;
  bm_color relief_shadow, relief_highlight, relief_tint_low, relief_tint_mid, relief_tint_high;
} bm_style;

/* The built-in newsroom defaults. */
void bm_style_defaults(bm_style *st);
/* The dash of a class of boundary line, scaled by k, into out; returns its length
 * (0: solid, for international boundaries). */
int bm_style_boundary_dash(const bm_style *st, bm_boundary_class c, double k, double out[4]);
/* Reads a style file over the defaults. */
bm_status bm_style_load(const char *path, bm_style *st, bm_error *err);

#endif
