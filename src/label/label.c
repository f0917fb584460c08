#include "label/label.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib-object.h>

/* A uniform grid of box lists: label maps hold hundreds of boxes, and a grid
 * with cells about a label's size answers "does this box hit anything" in a
 * few comparisons. */
#define CELL 64.0

typedef struct {
  size_t *ids, n, cap;
} cell;

struct bm_labeler {
  bm_text *text;
  bm_bbox frame;
  int gw, gh;
  cell *grid;
  bm_bbox *boxes; /* obstacles and placed labels */
  size_t nboxes, capboxes;
  bm_label *labels;
  size_t nlabels, caplabels;
};

bm_labeler *bm_labeler_create(bm_text *text, bm_bbox frame) {
  bm_labeler *lb = calloc(1, sizeof *lb);
  if (!lb) return NULL;
  lb->text = text;
  lb->frame = frame;
  lb->gw = (int)ceil((frame.maxx - frame.minx) / CELL) + 1;
  lb->gh = (int)ceil((frame.maxy - frame.miny) / CELL) + 1;
  lb->grid = calloc((size_t)lb->gw * lb->gh, sizeof *lb->grid);
  if (!lb->grid) {
    free(lb);
    return NULL;
  }
  return lb;
}

void bm_labeler_destroy(bm_labeler *lb) {
  if (!lb) return;
  for (int i = 0; i < lb->gw * lb->gh; i++) free(lb->grid[i].ids);
  free(lb->grid);
  free(lb->boxes);
  for (size_t i = 0; i < lb->nlabels; i++) {
    free(lb->labels[i].text);
    free(lb->labels[i].note);
    if (lb->labels[i].layout) g_object_unref(lb->labels[i].layout);
    if (lb->labels[i].note_layout) g_object_unref(lb->labels[i].note_layout);
  }
  free(lb->labels);
  free(lb);
}

static void cell_range(const bm_labeler *lb, bm_bbox b, int *x0, int *y0, int *x1, int *y1) {
  *x0 = (int)floor((b.minx - lb->frame.minx) / CELL);
  *y0 = (int)floor((b.miny - lb->frame.miny) / CELL);
  *x1 = (int)floor((b.maxx - lb->frame.minx) / CELL);
  *y1 = (int)floor((b.maxy - lb->frame.miny) / CELL);
  if (*x0 < 0) *x0 = 0;
  if (*y0 < 0) *y0 = 0;
  if (*x1 >= lb->gw) *x1 = lb->gw - 1;
  if (*y1 >= lb->gh) *y1 = lb->gh - 1;
}

static bool overlaps(bm_bbox a, bm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

static bool collides(const bm_labeler *lb, bm_bbox b) {
  int x0, y0, x1, y1;
  cell_range(lb, b, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      const cell *c = &lb->grid[y * lb->gw + x];
      for (size_t i = 0; i < c->n; i++)
        if (overlaps(lb->boxes[c->ids[i]], b)) return true;
    }
  return false;
}

bool bm_labeler_add_obstacle(bm_labeler *lb, bm_bbox b) {
  if (lb->nboxes == lb->capboxes) {
    size_t cap = lb->capboxes ? lb->capboxes * 2 : 64;
    bm_bbox *v = realloc(lb->boxes, cap * sizeof *v);
    if (!v) return false;
    lb->boxes = v;
    lb->capboxes = cap;
  }
  size_t id = lb->nboxes++;
  lb->boxes[id] = b;
  int x0, y0, x1, y1;
  cell_range(lb, b, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      cell *c = &lb->grid[y * lb->gw + x];
      if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        size_t *v = realloc(c->ids, cap * sizeof *v);
        if (!v) return false;
        c->ids = v;
        c->cap = cap;
      }
      c->ids[c->n++] = id;
    }
  return true;
}

bool bm_labeler_add(bm_labeler *lb, const bm_label *req) {
  if (lb->nlabels == lb->caplabels) {
    size_t cap = lb->caplabels ? lb->caplabels * 2 : 64;
    bm_label *v = realloc(lb->labels, cap * sizeof *v);
    if (!v) return false;
    lb->labels = v;
    lb->caplabels = cap;
  }
  bm_label *l = &lb->labels[lb->nlabels];
  *l = *req;
  l->text = strdup(req->text);
  l->note = req->note ? strdup(req->note) : NULL;
  l->layout = l->note_layout = NULL;
  l->placed = false;
  l->reason = NULL;
  if (!l->text) return false;
  lb->nlabels++;
  return true;
}

/* Stable priority order: priority, then insertion order. */
static int by_priority(const void *a, const void *b) {
  const bm_label *x = a, *y = b;
  if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
  return (x->position > y->position) - (x->position < y->position);
}

/* Point positions in cartographic preference order (Imhof): upper-right,
 * right, upper-left, left, lower-right, lower-left, top, bottom. dx/dy say on
 * which side of the anchor the block sits (-1, 0, 1). */
static const int point_dirs[8][2] = {{1, -1}, {1, 0}, {-1, -1}, {-1, 0},
                                     {1, 1},  {-1, 1}, {0, -1}, {0, 1}};

static bool inside_frame(const bm_labeler *lb, bm_bbox b) {
  return b.minx >= lb->frame.minx && b.miny >= lb->frame.miny && b.maxx <= lb->frame.maxx &&
         b.maxy <= lb->frame.maxy;
}

static void place_one(bm_labeler *lb, bm_label *l) {
  double tw, th, nw = 0, nh = 0;
  l->layout = bm_text_layout(lb->text, l->text, &l->style);
  bm_text_size(l->layout, &tw, &th);
  if (l->note) {
    l->note_layout = bm_text_layout(lb->text, l->note, &l->note_style);
    bm_text_size(l->note_layout, &nw, &nh);
  }
  double bw = fmax(tw, nw), bh = th + nh;
  if (l->has_symbol && collides(lb, l->symbol)) {
    l->reason = "its symbol would cover a more important label or symbol";
    return;
  }
  int ncand = l->kind == BM_LABEL_AREA ? 13 : l->must_place ? 8 * 5 : 8;
  bool any_in_frame = false;
  for (int c = 0; c < ncand; c++) {
    double x, y;
    if (l->kind == BM_LABEL_AREA) {
      /* centred on the anchor, then moved within the area's radius, nearest first */
      static const double shift[13][2] = {{0, 0},    {0, -.5}, {0, .5},   {-.5, 0}, {.5, 0},
                                          {-.5, -.5}, {.5, -.5}, {-.5, .5}, {.5, .5}, {0, -.9},
                                          {0, .9},   {-.9, 0}, {.9, 0}};
      x = l->ax - bw / 2 + shift[c][0] * l->offset;
      y = l->ay - bh / 2 + shift[c][1] * l->offset;
    } else {
      /* rounds after the first move out in steps, for leader-line callouts */
      static const double ring[5] = {1, 2.5, 4, 6, 9};
      int dx = point_dirs[c % 8][0], dy = point_dirs[c % 8][1];
      double off = l->offset * ring[c / 8], diag = off * 0.7071;
      x = dx > 0 ? l->ax + (dy ? diag : off) : dx < 0 ? l->ax - (dy ? diag : off) - bw : l->ax - bw / 2;
      y = dy > 0 ? l->ay + (dx ? diag : off) : dy < 0 ? l->ay - (dx ? diag : off) - bh : l->ay - bh / 2;
    }
    bm_bbox b = {x, y, x + bw, y + bh};
    if (!inside_frame(lb, b)) continue;
    any_in_frame = true;
    if (collides(lb, b)) continue;
    l->placed = true;
    l->box = b;
    l->position = c;
    l->leader = c >= 8 && l->kind == BM_LABEL_POINT;
    bool left_aligned = l->kind == BM_LABEL_POINT && point_dirs[c % 8][0] >= 0;
    bool right_aligned = l->kind == BM_LABEL_POINT && point_dirs[c % 8][0] < 0;
    l->tx = left_aligned ? x : right_aligned ? x + bw - tw : x + (bw - tw) / 2;
    l->ty = y;
    l->nx = left_aligned ? x : right_aligned ? x + bw - nw : x + (bw - nw) / 2;
    l->ny = y + th;
    bm_labeler_add_obstacle(lb, b);
    if (l->has_symbol) bm_labeler_add_obstacle(lb, l->symbol);
    return;
  }
  l->reason = any_in_frame ? "collides with a more important label or symbol"
                           : "no candidate position fits inside the map frame";
}

void bm_labeler_place(bm_labeler *lb) {
  for (size_t i = 0; i < lb->nlabels; i++) lb->labels[i].position = (int)i;
  qsort(lb->labels, lb->nlabels, sizeof *lb->labels, by_priority);
  for (size_t i = 0; i < lb->nlabels; i++) place_one(lb, &lb->labels[i]);
}

size_t bm_labeler_count(const bm_labeler *lb) { return lb->nlabels; }
const bm_label *bm_labeler_at(const bm_labeler *lb, size_t i) {
  return i < lb->nlabels ? &lb->labels[i] : NULL;
}
