#include "label/label.h"

#include "geom/simplify.h"

#include <glib-object.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable arrays -------------------------------------------------- */

/* Makes room for element n of *arr (capacity *cap elements of es bytes).
 * On failure the array is left as it was. */
static bool grow(void **arr, size_t n, size_t *cap, size_t es) {
  if (n < *cap) return true;
  size_t nc = *cap ? *cap * 2 : 16;
  while (nc <= n)
    nc *= 2;
  void *p = realloc(*arr, nc * es);
  if (!p) return false;
  *arr = p;
  *cap = nc;
  return true;
}
#define GROW(arr, n, cap) grow((void **)&(arr), (n), &(cap), sizeof *(arr))

/* ---- geometry helpers ------------------------------------------------- */

double bm_polyline_length(const double *xy, size_t n) {
  double len = 0;
  for (size_t i = 1; i < n; i++)
    len += hypot(xy[2 * i] - xy[2 * i - 2], xy[2 * i + 1] - xy[2 * i - 1]);
  return len;
}

void bm_polyline_at(const double *xy, size_t n, double s, double *x, double *y, double *angle) {
  /* before the start: the first point; past the end: the last one, with the
   * direction of the last segment that has a length */
  *x = n ? xy[0] : 0;
  *y = n ? xy[1] : 0;
  *angle = 0;
  double acc = 0, adx = 0, ady = 0; /* the direction of the last segment with a length */
  bool moved = false;
  for (size_t i = 1; i < n; i++) {
    double dx = xy[2 * i] - xy[2 * i - 2], dy = xy[2 * i + 1] - xy[2 * i - 1];
    double seg = hypot(dx, dy);
    if (seg <= 0) continue;
    adx = dx, ady = dy, moved = true;
    if (acc + seg >= s) {
      double t = fmax(s - acc, 0) / seg;
      *x = xy[2 * i - 2] + t * dx;
      *y = xy[2 * i - 1] + t * dy;
      break;
    }
    acc += seg;
    *x = xy[2 * i];
    *y = xy[2 * i + 1];
  }
  /* one atan2 at the end, not one per segment walked: this is called for every sample
   * of every candidate along a river */
  if (moved) *angle = atan2(ady, adx);
}

/* The distance at each vertex is summed once, in the same order and with the same
 * operations as bm_polyline_at, so bm_polyline_walk_at gives exactly its results. */
bool bm_polyline_walk_init(bm_polyline_walk *w, const double *xy, size_t n) {
  *w = (bm_polyline_walk){xy, n, NULL, NULL, 0};
  w->seg = malloc((n ? n : 1) * sizeof *w->seg);
  w->cum = malloc((n ? n : 1) * sizeof *w->cum);
  if (!w->seg || !w->cum) return false;
  double acc = 0;
  w->cum[0] = w->seg[0] = 0;
  for (size_t i = 1; i < n; i++) {
    double dx = xy[2 * i] - xy[2 * i - 2], dy = xy[2 * i + 1] - xy[2 * i - 1];
    w->seg[i] = hypot(dx, dy);
    if (w->seg[i] > 0) acc = acc + w->seg[i], w->last = i;
    w->cum[i] = acc;
  }
  return true;
}

void bm_polyline_walk_free(bm_polyline_walk *w) {
  free(w->seg);
  free(w->cum);
}

void bm_polyline_walk_at(const bm_polyline_walk *w, double s, double *x, double *y, double *angle) {
  const double *xy = w->xy;
  size_t lo = 1, hi = w->n; /* the first vertex i >= 1 with cum[i] >= s */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->cum[mid] >= s)
      hi = mid;
    else
      lo = mid + 1;
  }
  size_t i = lo;
  while (i < w->n && !(w->seg[i] > 0))
    i++;
  if (i >= w->n) { /* past the end: the end of the last segment with a length */
    size_t k = w->last;
    *x = k ? xy[2 * k] : (w->n ? xy[0] : 0);
    *y = k ? xy[2 * k + 1] : (w->n ? xy[1] : 0);
    *angle = k ? atan2(xy[2 * k + 1] - xy[2 * k - 1], xy[2 * k] - xy[2 * k - 2]) : 0;
    return;
  }
  double dx = xy[2 * i] - xy[2 * i - 2], dy = xy[2 * i + 1] - xy[2 * i - 1];
  double t = fmax(s - w->cum[i - 1], 0) / w->seg[i];
  *x = xy[2 * i - 2] + t * dx;
  *y = xy[2 * i - 1] + t * dy;
  *angle = atan2(dy, dx);
}

static bool box_in_area(const bm_geom *g, bm_bbox b) {
  double mx = (b.minx + b.maxx) / 2, my = (b.miny + b.maxy) / 2;
  double pts[8][2] = {{b.minx, b.miny}, {b.maxx, b.miny}, {b.minx, b.maxy}, {b.maxx, b.maxy},
                      {mx, b.miny},     {mx, b.maxy},     {b.minx, my},     {b.maxx, my}};
  for (int i = 0; i < 8; i++)
    if (!bm_geom_contains(g, pts[i][0], pts[i][1])) return false;
  return true;
}

static bool overlaps(bm_bbox a, bm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

/* Length of segment (x1,y1)-(x2,y2) inside box b (Liang-Barsky). */
static double clipped_length(bm_bbox b, double x1, double y1, double x2, double y2) {
  double t0 = 0, t1 = 1, dx = x2 - x1, dy = y2 - y1;
  double p[4] = {-dx, dx, -dy, dy}, q[4] = {x1 - b.minx, b.maxx - x1, y1 - b.miny, b.maxy - y1};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0) return 0;
      continue;
    }
    double t = q[i] / p[i];
    if (p[i] < 0) {
      if (t > t1) return 0;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return 0;
      if (t < t1) t1 = t;
    }
  }
  return (t1 - t0) * hypot(dx, dy);
}

/* ---- the labeler ------------------------------------------------------ */

/* A uniform grid: label maps hold hundreds of boxes, and cells about a label's
 * size answer "does this box hit anything" in a few comparisons. */
#define CELL 48.0

typedef struct {
  size_t *ids, n, cap;
} cell;

typedef struct {
  double x1, y1, x2, y2;
  const bm_geom *g; /* the avoided line it is a piece of */
} seg;

typedef struct {
  bm_bbox b;
  int owner; /* label index, or -1 for an obstacle */
  bool alive;
  bool symbol; /* a symbol (site symbol, place dot), not text */
} pbox;

typedef struct {
  double cost;
  size_t box0, nbox; /* in the entry's candidate box list */
  double tx, ty, nx, ny, lx, ly;
  bool leader;
  int variant;      /* which layout: 0 one line, 1 wrapped */
  double s0, angle; /* line labels */
  bool reversed;
  bool on_line; /* text follows the line (else a point-style fallback) */
  size_t part;  /* line labels: which part of the line */
  int order;    /* generation order, for a stable sort */
} cand;

typedef struct {
  cand *c;
  size_t nc, capc;
  bm_bbox *cb;
  size_t ncb, capcb;
  int chosen;          /* index into c, -1 when dropped */
  size_t pbox0, npbox; /* placed boxes in the labeler's pool */
  PangoLayout *variant[2];
  double vw[2], vh[2];
  double **sm; /* line labels: the line's parts, resampled and smoothed */
  size_t *smn, nsm;
  int nvariants;
  double nw, nh;    /* note size */
  bm_bbox area_box; /* area labels: the area's box (empty until first needed) */
} entry;

struct bm_labeler {
  bm_text *text;
  bm_bbox frame;
  int gw, gh;
  cell *grid; /* placed boxes and obstacles */
  pbox *boxes;
  size_t nboxes, capboxes;
  cell *lgrid; /* lines to avoid */
  seg *segs;
  size_t nsegs, capsegs;
  unsigned *seg_stamp;
  unsigned stamp;
  bm_label *labels;
  entry *entries;
  size_t nlabels, caplabels;
  bm_point_pos order[BM_POS_COUNT];
  int norder;
  bool naive, keep;
  bm_bbox *kept;
  size_t nkept, capkept;
  bm_bbox *symbols;
  size_t nsymbols, capsymbols;
  size_t *leaders; /* placed labels that have a leader */
  size_t nleaders, capleaders;
  bool failed; /* out of memory somewhere */
};

bm_labeler *bm_labeler_create(bm_text *text, bm_bbox frame) {
  bm_labeler *lb = calloc(1, sizeof *lb);
  if (!lb) return NULL;
  lb->text = text;
  lb->frame = frame;
  lb->gw = (int)ceil((frame.maxx - frame.minx) / CELL) + 1;
  lb->gh = (int)ceil((frame.maxy - frame.miny) / CELL) + 1;
  lb->grid = calloc((size_t)lb->gw * lb->gh, sizeof *lb->grid);
  lb->lgrid = calloc((size_t)lb->gw * lb->gh, sizeof *lb->lgrid);
  if (!lb->grid || !lb->lgrid) {
    free(lb->grid);
    free(lb->lgrid);
    free(lb);
    return NULL;
  }
  for (int i = 0; i < BM_POS_COUNT; i++)
    lb->order[i] = (bm_point_pos)i;
  lb->norder = BM_POS_COUNT;
  return lb;
}

static void free_grid(cell *g, int n) {
  for (int i = 0; i < n; i++)
    free(g[i].ids);
  free(g);
}

void bm_labeler_destroy(bm_labeler *lb) {
  if (!lb) return;
  free_grid(lb->grid, lb->gw * lb->gh);
  free_grid(lb->lgrid, lb->gw * lb->gh);
  free(lb->boxes);
  free(lb->segs);
  free(lb->seg_stamp);
  free(lb->kept);
  free(lb->symbols);
  free(lb->leaders);
  for (size_t i = 0; i < lb->nlabels; i++) {
    bm_label *l = &lb->labels[i];
    entry *e = &lb->entries[i];
    free(l->text);
    free(l->note);
    free(l->path);
    for (int v = 0; v < 2; v++)
      if (e->variant[v]) g_object_unref(e->variant[v]);
    if (l->note_layout) g_object_unref(l->note_layout);
    free(e->c);
    free(e->cb);
    for (size_t k = 0; k < e->nsm; k++)
      free(e->sm[k]);
    free(e->sm);
    free(e->smn);
  }
  free(lb->labels);
  free(lb->entries);
  free(lb);
}

void bm_labeler_set_point_order(bm_labeler *lb, const bm_point_pos *order, int n) {
  if (n < 1 || n > BM_POS_COUNT) return;
  memcpy(lb->order, order, (size_t)n * sizeof *order);
  lb->norder = n;
}

void bm_labeler_set_naive(bm_labeler *lb, bool naive) { lb->naive = naive; }
void bm_labeler_keep_candidates(bm_labeler *lb, bool keep) { lb->keep = keep; }

/* Clamped in floating point before the cast, so boxes far outside the frame
 * (or not finite) never overflow an int. */
static int cell_of(double v, double origin, int n) {
  double c = floor((v - origin) / CELL);
  return c < 0 ? 0 : c > n - 1 ? n - 1 : (int)c;
}

static void cell_range(const bm_labeler *lb, bm_bbox b, int *x0, int *y0, int *x1, int *y1) {
  if (!isfinite(b.minx) || !isfinite(b.miny) || !isfinite(b.maxx) || !isfinite(b.maxy)) {
    *x0 = *y0 = 0; /* no cells: such a box can be neither stored nor hit */
    *x1 = *y1 = -1;
    return;
  }
  *x0 = cell_of(b.minx, lb->frame.minx, lb->gw);
  *y0 = cell_of(b.miny, lb->frame.miny, lb->gh);
  *x1 = cell_of(b.maxx, lb->frame.minx, lb->gw);
  *y1 = cell_of(b.maxy, lb->frame.miny, lb->gh);
}

static bool cell_push(cell *c, size_t id) {
  if (!GROW(c->ids, c->n, c->cap)) return false;
  c->ids[c->n++] = id;
  return true;
}

static bool insert_box_kind(bm_labeler *lb, bm_bbox b, int owner, bool symbol) {
  if (!GROW(lb->boxes, lb->nboxes, lb->capboxes)) return lb->failed = true, false;
  size_t id = lb->nboxes++;
  lb->boxes[id] = (pbox){b, owner, true, symbol};
  int x0, y0, x1, y1;
  cell_range(lb, b, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (!cell_push(&lb->grid[y * lb->gw + x], id)) return lb->failed = true, false;
  return true;
}

static bool insert_box(bm_labeler *lb, bm_bbox b, int owner) {
  return insert_box_kind(lb, b, owner, false);
}

bool bm_labeler_add_obstacle(bm_labeler *lb, bm_bbox b) { return insert_box(lb, b, -1); }

bool bm_labeler_add_symbol(bm_labeler *lb, bm_bbox b) {
  if (!GROW(lb->symbols, lb->nsymbols, lb->capsymbols)) return lb->failed = true, false;
  lb->symbols[lb->nsymbols++] = b;
  return insert_box_kind(lb, b, -1, true);
}

static double box_distance(bm_bbox b, double x, double y) {
  double dx = fmax(fmax(b.minx - x, 0), x - b.maxx), dy = fmax(fmax(b.miny - y, 0), y - b.maxy);
  return hypot(dx, dy);
}

/* A label nearer to another symbol than to its own anchor reads as that
 * symbol's: such positions pay, so they are used only when nothing else fits. */
static double ambiguity(const bm_labeler *lb, const bm_label *l, bm_bbox b) {
  double own = box_distance(b, l->ax, l->ay), cost = 0;
  for (size_t i = 0; i < lb->nsymbols; i++) {
    bm_bbox s = lb->symbols[i];
    double sx = (s.minx + s.maxx) / 2, sy = (s.miny + s.maxy) / 2;
    if (fabs(sx - l->ax) < 0.5 && fabs(sy - l->ay) < 0.5) continue; /* its own symbol */
    double other = box_distance(b, sx, sy);
    /* nearer to another: a story site takes such a place only when nothing else fits */
    if (other + 1 < own) return l->must_place ? 100 : 5;
    if (other < own + 2) cost = 5; /* as near: ambiguous */
  }
  return cost;
}

/* The owner of a live box b overlaps (>= 0 a label, -1 an obstacle), -2 when
 * free; `ignore` is a label whose boxes do not count. */
static int first_hit(const bm_labeler *lb, bm_bbox b, int ignore) {
  int x0, y0, x1, y1;
  cell_range(lb, b, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      const cell *c = &lb->grid[y * lb->gw + x];
      for (size_t i = 0; i < c->n; i++) {
        const pbox *p = &lb->boxes[c->ids[i]];
        if (p->alive && p->owner != ignore && overlaps(p->b, b)) return p->owner;
      }
    }
  return -2;
}

bool bm_labeler_add_avoid_line(bm_labeler *lb, const bm_geom *g) {
  for (size_t part = 0; part < g->nparts; part++) {
    const double *p = bm_geom_part_xy(g, part);
    size_t n = bm_geom_part_len(g, part);
    for (size_t i = 1; i < n; i++) {
      if (!GROW(lb->segs, lb->nsegs, lb->capsegs)) return lb->failed = true, false;
      size_t id = lb->nsegs++;
      seg *s = &lb->segs[id];
      *s = (seg){p[2 * i - 2], p[2 * i - 1], p[2 * i], p[2 * i + 1], g};
      bm_bbox b = {fmin(s->x1, s->x2), fmin(s->y1, s->y2), fmax(s->x1, s->x2), fmax(s->y1, s->y2)};
      if (!overlaps(bm_bbox_grow(b, 1, 1), lb->frame)) {
        lb->nsegs--;
        continue;
      }
      int x0, y0, x1, y1;
      cell_range(lb, b, &x0, &y0, &x1, &y1);
      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          if (!cell_push(&lb->lgrid[y * lb->gw + x], id)) return lb->failed = true, false;
    }
  }
  return true;
}

/* Length of avoided lines inside b, but for the line `own` (NULL: none). */
static double crossing(bm_labeler *lb, bm_bbox b, const bm_geom *own);

/* The cost of crossing lines: one unit per text height of line inside the
 * box, capped so that crossing never outweighs leaving the anchor. */
static double crossing_cost(bm_labeler *lb, const bm_label *l, bm_bbox b) {
  return fmin(crossing(lb, b, l->names) / fmax(l->style.size, 1), 6);
}

static double crossing(bm_labeler *lb, bm_bbox b, const bm_geom *own) {
  if (!lb->nsegs || !lb->seg_stamp) return 0;
  lb->stamp++;
  double len = 0;
  int x0, y0, x1, y1;
  cell_range(lb, b, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      const cell *c = &lb->lgrid[y * lb->gw + x];
      for (size_t i = 0; i < c->n; i++) {
        size_t id = c->ids[i];
        if (lb->seg_stamp[id] == lb->stamp) continue;
        lb->seg_stamp[id] = lb->stamp;
        const seg *s = &lb->segs[id];
        if (own && s->g == own) continue;
        len += clipped_length(b, s->x1, s->y1, s->x2, s->y2);
      }
    }
  return len;
}

bool bm_labeler_add(bm_labeler *lb, const bm_label *req) {
  if (lb->nlabels == lb->caplabels) { /* labels and entries grow together */
    size_t cap = lb->caplabels ? lb->caplabels * 2 : 16;
    bm_label *l = realloc(lb->labels, cap * sizeof *l);
    if (l) lb->labels = l;
    entry *e = l ? realloc(lb->entries, cap * sizeof *e) : NULL;
    if (e) lb->entries = e;
    if (!l || !e) return lb->failed = true, false;
    lb->caplabels = cap;
  }
  bm_label *l = &lb->labels[lb->nlabels];
  *l = *req;
  l->text = strdup(req->text);
  l->note = req->note ? strdup(req->note) : NULL;
  l->layout = l->note_layout = NULL;
  l->path = NULL;
  l->npath = 0;
  l->placed = l->leader = false;
  l->reason = NULL;
  if (!l->text || (req->note && !l->note)) {
    free(l->text);
    free(l->note);
    return lb->failed = true, false;
  }
  memset(&lb->entries[lb->nlabels], 0, sizeof(entry));
  lb->entries[lb->nlabels].chosen = -1;
  lb->entries[lb->nlabels].area_box = bm_bbox_empty();
  lb->nlabels++;
  return true;
}

/* ---- candidates ------------------------------------------------------- */

static bool in_frame(const bm_labeler *lb, bm_bbox b) {
  return b.minx >= lb->frame.minx && b.miny >= lb->frame.miny && b.maxx <= lb->frame.maxx &&
         b.maxy <= lb->frame.maxy;
}

static cand *new_cand(bm_labeler *lb, entry *e) {
  if (!GROW(e->c, e->nc, e->capc)) return lb->failed = true, NULL;
  cand *c = &e->c[e->nc++];
  memset(c, 0, sizeof *c);
  c->order = (int)e->nc;
  c->box0 = e->ncb;
  return c;
}

static bool cand_box(bm_labeler *lb, entry *e, cand *c, bm_bbox b) {
  if (!GROW(e->cb, e->ncb, e->capcb)) return lb->failed = true, false;
  e->cb[e->ncb++] = b;
  c->nbox++;
  if (lb->keep && GROW(lb->kept, lb->nkept, lb->capkept)) lb->kept[lb->nkept++] = b;
  return true;
}

/* Offsets of the text block for a point position: which side of the anchor
 * it sits on horizontally (dx) and vertically (dy). */
static const int pos_dir[BM_POS_COUNT][2] = {{1, -1}, {1, 0},  {-1, -1}, {-1, 0},
                                             {1, 1},  {-1, 1}, {0, -1},  {0, 1}};

/* Does (x, y) lie in an area another label of l's layer names (another country, for a
 * country)? A name set outside its own small country, over its neighbour, reads as the
 * neighbour's (Djibouti's over Ethiopia): over the sea or an unnamed area it reads as its
 * own, by its leader. */
static bool in_other_named_area(bm_labeler *lb, const bm_label *l, double x, double y) {
  for (size_t i = 0; i < lb->nlabels; i++) {
    const bm_label *o = &lb->labels[i];
    if (o == l || o->kind != BM_LABEL_AREA || !o->area || o->area == l->area ||
        strcmp(o->layer, l->layer))
      continue;
    entry *oe = &lb->entries[i];
    if (bm_bbox_is_empty(oe->area_box)) oe->area_box = bm_geom_bbox(o->area);
    bm_bbox b = oe->area_box;
    if (x >= b.minx && x <= b.maxx && y >= b.miny && y <= b.maxy && bm_geom_contains(o->area, x, y))
      return true;
  }
  return false;
}

static void point_candidates(bm_labeler *lb, bm_label *l, entry *e, double cx, double cy,
                             double base_offset, bool leader_rings) {
  /* rings after the first move out, for leader-line callouts */
  static const double rings[] = {1, 2.5, 4, 6, 9, 13, 18, 25};
  int nrings = leader_rings ? 8 : 1;
  int norder = lb->naive ? 1 : lb->norder;
  int nvar = lb->naive ? 1 : e->nvariants;
  for (int v = 0; v < nvar; v++) {
    double bw = fmax(e->vw[v], e->nw), bh = e->vh[v] + e->nh;
    for (int r = 0; r < nrings; r++)
      for (int k = 0; k < norder; k++) {
        int dx = pos_dir[lb->order[k]][0], dy = pos_dir[lb->order[k]][1];
        double off = base_offset * rings[r], diag = off * 0.7071;
        double x = dx > 0   ? cx + (dy ? diag : off)
                   : dx < 0 ? cx - (dy ? diag : off) - bw
                            : cx - bw / 2;
        double y = dy > 0   ? cy + (dx ? diag : off)
                   : dy < 0 ? cy - (dx ? diag : off) - bh
                            : cy - bh / 2;
        bm_bbox b = {x, y, x + bw, y + bh};
        if (!in_frame(lb, b)) continue;
        cand *c = new_cand(lb, e);
        if (!c) return;
        /* text hugs the anchor's side: left-aligned right of it, right-aligned left of it */
        c->tx = dx > 0 ? x : dx < 0 ? x + bw - e->vw[v] : x + (bw - e->vw[v]) / 2;
        c->ty = y;
        c->nx = dx > 0 ? x : dx < 0 ? x + bw - e->nw : x + (bw - e->nw) / 2;
        c->ny = y + e->vh[v];
        c->variant = v;
        c->leader = r > 0 || (l->kind == BM_LABEL_AREA);
        c->lx = fmin(fmax(l->ax, b.minx), b.maxx);
        c->ly = fmin(fmax(l->ay, b.miny), b.maxy);
        /* a leader is a last resort: farther rings cost more than any crossing */
        c->cost = k + 0.6 * v + (r > 0 ? 20 + 6 * r : 0) + (l->kind == BM_LABEL_AREA ? 20 : 0);
        if (!lb->naive) c->cost += crossing_cost(lb, l, b) + ambiguity(lb, l, b);
        /* text on its anchor's side of a coast or border reads as belonging to it */
        if (!lb->naive && l->home &&
            !bm_geom_contains(l->home, (b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2))
          c->cost += 2;
        /* an area's name set outside it: not over another named area, if it can be helped */
        if (!lb->naive && l->kind == BM_LABEL_AREA &&
            in_other_named_area(lb, l, (b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2))
          c->cost += 25;
        cand_box(lb, e, c, b);
      }
  }
}

static void area_candidates(bm_labeler *lb, bm_label *l, entry *e) {
  /* centred on the anchor, then moved within the area's radius, nearest first */
  static const double shift[13][2] = {{0, 0},     {0, -.5},  {0, .5},   {-.5, 0}, {.5, 0},
                                      {-.5, -.5}, {.5, -.5}, {-.5, .5}, {.5, .5}, {0, -.9},
                                      {0, .9},    {-.9, 0},  {.9, 0}};
  int nshift = lb->naive ? 1 : 13, nvar = lb->naive ? 1 : e->nvariants;
  size_t before = e->nc;
  for (int v = 0; v < nvar; v++)
    for (int s = 0; s < nshift; s++) {
      double bw = e->vw[v], bh = e->vh[v];
      double x = l->ax - bw / 2 + shift[s][0] * l->offset;
      double y = l->ay - bh / 2 + shift[s][1] * l->offset;
      bm_bbox b = {x, y, x + bw, y + bh};
      if (!in_frame(lb, b)) continue;
      if (l->area && !box_in_area(l->area, b)) continue;
      cand *c = new_cand(lb, e);
      if (!c) return;
      c->tx = x;
      c->ty = y;
      c->variant = v;
      c->cost = hypot(shift[s][0], shift[s][1]) + 0.4 * v;
      if (!lb->naive) c->cost += crossing_cost(lb, l, b);
      cand_box(lb, e, c, b);
    }
  if (e->nc == before && l->outside_ok && !lb->naive)
    point_candidates(lb, l, e, l->ax, l->ay, fmax(l->offset, l->style.size) + 4, false);
}

/* The line resampled every `step` pixels and smoothed by a moving average
 * over about `window` pixels: text bent over every wiggle of a 10m river is
 * unreadable, text on its smoothed course is not. */
static double *smooth(const double *p, size_t n, double step, double window, size_t *out_n) {
  double len = bm_polyline_length(p, n);
  size_t m = (size_t)(len / step) + 2;
  double *r = malloc(2 * m * sizeof *r), *o = malloc(2 * m * sizeof *o);
  if (!r || !o) {
    free(r);
    free(o);
    return NULL;
  }
  bm_polyline_walk wk;
  if (!bm_polyline_walk_init(&wk, p, n)) {
    bm_polyline_walk_free(&wk);
    free(r);
    free(o);
    return NULL;
  }
  for (size_t i = 0; i < m; i++) {
    double a;
    bm_polyline_walk_at(&wk, fmin(i * step, len), &r[2 * i], &r[2 * i + 1], &a);
  }
  bm_polyline_walk_free(&wk);
  long h = (long)(window / step / 2);
  for (long i = 0; i < (long)m; i++) {
    long lo = i - h < 0 ? 0 : i - h, hi = i + h >= (long)m ? (long)m - 1 : i + h;
    long span = (i - lo < hi - i) ? i - lo : hi - i; /* symmetric, so ends stay put */
    double sx = 0, sy = 0;
    for (long k = i - span; k <= i + span; k++)
      sx += r[2 * k], sy += r[2 * k + 1];
    o[2 * i] = sx / (2 * span + 1);
    o[2 * i + 1] = sy / (2 * span + 1);
  }
  free(r);
  *out_n = m;
  return o;
}

/* Text along a line: positions every third of the text's width along each
 * stretch of the line long enough to hold it, read left to right (the line
 * is reversed where it runs right to left), rejected where the line turns
 * more than 28 degrees between neighbouring glyphs. */
static void line_candidates(bm_labeler *lb, bm_label *l, entry *e) {
  double w = e->vw[0], h = e->vh[0];
  if (!l->line || w <= 0) return;
  /* pieces that meet end to end make one line: a label may run across them */
  bm_geom joined;
  bm_geom_init(&joined, BM_GEOM_LINE);
  if (!bm_geom_join_lines(l->line, 0.5, &joined)) {
    bm_geom_free(&joined);
    lb->failed = true;
    return;
  }
  const bm_geom *g = &joined;
  e->sm = calloc(g->nparts + 1, sizeof *e->sm);
  e->smn = calloc(g->nparts + 1, sizeof *e->smn);
  if (!e->sm || !e->smn) {
    bm_geom_free(&joined);
    lb->failed = true;
    return;
  }
  e->nsm = g->nparts;
  for (size_t part = 0; part < g->nparts; part++) {
    double raw = bm_polyline_length(bm_geom_part_xy(g, part), bm_geom_part_len(g, part));
    if (raw < w * 1.15) continue;
    e->sm[part] = smooth(bm_geom_part_xy(g, part), bm_geom_part_len(g, part), fmax(h * 0.3, 1.5),
                         l->smooth > 0 ? l->smooth : h * 1.5, &e->smn[part]);
    const double *p = e->sm[part];
    size_t n = e->smn[part];
    if (!p) continue;
    double len = bm_polyline_length(p, n);
    if (len < w * 1.15) continue;
    bm_polyline_walk pw;
    if (!bm_polyline_walk_init(&pw, p, n)) {
      bm_polyline_walk_free(&pw);
      lb->failed = true;
      break;
    }
    double step = lb->naive ? len : fmax(w / 3, 12);
    /* from the middle outwards, alternating sides: the centre of a stretch reads best */
    for (int k = 0; k < 400; k++) {
      double reach = ceil(k / 2.0) * step;
      if ((len - w) / 2 - reach < 0) break;
      double s = (len - w) / 2 + (k % 2 ? -reach : reach);
      double x0, y0, a0, x1, y1, a1;
      bm_polyline_walk_at(&pw, s, &x0, &y0, &a0);
      bm_polyline_walk_at(&pw, s + w, &x1, &y1, &a1);
      bool reversed = x1 < x0; /* keep the text upright */
      double chunk = fmax(h * 0.7, 4), turn_max = 0, prev = 0, sum_cos = 0, sum_sin = 0;
      int nsamp = (int)ceil(w / chunk);
      bool ok = true;
      cand *c = new_cand(lb, e);
      if (!c) {
        bm_polyline_walk_free(&pw);
        return;
      }
      for (int i = 0; i <= nsamp && ok; i++) {
        double si = s + w * i / nsamp, x, y, a;
        bm_polyline_walk_at(&pw, si, &x, &y, &a);
        if (reversed) a += M_PI;
        if (i > 0) {
          double d = remainder(a - prev, 2 * M_PI);
          turn_max = fmax(turn_max, fabs(d));
          if (fabs(d) > 28 * M_PI / 180) ok = false;
        }
        prev = a;
        sum_cos += cos(a), sum_sin += sin(a); /* circular mean: angles wrap at 180 */
        if (i == nsamp) break;
        /* the text sits just above the line: its middle is h/2 + 1 up the normal */
        double smid = s + w * (i + 0.5) / nsamp, mx, my, ma;
        bm_polyline_walk_at(&pw, smid, &mx, &my, &ma);
        if (reversed) ma += M_PI;
        double off = h / 2 + 1;
        double cx = mx + sin(ma) * off, cy = my - cos(ma) * off;
        double half = fmax(chunk, h) / 2;
        bm_bbox b = {cx - half, cy - half, cx + half, cy + half};
        if (!in_frame(lb, b))
          ok = false;
        else
          cand_box(lb, e, c, b);
      }
      if (!ok) { /* drop the half-built candidate */
        e->ncb = c->box0;
        e->nc--;
        continue;
      }
      c->s0 = reversed ? len - s - w : s;
      c->reversed = reversed;
      c->angle = atan2(sum_sin, sum_cos) * 180 / M_PI;
      c->variant = 0;
      /* prefer the middle of a stretch, straight, and near horizontal */
      c->cost = fabs(s - (len - w) / 2) / fmax(len, 1) + turn_max * 2 + part * 0.01 +
                1.5 * fabs(sin(c->angle * M_PI / 180));
      if (!lb->naive) {
        double cross = 0;
        for (size_t i = 0; i < c->nbox; i++)
          cross += crossing(lb, e->cb[c->box0 + i], l->names);
        c->cost += cross / fmax(h, 1) * 0.5;
      }
      c->part = part;
      c->on_line = true;
      if (lb->naive) break;
    }
    bm_polyline_walk_free(&pw);
  }
  bm_geom_free(&joined);
  /* a story line that must be labelled: beside its anchor as a last resort */
  if (l->must_place) {
    size_t first = e->nc;
    point_candidates(lb, l, e, l->ax, l->ay, fmax(l->offset, 2), true);
    for (size_t i = first; i < e->nc; i++)
      e->c[i].cost += 30;
  }
}

static void measure(bm_labeler *lb, bm_label *l, entry *e) {
  e->variant[0] = bm_text_layout(lb->text, l->text, &l->style);
  bm_text_size(e->variant[0], &e->vw[0], &e->vh[0]);
  e->nvariants = 1;
  /* long names may break into two lines (point and area labels) */
  bool long_point = l->kind == BM_LABEL_POINT && e->vw[0] > 12 * l->style.size;
  bool wide_area = l->kind == BM_LABEL_AREA && e->vw[0] > 1.6 * l->offset;
  if ((long_point || wide_area) && strchr(l->text, ' ') && l->style.wrap_width == 0) {
    bm_text_style st = l->style;
    st.wrap_width = e->vw[0] * 0.6;
    st.center = true;
    e->variant[1] = bm_text_layout(lb->text, l->text, &st);
    bm_text_size(e->variant[1], &e->vw[1], &e->vh[1]);
    if (pango_layout_get_line_count(e->variant[1]) > 1) e->nvariants = 2;
  }
  if (l->note) {
    l->note_layout = bm_text_layout(lb->text, l->note, &l->note_style);
    bm_text_size(l->note_layout, &e->nw, &e->nh);
  }
}

static void generate(bm_labeler *lb, size_t i) {
  bm_label *l = &lb->labels[i];
  entry *e = &lb->entries[i];
  measure(lb, l, e);
  switch (l->kind) {
  case BM_LABEL_POINT: point_candidates(lb, l, e, l->ax, l->ay, l->offset, l->must_place); break;
  case BM_LABEL_AREA: area_candidates(lb, l, e); break;
  case BM_LABEL_LINE: line_candidates(lb, l, e); break;
  }
}

static int by_cost(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* ---- placement -------------------------------------------------------- */

/* Another placed line label with the same text nearer than the repeat gap? */
static bool repeats_too_close(const bm_labeler *lb, size_t i, const cand *c) {
  const bm_label *l = &lb->labels[i];
  if (l->kind != BM_LABEL_LINE || l->repeat_gap <= 0) return false;
  const entry *e = &lb->entries[i];
  const bm_bbox *mine = &e->cb[c->box0];
  for (size_t j = 0; j < lb->nlabels; j++) {
    const bm_label *o = &lb->labels[j];
    if (j == i || !o->placed || o->kind != BM_LABEL_LINE || strcmp(o->text, l->text)) continue;
    double dx = (o->box.minx + o->box.maxx) / 2 - (mine->minx + mine->maxx) / 2;
    double dy = (o->box.miny + o->box.maxy) / 2 - (mine->miny + mine->maxy) / 2;
    if (hypot(dx, dy) < l->repeat_gap) return true;
  }
  return false;
}

/* Does the segment (x1, y1)-(x2, y2) pass through the inside of b? */
static bool seg_in_box(double x1, double y1, double x2, double y2, bm_bbox b) {
  double t0 = 0, t1 = 1, dx = x2 - x1, dy = y2 - y1;
  double p[4] = {-dx, dx, -dy, dy}, q[4] = {x1 - b.minx, b.maxx - x1, y1 - b.miny, b.maxy - y1};
  for (int k = 0; k < 4; k++) {
    if (p[k] == 0) {
      if (q[k] <= 0) return false;
    } else if (p[k] < 0) {
      t0 = fmax(t0, q[k] / p[k]);
    } else {
      t1 = fmin(t1, q[k] / p[k]);
    }
  }
  return t1 - t0 > 1e-6;
}

static double orient(double ax, double ay, double bx, double by, double cx, double cy) {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

static bool segs_cross(const double a[4], const double b[4]) {
  return orient(b[0], b[1], b[2], b[3], a[0], a[1]) * orient(b[0], b[1], b[2], b[3], a[2], a[3]) <
             0 &&
         orient(a[0], a[1], a[2], a[3], b[0], b[1]) * orient(a[0], a[1], a[2], a[3], b[2], b[3]) <
             0;
}

/* Leaders never cross a label or another leader: the candidate's own leader
 * against every placed box and leader, and its boxes against every placed
 * leader. Returns the owner in the way, or -2. */
static int leader_crossing(const bm_labeler *lb, size_t i, const cand *c, int ignore) {
  const bm_label *l = &lb->labels[i];
  const entry *e = &lb->entries[i];
  double mine[4] = {l->ax, l->ay, c->lx, c->ly};
  bool has = c->leader && hypot(c->lx - l->ax, c->ly - l->ay) > 1;
  if (has) { /* the leader against every placed text box along it */
    bm_bbox sb = {fmin(mine[0], mine[2]), fmin(mine[1], mine[3]), fmax(mine[0], mine[2]),
                  fmax(mine[1], mine[3])};
    int x0, y0, x1, y1;
    cell_range(lb, bm_bbox_grow(sb, 2, 2), &x0, &y0, &x1, &y1);
    for (int y = y0; y <= y1; y++)
      for (int x = x0; x <= x1; x++) {
        const cell *cl = &lb->grid[y * lb->gw + x];
        for (size_t k = 0; k < cl->n; k++) {
          const pbox *p = &lb->boxes[cl->ids[k]];
          if (p->alive && !p->symbol && p->owner >= 0 && p->owner != (int)i && p->owner != ignore &&
              seg_in_box(mine[0], mine[1], mine[2], mine[3], bm_bbox_grow(p->b, 1, 1)))
            return p->owner;
        }
      }
  }
  for (size_t k = 0; k < lb->nleaders; k++) {
    size_t j = lb->leaders[k];
    const bm_label *o = &lb->labels[j];
    if (j == i || (int)j == ignore) continue;
    double theirs[4] = {o->ax, o->ay, o->lx, o->ly};
    if (has && segs_cross(mine, theirs)) return (int)j;
    for (size_t b = 0; b < c->nbox; b++)
      if (seg_in_box(theirs[0], theirs[1], theirs[2], theirs[3], e->cb[c->box0 + b])) return (int)j;
  }
  return -2;
}

/* A point label nearer to another symbol than to its own reads as that
 * symbol's: a placed symbol (a site's, a place's dot) nearer to the box than
 * the label's anchor is in the way. */
static int nearer_to_other(const bm_labeler *lb, size_t i, bm_bbox b, int ignore) {
  const bm_label *l = &lb->labels[i];
  double own = box_distance(b, l->ax, l->ay);
  int x0, y0, x1, y1;
  cell_range(lb, bm_bbox_grow(b, own + 1, own + 1), &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      const cell *cl = &lb->grid[y * lb->gw + x];
      for (size_t k = 0; k < cl->n; k++) {
        const pbox *p = &lb->boxes[cl->ids[k]];
        if (!p->alive || !p->symbol || p->owner == (int)i || (ignore >= 0 && p->owner == ignore))
          continue;
        double sx = (p->b.minx + p->b.maxx) / 2, sy = (p->b.miny + p->b.maxy) / 2;
        if (fabs(sx - l->ax) < 0.5 && fabs(sy - l->ay) < 0.5) continue; /* its own */
        if (l->must_place && p->owner < 0) continue; /* site symbols: a cost (ambiguity) */
        if (box_distance(b, sx, sy) + 1 < own) return p->owner;
      }
    }
  return -2;
}

/* The converse: label i's symbol (a place's dot) would sit nearer to a placed
 * point label than that label's own anchor. */
static int symbol_misleads(const bm_labeler *lb, size_t i, int ignore) {
  const bm_label *l = &lb->labels[i];
  double sx = (l->symbol.minx + l->symbol.maxx) / 2, sy = (l->symbol.miny + l->symbol.maxy) / 2;
  int x0, y0, x1, y1;
  /* a label without a leader sits within a few pixels of its anchor: look that far */
  cell_range(lb, bm_bbox_grow(l->symbol, 24, 24), &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      const cell *cl = &lb->grid[y * lb->gw + x];
      for (size_t k = 0; k < cl->n; k++) {
        const pbox *p = &lb->boxes[cl->ids[k]];
        if (!p->alive || p->symbol || p->owner < 0 || p->owner == (int)i || p->owner == ignore)
          continue;
        const bm_label *o = &lb->labels[p->owner];
        if (o->kind != BM_LABEL_POINT || o->leader) continue;
        if (box_distance(p->b, sx, sy) + 1 < box_distance(p->b, o->ax, o->ay)) return p->owner;
      }
    }
  return -2;
}

/* Is candidate c of label i free? Returns -2 when free, else the owner of the
 * first thing in the way (-1 an obstacle). */
static int blocker(const bm_labeler *lb, size_t i, const cand *c, int ignore) {
  const entry *e = &lb->entries[i];
  const bm_label *l = &lb->labels[i];
  if (l->has_symbol && !l->symbol_shared) {
    int h = first_hit(lb, l->symbol, ignore);
    if (h != -2) return h;
  }
  for (size_t k = 0; k < c->nbox; k++) {
    int h = first_hit(lb, e->cb[c->box0 + k], ignore);
    if (h != -2) return h;
  }
  if (lb->naive) return -2;
  int h = leader_crossing(lb, i, c, ignore);
  if (h != -2) return h;
  if (l->kind == BM_LABEL_POINT && c->nbox == 1) {
    h = nearer_to_other(lb, i, e->cb[c->box0], ignore);
    if (h != -2) return h;
  }
  if (l->has_symbol) return symbol_misleads(lb, i, ignore);
  return -2;
}

static void take(bm_labeler *lb, size_t i, int ci) {
  entry *e = &lb->entries[i];
  bm_label *l = &lb->labels[i];
  cand *c = &e->c[ci];
  e->chosen = ci;
  e->pbox0 = lb->nboxes;
  bm_bbox all = bm_bbox_empty();
  for (size_t k = 0; k < c->nbox; k++) {
    bm_bbox b = e->cb[c->box0 + k];
    insert_box(lb, b, (int)i);
    bm_bbox_add(&all, b.minx, b.miny);
    bm_bbox_add(&all, b.maxx, b.maxy);
  }
  if (l->has_symbol) insert_box_kind(lb, l->symbol, (int)i, true);
  e->npbox = lb->nboxes - e->pbox0;
  l->placed = true;
  l->box = all;
  l->tx = c->tx;
  l->ty = c->ty;
  l->nx = c->nx;
  l->ny = c->ny;
  l->leader = c->leader;
  l->lx = c->lx;
  l->ly = c->ly;
  if (l->leader && hypot(l->lx - l->ax, l->ly - l->ay) > 1) {
    if (GROW(lb->leaders, lb->nleaders, lb->capleaders))
      lb->leaders[lb->nleaders++] = i;
    else
      lb->failed = true;
  }
  l->cost = c->cost;
  l->s0 = c->s0;
  l->angle = c->angle;
  l->layout = e->variant[c->variant];
  l->reason = NULL;
}

static void release(bm_labeler *lb, size_t i) {
  entry *e = &lb->entries[i];
  for (size_t k = 0; k < lb->nleaders; k++)
    if (lb->leaders[k] == i) lb->leaders[k--] = lb->leaders[--lb->nleaders];
  for (size_t k = 0; k < e->npbox; k++)
    lb->boxes[e->pbox0 + k].alive = false;
  e->chosen = -1;
  lb->labels[i].placed = false;
}

/* Places label i at its cheapest free candidate, other than `skip` and
 * costing at most max_cost. */
static bool try_place(bm_labeler *lb, size_t i, int skip, double max_cost) {
  entry *e = &lb->entries[i];
  for (size_t ci = 0; ci < e->nc; ci++) {
    if ((int)ci == skip || e->c[ci].cost > max_cost) continue;
    if (blocker(lb, i, &e->c[ci], -3) == -2 && !repeats_too_close(lb, i, &e->c[ci])) {
      take(lb, i, (int)ci);
      return true;
    }
  }
  return false;
}

/* For a dropped label, find a candidate blocked by exactly one label that can
 * itself move to another free candidate; move it and place both. */
static bool improve(bm_labeler *lb, size_t i) {
  entry *e = &lb->entries[i];
  for (size_t ci = 0; ci < e->nc && ci < 24; ci++) {
    cand *c = &e->c[ci];
    int b = blocker(lb, i, c, -3);
    if (b < 0) continue; /* free (then greedy would have taken it) or an obstacle */
    /* exactly one blocker: with it gone, is the candidate free? */
    if (blocker(lb, i, c, b) != -2 || repeats_too_close(lb, i, c)) continue;
    int old = lb->entries[b].chosen;
    const char *reason = lb->labels[i].reason;
    release(lb, (size_t)b);
    take(lb, i, (int)ci);
    /* the blocker may move to a nearly as good place, never to a leader far
     * off: a more important label does not pay much for a less important one */
    if (try_place(lb, (size_t)b, old, lb->entries[b].c[old].cost + 4)) return true;
    /* undo: put the blocker back where it was */
    release(lb, i);
    lb->labels[i].reason = reason;
    take(lb, (size_t)b, old);
  }
  return false;
}

/* Stable priority order: priority, then insertion order. */
typedef struct {
  double priority;
  size_t index;
} order_key;

static int by_priority(const void *a, const void *b) {
  const order_key *x = a, *y = b;
  if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

bool bm_labeler_place(bm_labeler *lb) {
  /* sort labels (and their entries) into priority order once */
  size_t n = lb->nlabels;
  order_key *keys = malloc((n ? n : 1) * sizeof *keys);
  bm_label *ls = malloc((n ? n : 1) * sizeof *ls);
  entry *es = malloc((n ? n : 1) * sizeof *es);
  /* one stamp per avoided segment, so crossing() counts each segment once */
  free(lb->seg_stamp);
  lb->seg_stamp = calloc(lb->nsegs + 1, sizeof *lb->seg_stamp);
  if (!keys || !ls || !es || !lb->seg_stamp) {
    free(keys);
    free(ls);
    free(es);
    lb->failed = true;
    return false;
  }
  for (size_t i = 0; i < n; i++)
    keys[i] = (order_key){lb->labels[i].priority, i};
  qsort(keys, n, sizeof *keys, by_priority);
  for (size_t i = 0; i < n; i++) {
    ls[i] = lb->labels[keys[i].index];
    es[i] = lb->entries[keys[i].index];
  }
  if (n) { /* a map with no label at all has no arrays to copy into (memcpy of NULL is UB) */
    memcpy(lb->labels, ls, n * sizeof *ls);
    memcpy(lb->entries, es, n * sizeof *es);
  }
  free(keys);
  free(ls);
  free(es);

  for (size_t i = 0; i < n; i++) {
    generate(lb, i);
    entry *e = &lb->entries[i];
    if (!lb->naive && e->nc > 1) qsort(e->c, e->nc, sizeof *e->c, by_cost);
    bm_label *l = &lb->labels[i];
    if (try_place(lb, i, -1, INFINITY)) continue;
    l->reason = e->nc == 0 ? (l->kind == BM_LABEL_AREA ? "does not fit inside its area"
                              : l->kind == BM_LABEL_LINE
                                  ? "the line is too short or too curved for the text"
                                  : "no position fits inside the map frame")
                           : "collides with a more important label, symbol or the map furniture";
  }
  for (size_t i = 0; !lb->naive && i < n; i++)
    if (!lb->labels[i].placed && lb->entries[i].nc && improve(lb, i)) lb->labels[i].reason = NULL;

  /* line labels keep their own oriented copy of the path for the painter */
  for (size_t i = 0; i < n; i++) {
    bm_label *l = &lb->labels[i];
    entry *e = &lb->entries[i];
    if (!l->placed || l->kind != BM_LABEL_LINE) continue;
    const cand *c = &e->c[e->chosen];
    if (!c->on_line) continue;
    size_t part = c->part, np = e->smn[part];
    const double *p = e->sm[part];
    l->path = malloc(np * 2 * sizeof(double));
    if (!l->path) {
      lb->failed = true;
      break;
    }
    for (size_t k = 0; k < np; k++) {
      size_t src = c->reversed ? np - 1 - k : k;
      l->path[2 * k] = p[2 * src];
      l->path[2 * k + 1] = p[2 * src + 1];
    }
    l->npath = np;
  }
  return !lb->failed;
}

size_t bm_labeler_count(const bm_labeler *lb) { return lb->nlabels; }

const bm_label *bm_labeler_at(const bm_labeler *lb, size_t i) {
  return i < lb->nlabels ? &lb->labels[i] : NULL;
}

size_t bm_labeler_boxes(const bm_labeler *lb, size_t i, const bm_bbox **boxes) {
  if (i >= lb->nlabels || lb->entries[i].chosen < 0) {
    *boxes = NULL;
    return 0;
  }
  const entry *e = &lb->entries[i];
  const cand *c = &e->c[e->chosen];
  *boxes = &e->cb[c->box0];
  return c->nbox;
}

size_t bm_labeler_candidates(const bm_labeler *lb, const bm_bbox **boxes) {
  *boxes = lb->kept;
  return lb->nkept;
}
