/* label/label.h — choosing where labels go so that none collide.
 *
 * Callers add obstacles (site symbols, furniture boxes), lines that labels
 * should rather not cross (borders, rivers, routes), and label requests.
 * bm_labeler_place then:
 *   1. generates candidates for every label: 8 positions around a point (in
 *      the style's preference order) plus leader-line rings for story sites;
 *      positions inside an area around its pole of inaccessibility, one and
 *      two lines, with an outside-with-leader fallback; positions along a line
 *      for text that follows its curve, kept upright;
 *   2. gives each candidate a cost: preference rank, distance from the anchor,
 *      length of lines crossed;
 *   3. visits labels in priority order and takes each one's cheapest candidate
 *      that collides with nothing placed (Mapnik's two-phase detector);
 *   4. improves: for each dropped label, tries to move one blocking label to
 *      another free candidate so that both fit (a small POPMUSIC-style step).
 * A label with no free candidate is dropped, with the reason kept for the
 * report. Everything is deterministic: priority, then insertion order.
 * Coordinates are output pixels, y down. Collisions are tested box by box in a
 * uniform grid; a curved label occupies one box per stretch of text.
 */
#ifndef BM_LABEL_LABEL_H
#define BM_LABEL_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/geom.h"
#include "text/text.h"

typedef enum { BM_LABEL_POINT, BM_LABEL_AREA, BM_LABEL_LINE } bm_label_kind;

/* Point positions, for the style's preference order. */
typedef enum {
  BM_POS_UPPER_RIGHT,
  BM_POS_RIGHT,
  BM_POS_UPPER_LEFT,
  BM_POS_LEFT,
  BM_POS_LOWER_RIGHT,
  BM_POS_LOWER_LEFT,
  BM_POS_TOP,
  BM_POS_BOTTOM,
  BM_POS_COUNT
} bm_point_pos;

typedef struct {
  /* ---- input ---- */
  char *text;        /* owned by the labeler (copied by bm_labeler_add) */
  char *note;        /* owned, may be NULL: a second, smaller line */
  const char *layer; /* "site", "capital", "city", "country", "river" ... (static string) */
  bm_label_kind kind;
  double priority; /* lower is placed first */
  double ax, ay;   /* anchor in pixels (point, area) */
  double offset;   /* point: gap from anchor to text (symbol radius + pad);
                      area: radius around the anchor the label may move in */
  bm_text_style style, note_style;
  bool must_place;      /* story items: never dropped while any leader position is free */
  bool has_symbol;      /* a symbol drawn only if the label is placed (a town's dot): */
  bm_bbox symbol;       /* its box must be free too, and is taken with the label */
  bool symbol_shared;   /* the symbol may touch a story site's symbol (a city beside a site
                           that is not it): only the text needs free room */
  const bm_geom *area;  /* area: the polygon (pixels) the text must stay inside; NULL: none */
  bool outside_ok;      /* area: when it does not fit inside, label it outside with a leader */
  const bm_geom *home;  /* point: the land or country the anchor is in (pixels), or NULL;
                           positions whose middle falls outside it cost more */
  const bm_geom *line;  /* line: the polyline (pixels) the text follows; not owned, must
                           outlive bm_labeler_place and painting */
  const bm_geom *names; /* an avoided line this label names (a route's): crossing it costs
                           nothing, as the label belongs on it */
  double repeat_gap;    /* line: the same text is not placed again within this distance */
  double smooth;        /* line: width in pixels of the smoothing the text follows (a
                           wiggly border needs more than a river); 0: 1.5 text heights.
                           A must_place line label that finds no room along its line
                           goes beside (ax, ay) like a point label, with a leader. */
  /* ---- output ---- */
  bool placed;
  bm_bbox box;        /* the whole placed label (for line labels: around all its boxes) */
  double tx, ty;      /* top-left of the first line (point, area) */
  double nx, ny;      /* top-left of the note line */
  bool leader;        /* placed away from its anchor: draw a line back to it */
  double lx, ly;      /* where the leader meets the label */
  double cost;        /* cost of the candidate used */
  const char *reason; /* why it was dropped (static string) */
  /* line labels: the text runs along `path` from arc length s0 for the text's width */
  double *path; /* owned: polyline copy, oriented so the text reads upright */
  size_t npath;
  double s0, angle;                  /* start arc length; mean angle in degrees (report) */
  PangoLayout *layout, *note_layout; /* owned, for the painter */
} bm_label;

typedef struct bm_labeler bm_labeler;

/* frame: the box labels must stay inside (pixels). */
bm_labeler *bm_labeler_create(bm_text *text, bm_bbox frame);
void bm_labeler_destroy(bm_labeler *lb);

/* The order in which point positions are tried (the style's); n <= BM_POS_COUNT. */
void bm_labeler_set_point_order(bm_labeler *lb, const bm_point_pos *order, int n);
/* Naive mode, the benchmark's baseline: greedy in priority order, one position per
 * label, no costs, no improvement step. */
void bm_labeler_set_naive(bm_labeler *lb, bool naive);
/* Keep every candidate box for --debug-labels. */
void bm_labeler_keep_candidates(bm_labeler *lb, bool keep);

/* A box no label may overlap. Returns false on out of memory. */
bool bm_labeler_add_obstacle(bm_labeler *lb, bm_bbox box);
/* A symbol: an obstacle that point labels also keep clear of, so that a
 * label never sits nearer to another symbol than to its own. */
bool bm_labeler_add_symbol(bm_labeler *lb, bm_bbox box);
/* A line labels should avoid crossing (pixels); candidates pay for the length
 * of line inside them. */
bool bm_labeler_add_avoid_line(bm_labeler *lb, const bm_geom *g);
/* Adds a request; copies text and note. Returns false on out of memory. */
bool bm_labeler_add(bm_labeler *lb, const bm_label *request);
/* Returns false when memory ran out at any point since create (an add, an
 * obstacle, or the placement itself): the result is then incomplete. */
bool bm_labeler_place(bm_labeler *lb);

size_t bm_labeler_count(const bm_labeler *lb);
/* Labels in placement (priority) order after bm_labeler_place. */
const bm_label *bm_labeler_at(const bm_labeler *lb, size_t i);
/* The collision boxes a placed label occupies (one for point and area labels,
 * several along a line label). */
size_t bm_labeler_boxes(const bm_labeler *lb, size_t label, const bm_bbox **boxes);
/* Every candidate box generated (only with bm_labeler_keep_candidates). */
size_t bm_labeler_candidates(const bm_labeler *lb, const bm_bbox **boxes);

/* Where a point at arc length s lies on a polyline, and the direction there
 * (radians). Exposed for painters and tests. */
void bm_polyline_at(const double *xy, size_t n, double s, double *x, double *y, double *angle);
double bm_polyline_length(const double *xy, size_t n);

/* Many positions along one polyline (label candidates along a river, the points of a text
 * bent along it): each in O(log n) instead of O(n), with exactly bm_polyline_at's results.
 * xy must outlive the walk; free it even when init fails (out of memory). */
typedef struct {
  const double *xy;
  size_t n;
  double *seg, *cum; /* per vertex i >= 1: the length of segment i, the distance at its end */
  size_t last;       /* the last segment with a length; 0 when none */
} bm_polyline_walk;
bool bm_polyline_walk_init(bm_polyline_walk *w, const double *xy, size_t n);
void bm_polyline_walk_at(const bm_polyline_walk *w, double s, double *x, double *y, double *angle);
void bm_polyline_walk_free(bm_polyline_walk *w);

#endif
