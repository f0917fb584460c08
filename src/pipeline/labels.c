/* pipeline/labels.c — every label request of a map, in the priority the
 * label engine places them: story sites, story lines and areas, highlighted
 * areas, capitals, then the rest by Natural Earth rank. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/util.h"
#include "geom/clip.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline/map.h"
#include "proj/proj.h"
#include "render/render.h"
#include "spec/style.h"
#include "story/story.h"
#include "text/text.h"

static bm_text_style tstyle(double size, int weight, bool italic) {
  return (bm_text_style){.size = size, .weight = weight, .italic = italic};
}

/* Which populated places a map of this ground resolution shows. */
static double max_place_rank(double m_per_px) {
  if (m_per_px > 8000) return 2;
  if (m_per_px > 3000) return 4;
  if (m_per_px > 1000) return 6;
  return 8;
}

double pl_max_place_rank(const map *m) {
  /* by metres per reference pixel: a 2400 px map shows what a 1200 px one does, sharper */
  double m_per_ref_px = m->k / m->view.px_per_m;
  return m->spec->all_places ? 99 : max_place_rank(m_per_ref_px);
}

/* A populated place is left out when a story site IS that place: the same
 * name (case folded, any script) or the site's `replaces:`. Never by distance
 * alone: an airfield 16 km from Dushanbe does not stand for Dushanbe. */
static bool site_name_matches(const bm_spec *sites, const char *name) {
  for (size_t i = 0; name && i < sites->n_sites; i++)
    if (bm_name_equal(sites->sites[i].name, name) || bm_name_equal(sites->sites[i].replaces, name))
      return true;
  return false;
}

#define ADD(req)                                                                                   \
  do {                                                                                             \
    if (!bm_labeler_add(lb, (req)))                                                                \
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");                      \
  } while (0)

/* Letter spacing for an area's name: wider where the area has room (up to
 * 0.5 em), as large areas are labelled on paper maps. */
static double area_spacing(bm_text *text, const char *name, bm_text_style ts, double radius) {
  PangoLayout *l = bm_text_layout(text, name, &ts);
  double w, h;
  bm_text_size(l, &w, &h);
  g_object_unref(l);
  size_t n = g_utf8_strlen(name, -1);
  double room = radius * 1.4 - w; /* spare width inside the inscribed circle */
  double extra = n > 1 && room > 0 ? room / ((n - 1) * ts.size) : 0;
  return fmin(ts.letter_spacing + extra, 0.5);
}

/* The label anchors (pole of inaccessibility, GEOS) of the countries and the physical
 * regions, computed before the requests, on every core: each is a pure function of its
 * polygon, so the threads change nothing but the time. In a batch the memo keeps them by
 * the polygon's exact pixels: the next map of a series over the same frame finds them. */
typedef struct {
  bool ok;
  double x, y, r;
} anchor;

typedef struct {
  const bm_geom *const *g; /* countries, then regions; NULL: none (or already known) */
  anchor *a;
  size_t n;
  _Atomic size_t next;
} anchor_job;

static void *anchor_worker(void *arg) {
  anchor_job *j = arg;
  for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;)
    if (j->g[i]) j->a[i].ok = bm_geom_label_anchor(j->g[i], &j->a[i].x, &j->a[i].y, &j->a[i].r);
  return NULL;
}

/* The memo key of g's anchor: everything bm_geom_label_anchor reads. */
enum { ANCHOR_KEY = 6 };
static void anchor_key(const bm_geom *g, pl_bytes key[ANCHOR_KEY]) {
  key[0] = (pl_bytes){"label_anchor", 13};
  key[1] = (pl_bytes){&g->type, sizeof g->type};
  key[2] = (pl_bytes){&g->npts, sizeof g->npts};
  key[3] = (pl_bytes){&g->nparts, sizeof g->nparts};
  key[4] = (pl_bytes){g->part, g->nparts * sizeof *g->part};
  key[5] = (pl_bytes){g->xy, g->npts * 2 * sizeof *g->xy};
}

static bool anchor_remembered(const map *m, const bm_geom *g, anchor *a) {
  pl_bytes key[ANCHOR_KEY];
  anchor_key(g, key);
  return pl_cache_memo_get(m->opt->cache, key, ANCHOR_KEY, a, sizeof *a);
}

/* Only anchors found are kept: a failure may be out of memory, not the polygon's. */
static void anchor_remember(const map *m, const bm_geom *g, const anchor *a) {
  if (!a->ok) return;
  pl_bytes key[ANCHOR_KEY];
  anchor_key(g, key);
  pl_cache_memo_put(m->opt->cache, key, ANCHOR_KEY, a, sizeof *a);
}

/* bm_geom_label_anchor through the memo. */
static bool label_anchor(const map *m, const bm_geom *g, double *x, double *y, double *r) {
  anchor a = {0};
  if (!anchor_remembered(m, g, &a)) {
    a.ok = bm_geom_label_anchor(g, &a.x, &a.y, &a.r);
    anchor_remember(m, g, &a);
  }
  if (a.ok) *x = a.x, *y = a.y, *r = a.r;
  return a.ok;
}

/* Anchors of b's countries (first countries.n) and regions (the next regions.n), NULL when
 * out of memory. Regions ranked past what the map labels get none. */
static anchor *area_anchors(const map *m, const base *b) {
  size_t nc = b->countries.n, n = nc + b->regions.n;
  anchor *a = calloc(n + 1, sizeof *a);
  const bm_geom **g = calloc(n + 1, sizeof *g);
  if (!a || !g) {
    free(a);
    free(g);
    return NULL;
  }
  double max_rank = pl_max_place_rank(m);
  for (size_t i = 0; i < nc; i++)
    g[i] = &b->countries.f[i].geom;
  for (size_t i = 0; i < b->regions.n; i++)
    if (pl_attr_num(&b->regions, i, "SCALERANK", 10) <= max_rank - 2)
      g[nc + i] = &b->regions.f[i].geom;
  /* those the memo has are not computed again (the memo is the map thread's alone) */
  const bm_geom **todo = calloc(n + 1, sizeof *todo);
  if (todo)
    for (size_t i = 0; i < n; i++)
      if (g[i] && !anchor_remembered(m, g[i], &a[i])) todo[i] = g[i];
  anchor_job j = {.g = todo ? todo : g, .a = a, .n = n};
  atomic_init(&j.next, 0);
  bm_run_threads(anchor_worker, &j, 8);
  for (size_t i = 0; todo && i < n; i++)
    if (todo[i]) anchor_remember(m, todo[i], &a[i]);
  free(todo);
  free(g);
  return a;
}

/* The label anchor of area i from the precomputed ones (when there are), else computed. */
static bool anchor_of(const map *m, const anchor *a, size_t i, const bm_geom *g, double *x,
                      double *y, double *r) {
  if (!a) return label_anchor(m, g, x, y, r);
  *x = a[i].x, *y = a[i].y, *r = a[i].r;
  return a[i].ok;
}

/* The country a point (pixels) lies in, or NULL. box: each country's bounding box
 * (NULL: none), so that only the countries around the point are tested vertex by vertex. */
static const bm_geom *home_of(const base *b, const bm_bbox *box, double x, double y) {
  for (size_t i = 0; i < b->countries.n; i++) {
    const bm_geom *g = &b->countries.f[i].geom;
    if (box && (x < box[i].minx || x > box[i].maxx || y < box[i].miny || y > box[i].maxy))
      continue; /* strictly outside the box: outside the polygon */
    if (g->nparts && bm_geom_contains(g, x, y)) return g;
  }
  return NULL;
}

/* The name a base label shows under the spec's labels: key: NULL when hidden
 * (by class or by name, before or after a rename), else its rename or itself. */
static const char *shown(const map *m, const char *layer, const char *name) {
  if (!name) return NULL;
  const char *to = bm_spec_label_rename(m->spec, name);
  if (bm_spec_label_hidden(m->spec, layer, name) || bm_spec_label_hidden(m->spec, layer, to))
    return NULL;
  return to;
}

/* A physical region named like a country ("TAIWAN" the island beside Taiwan the
 * country, the region "INDIA" drawn inside Pakistan) repeats or misplaces a
 * name the reader already has: it is not labelled. */
static bool region_is_country(const base *b, const char *name) {
  for (size_t i = 0; i < b->countries.n; i++) {
    const char *fields[] = {"NAME", "NAME_LONG", "ADMIN", "NAME_EN"};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
      if (bm_name_equal(bm_feature_attr(&b->countries, i, fields[f]), name)) return true;
  }
  return false;
}

/* One name per river on a map. Natural Earth cuts a river into pieces named
 * in the language of the country each crosses (the Rhine is Rhin, Rhein and
 * Rhine), with different river numbers. Pieces are one river when they share
 * a name (NAME, NAME_EN or NAME_ALT) or meet end to end where no third piece
 * joins (a confluence has three) under names at most two edits apart. Each river then takes the
 * English name (NAME_EN) that covers most of its length on the map, else its most common NAME.
 * names[i] points into the features (not owned). */
static size_t river_root(size_t *up, size_t i) {
  while (up[i] != i)
    i = up[i] = up[up[i]];
  return i;
}

/* A name as bm_name_equal compares it (NFC, case folded), so that pieces sharing a
 * name are found by sorting the keys once instead of comparing every pair. */
static char *name_key(const char *s) {
  gchar *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
  gchar *f = n ? g_utf8_casefold(n, -1) : NULL;
  g_free(n);
  if (f) return f;
  char *a = g_strdup(s); /* not UTF-8: ASCII case only, as bm_strcasecmp */
  for (char *c = a; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  return a;
}

typedef struct {
  char *key;
  size_t river;
} river_key;

static int river_key_cmp(const void *a, const void *b) {
  const river_key *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : (x->river > y->river) - (x->river < y->river);
}

/* Unites every two pieces that share a name (NAME, NAME_EN or NAME_ALT, any of
 * them against any): the pieces of each key are one river. */
static bool river_unite_shared_names(const bm_features *r, size_t *up) {
  const char *f[] = {"NAME", "NAME_EN", "NAME_ALT"};
  size_t n = r->n, nk = 0;
  river_key *keys = malloc((3 * n + 1) * sizeof *keys);
  if (!keys) return false;
  bool ok = true;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) {
      const char *x = bm_feature_attr(r, i, f[a]);
      if (!x || !*x) continue;
      if (!(keys[nk].key = name_key(x)))
        ok = false;
      else
        keys[nk++].river = i;
    }
  qsort(keys, nk, sizeof *keys, river_key_cmp);
  for (size_t i = 1; i < nk; i++)
    if (!strcmp(keys[i].key, keys[i - 1].key))
      up[river_root(up, keys[i - 1].river)] = river_root(up, keys[i].river);
  for (size_t i = 0; i < nk; i++)
    g_free(keys[i].key);
  free(keys);
  return ok;
}

/* Levenshtein distance of two short names, case folded (bytes), capped. */
static int name_distance(const char *a, const char *b) {
  gchar *fa = g_utf8_casefold(a, -1), *fb = g_utf8_casefold(b, -1);
  size_t na = strlen(fa), nb = strlen(fb);
  int d = 99;
  if (na < 64 && nb < 64) {
    int row[65], prev;
    for (size_t j = 0; j <= nb; j++)
      row[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
      prev = row[0];
      row[0] = (int)i;
      for (size_t j = 1; j <= nb; j++) {
        int cur = row[j];
        int sub = prev + (fa[i - 1] != fb[j - 1]);
        row[j] = sub < row[j] + 1 ? (sub < row[j - 1] + 1 ? sub : row[j - 1] + 1)
                                  : (row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1);
        prev = cur;
      }
    }
    d = row[nb];
  }
  g_free(fa);
  g_free(fb);
  return d;
}

/* Pieces meeting end to end are one river when their names are spellings of
 * one name (Rhin, Rhein, Rhine: at most 2 edits), not when a river takes a new
 * name downstream (the Panj becomes the Amu Darya). */
static bool river_names_alike(const bm_features *r, size_t i, size_t j) {
  const char *f[] = {"NAME", "NAME_EN", "NAME_ALT"};
  for (int a = 0; a < 3; a++)
    for (int c = 0; c < 3; c++) {
      const char *x = bm_feature_attr(r, i, f[a]), *y = bm_feature_attr(r, j, f[c]);
      if (x && y && *x && *y && name_distance(x, y) <= 2) return true;
    }
  return false;
}

static bool river_ends(const bm_geom *g, double *e, size_t *ne) {
  *ne = 0;
  for (size_t p = 0; p < g->nparts && *ne < 8; p++) {
    const double *xy = bm_geom_part_xy(g, p);
    size_t n = bm_geom_part_len(g, p);
    if (n < 2) continue;
    e[2 * *ne] = xy[0], e[2 * *ne + 1] = xy[1], (*ne)++;
    e[2 * *ne] = xy[2 * n - 2], e[2 * *ne + 1] = xy[2 * n - 1], (*ne)++;
  }
  return *ne > 0;
}

typedef struct {
  double x, y;
  size_t piece;
} river_end;

static int river_end_by_x(const void *a, const void *b) {
  double p = ((const river_end *)a)->x, q = ((const river_end *)b)->x;
  return (p > q) - (p < q);
}

static const char **river_names(const bm_features *r) {
  size_t n = r->n;
  const char **names = calloc(n + 1, sizeof *names);
  size_t *up = malloc((n + 1) * sizeof *up);
  double *len = calloc(n + 1, sizeof *len);
  if (!names || !up || !len) {
    free(names), free(up), free(len);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    up[i] = i;
    const bm_geom *g = &r->f[i].geom;
    for (size_t p = 0; p < g->nparts; p++)
      len[i] += bm_polyline_length(bm_geom_part_xy(g, p), bm_geom_part_len(g, p));
  }
  if (!river_unite_shared_names(r, up)) {
    free(names), free(up), free(len);
    return NULL;
  }
  /* end to end, at a point only these two pieces reach: every end, sorted by x, so that
   * each finds the ends within 0.5 px of it by binary search (comparing every pair was
   * 340 M instructions on a world map of 1,455 pieces) */
  double *ends = malloc((n + 1) * 16 * sizeof *ends);
  size_t *nends = calloc(n + 1, sizeof *nends);
  river_end *all = malloc((n + 1) * 8 * sizeof *all);
  if (!ends || !nends || !all) {
    free(names), free(up), free(len), free(ends), free(nends), free(all);
    return NULL;
  }
  size_t nall = 0;
  for (size_t i = 0; i < n; i++) {
    river_ends(&r->f[i].geom, ends + 16 * i, &nends[i]);
    for (size_t a = 0; a < nends[i]; a++)
      all[nall++] = (river_end){ends[16 * i + 2 * a], ends[16 * i + 2 * a + 1], i};
  }
  qsort(all, nall, sizeof *all, river_end_by_x);
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < nends[i]; a++) {
      double x = ends[16 * i + 2 * a], y = ends[16 * i + 2 * a + 1];
      size_t lo = 0, hi = nall; /* the first end with x >= x - 0.5 */
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (all[mid].x < x - 0.5)
          lo = mid + 1;
        else
          hi = mid;
      }
      size_t other = SIZE_MAX;
      bool several = false;
      for (size_t e = lo; e < nall && all[e].x <= x + 0.5 && !several; e++)
        if (all[e].piece != i && fabs(all[e].y - y) <= 0.5 &&
            hypot(all[e].x - x, all[e].y - y) <= 0.5) {
          several = other != SIZE_MAX && other != all[e].piece;
          other = all[e].piece;
        }
      if (other != SIZE_MAX && !several && river_names_alike(r, i, other))
        up[river_root(up, i)] = river_root(up, other);
    }
  free(ends);
  free(nends);
  free(all);
  /* each river's pieces, in order, and their names: one pass over a river's pieces per
   * candidate name instead of one over every piece of the map */
  size_t *root = malloc((n + 1) * sizeof *root), *first = malloc((n + 1) * sizeof *first),
         *next = malloc((n + 1) * sizeof *next), *last = malloc((n + 1) * sizeof *last);
  const char **nm_en = malloc((n + 1) * sizeof *nm_en), **nm = malloc((n + 1) * sizeof *nm);
  if (!root || !first || !next || !last || !nm_en || !nm) {
    free(names), free(up), free(len), free(root), free(first), free(next), free(last);
    free(nm_en), free(nm);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    root[i] = river_root(up, i);
    first[i] = SIZE_MAX;
    next[i] = SIZE_MAX;
    nm_en[i] = bm_feature_attr(r, i, "NAME_EN");
    nm[i] = bm_feature_attr(r, i, "NAME");
  }
  for (size_t i = 0; i < n; i++) {
    size_t q = root[i];
    if (first[q] == SIZE_MAX)
      first[q] = i;
    else
      next[last[q]] = i;
    last[q] = i;
  }
  for (size_t i = 0; i < n; i++) {
    size_t q = root[i];
    if (names[q]) {
      names[i] = names[q];
      continue;
    }
    double best = -1;
    for (int pass = 0; pass < 2 && best < 0; pass++) {
      const char **field = pass ? nm : nm_en;
      for (size_t j = first[q]; j != SIZE_MAX; j = next[j]) {
        const char *cand = field[j];
        if (!cand || !*cand) continue;
        double w = 0; /* length of the river's pieces carrying this name */
        for (size_t k = first[q]; k != SIZE_MAX; k = next[k])
          if (field[k] && !strcmp(field[k], cand)) w += len[k] + 1e-6;
        if (w > best) best = w, names[q] = cand;
      }
    }
    names[i] = names[q];
  }
  free(root), free(first), free(next), free(last), free(nm_en), free(nm);
  free(up);
  free(len);
  return names;
}

/* Label requests, by the priority the issue sets: story sites, highlighted
 * areas, capitals, then everything else by Natural Earth's ranks. */
static bm_status add_label_requests(map *m, base *b, story_px *sp, bm_labeler *lb,
                                    bm_bbox *furniture, int nfurniture, const bm_bbox *cbox,
                                    const anchor *anchors) {
  const bm_style *st = &m->style;
  double k = m->k;
  for (int i = 0; i < nfurniture; i++)
    bm_labeler_add_obstacle(lb, furniture[i]);
  double sym = st->site_symbol_size * k;
  for (int i = 0; i < sp->nsites; i++) {
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    bm_labeler_add_symbol(lb, (bm_bbox){x - sym / 2, y - sym / 2, x + sym / 2, y + sym / 2});
  }
  /* lines labels would rather not cross */
  bm_features *avoid[] = {&b->boundaries, &b->disputed, &b->rivers};
  const unsigned char *avoid_class[] = {b->boundary_class, b->disputed_class, NULL};
  for (size_t a = 0; a < sizeof avoid / sizeof avoid[0]; a++)
    for (size_t i = 0; i < avoid[a]->n; i++)
      if (!avoid_class[a] || avoid_class[a][i] != BM_BOUNDARY_UNRECOGNIZED) /* not drawn */
        bm_labeler_add_avoid_line(lb, &avoid[a]->f[i].geom);
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_labeler_add_avoid_line(lb, &b->provinces.f[i].geom);

  /* 1. story sites */
  for (int i = 0; i < sp->nsites; i++) {
    const bm_site *s = &m->sites->sites[i];
    bm_label l = {.text = s->name,
                  .note = s->note,
                  .layer = "site",
                  .priority = i,
                  .ax = sp->site_xy[2 * i],
                  .ay = sp->site_xy[2 * i + 1],
                  .offset = sym / 2 + 3 * k,
                  .must_place = true,
                  .home = home_of(b, cbox, sp->site_xy[2 * i], sp->site_xy[2 * i + 1]),
                  .style = tstyle(st->site_size * k, 700, false),
                  .note_style = tstyle(st->site_note_size * k, 400, false)};
    ADD(&l);
  }
  /* 2. highlighted provinces and countries; other countries come later */
  for (size_t i = 0; i < b->provinces.n; i++) {
    double x, y, r;
    const char *name = shown(m, "province", bm_feature_attr(&b->provinces, i, "NAME"));
    if (!name || !b->hl_province[i] || !label_anchor(m, &b->provinces.f[i].geom, &x, &y, &r))
      continue;
    bm_label l = {.text = (char *)name,
                  .layer = "province",
                  .kind = BM_LABEL_AREA,
                  .priority = 100,
                  .ax = x,
                  .ay = y,
                  .offset = r,
                  .area = &b->provinces.f[i].geom,
                  .outside_ok = true,
                  .style = tstyle(st->region_size * k, 600, true)};
    ADD(&l);
  }
  for (size_t i = 0; i < b->countries.n; i++) {
    double x, y, r;
    const char *name = shown(m, "country", bm_feature_attr(&b->countries, i, "NAME"));
    if (!name || !anchor_of(m, anchors, i, &b->countries.f[i].geom, &x, &y, &r)) continue;
    bm_text_style ts = tstyle(st->country_size * k, 400, false);
    ts.uppercase = true;
    ts.letter_spacing = st->country_letter_spacing;
    ts.letter_spacing = area_spacing(m->text, name, ts, r);
    bool hl = b->hl_country[i];
    bm_label l = {.text = (char *)name,
                  .layer = "country",
                  .kind = BM_LABEL_AREA,
                  .priority = (hl ? 200 : 3000) + pl_attr_num(&b->countries, i, "LABELRANK", 5),
                  .ax = x,
                  .ay = y,
                  .offset = r,
                  .area = &b->countries.f[i].geom,
                  .outside_ok = hl,
                  .style = ts};
    ADD(&l);
  }
  /* 3. capitals, 4. other places by rank */
  /* by metres per reference pixel: a 2400 px map shows what a 1200 px one does, sharper */
  double max_rank = pl_max_place_rank(m);
  for (size_t i = 0; i < b->places.n; i++) {
    const char *name = bm_feature_attr(&b->places, i, "NAME");
    double rank = pl_attr_num(&b->places, i, "SCALERANK", 10);
    const char *cla = bm_feature_attr(&b->places, i, "FEATURECLA");
    bool capital =
        cla && !strncmp(cla, "Admin-0 capital", 15) && strcmp(cla, "Admin-0 capital alt");
    if (!name || rank > max_rank || site_name_matches(m->sites, name)) continue;
    bm_geom *g = &b->places.f[i].geom;
    if (!pl_to_pixels(m, g) || g->npts == 0) continue;
    double x = g->xy[0], y = g->xy[1];
    if (x < 0 || y < 0 || x > m->view.width || y > m->view.height) continue;
    double dot = (capital ? st->capital_dot_size : st->city_dot_size) * k;
    double pop = pl_attr_num(&b->places, i, "POP_MAX", 0);
    bool big = rank <= 3 || pop >= 1e6;
    const char *layer = capital ? "capital" : big ? "city" : "town";
    if (!(name = shown(m, layer, name))) continue;
    /* a place beside a site that is not it keeps its dot, even touching the site's symbol */
    bool shared = false;
    for (int s = 0; s < sp->nsites; s++)
      if (fabs(sp->site_xy[2 * s] - x) < (sym + dot) / 2 + 2 * k &&
          fabs(sp->site_xy[2 * s + 1] - y) < (sym + dot) / 2 + 2 * k)
        shared = true;
    bm_label l = {.text = (char *)name,
                  .layer = layer,
                  .priority = (capital ? 1000 : 2000) + rank * 10 - log10(pop + 10),
                  .ax = x,
                  .ay = y,
                  .offset = dot / 2 + 2 * k,
                  .home = home_of(b, cbox, x, y),
                  .style = tstyle((capital ? st->capital_size
                                   : big   ? st->city_size
                                           : st->town_size) *
                                      k,
                                  capital ? 700 : 400, false),
                  .has_symbol = true,
                  .symbol_shared = shared,
                  .symbol = {x - dot / 2 - 1, y - dot / 2 - 1, x + dot / 2 + 1, y + dot / 2 + 1}};
    ADD(&l);
  }
  /* physical regions (the Pamir, the Hindu Kush): italic, letter-spaced, muted */
  for (size_t i = 0; i < b->regions.n; i++) {
    double x, y, r;
    const char *name = bm_feature_attr(&b->regions, i, "NAME");
    const char *cla = bm_feature_attr(&b->regions, i, "FEATURECLA");
    double rank = pl_attr_num(&b->regions, i, "SCALERANK", 10);
    /* continents are not a locator map's business; minor regions crowd it */
    if (!name || (cla && !bm_strcasecmp(cla, "Continent")) || rank > max_rank - 2 ||
        region_is_country(b, name) ||
        !anchor_of(m, anchors ? anchors + b->countries.n : NULL, i, &b->regions.f[i].geom, &x, &y,
                   &r))
      continue;
    if (!(name = shown(m, "region", name))) continue;
    bm_text_style ts = tstyle(st->region_size * k, 400, true);
    ts.uppercase = true;
    ts.letter_spacing = 0.2;
    bm_label l = {.text = (char *)name,
                  .layer = "region",
                  .kind = BM_LABEL_AREA,
                  .priority = 2500 + rank * 10,
                  .ax = x,
                  .ay = y,
                  .offset = fmax(r, 20 * k),
                  .style = ts};
    ADD(&l);
  }
  /* rivers: text along the line, one request per stretch of about 300 px so
   * long rivers are labelled more than once, never twice within 250 px */
  const char **rnames = river_names(&b->rivers);
  if (!rnames) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < b->rivers.n; i++) {
    const char *name = shown(m, "river", rnames[i]);
    double rank = pl_attr_num(&b->rivers, i, "SCALERANK", 10);
    bm_geom *g = &b->rivers.f[i].geom;
    if (!name || !*name || rank > max_rank + 1 || g->nparts == 0) continue;
    double len = 0;
    for (size_t p = 0; p < g->nparts; p++)
      len += bm_polyline_length(bm_geom_part_xy(g, p), bm_geom_part_len(g, p));
    int copies = 1 + (int)(len / (600 * k));
    for (int c = 0; c < copies && c < 6; c++) {
      bm_label l = {.text = (char *)name,
                    .layer = "river",
                    .kind = BM_LABEL_LINE,
                    .priority = 2600 + rank * 10 + c * 100,
                    .line = g,
                    .repeat_gap = 250 * k,
                    .style = tstyle(st->river_size * k, 400, true)};
      l.style.letter_spacing = 0.05;
      if (!bm_labeler_add(lb, &l)) {
        free(rnames);
        return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      }
    }
  }
  free(rnames);
  return BM_OK;
}

static bm_status add_labels(map *m, base *b, story_px *sp, bm_labeler *lb, bm_bbox *furniture,
                            int nfurniture) {
  /* each country's box, for home_of (NULL when out of memory: slower, same result) */
  bm_bbox *cbox = malloc((b->countries.n + 1) * sizeof *cbox);
  for (size_t i = 0; cbox && i < b->countries.n; i++)
    cbox[i] = bm_geom_bbox(&b->countries.f[i].geom);
  anchor *anchors = area_anchors(m, b); /* NULL when out of memory: computed one by one */
  bm_status st = add_label_requests(m, b, sp, lb, furniture, nfurniture, cbox, anchors);
  free(anchors);
  free(cbox);
  return st;
}

/* Ring, route, border and area labels: on the line where the labeler can, with
 * the story's priority (after the sites, before every base-map label). */
static bool line_fits(map *m, const bm_geom *g, const char *text, const bm_text_style *ts) {
  PangoLayout *l = bm_text_layout(m->text, text, ts);
  double w, h, best = 0;
  bm_text_size(l, &w, &h);
  g_object_unref(l);
  for (size_t p = 0; p < g->nparts; p++)
    best = fmax(best, bm_polyline_length(bm_geom_part_xy(g, p), bm_geom_part_len(g, p)));
  return best > w * 1.3;
}

/* Turns l into a point label anchored half way along the longest stretch of g inside the frame. */
static void point_on_line(map *m, bm_label *l, const bm_geom *g) {
  double best = -1;
  bm_bbox frame = {0, 0, m->view.width, m->view.height};
  bm_geom in;
  bm_geom_init(&in, BM_GEOM_LINE);
  bm_geom_clip_rect(g, bm_bbox_grow(frame, -20 * m->k, -20 * m->k), &in);
  for (size_t p = 0; p < in.nparts; p++) {
    const double *xy = bm_geom_part_xy(&in, p);
    size_t n = bm_geom_part_len(&in, p);
    double len = bm_polyline_length(xy, n);
    if (len <= best) continue;
    best = len;
    double a;
    bm_polyline_at(xy, n, len / 2, &l->ax, &l->ay, &a);
  }
  bm_geom_free(&in);
  l->kind = BM_LABEL_POINT;
  l->line = NULL;
  l->offset = 4 * m->k;
}

/* Makes l a label along the line g, anchored half way along g's longest stretch in the
 * frame: where it must be placed and nowhere along g is free, it goes beside that point. */
static void on_line(map *m, bm_label *l, const bm_geom *g) {
  point_on_line(m, l, g);
  l->kind = BM_LABEL_LINE;
  l->line = g;
}

/* The spec's own text labels (labels: text:): fixed at their coordinate, placed
 * before every other label so that the rest keep clear of them. */
static bm_status add_free_text(map *m, bm_labeler *lb) {
  const bm_spec *spec = m->spec;
  const bm_style *st = &m->style;
  static const char *const layers[] = {"text", "water", "text-region"};
  for (size_t i = 0; i < spec->labels.n_text; i++) {
    const bm_free_text *t = &spec->labels.text[i];
    const char *layer = layers[t->style];
    const char *text = shown(m, layer, t->text);
    double xy[2] = {t->lon, t->lat};
    bm_proj_forward(m->proj, xy, 1);
    if (!text || xy[0] == HUGE_VAL || xy[1] == HUGE_VAL) continue;
    bm_view_to_px(&m->view, xy, 1);
    bm_text_style ts = tstyle(st->city_size * m->k, 400, false);
    if (t->style == BM_FREE_TEXT_WATER) {
      ts = tstyle(st->region_size * m->k * 1.1, 400, true);
      ts.letter_spacing = 0.15;
    } else if (t->style == BM_FREE_TEXT_REGION) {
      ts = tstyle(st->region_size * m->k, 400, true);
      ts.uppercase = true;
      ts.letter_spacing = 0.2;
    }
    bm_label l = {.text = (char *)text,
                  .layer = layer,
                  .kind = BM_LABEL_AREA,
                  .priority = -1000 + (double)i,
                  .ax = xy[0],
                  .ay = xy[1],
                  .offset = 0,
                  .style = ts};
    ADD(&l);
  }
  return BM_OK;
}

static bm_status add_story_labels(map *m, story *s, bm_labeler *lb) {
  const bm_spec *spec = m->spec;
  const bm_style *st = &m->style;
  double k = m->k;
  bm_text_style ts = tstyle(st->site_note_size * k, 600, false);
  char text[400];
  for (size_t i = 0; i < spec->n_callouts; i++) {
    double x = s->callout_xy[2 * i], y = s->callout_xy[2 * i + 1], r = 10 * k;
    bm_labeler_add_symbol(lb, (bm_bbox){x - r, y - r, x + r, y + r});
  }
  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    if (!pl_geom_in_frame(m, &s->ring_line[i])) continue;
    if (r->label)
      snprintf(text, sizeof text, "%s", r->label);
    else
      bm_lang_km(&m->lang, r->radius_km, text, sizeof text);
    bm_label l = {
        .text = text, .layer = "ring", .priority = 50 + i, .must_place = true, .style = ts};
    on_line(m, &l, &s->ring_line[i]);
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    if (!r->label || !pl_geom_in_frame(m, &s->route[i])) continue;
    bm_label l = {
        .text = r->label, .layer = "route", .priority = 60 + i, .must_place = true, .style = ts};
    l.names = &s->route[i]; /* the route keeps names off it, but not its own */
    if (line_fits(m, &s->route[i], r->label, &ts))
      on_line(m, &l, &s->route[i]);
    else
      point_on_line(m, &l, &s->route[i]);
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    if ((!bd->label && !bd->length) || !pl_geom_in_frame(m, &s->border[i])) continue;
    char km[96], num[64];
    /* "1,170 km", in the map's digits and unit */
    bm_story_format_km(s->border_m[i], km, sizeof km);
    if (!bm_lang_is_english(&m->lang)) {
      char *sp = strrchr(km, ' ');
      if (sp) *sp = '\0';
      bm_lang_digits(&m->lang, km, num, sizeof num);
      snprintf(km, sizeof km, "%s %s", num, bm_lang_message(&m->lang, "km"));
    }
    if (bd->label && bd->length)
      snprintf(text, sizeof text, "%s%s%s", bd->label, bm_lang_message(&m->lang, "list_separator"),
               km);
    else if (bd->label)
      snprintf(text, sizeof text, "%s", bd->label);
    else
      snprintf(text, sizeof text, "%s", km);
    /* a border wiggles (rivers, ridges): its label follows a broadly smoothed
     * course, or sits beside the border's middle when even that has no room */
    bm_label l = {
        .text = text, .layer = "border", .priority = 70 + i, .must_place = true, .style = ts};
    on_line(m, &l, &s->border[i]);
    l.smooth = 8 * ts.size;
    ADD(&l);
  }
  for (size_t i = 0; i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    double x, y, r;
    if (!a->label || !pl_geom_in_frame(m, &s->area[i]) ||
        !bm_geom_label_anchor(&s->area[i], &x, &y, &r))
      continue;
    bm_label l = {.text = a->label,
                  .layer = "area",
                  .kind = BM_LABEL_AREA,
                  .priority = 80 + i,
                  .ax = x,
                  .ay = y,
                  .offset = r,
                  .area = &s->area[i],
                  .outside_ok = true,
                  .must_place = true,
                  .style = ts};
    ADD(&l);
  }
  return BM_OK;
}

bm_status pl_label(map *m, computed *c) {
  double inset = 4 * m->k;
  bm_labeler *lb = c->labels = bm_labeler_create(
      m->text, (bm_bbox){inset, inset, m->view.width - inset, m->view.height - inset});
  if (!lb) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_labeler_set_point_order(lb, (const bm_point_pos *)m->style.point_order,
                             m->style.n_point_order);
  bm_labeler_set_naive(lb, m->opt->label_naive);
  bm_labeler_keep_candidates(lb, m->opt->debug_labels);
  bm_furniture *fur = &c->furniture;
  bm_status st;
  /* a route drawn through a name cuts it: names keep off the story's routes too */
  for (size_t i = 0; i < m->spec->n_routes; i++)
    bm_labeler_add_avoid_line(lb, &c->story.route[i]);
  if ((st = add_labels(m, &c->base, &c->sites, lb, fur->boxes, fur->nboxes)) ||
      (st = add_story_labels(m, &c->story, lb)) || (st = add_free_text(m, lb)))
    return st;
  if (!bm_labeler_place(lb))
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory while placing labels");
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    if (bm_labeler_at(lb, i)->placed)
      m->stats->labels_placed++;
    else
      m->stats->labels_dropped++;
  }
  return BM_OK;
}
