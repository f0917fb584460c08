/* label/label.h — choosing where labels go so that none collide.
 *
 * Two phases, as Mapnik's detector: callers add obstacles (site symbols,
 * furniture boxes) and label requests; bm_labeler_place then visits labels in
 * priority order, generates candidate boxes for each, tests them against the
 * collision index and the frame, and inserts the first that fits. A label
 * with no free candidate is dropped, with the reason kept for the report.
 * Placement is deterministic: ties in priority fall back to insertion order.
 * Boxes are in output pixels, y down.
 */
#ifndef BM_LABEL_LABEL_H
#define BM_LABEL_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/geom.h"
#include "text/text.h"

typedef enum { BM_LABEL_POINT, BM_LABEL_AREA } bm_label_kind;

typedef struct {
  /* input */
  char *text;             /* owned */
  char *note;             /* owned, may be NULL: a second, smaller line */
  const char *layer;      /* "site", "capital", "city", "country", ... (static string) */
  bm_label_kind kind;
  double priority;        /* lower is placed first */
  double ax, ay;          /* anchor in pixels */
  double offset;          /* point labels: gap from anchor to text (symbol radius + pad);
                             area labels: radius around the anchor the label may move in */
  bm_text_style style, note_style;
  bool must_place;        /* a story site: if no position next to the symbol is free,
                             try farther out and draw a leader line back to it */
  bool has_symbol;        /* a symbol drawn only if the label is placed (a town's dot): */
  bm_bbox symbol;         /* its box must be free too, and is taken with the label */
  /* output */
  bool placed;
  bm_bbox box;            /* the whole placed label (text and note) */
  double tx, ty;          /* top-left of the first line */
  double nx, ny;          /* top-left of the note line */
  int position;           /* index of the candidate used */
  bool leader;            /* placed away from its symbol: draw a line back */
  const char *reason;     /* why it was dropped (static string) */
  PangoLayout *layout, *note_layout; /* owned, for the painter */
} bm_label;

typedef struct bm_labeler bm_labeler;

/* frame: the box labels must stay inside (pixels). */
bm_labeler *bm_labeler_create(bm_text *text, bm_bbox frame);
void bm_labeler_destroy(bm_labeler *lb);

/* A box no label may overlap. */
bool bm_labeler_add_obstacle(bm_labeler *lb, bm_bbox box);
/* Adds a request; copies text and note. Returns false on out of memory. */
bool bm_labeler_add(bm_labeler *lb, const bm_label *request);
void bm_labeler_place(bm_labeler *lb);

size_t bm_labeler_count(const bm_labeler *lb);
/* Labels in placement (priority) order after bm_labeler_place. */
const bm_label *bm_labeler_at(const bm_labeler *lb, size_t i);

#endif
