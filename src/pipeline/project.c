/* pipeline/project.c — the project stage: one converter chain (PROJ ->
 * pixels -> clip -> simplify) for base layers, sites and the story's
 * geometry, which is built here in lon/lat from what the load stage read. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geom/antimeridian.h"
#include "geom/clip.h"
#include "geom/simplify.h"
#include "pipeline/map.h"
#include "proj/warp.h"
#include "story/story.h"

/* lon/lat -> clipped, simplified pixel geometry, in place, through proj (m->proj or a
 * thread's clone of it). False: nothing left. */
static bool to_pixels(const map *m, const bm_proj *proj, bm_geom *g) {
  if (!bm_proj_geom(proj, g, m->view.query, m->view.step_deg)) return false;
  bm_view_geom_to_px(&m->view, g);
  bm_geom tmp;
  bm_geom_init(&tmp, g->type);
  if (!bm_geom_clip_rect(g, m->clip_px, &tmp)) {
    bm_geom_free(&tmp);
    return false;
  }
  bm_geom_free(g);
  *g = tmp;
  bm_geom_simplify(g, 0.4);
  /* what a fifth of a pixel cannot show goes too: Cairo's time, the label engine's line
   * tests and SVG/PDF size all grow with the vertices (a world map at 7000 px: rivers
   * painted in half the time; the story map's SVG 844 -> 577 kB) */
  bm_geom_straighten(g, 0.2);
  return g->nparts > 0;
}

/* The projected-cache key of a base layer (bm_cache, in a batch): the layer as read (file,
 * box, fields), the CRS, frame and view, the antimeridian join, and the features as they
 * stand before projecting (points and parts of each: a feature emptied beforehand, because no
 * stage uses it on this map, changes the key). "" without a cache or for a layer not read
 * through pl_read_layer. */
static void projected_key(const map *m, const bm_features *fs, bool join, char *key, size_t n) {
  key[0] = '\0';
  for (size_t i = 0; m->opt->cache && i < m->nlayer_keys; i++)
    if (m->layer_key[i].fs == fs) {
      unsigned long long h = 1469598103934665603ULL; /* FNV-1a over the features' sizes */
      for (size_t k = 0; k < fs->n; k++) {
        unsigned long long v[2] = {fs->f[k].geom.npts, fs->f[k].geom.nparts};
        for (size_t b = 0; b < sizeof v; b++)
          h = (h ^ ((const unsigned char *)v)[b]) * 1099511628211ULL;
      }
      const bm_view *v = &m->view;
      snprintf(key, n, "%s|%s|%d,%d,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a|%a,%a,%a,%a|%d|%zu:%llx",
               m->layer_key[i].key, m->stats->projection, v->width, v->height, v->proj.minx,
               v->proj.miny, v->proj.maxx, v->proj.maxy, v->px_per_m, v->query.minx, v->query.miny,
               v->query.maxx, v->query.maxy, v->step_deg, m->clip_px.minx, m->clip_px.miny,
               m->clip_px.maxx, m->clip_px.maxy, join, fs->n, h);
    }
}

bool pl_to_pixels(map *m, bm_geom *g) { return to_pixels(m, m->proj, g); }

/* The base layers' features, each projected on its own: the threads of the project
 * stage take them in runs of CHUNK, in order, from one counter. */
enum { NLAYERS = 9, CHUNK = 16 };

typedef struct {
  const map *m;
  bm_features *layer[NLAYERS];
  bool join[NLAYERS];
  size_t start[NLAYERS + 1]; /* feature index where each layer starts in the run */
  _Atomic size_t next;
} project_job;

static void project_feature(const project_job *j, const bm_proj *proj, size_t at) {
  size_t l = 0;
  while (at >= j->start[l + 1])
    l++;
  bm_feature *f = &j->layer[l]->f[at - j->start[l]];
  /* Areas cut at the antimeridian are joined first when the view reaches it,
   * so their outlines draw no false border along 180 and no gap is left. */
  if (j->join[l] && !bm_geom_join_antimeridian(&f->geom)) bm_geom_reset(&f->geom, f->geom.type);
  if (f->geom.nparts && !to_pixels(j->m, proj, &f->geom)) bm_geom_reset(&f->geom, f->geom.type);
}

static void project_run(project_job *j, const bm_proj *proj) {
  size_t n = j->start[NLAYERS];
  for (size_t at; (at = atomic_fetch_add(&j->next, CHUNK)) < n;)
    for (size_t k = at; k < at + CHUNK && k < n; k++)
      project_feature(j, proj, k);
}

typedef struct {
  project_job *job;
  bm_proj *proj;
} project_worker;

static void *project_thread(void *arg) {
  project_worker *w = arg;
  project_run(w->job, w->proj);
  return NULL;
}

/* Features no stage will use are not projected (their geometry is emptied): provinces
 * outside the story (neither highlighted nor outlined), physical regions ranked past what
 * the map labels (labels.c takes rank <= max - 2). */
static void drop(bm_geom *g) {
  bm_geom_type t = g->type;
  bm_geom_free(g); /* memory back too: a world map drops most of its 4556 provinces */
  bm_geom_init(g, t);
}

static void drop_unused(map *m, base *b) {
  for (size_t i = 0; i < b->provinces.n; i++)
    if (!b->hl_province[i] && !b->province_in_story[i]) drop(&b->provinces.f[i].geom);
  double max_rank = pl_max_place_rank(m);
  for (size_t i = 0; i < b->regions.n; i++)
    if (pl_attr_num(&b->regions, i, "SCALERANK", 10) > max_rank - 2) drop(&b->regions.f[i].geom);
}

size_t pl_project_base(map *m, base *b) {
  bm_features *all[NLAYERS] = {&b->land,       &b->lakes,     &b->glaciers,
                               &b->countries,  &b->provinces, &b->rivers,
                               &b->boundaries, &b->disputed,  &b->regions};
  drop_unused(m, b);
  project_job j = {.m = m};
  bool near_180 = m->view.query.minx <= -179 || m->view.query.maxx >= 179;
  size_t n = 0, total = 0, points = 0;
  /* in a batch, a layer projected for this CRS, frame and view before is copied (after
   * drop_unused: its key sees which features this map empties) */
  char key[NLAYERS][2400];
  bool cached[NLAYERS];
  for (size_t i = 0; i < NLAYERS; i++) {
    j.layer[i] = all[i];
    /* provinces only: their outlines are stroked and Natural Earth leaves a
     * 0.2 degree gap between their pieces; countries are only filled, and their
     * pieces meet on 180 (joining Russia's 10m outline would triple the time) */
    j.join[i] = near_180 && all[i] == &b->provinces;
    projected_key(m, all[i], j.join[i], key[i], sizeof key[i]);
    cached[i] = *key[i] && pl_cache_get_projected(m->opt->cache, key[i], all[i]);
    j.start[i] = n;
    total += all[i]->n;
    if (cached[i]) continue;
    n += all[i]->n;
    for (size_t k = 0; k < all[i]->n; k++)
      points += all[i]->f[k].geom.npts;
  }
  j.start[NLAYERS] = n;
  atomic_init(&j.next, 0);
  /* a second core pays for its own PROJ set-up (a few ms) only on a big map; each
   * feature's pixels are the same whichever thread projects it */
  int nt = points > 200000 ? bm_thread_count() : 1;
  if (nt > 8) nt = 8;
  project_worker w[8];
  pthread_t tid[8];
  int started = 0;
  for (int t = 1; t < nt; t++) {
    bm_error e;
    bm_error_clear(&e);
    w[started].job = &j;
    if (bm_proj_clone(m->proj, &w[started].proj, &e) != BM_OK) break;
    if (pthread_create(&tid[started], NULL, project_thread, &w[started]) != 0) {
      bm_proj_destroy(w[started].proj);
      break;
    }
    started++;
  }
  project_run(&j, m->proj);
  for (int t = 0; t < started; t++) {
    pthread_join(tid[t], NULL);
    bm_proj_destroy(w[t].proj);
  }
  for (size_t i = 0; i < NLAYERS; i++)
    if (*key[i] && !cached[i]) pl_cache_put_projected(m->opt->cache, key[i], all[i]);
  return total;
}

/* Sites' symbol centres in pixels; a site the projection cannot show is a
 * spec error. Symbols that would overlap are spread apart. */
bm_status pl_project_sites(map *m, story_px *sp) {
  sp->nsites = (int)m->sites->n_sites;
  sp->site_xy = calloc((size_t)sp->nsites * 2 + 2, sizeof(double));
  if (!sp->site_xy) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (int i = 0; i < sp->nsites; i++) {
    sp->site_xy[2 * i] = m->sites->sites[i].lon;
    sp->site_xy[2 * i + 1] = m->sites->sites[i].lat;
  }
  bm_proj_forward(m->proj, sp->site_xy, (size_t)sp->nsites);
  for (int i = 0; i < sp->nsites; i++)
    if (sp->site_xy[2 * i] == HUGE_VAL || sp->site_xy[2 * i + 1] == HUGE_VAL) {
      const bm_site *s = &m->sites->sites[i];
      return bm_error_set(m->err, BM_ERR_SPEC, m->spec->path, s->pos.line, s->pos.col,
                          "site '%s' (%g, %g) cannot be shown in projection '%s' (it is on the "
                          "far side of the projection); choose another projection or extent",
                          s->name, s->lon, s->lat, m->stats->projection);
    }
  bm_view_to_px(&m->view, sp->site_xy, (size_t)sp->nsites);
  sp->site_at = malloc(((size_t)sp->nsites * 2 + 2) * sizeof(double));
  if (!sp->site_at) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  memcpy(sp->site_at, sp->site_xy, (size_t)sp->nsites * 2 * sizeof(double));
  bm_story_spread_symbols(sp->site_xy, sp->nsites, m->style.site_symbol_size * m->k);
  return BM_OK;
}

static void geoms_free(bm_geom *g, size_t n) {
  for (size_t i = 0; g && i < n; i++)
    bm_geom_free(&g[i]);
  free(g);
}

void pl_story_free(story *s, const bm_spec *spec) {
  geoms_free(s->ring_fill, spec->n_rings);
  geoms_free(s->ring_line, spec->n_rings);
  geoms_free(s->route, spec->n_routes);
  geoms_free(s->area, spec->n_areas);
  geoms_free(s->border, spec->n_borders);
  geoms_free(s->grat, s->ngrat);
  free(s->grat_value);
  free(s->grat_lon);
  free(s->border_m);
  free(s->callout_xy);
  free(s->marker);
}

/* lon/lat -> pixels for a story geometry, keeping an empty geometry when it is out of view */
void pl_story_to_pixels(map *m, bm_geom *g) {
  if (!pl_to_pixels(m, g)) bm_geom_reset(g, g->type);
}

/* Cuts a line back by `start` pixels from its first vertex and `end` from its last (0: not
 * at all): the vertices within that distance go and the line starts (ends) where it leaves
 * that circle, as near as its next vertex's direction gives. False: out of memory. */
static bool trim_line_end(bm_geom *g, double start, double end) {
  if (!g->nparts || (start <= 0 && end <= 0)) return true;
  bm_geom out;
  bm_geom_init(&out, g->type);
  bool ok = true;
  for (size_t i = 0; ok && i < g->nparts; i++) {
    const double *p = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i), a = 0, b = n - 1;
    double ax = p[0], ay = p[1], bx = p[2 * b], by = p[2 * b + 1];
    if (i == 0 && start > 0 && n >= 2) { /* the first vertex at least `start` away */
      size_t k = 1;
      while (k < n - 1 && hypot(p[2 * k] - p[0], p[2 * k + 1] - p[1]) < start)
        k++;
      double d = hypot(p[2 * k] - p[0], p[2 * k + 1] - p[1]);
      if (d > start) {
        ax = p[0] + (p[2 * k] - p[0]) * start / d, ay = p[1] + (p[2 * k + 1] - p[1]) * start / d;
        a = k - 1;
      }
    }
    if (i == g->nparts - 1 && end > 0 && n >= 2) {
      size_t k = n - 2;
      while (k > a && hypot(p[2 * k] - bx, p[2 * k + 1] - by) < end)
        k--;
      double d = hypot(p[2 * k] - bx, p[2 * k + 1] - by);
      if (d > end) {
        double ex = bx, ey = by;
        bx = ex + (p[2 * k] - ex) * end / d, by = ey + (p[2 * k + 1] - ey) * end / d;
        b = k + 1;
      }
    }
    ok = bm_geom_begin_part(&out) && bm_geom_add(&out, ax, ay);
    for (size_t k = a + 1; ok && k < b; k++)
      ok = bm_geom_add(&out, p[2 * k], p[2 * k + 1]);
    ok = ok && (b == a || bm_geom_add(&out, bx, by));
  }
  if (ok) {
    bm_geom_free(g);
    *g = out;
  } else {
    bm_geom_free(&out);
  }
  return ok;
}

/* A route drawn as an arc (its spec's curve): the quadratic Bezier from its start to its end
 * in pixels, its middle curve x the chord's length to the left of travel, clipped to the
 * frame, into out. False (out untouched) when an end cannot be projected or both ends are
 * one pixel: the route keeps its true path. */
static bool route_arc(map *m, double lon1, double lat1, double lon2, double lat2, double curve,
                      bm_geom *out) {
  double e[4] = {lon1, lat1, lon2, lat2};
  bm_proj_forward(m->proj, e, 2);
  if (e[0] == HUGE_VAL || e[1] == HUGE_VAL || e[2] == HUGE_VAL || e[3] == HUGE_VAL) return false;
  bm_view_to_px(&m->view, e, 2);
  double dx = e[2] - e[0], dy = e[3] - e[1];
  if (hypot(dx, dy) < 1) return false;
  /* the control point: twice the bow out along the left normal (dy, -dx) of the chord */
  double cx = (e[0] + e[2]) / 2 + 2 * curve * dy, cy = (e[1] + e[3]) / 2 - 2 * curve * dx;
  enum { STEPS = 64 };
  bm_geom arc;
  bm_geom_init(&arc, BM_GEOM_LINE);
  bool ok = bm_geom_begin_part(&arc);
  for (int k = 0; ok && k <= STEPS; k++) {
    double t = (double)k / STEPS, a = (1 - t) * (1 - t), b = 2 * (1 - t) * t, c = t * t;
    ok = bm_geom_add(&arc, a * e[0] + b * cx + c * e[2], a * e[1] + b * cy + c * e[3]);
  }
  bm_geom_reset(out, BM_GEOM_LINE);
  ok = ok && bm_geom_clip_rect(&arc, m->clip_px, out);
  bm_geom_free(&arc);
  if (!ok) bm_geom_reset(out, BM_GEOM_LINE);
  return true;
}

bool pl_geom_in_frame(const map *m, const bm_geom *g) {
  for (size_t i = 0; i < g->npts; i++) {
    double x = g->xy[2 * i], y = g->xy[2 * i + 1];
    if (x >= 0 && y >= 0 && x <= m->view.width && y <= m->view.height) return true;
  }
  return false;
}

/* The boundary lines (10m, all of them) between two countries, as one lon/lat line geometry. */
/* With a border (bd set), only its class of line: class:, or the international boundary
 * by default, so that a line of control is never merged with it under one label. */
static bm_status border_lines(map *m, const story_input *in, const bm_country_ref *a,
                              const bm_country_ref *b, const bm_border *bd, bm_geom *out) {
  const bm_features *lines = &in->lines;
  bm_geom_init(out, BM_GEOM_LINE);
  bool *mask = calloc(lines->n + 1, sizeof *mask);
  if (!mask) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_status st =
      bd && in->line_class
          ? bm_story_match_border_class(
                lines, in->line_class, bd->has_class ? bd->cls : BM_BOUNDARY_INTERNATIONAL, a, b,
                m->spec->path, bd->has_class ? bd->class_pos : bd->pos, mask, m->err)
          : bm_story_match_border(lines, a, b, m->spec->path, mask, m->err);
  for (size_t i = 0; !st && i < lines->n; i++) {
    if (!mask[i]) continue;
    const bm_geom *g = &lines->f[i].geom;
    for (size_t p = 0; p < g->nparts; p++) {
      const double *q = bm_geom_part_xy(g, p);
      bm_geom_begin_part(out);
      for (size_t k = 0; k < bm_geom_part_len(g, p); k++)
        bm_geom_add(out, q[2 * k], q[2 * k + 1]);
    }
  }
  free(mask);
  return st;
}

bm_status pl_story_build(map *m, const story_input *in, story *s) {
  const bm_spec *spec = m->spec;
  const bm_site *sites = m->sites->sites;
  size_t ns = m->sites->n_sites;
  const char *path = spec->path;
  bm_status st = BM_OK;
  s->ring_fill = calloc(spec->n_rings + 1, sizeof(bm_geom));
  s->ring_line = calloc(spec->n_rings + 1, sizeof(bm_geom));
  s->route = calloc(spec->n_routes + 1, sizeof(bm_geom));
  s->area = calloc(spec->n_areas + 1, sizeof(bm_geom));
  s->border = calloc(spec->n_borders + 1, sizeof(bm_geom));
  s->border_m = calloc(spec->n_borders + 1, sizeof(double));
  s->callout_xy = calloc(2 * spec->n_callouts + 2, sizeof(double));
  s->marker = calloc(spec->n_callouts + 1, sizeof *s->marker);
  if (!s->ring_fill || !s->ring_line || !s->route || !s->area || !s->border || !s->border_m ||
      !s->callout_xy || !s->marker)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");

  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    double lon, lat;
    if ((st = bm_story_resolve_place(&r->center, sites, ns, "ring center", path, &lon, &lat,
                                     m->err)))
      return st;
    bm_geom_init(&s->ring_fill[i], BM_GEOM_POLYGON);
    if (!bm_story_ring(lon, lat, r->radius_km * 1000, 720, &s->ring_fill[i]))
      return bm_error_set(m->err, BM_ERR_SPEC, path, r->radius_pos.line, r->radius_pos.col,
                          "a ring of %g km around %.2f, %.2f would enclose a pole; use a smaller "
                          "radius_km",
                          r->radius_km, lon, lat);
    if (!bm_geom_copy(&s->ring_line[i], &s->ring_fill[i]))
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    s->ring_line[i].type = BM_GEOM_LINE;
    pl_story_to_pixels(m, &s->ring_fill[i]);
    pl_story_to_pixels(m, &s->ring_line[i]);
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    double lon1, lat1, lon2, lat2;
    if ((st = bm_story_resolve_place(&r->from, sites, ns, "route start (from)", path, &lon1, &lat1,
                                     m->err)) ||
        (st = bm_story_resolve_place(&r->to, sites, ns, "route end (to)", path, &lon2, &lat2,
                                     m->err)))
      return st;
    bm_geom_init(&s->route[i], BM_GEOM_LINE);
    /* legs through the waypoints, each a geodesic (or rhumb line), joined into one line */
    double plon = lon1, plat = lat1;
    for (size_t k = 0; k <= r->n_via; k++) {
      double qlon = lon2, qlat = lat2;
      if (k < r->n_via &&
          (st = bm_story_resolve_place(&r->via[k], sites, ns, "route waypoint (via)", path, &qlon,
                                       &qlat, m->err)))
        return st;
      bm_geom leg;
      bm_geom_init(&leg, BM_GEOM_LINE);
      bool ok = bm_story_route(plon, plat, qlon, qlat, r->path, 5000, &leg);
      if (ok && k == 0)
        ok = bm_geom_copy(&s->route[i], &leg);
      else if (ok) {
        /* continue the line: unwrap longitudes against its last point, skip the shared one */
        const double *xy = bm_geom_part_xy(&leg, 0);
        size_t n = bm_geom_part_len(&leg, 0);
        double *last = bm_geom_part_xy(&s->route[i], 0) + 2 * (s->route[i].npts - 1);
        double shift = bm_lon_unwrap(xy[0], last[0]) - xy[0];
        for (size_t j = 1; ok && j < n; j++)
          ok = bm_geom_add(&s->route[i], xy[2 * j] + shift, xy[2 * j + 1]);
      }
      bm_geom_free(&leg);
      if (!ok)
        return bm_error_set(m->err, BM_ERR_SPEC, path, r->pos.line, r->pos.col,
                            "cannot draw this route as a %s line (a rhumb line cannot reach a "
                            "pole)",
                            r->path == BM_PATH_RHUMB ? "rhumb" : "great-circle");
      plon = qlon, plat = qlat;
    }
    if (!r->curve || !route_arc(m, lon1, lat1, lon2, lat2, r->curve, &s->route[i]))
      pl_story_to_pixels(m, &s->route[i]);
    /* start and end at the edge of a site's symbol, not under it */
    double trim = m->style.site_symbol_size * m->k * 0.75;
    if (!trim_line_end(&s->route[i], r->from.site ? trim : 0, r->to.site ? trim : 0))
      return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  for (size_t i = 0; !st && i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    if ((st = border_lines(m, in, &bd->a, &bd->b, bd, &s->border[i]))) break;
    s->border_m[i] = bm_story_geodesic_length(&s->border[i]);
    pl_story_to_pixels(m, &s->border[i]);
  }
  for (size_t i = 0; !st && i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    bm_geom *g = &s->area[i];
    bm_geom_init(g, BM_GEOM_POLYGON);
    if (a->kind == BM_AREA_FILE) {
      st = bm_geom_copy(g, &in->area_file[i])
               ? BM_OK
               : bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    } else if (a->along == BM_BUFFER_AROUND) {
      double lon, lat;
      if ((st = bm_story_resolve_place(&a->around, sites, ns, "area center (around)", path, &lon,
                                       &lat, m->err)))
        break;
      if (!bm_story_ring(lon, lat, a->buffer_km * 1000, 720, g))
        st = bm_error_set(m->err, BM_ERR_SPEC, path, a->pos.line, a->pos.col,
                          "a buffer of %g km around %.2f, %.2f would enclose a pole", a->buffer_km,
                          lon, lat);
    } else {
      bm_geom line;
      bm_geom_init(&line, BM_GEOM_LINE);
      if (a->along == BM_BUFFER_BORDER)
        st = border_lines(m, in, &a->border[0], &a->border[1], NULL, &line);
      else {
        bm_geom_begin_part(&line);
        for (size_t k = 0; k < a->nline; k++)
          bm_geom_add(&line, a->line[2 * k], a->line[2 * k + 1]);
        /* a drawn line is a geodesic between its points: densify along it */
        bm_geom dense;
        bm_geom_init(&dense, BM_GEOM_LINE);
        bm_geom_begin_part(&dense);
        for (size_t k = 1; k < a->nline; k++) {
          bm_geom seg;
          bm_geom_init(&seg, BM_GEOM_LINE);
          bm_story_route(a->line[2 * k - 2], a->line[2 * k - 1], a->line[2 * k], a->line[2 * k + 1],
                         BM_PATH_GREAT_CIRCLE, 5000, &seg);
          for (size_t q = k > 1 ? 1 : 0; q < seg.npts; q++)
            bm_geom_add(&dense, seg.xy[2 * q], seg.xy[2 * q + 1]);
          bm_geom_free(&seg);
        }
        bm_geom_free(&line);
        line = dense;
      }
      if (!st) st = bm_story_buffer(&line, a->buffer_km * 1000, g, m->err);
      bm_geom_free(&line);
    }
    if (!st) pl_story_to_pixels(m, g);
  }
  if (st) return st;
  for (size_t i = 0; i < spec->n_callouts; i++) {
    const bm_callout *c = &spec->callouts[i];
    double xy[2];
    if ((st = bm_story_resolve_place(&c->at, sites, ns, "callout place (at)", path, &xy[0], &xy[1],
                                     m->err)))
      return st;
    bm_proj_forward(m->proj, xy, 1);
    if (xy[0] == HUGE_VAL || xy[1] == HUGE_VAL)
      return bm_error_set(m->err, BM_ERR_SPEC, path, c->pos.line, c->pos.col,
                          "callout %zu cannot be shown in this projection (it is on the far "
                          "side); choose another projection or extent",
                          i + 1);
    bm_view_to_px(&m->view, xy, 1);
    if (c->at.site) {
      /* at a site: beside its symbol (upper left), never on top of it */
      double d = m->style.site_symbol_size * m->k * 0.95;
      xy[0] -= d, xy[1] -= d;
    }
    s->callout_xy[2 * i] = xy[0];
    s->callout_xy[2 * i + 1] = xy[1];
    if (c->marker)
      snprintf(s->marker[i], sizeof s->marker[i], "%s", c->marker);
    else
      snprintf(s->marker[i], sizeof s->marker[i], "%zu", i + 1);
  }
  return BM_OK;
}

void pl_relief_grid(const map *m, int *w, int *h) {
  double q = fmax(1, sqrt((double)m->view.width * m->view.height / BM_RELIEF_GRID_PX));
  *w = (int)ceil(m->view.width / q);
  *h = (int)ceil(m->view.height / q);
}

/* The relief on a grid over the map's frame: GDAL warps the window the load stage read into
 * the map's projection, and the shading is computed there, where every cell is the same
 * number of projected metres on a side (the projections bordermap picks are equal-area or
 * conformal and centred on the map, so that is the ground size to within a percent or two):
 * the slopes need no degrees-to-metres z-factor, whatever the raster's CRS. */
bm_status pl_project_relief(const map *m, const story_input *in, bm_relief *out, bm_error *err) {
  memset(out, 0, sizeof *out);
  const bm_relief_spec *r = &m->spec->relief;
  if (!r->kind || !in->relief.ds) return BM_OK;
  int w, h;
  pl_relief_grid(m, &w, &h);
  double cx = m->view.width / (m->view.px_per_m * w), cy = m->view.height / (m->view.px_per_m * h);
  double gt[6] = {m->view.proj.minx, cx, 0, m->view.proj.maxy, 0, -cy};
  float *grid = malloc((size_t)w * h * sizeof *grid);
  if (!grid) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory (relief)");
  /* cubic where the DEM is coarser than the grid (bilinear would leave facets in the
   * slopes), bilinear where the load stage already averaged it down to about the grid */
  bool cubic = r->kind == BM_RELIEF_DEM && (in->relief.w < w || in->relief.h < h);
  bm_status st =
      bm_warp_to_grid(in->relief.ds, bm_proj_definition(m->proj), gt, w, h, cubic, grid, err);
  if (!st) {
    bm_relief_look look = {r->opacity >= 0 ? r->opacity : m->style.relief_opacity, r->azimuth,
                           r->altitude, r->tint == BM_RELIEF_TINT_HYPSOMETRIC, &m->style};
    st = r->kind == BM_RELIEF_DEM ? bm_relief_from_dem(grid, w, h, (cx + cy) / 2, &look, out, err)
                                  : bm_relief_from_shaded(grid, w, h, 255, &look, out, err);
    out->draw_w = m->view.width;
    out->draw_h = m->view.height;
  }
  if (st && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", r->file);
  free(grid);
  return st;
}
