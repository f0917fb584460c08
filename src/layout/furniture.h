/* layout/furniture.h — the map's furniture: title block, credit line, legend,
 * scale bar, north arrow, inset locator map, graticule labels and callout panel.
 *
 * Furniture is laid out before labels are placed (every box it takes is a
 * label obstacle, in bm_furniture.boxes) and painted last, over the map.
 * Sizes come from the style, scaled by k (width / 1200). The order of work:
 *   1. bm_furniture_layout: title block and credit line;
 *   2. the caller fills a bm_legend with what the map actually draws, and a
 *      bm_content map with where the map's content is;
 *   3. bm_furniture_arrange: puts the inset, legend, callout panel, scale bar
 *      and north arrow in corners (the one with least content unless the spec
 *      sets it), stacked under the title or over the credit line;
 *   4. the caller measures the scale bar where it landed (bm_scalebar_measure),
 *      draws the inset's content into bm_furniture.inset_box;
 *   5. render/ paints it (bm_paint_furniture), once per output.
 * bm_furniture owns its layouts, legend and inset geometry; bm_furniture_free frees them.
 */
#ifndef BM_LAYOUT_FURNITURE_H
#define BM_LAYOUT_FURNITURE_H

#include <stdbool.h>

#include "core/geom.h"
#include "lang/lang.h"
#include "proj/proj.h"
#include "spec/spec.h"
#include "spec/style.h"
#include "text/text.h"

#define BM_FURNITURE_MAX_BOXES 64

/* ---- legend ------------------------------------------------------------- */

typedef enum {
  BM_LEGEND_SITE = 0, /* a site kind's symbol */
  BM_LEGEND_RING,
  BM_LEGEND_ROUTE,
  BM_LEGEND_HATCH,  /* a hatched area */
  BM_LEGEND_FILL,   /* a filled area */
  BM_LEGEND_BORDER, /* a highlighted border */
  BM_LEGEND_HL_COUNTRY,
  BM_LEGEND_HL_PROVINCE,
  BM_LEGEND_DISPUTED, /* the disputed-boundary line */
  BM_LEGEND_LINE_OF_CONTROL,
  BM_LEGEND_INDEFINITE, /* an indefinite boundary */
  BM_LEGEND_LEASE,      /* a lease limit */
  BM_LEGEND_OVERLAY,    /* an overlay limit (UN buffer zones) */
  BM_LEGEND_CALLOUT,    /* a numbered marker and its text */
  BM_LEGEND_TEXT        /* a line of text, no symbol */
} bm_legend_symbol;

typedef struct {
  bm_legend_symbol symbol;
  bm_site_kind site_kind;       /* BM_LEGEND_SITE */
  bm_dash_kind dash;            /* BM_LEGEND_ROUTE */
  bool arrow;                   /* BM_LEGEND_ROUTE */
  bm_boundary_class line_class; /* BM_LEGEND_BORDER: the class of line, for its dash */
  char marker[8];               /* BM_LEGEND_CALLOUT */
  char *text;                   /* owned */
} bm_legend_item;

typedef struct {
  bm_legend_item *v;
  size_t n, cap;
} bm_legend;

/* Appends an item (copies text) unless an item with the same symbol, kind and
 * text is there already. Returns false on out of memory. */
bool bm_legend_add(bm_legend *L, const bm_legend_item *item);
void bm_legend_free(bm_legend *L);
/* The spec name of an item's symbol: "factory", "ring", "hatch", "disputed" ... */
const char *bm_legend_symbol_name(const bm_legend_item *it);
/* Parses a spec symbol name into an item's symbol (and site kind). */
bool bm_legend_symbol_parse(const char *name, bm_legend_item *it);
/* The default text of an automatic site entry: "Factory", "Military base" ... */
const char *bm_legend_site_text(bm_site_kind k);
/* Applies the spec to the automatic legend: entries hidden by name are
 * dropped, renamed ones get their new text; written-out items replace
 * everything. Returns false on out of memory. */
bool bm_legend_apply_spec(bm_legend *L, const bm_legend_spec *spec);

/* ---- where the map's content is ---------------------------------------- */

/* A coarse coverage map of the frame (a quarter of its resolution): the caller
 * paints what the map shows into it (alpha = how much it matters), and
 * furniture goes where the sum is least. */
typedef struct bm_content bm_content;
bm_content *bm_content_create(int width, int height);
void bm_content_destroy(bm_content *c);
/* Adds what g covers (filled, or stroked width pixels wide when width > 0),
 * weighted 0..1; and a box's area. Full-resolution frame pixels. */
void bm_content_geom(bm_content *c, const bm_geom *g, double weight, double width);
void bm_content_box(bm_content *c, bm_bbox box, double weight);
/* Content inside box (pixels): the sum of alpha over it, in full-resolution pixel units. */
double bm_content_sum(bm_content *c, bm_bbox box);

/* ---- scale, north ------------------------------------------------------- */

typedef struct {
  double km;        /* the bar's length on the ground: a round number */
  double x0;        /* its left end (pixels) */
  double px;        /* its length in pixels at its position */
  double km_per_px; /* true scale along the bar where it is drawn */
  double lat;       /* latitude of the bar's middle */
  double variation; /* largest / smallest scale across the view (>= 1) */
} bm_scalebar;

/* The ground distance between two pixel points of the view (geodesic, metres);
 * a negative value when either point cannot be unprojected. */
double bm_view_ground_distance(const bm_proj *p, const bm_view *v, double x1, double y1, double x2,
                               double y2);
/* How much the scale varies across the view: largest over smallest ground
 * distance per pixel, sampled on a 9x9 grid in both directions. */
double bm_scale_variation(const bm_proj *p, const bm_view *v);
/* A horizontal bar from pixel (x, y), rightwards (or leftwards: then x is its
 * right end), at most max_px long, whose ground length is a round number
 * (1, 2, 5 x 10^n km) or fixed_km when > 0. Its pixel length is solved so
 * that the geodesic distance between its ends is exactly that number; out->x0
 * is its left end. False when any point of the bar is off the earth (does not
 * unproject and project back to itself) or fixed_km would not fit in
 * 3 * max_px. */
bool bm_scalebar_measure(const bm_proj *p, const bm_view *v, double x, double y, double max_px,
                         double fixed_km, bool leftwards, bm_scalebar *out);
/* The direction of north at pixel (x, y), in radians clockwise from up. */
bool bm_north_angle(const bm_proj *p, const bm_view *v, double x, double y, double *angle);
/* The largest difference between north's direction anywhere in the view and at
 * its centre, radians (9x9 grid). */
double bm_north_spread(const bm_proj *p, const bm_view *v);

/* ---- the furniture ------------------------------------------------------ */

typedef struct {
  char text[32];
  double x, y;         /* top-left */
  PangoLayout *layout; /* owned */
} bm_grat_label;

typedef struct {
  /* the map's language (not owned; NULL: English) and whether the furniture is mirrored
   * for a right-to-left language: title block and credit line from the right edge, legend
   * symbols right of their text, the corners' order of preference mirrored. Set both before
   * bm_furniture_layout. */
  const bm_lang *lang;
  bool rtl;
  bm_bbox title_box;  /* the title block's text (empty when there is none) */
  bm_bbox credit_box; /* the credit line's text */
  PangoLayout *title, *subtitle, *credit; /* owned */
  double pad, tx, ty, sy, cx, cy;
  bm_bbox boxes[BM_FURNITURE_MAX_BOXES]; /* areas labels must avoid, in pixels */
  int nboxes;
  int width, height;
  double k;
  bm_text *text; /* not owned */

  /* legend (and the callout panel, when the spec asks for one) */
  bm_legend legend, panel;
  PangoLayout *legend_title, **legend_text, **panel_text; /* owned */
  bool has_legend, has_panel;
  bm_bbox legend_box, panel_box;
  bm_corner legend_corner, panel_corner;
  double row_h_min, swatch_w;

  /* scale bar */
  bool has_scalebar;
  bm_bbox scalebar_box;
  bm_corner scalebar_corner;
  bm_scalebar bar;
  double bar_x, bar_y; /* left end of the bar, on its baseline */
  char bar_text[64], bar_note[160];
  bool bar_note_only; /* the scale varies too much: a note where the bar would be, no bar */
  PangoLayout *bar_layout, *bar_note_layout; /* owned */

  /* north arrow */
  bool has_north;
  bm_bbox north_box;
  double north_x, north_y, north_angle;
  PangoLayout *north_layout; /* owned */

  /* inset locator map: geometry in frame pixels, already inside inset_box */
  bool has_inset;
  bm_bbox inset_box;
  bm_corner inset_corner;
  bm_geom inset_land, inset_lines, inset_outline;
  char inset_def[512]; /* the inset's projection (for the report) */
  bm_bbox inset_proj;  /* the projected box it shows */
  bm_grat_label *inset_labels;
  size_t n_inset_labels;

  /* graticule labels at the frame's edge */
  bm_grat_label *grat_labels;
  size_t n_grat_labels;
} bm_furniture;

/* title, subtitle, credit, date may be NULL; "Base map: Natural Earth" is always credited. */
void bm_furniture_layout(bm_furniture *f, bm_text *text, const bm_style *st, double k, int width,
                         int height, const char *title, const char *subtitle, const char *credit);
/* Adds the date after the credit line (call right after bm_furniture_layout). */
void bm_furniture_set_date(bm_furniture *f, const bm_style *st, const char *credit,
                           const char *date);
/* Sets the credit line again with the date and, after "Base map: Natural Earth", whose
 * view of the boundaries the map shows (e.g. "Boundaries: Natural Earth de facto view");
 * either may be NULL. Call right after bm_furniture_layout. */
void bm_furniture_set_credit(bm_furniture *f, const bm_style *st, const char *credit,
                             const char *date, const char *view);

/* What bm_furniture_arrange should place. */
typedef struct {
  bool legend;
  bm_corner legend_at;
  const char *legend_title;
  bool panel;
  bm_corner panel_at;
  bool scalebar;
  bm_corner scalebar_at;
  double scalebar_max_px;
  double scalebar_note_w, scalebar_note_h; /* > 0: a note instead of the bar, this size */
  bool north;
  bool inset;
  bm_corner inset_at;
  double inset_w, inset_h; /* pixels */
} bm_furniture_request;

/* Places what req asks for (the legend and panel come from f->legend and
 * f->panel, which the caller has filled); adds every box to f->boxes. */
void bm_furniture_arrange(bm_furniture *f, const bm_style *st, const bm_furniture_request *req,
                          bm_content *content);
/* After measuring the bar where it was placed (at bar_x, bar_y): its text, and
 * a note under it (NULL for none). */
void bm_furniture_finish_scalebar(bm_furniture *f, const bm_style *st, const bm_scalebar *bar,
                                  const char *note);
/* A note instead of the bar ("Scale varies: Equal Earth projection"): lays it
 * out and gives its size, for the request (call before bm_furniture_arrange). */
void bm_furniture_scalebar_note(bm_furniture *f, const bm_style *st, const char *note, double *w,
                                double *h);
/* The text width of a bar's label ("500 km"), to place a bar in a right corner. */
double bm_furniture_bar_text_width(bm_furniture *f, const bm_style *st, double km);
/* The north arrow's direction (radians clockwise from up) at its place. */
void bm_furniture_set_north(bm_furniture *f, const bm_style *st, double angle);
/* Takes a box for an extra furniture item (returns false when the list is full). */
bool bm_furniture_add_box(bm_furniture *f, bm_bbox b);
/* The graticule label text: "70°E", "38°N", "0°". */
void bm_graticule_text(double value, bool lon, char *buf, size_t n);
/* Adds a graticule label whose anchor is (x, y); side: 0 top edge, 1 right edge. */
bool bm_furniture_add_grat_label(bm_furniture *f, const bm_style *st, double value, bool lon,
                                 double x, double y);
/* Adds a label inside the inset (a country's name at (x, y), centred). */
bool bm_furniture_add_inset_label(bm_furniture *f, const bm_style *st, const char *text, double x,
                                  double y);

void bm_furniture_free(bm_furniture *f);

#endif
