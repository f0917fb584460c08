/* pipeline/paint.c — the paint stage: the computed map drawn through a render
 * backend, one named layer per kind of content, in paint order. It reads the
 * computed map and never changes it, so it runs once per output format. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/map.h"
#include "render/render.h"

/* Does the map's content stay inside the earth's edge by a clip? Where a clip costs every
 * operation under it (PDF: a world map's 1400 fills each wrote the earth's 721-point outline
 * again, 0.9 s and most of the file), the off-earth part is covered instead, after the
 * geometry (cover_off_earth), in the page's background colour, when that is opaque. */
static bool clip_to_earth(const map *m, const bm_backend *be) {
  return m->earth_edge && (!be->clip_per_operation || m->style.background.a < 1);
}

/* A layer of the map's content: on a map that shows the earth's edge, clipped
 * to the earth (each layer clips itself, so SVG groups stay well nested). */
static void layer(const map *m, bm_backend *be, const char *name) {
  bm_be_layer(be, name);
  if (clip_to_earth(m, be)) {
    bm_path p;
    bm_path_init(&p);
    bm_path_geom(&p, &m->earth);
    bm_be_clip(be, &p);
    bm_path_free(&p);
  }
}

static void end_layer(const map *m, bm_backend *be) {
  if (clip_to_earth(m, be)) bm_be_unclip(be);
  bm_be_end_layer(be);
}

/* The shaded relief over the land and its tints (highlighted provinces included, so that
 * the mountains of a highlighted province still show), under every line, label and the
 * story; the sea and the lakes stay untouched. */
static void paint_relief(const map *m, const base *b, const bm_relief *r, bm_backend *be) {
  if (!r->argb) return;
  const bm_geom **land = malloc((b->land.n + 1) * sizeof *land);
  const bm_geom **lakes = malloc((b->lakes.n + 1) * sizeof *lakes);
  if (land && lakes) {
    for (size_t i = 0; i < b->land.n; i++)
      land[i] = &b->land.f[i].geom;
    for (size_t i = 0; i < b->lakes.n; i++)
      lakes[i] = &b->lakes.f[i].geom;
    layer(m, be, "relief");
    bm_paint_relief(be, r, land, b->land.n, lakes, b->lakes.n, m->style.lake);
    end_layer(m, be);
  } else {
    bm_backend_fail(be, BM_ERR_NOMEM, "out of memory (relief)");
  }
  free(land);
  free(lakes);
}

static void paint_base(const map *m, const base *b, const bm_relief *relief, bm_backend *be) {
  const bm_style *st = &m->style;
  double k = m->k;
  bm_path frame;
  bm_path_init(&frame);
  bm_path_rect(&frame, 0, 0, m->view.width, m->view.height);
  if (m->earth_edge) {
    /* off the earth: the page's background; water only on the earth */
    bm_be_layer(be, "background");
    bm_be_fill(be, &frame, st->background);
    bm_be_end_layer(be);
    bm_be_layer(be, "water");
    bm_paint_fill(be, &m->earth, st->water);
    bm_be_end_layer(be);
  } else {
    bm_be_layer(be, "water");
    bm_be_fill(be, &frame, st->water);
    bm_be_end_layer(be);
  }
  bm_path_free(&frame);

  layer(m, be, "land");
  for (size_t i = 0; i < b->land.n; i++)
    bm_paint_fill(be, &b->land.f[i].geom, st->land);
  /* glaciers under the country tints: a hint of relief that never competes with the story */
  for (size_t i = 0; i < b->glaciers.n; i++)
    bm_paint_fill(be, &b->glaciers.f[i].geom, st->glacier);
  end_layer(m, be);

  layer(m, be, "countries");
  for (size_t i = 0; i < b->countries.n; i++)
    if (b->hl_country[i]) bm_paint_fill(be, &b->countries.f[i].geom, st->highlight_country);
  end_layer(m, be);

  layer(m, be, "lakes");
  for (size_t i = 0; i < b->lakes.n; i++)
    bm_paint_fill(be, &b->lakes.f[i].geom, st->lake);
  end_layer(m, be);

  layer(m, be, "highlights");
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_paint_fill(be, &b->provinces.f[i].geom, st->highlight_province);
  end_layer(m, be);

  paint_relief(m, b, relief, be);

  layer(m, be, "provinces");
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->province_in_story[i] && !b->hl_province[i])
      bm_paint_stroke(be, &b->provinces.f[i].geom, st->province_line, st->province_width * k, NULL,
                      0);
  end_layer(m, be);

  layer(m, be, "rivers");
  for (size_t i = 0; i < b->rivers.n; i++) {
    double rank = pl_attr_num(&b->rivers, i, "SCALERANK", 5);
    double w = st->river_width * k * (rank <= 3 ? 1.3 : rank <= 6 ? 1.0 : 0.7);
    bm_paint_stroke(be, &b->rivers.f[i].geom, st->river, w, NULL, 0);
  }
  end_layer(m, be);

  layer(m, be, "highlight-outlines");
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i])
      bm_paint_stroke(be, &b->provinces.f[i].geom, st->highlight_province_outline,
                      st->highlight_province_width * k, NULL, 0);
  end_layer(m, be);

  layer(m, be, "boundaries");
  for (size_t i = 0; i < b->boundaries.n; i++)
    if (b->boundary_class[i] == BM_BOUNDARY_INTERNATIONAL)
      bm_paint_stroke(be, &b->boundaries.f[i].geom, st->border, st->border_width * k, NULL, 0);
  /* a claim line that the point of view takes as its international boundary */
  for (size_t i = 0; i < b->disputed.n; i++)
    if (b->disputed_class[i] == BM_BOUNDARY_INTERNATIONAL)
      bm_paint_stroke(be, &b->disputed.f[i].geom, st->border, st->border_width * k, NULL, 0);
  end_layer(m, be);
}

/* Disputed lines, lines of control, indefinite, lease and overlay limits, each with its
 * own dash, over everything solid below them (highlighted provinces' outlines, story
 * areas): first a casing in the land colour that clears what lies under the line, so
 * that no solid outline shows through the gaps and makes a dashed line look settled;
 * then the dashes. */
static void paint_dashed_lines(const map *m, const base *b, bm_backend *be) {
  const bm_style *st = &m->style;
  double k = m->k;
  double casing = (fmax(st->highlight_province_width, st->border_width) + 1.5) * k;
  const bm_features *layers[2] = {&b->boundaries, &b->disputed};
  const unsigned char *cls[2] = {b->boundary_class, b->disputed_class};
  layer(m, be, "disputed");
  for (int pass = 0; pass < 2; pass++)
    for (int l = 0; l < 2; l++)
      for (size_t i = 0; i < layers[l]->n; i++) {
        if (!pl_boundary_is_dashed(cls[l][i])) continue;
        const bm_geom *g = &layers[l]->f[i].geom;
        if (pass == 0) {
          bm_paint_stroke(be, g, st->land, fmax(casing, st->disputed_width * k + 1.5 * k), NULL, 0);
          continue;
        }
        double dash[4];
        int nd = bm_style_boundary_dash(st, (bm_boundary_class)cls[l][i], k, dash);
        bm_paint_stroke(be, g, st->disputed, st->disputed_width * k, dash, nd);
      }
  end_layer(m, be);
}

static void paint_story(const map *m, const base *b, const story *s, bm_backend *be) {
  const bm_spec *spec = m->spec;
  const bm_style *st = &m->style;
  double k = m->k;
  layer(m, be, "graticule");
  for (size_t i = 0; i < s->ngrat; i++)
    bm_paint_stroke(be, &s->grat[i], st->graticule, st->graticule_width * k, NULL, 0);
  end_layer(m, be);

  layer(m, be, "story-areas");
  for (size_t i = 0; i < spec->n_areas; i++)
    bm_paint_area(be, &s->area[i], st->accent, spec->areas[i].hatch, k);
  end_layer(m, be);

  paint_dashed_lines(m, b, be);

  layer(m, be, "story-borders");
  for (size_t i = 0; i < spec->n_borders; i++) {
    bm_color halo = st->land;
    halo.a = 0.8;
    /* a line of control or a disputed line the story is about keeps its dash */
    double dash[4];
    int nd = bm_style_boundary_dash(
        st, spec->borders[i].has_class ? spec->borders[i].cls : BM_BOUNDARY_INTERNATIONAL,
        k * fmin(st->story_border_width / fmax(st->disputed_width, 0.1), 1.6), dash);
    bm_paint_stroke(be, &s->border[i], halo, (st->story_border_width + 2) * k, NULL, 0);
    bm_paint_stroke(be, &s->border[i], st->accent, st->story_border_width * k, nd ? dash : NULL,
                    nd);
  }
  end_layer(m, be);

  layer(m, be, "rings");
  double dash[2] = {st->ring_dash[0] * k, st->ring_dash[1] * k};
  for (size_t i = 0; i < spec->n_rings; i++) {
    if (spec->rings[i].fill) {
      bm_color tint = st->accent;
      tint.a = 0.07;
      bm_paint_fill(be, &s->ring_fill[i], tint);
    }
    bm_paint_stroke(be, &s->ring_line[i], st->accent, st->ring_width * k, dash, 2);
  }
  end_layer(m, be);

  layer(m, be, "routes");
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    bm_color halo = st->land;
    halo.a = 0.7;
    bm_paint_stroke(be, &s->route[i], halo, (st->route_width + 2) * k, NULL, 0);
    bm_paint_route(be, &s->route[i], st->accent, st->route_width * k, r->dash, r->arrow, k);
  }
  end_layer(m, be);
}

/* Everything under the text and the marks: base map, story, the earth's outline. Paths and
 * colours only (no Pango), and nothing the label stage computes, so that bands of a PNG can
 * be painted in parallel, and beside the label stage. */
/* What lies off the earth painted over in the background colour: the frame with the
 * earth's outline as a hole (for the backends that do not clip each layer to the earth). */
static void cover_off_earth(const map *m, bm_backend *be) {
  bm_path p;
  bm_path_init(&p);
  bm_path_rect(&p, 0, 0, m->view.width, m->view.height);
  bm_path_geom(&p, &m->earth);
  bm_be_layer(be, "off-earth");
  bm_be_fill(be, &p, m->style.background); /* even-odd: the earth is a hole */
  bm_be_end_layer(be);
  bm_path_free(&p);
}

static void paint_geometry(const map *m, const computed *c, bm_backend *be) {
  paint_base(m, &c->base, &c->relief, be);
  paint_story(m, &c->base, &c->story, be);
  if (m->earth_edge && !clip_to_earth(m, be)) cover_off_earth(m, be);
  if (m->earth_edge) {
    bm_be_layer(be, "earth-outline");
    bm_paint_stroke(be, &m->earth, m->style.earth_outline, m->style.earth_outline_width * m->k,
                    NULL, 0);
    bm_be_end_layer(be);
  }
}

/* Places' dots (those of the labels placed) and sites' symbols. */
static void paint_marks(const map *m, const computed *c, bm_backend *be) {
  const bm_style *st = &m->style;
  const story_px *sp = &c->sites;
  const bm_labeler *lb = c->labels;
  bm_be_layer(be, "places");
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    if (l->placed && l->has_symbol)
      bm_paint_place_dot(be, l->ax, l->ay, !strcmp(l->layer, "capital"), m->k, st);
  }
  bm_be_end_layer(be);

  bm_be_layer(be, "sites");
  /* a symbol moved off a position it shares with another site: a thin tie back
   * to a dot at its true position */
  for (int i = 0; i < sp->nsites; i++) {
    double ax = sp->site_at[2 * i], ay = sp->site_at[2 * i + 1];
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    if (hypot(x - ax, y - ay) <= 0.5) continue;
    bm_path p;
    bm_path_init(&p);
    bm_path_move(&p, ax, ay);
    bm_path_line(&p, x, y);
    bm_be_stroke(
        be, &p,
        &(bm_stroke){
            .color = st->text, .width = 1 * m->k, .cap = BM_CAP_ROUND, .join = BM_JOIN_ROUND});
    bm_path_free(&p);
    bm_path_init(&p);
    bm_path_rect(&p, ax - 1.5 * m->k, ay - 1.5 * m->k, 3 * m->k, 3 * m->k);
    bm_be_fill(be, &p, st->text);
    bm_path_free(&p);
  }
  for (int i = 0; i < sp->nsites; i++)
    bm_paint_site_symbol(be, m->sites->sites[i].kind, sp->site_xy[2 * i], sp->site_xy[2 * i + 1],
                         st->site_symbol_size * m->k, st);
  bm_be_end_layer(be);
}

/* The text and what lies over it: callouts, labels, furniture. */
static void paint_overlay(const map *m, const computed *c, bm_backend *be) {
  const bm_style *st = &m->style;
  const story *s = &c->story;
  const bm_labeler *lb = c->labels;
  const bm_furniture *fur = &c->furniture;

  bm_be_layer(be, "callouts");
  for (size_t i = 0; i < m->spec->n_callouts; i++)
    bm_paint_callout(be, m->text, s->marker[i], s->callout_xy[2 * i], s->callout_xy[2 * i + 1], st,
                     m->k);
  bm_be_end_layer(be);

  bm_be_layer(be, "labels");
  bm_paint_labels(be, lb, m->k, st, m->opt->debug_labels);
  bm_be_end_layer(be);

  bm_be_layer(be, "graticule-labels");
  bm_paint_graticule_labels(be, fur, st);
  bm_be_end_layer(be);

  bm_paint_furniture(be, fur, st);
}

static void paint_all(const map *m, const computed *c, bm_backend *be) {
  paint_geometry(m, c, be);
  paint_marks(m, c, be);
  paint_overlay(m, c, be);
}

/* A PNG's geometry is painted in NBANDS horizontal bands, by as many threads as there
 * are cores (at most NBANDS), each band with its own Cairo context. A band skips the paths
 * that miss it (the backend culls them), so only paths that cross bands are painted twice,
 * and four bands share the work out better than two (a world map's north holds most of its
 * rivers). The bands are the same whatever the thread count, and Cairo paints a pixel the
 * same in any band, so the bytes are too. */
enum { NBANDS = 4 };

struct png_bands {
  const map *m;
  const computed *c;
  size_t output;  /* the output whose backend be is */
  bm_backend *be; /* the PNG's */
  bm_backend *band[NBANDS];
  _Atomic int next;
  pthread_t painter; /* when the bands are painted beside the label stage */
  bool threaded;
};

static void *band_worker(void *arg) {
  png_bands *j = arg;
  for (int k; (k = atomic_fetch_add(&j->next, 1)) < NBANDS;)
    if (j->band[k]) paint_geometry(j->m, j->c, j->band[k]); /* NULL: an empty band */
  return NULL;
}

static void *bands_painter(void *arg) {
  bm_run_threads(band_worker, arg, NBANDS);
  return NULL;
}

/* Starts painting the geometry of output's PNG backend be in bands, on a thread of its own
 * when threaded (else bands_join paints them). NULL when the bands cannot be made: the
 * failure is be's. */
static png_bands *bands_start(const map *m, const computed *c, bm_backend *be, size_t output,
                              bool threaded) {
  png_bands *j = calloc(1, sizeof *j);
  if (!j) {
    bm_backend_fail(be, BM_ERR_NOMEM, "out of memory");
    return NULL;
  }
  *j = (png_bands){.m = m, .c = c, .output = output, .be = be};
  atomic_init(&j->next, 0);
  int h = m->view.height;
  for (int k = 0; k < NBANDS; k++) {
    int y0 = (int)((long)h * k / NBANDS), y1 = (int)((long)h * (k + 1) / NBANDS);
    bm_error err;
    if (y0 < y1 && bm_backend_band(be, y0, y1, &j->band[k], &err)) {
      bm_backend_fail(be, err.code, "%s", err.msg);
      for (int b = 0; b < k; b++)
        if (j->band[b]) bm_be_destroy(j->band[b]);
      free(j);
      return NULL;
    }
  }
  bm_backend_bands_begin(be);
  j->threaded = threaded && pthread_create(&j->painter, NULL, bands_painter, j) == 0;
  return j;
}

/* Waits for the bands (or paints them), frees them and j; a band's failure becomes the PNG
 * backend's. */
static void bands_join(png_bands *j) {
  if (j->threaded)
    pthread_join(j->painter, NULL);
  else
    bands_painter(j);
  bm_backend_bands_end(j->be);
  for (int k = 0; k < NBANDS; k++)
    if (j->band[k]) {
      if (j->band[k]->status && !j->be->status)
        bm_backend_fail(j->be, j->band[k]->status, "%s", j->band[k]->message);
      bm_be_destroy(j->band[k]);
    }
  free(j);
}

png_bands *pl_paint_ahead(const map *m, const computed *c, bm_output *outs, size_t n, outputs *o) {
  size_t i = 0;
  while (i < n && outs[i].format != BM_FORMAT_PNG)
    i++;
  /* one core (a batch worker's share) has nothing to paint beside; a relief is ready only
   * after the label stage */
  if (i == n || bm_thread_count() < 2 || m->spec->relief.kind) return NULL;
  double dpi = m->opt->dpi > 0 ? m->opt->dpi : m->spec->dpi;
  bm_backend *be;
  bm_error err;
  if (bm_backend_create(BM_FORMAT_PNG, m->view.width, m->view.height, dpi, &o->sinks[i], &be, &err))
    return NULL; /* the paint stage tries again, and reports it */
  png_bands *j = bands_start(m, c, be, i, true);
  if (!j) bm_be_destroy(be);
  return j;
}

void pl_paint_ahead_cancel(png_bands *j) {
  if (!j) return;
  bm_backend *be = j->be;
  bands_join(j);
  bm_be_destroy(be);
}

/* The paint stage once per output, each through its own backend. */
bm_status pl_paint_outputs(const map *m, const computed *c, bm_output *outs, size_t n, outputs *o,
                           png_bands *ahead) {
  bm_error *err = m->err;
  double dpi = m->opt->dpi > 0 ? m->opt->dpi : m->spec->dpi;
  bm_render_stats *stats = m->stats;
  for (size_t i = 0; i < n; i++) {
    bm_backend *be;
    double t0 = pl_now();
    bm_status st = BM_OK;
    if (ahead && ahead->output == i)
      be = ahead->be;
    else
      st = bm_backend_create(outs[i].format, m->view.width, m->view.height, dpi, &o->sinks[i], &be,
                             err);
    if (st) {
      pl_paint_ahead_cancel(ahead);
      return st;
    }
    if (outs[i].format == BM_FORMAT_PNG) {
      png_bands *j = ahead && ahead->output == i ? ahead : bands_start(m, c, be, i, false);
      if (j == ahead) ahead = NULL;
      if (j) bands_join(j);
      if (!be->status) { /* a failure sticks in be: finish reports it */
        paint_marks(m, c, be);
        paint_overlay(m, c, be);
      }
    } else {
      paint_all(m, c, be);
    }
    double t1 = pl_now();
    st = bm_be_finish(be, err); /* encodes: PNG deflate, PDF and SVG serialisation */
    bm_be_destroy(be);
    double t2 = pl_now();
    stats->t_paint += t1 - t0;
    stats->t_write += t2 - t1;
    if (i < BM_MAX_TIMED_OUTPUTS) stats->t_out_paint[i] = t1 - t0, stats->t_out_write[i] = t2 - t1;
    if (!st && o->sinks[i].failed)
      st = bm_error_set(err, BM_ERR_IO, outs[i].path, 0, 0, "cannot write the output (disk full?)");
    if (st) {
      pl_paint_ahead_cancel(ahead);
      if (outs[i].path && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", outs[i].path);
      return st;
    }
  }
  return BM_OK;
}
