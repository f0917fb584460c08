/* pipeline/layout.c — legend contents, inset, graticule and where the
 * furniture goes (the corner with the least content). */
#include <errno.h>
#include <math.h>
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

static bool add_item(bm_legend *L, bm_legend_symbol sym, const char *text) {
  bm_legend_item it = {.symbol = sym, .text = (char *)text};
  return bm_legend_add(L, &it);
}

/* A site kind's legend entry in the map's language. */
static const char *site_text(map *m, bm_site_kind k) {
  switch (k) {
  case BM_SITE_FACTORY: return bm_lang_message(&m->lang, "factory");
  case BM_SITE_MILITARY_BASE: return bm_lang_message(&m->lang, "military_base");
  case BM_SITE_AIRFIELD: return bm_lang_message(&m->lang, "airfield");
  case BM_SITE_CITY: return bm_lang_message(&m->lang, "city");
  default: return bm_lang_message(&m->lang, "site");
  }
}

/* The legend: exactly what the map draws inside its frame, in order of importance. */
static bool build_legend(map *m, base *b, story *s, story_px *sp, bm_legend *L, bm_legend *panel) {
  const bm_spec *spec = m->spec;
  static const bm_site_kind order[] = {BM_SITE_FACTORY, BM_SITE_MILITARY_BASE, BM_SITE_AIRFIELD,
                                       BM_SITE_GENERIC, BM_SITE_CITY};
  bool approx = false;
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
    for (int i = 0; i < sp->nsites; i++) {
      double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
      if (m->sites->sites[i].kind != order[o] || x < 0 || y < 0 || x > m->view.width ||
          y > m->view.height)
        continue;
      approx |= m->sites->sites[i].approximate;
      bm_legend_item it = {
          .symbol = BM_LEGEND_SITE, .site_kind = order[o], .text = (char *)site_text(m, order[o])};
      if (!bm_legend_add(L, &it)) return false;
      break;
    }
  for (size_t i = 0; i < spec->n_rings; i++) {
    const bm_ring *r = &spec->rings[i];
    char t[160], km[96];
    bm_lang_km(&m->lang, r->radius_km, km, sizeof km);
    bm_lang_format(&m->lang, "range", t, sizeof t, 1, "km", km);
    if (pl_geom_in_frame(m, &s->ring_line[i]) && !add_item(L, BM_LEGEND_RING,
                                                           r->legend  ? r->legend
                                                           : r->label ? r->label
                                                                      : t))
      return false;
  }
  for (size_t i = 0; i < spec->n_routes; i++) {
    const bm_route *r = &spec->routes[i];
    bm_legend_item it = {.symbol = BM_LEGEND_ROUTE,
                         .dash = r->dash,
                         .arrow = r->arrow,
                         .text = r->legend  ? r->legend
                                 : r->label ? r->label
                                            : (char *)bm_lang_message(&m->lang, "route")};
    if (pl_geom_in_frame(m, &s->route[i]) && !bm_legend_add(L, &it)) return false;
  }
  for (size_t i = 0; i < spec->n_areas; i++) {
    const bm_area *a = &spec->areas[i];
    if (pl_geom_in_frame(m, &s->area[i]) &&
        !add_item(L, a->hatch ? BM_LEGEND_HATCH : BM_LEGEND_FILL,
                  a->legend  ? a->legend
                  : a->label ? a->label
                             : bm_lang_message(&m->lang, "area")))
      return false;
  }
  for (size_t i = 0; i < spec->n_borders; i++) {
    const bm_border *bd = &spec->borders[i];
    char t[256];
    bm_lang_format(&m->lang, "border", t, sizeof t, 2, "a", bd->a.code, "b", bd->b.code);
    bm_legend_item it = {.symbol = BM_LEGEND_BORDER,
                         .line_class = bd->has_class ? bd->cls : BM_BOUNDARY_INTERNATIONAL,
                         .text = bd->legend  ? bd->legend
                                 : bd->label ? bd->label
                                             : t};
    if (pl_geom_in_frame(m, &s->border[i]) && !bm_legend_add(L, &it)) return false;
  }
  /* highlighted provinces and countries, named */
  char names[400] = "";
  size_t n = 0, count = 0;
  for (size_t i = 0; i < b->provinces.n; i++) {
    const char *nm = bm_feature_attr(&b->provinces, i, "NAME");
    if (!b->hl_province[i] || !nm || !pl_geom_in_frame(m, &b->provinces.f[i].geom) ||
        strstr(names, nm))
      continue;
    n += (size_t)snprintf(names + n, n < sizeof names ? sizeof names - n : 0, "%s%s",
                          count++ ? bm_lang_message(&m->lang, "list_separator") : "", nm);
  }
  if (count) {
    char t[600];
    bm_lang_format(&m->lang, count > 1 ? "provinces" : "province", t, sizeof t, 1, "names", names);
    if (!add_item(L, BM_LEGEND_HL_PROVINCE, t)) return false;
  }
  names[0] = '\0';
  n = count = 0;
  for (size_t i = 0; i < b->countries.n; i++) {
    const char *nm = bm_feature_attr(&b->countries, i, "NAME");
    if (!b->hl_country[i] || !nm || !pl_geom_in_frame(m, &b->countries.f[i].geom) ||
        strstr(names, nm))
      continue;
    n += (size_t)snprintf(names + n, n < sizeof names ? sizeof names - n : 0, "%s%s",
                          count++ ? bm_lang_message(&m->lang, "list_separator") : "", nm);
  }
  if (count && !add_item(L, BM_LEGEND_HL_COUNTRY, names)) return false;
  /* each class of unsettled line the map draws in its frame: its own entry and dash */
  static const struct {
    bm_boundary_class cls;
    bm_legend_symbol sym;
    const char *key; /* message */
  } kinds[] = {{BM_BOUNDARY_DISPUTED, BM_LEGEND_DISPUTED, "disputed"},
               {BM_BOUNDARY_LINE_OF_CONTROL, BM_LEGEND_LINE_OF_CONTROL, "line_of_control"},
               {BM_BOUNDARY_INDEFINITE, BM_LEGEND_INDEFINITE, "indefinite"},
               {BM_BOUNDARY_LEASE, BM_LEGEND_LEASE, "lease_limit"},
               {BM_BOUNDARY_OVERLAY, BM_LEGEND_OVERLAY, "overlay_limit"}};
  for (size_t kd = 0; kd < sizeof kinds / sizeof kinds[0]; kd++) {
    bool drawn = false;
    for (size_t i = 0; i < b->boundaries.n && !drawn; i++)
      drawn =
          b->boundary_class[i] == kinds[kd].cls && pl_geom_in_frame(m, &b->boundaries.f[i].geom);
    for (size_t i = 0; i < b->disputed.n && !drawn; i++)
      drawn = b->disputed_class[i] == kinds[kd].cls && pl_geom_in_frame(m, &b->disputed.f[i].geom);
    if (drawn && !add_item(L, kinds[kd].sym, bm_lang_message(&m->lang, kinds[kd].key)))
      return false;
  }
  for (size_t i = 0; i < spec->n_callouts; i++) {
    double x = s->callout_xy[2 * i], y = s->callout_xy[2 * i + 1];
    if (x < 0 || y < 0 || x > m->view.width || y > m->view.height) continue;
    bm_legend_item it = {.symbol = BM_LEGEND_CALLOUT, .text = spec->callouts[i].text};
    snprintf(it.marker, sizeof it.marker, "%s", s->marker[i]);
    if (!bm_legend_add(spec->legend.callouts_panel ? panel : L, &it)) return false;
  }
  if (approx && !add_item(L, BM_LEGEND_TEXT, bm_lang_message(&m->lang, "approximate")))
    return false;
  return bm_legend_apply_spec(L, &spec->legend);
}

/* The projection's measures of the view (how much the scale varies, north's spread and
 * direction, ground distances, scale bars) are functions of the projection, the view and
 * their arguments alone: in a batch the memo keeps them for the next map of the series.
 * Only results that were found are kept (a failure is measured again). */
typedef struct {
  const char *what;
  double args[6];
  double view[12];
  pl_bytes key[4];
} view_key;

static const pl_bytes *measure_key(const map *m, view_key *k, const char *what, double a0,
                                   double a1, double a2, double a3, double a4, double a5) {
  *k = (view_key){.what = what, .args = {a0, a1, a2, a3, a4, a5}};
  pl_view_key(m, k->view);
  const char *def = m->stats->projection;
  k->key[0] = (pl_bytes){what, strlen(what) + 1};
  k->key[1] = (pl_bytes){def, strlen(def) + 1};
  k->key[2] = (pl_bytes){k->view, sizeof k->view};
  k->key[3] = (pl_bytes){k->args, sizeof k->args};
  return k->key;
}

/* A measure of the whole view (its projection and frame), through the batch's memo. */
static double view_measure(const map *m, const char *what,
                           double (*measure)(const bm_proj *, const bm_view *)) {
  view_key k;
  const pl_bytes *key = measure_key(m, &k, what, 0, 0, 0, 0, 0, 0);
  double v;
  if (!pl_cache_memo_get(m->opt->cache, key, 4, &v, sizeof v)) {
    v = measure(m->proj, &m->view);
    pl_cache_memo_put(m->opt->cache, key, 4, &v, sizeof v);
  }
  return v;
}

static bool north_angle(const map *m, double x, double y, double *angle) {
  view_key k;
  const pl_bytes *key = measure_key(m, &k, "north_angle", x, y, 0, 0, 0, 0);
  if (pl_cache_memo_get(m->opt->cache, key, 4, angle, sizeof *angle)) return true;
  bool ok = bm_north_angle(m->proj, &m->view, x, y, angle);
  if (ok) pl_cache_memo_put(m->opt->cache, key, 4, angle, sizeof *angle);
  return ok;
}

static double ground_distance(const map *m, double x1, double y1, double x2, double y2) {
  view_key k;
  const pl_bytes *key = measure_key(m, &k, "ground_distance", x1, y1, x2, y2, 0, 0);
  double v;
  if (!pl_cache_memo_get(m->opt->cache, key, 4, &v, sizeof v)) {
    v = bm_view_ground_distance(m->proj, &m->view, x1, y1, x2, y2);
    pl_cache_memo_put(m->opt->cache, key, 4, &v, sizeof v);
  }
  return v;
}

static bool scalebar_measure(const map *m, double x, double y, double max_px, double fixed_km,
                             bool leftwards, bm_scalebar *out) {
  view_key k;
  const pl_bytes *key =
      measure_key(m, &k, "scalebar", x, y, max_px, fixed_km, leftwards ? 1 : 0, 0);
  if (pl_cache_memo_get(m->opt->cache, key, 4, out, sizeof *out)) return true;
  bool ok = bm_scalebar_measure(m->proj, &m->view, x, y, max_px, fixed_km, leftwards, out);
  if (ok) pl_cache_memo_put(m->opt->cache, key, 4, out, sizeof *out);
  return ok;
}

/* Where the map's content is, for choosing furniture corners. */
static void draw_content(map *m, base *b, story *s, story_px *sp, bm_content *c) {
  double k = m->k;
  for (size_t i = 0; i < b->land.n; i++)
    bm_content_geom(c, &b->land.f[i].geom, 0.12, 0);
  for (size_t i = 0; i < b->countries.n; i++)
    if (b->hl_country[i]) bm_content_geom(c, &b->countries.f[i].geom, 0.2, 0);
  for (size_t i = 0; i < b->provinces.n; i++)
    if (b->hl_province[i]) bm_content_geom(c, &b->provinces.f[i].geom, 0.5, 0);
  for (size_t i = 0; i < m->spec->n_areas; i++)
    bm_content_geom(c, &s->area[i], 0.5, 0);
  for (size_t i = 0; i < m->spec->n_rings; i++)
    bm_content_geom(c, &s->ring_line[i], 1, 24 * k);
  for (size_t i = 0; i < m->spec->n_routes; i++)
    bm_content_geom(c, &s->route[i], 1, 24 * k);
  for (size_t i = 0; i < m->spec->n_borders; i++)
    bm_content_geom(c, &s->border[i], 1, 24 * k);
  for (int i = 0; i < sp->nsites; i++) {
    /* the symbol and room for its label on either side */
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    bm_content_box(c, (bm_bbox){x - 90 * k, y - 22 * k, x + 90 * k, y + 22 * k}, 1);
  }
  for (size_t i = 0; i < m->spec->n_callouts; i++) {
    double x = s->callout_xy[2 * i], y = s->callout_xy[2 * i + 1];
    bm_content_box(c, (bm_bbox){x - 14 * k, y - 14 * k, x + 14 * k, y + 14 * k}, 1);
  }
}

/* The lon/lat box of an inset's extent. */
static bm_status inset_lonlat(map *m, bm_bbox *ll) {
  const bm_inset_spec *I = &m->spec->inset;
  *ll = bm_bbox_empty();
  if (!I->has_extent) {
    /* the region around the map: five times its size, at least 30 degrees */
    bm_bbox q = m->view.query;
    double cx = (q.minx + q.maxx) / 2, cy = (q.miny + q.maxy) / 2;
    double w = fmax((q.maxx - q.minx) * 5, 30), h = fmax((q.maxy - q.miny) * 5, 20);
    if (w > 200) {
      *ll = (bm_bbox){-180, -85, 180, 85};
      return BM_OK;
    }
    *ll = (bm_bbox){cx - w / 2, fmax(cy - h / 2, -85), cx + w / 2, fmin(cy + h / 2, 85)};
    return BM_OK;
  }
  return pl_extent_box(m, I->extent_kind, I->bbox, I->center, I->radius_km, I->countries,
                       I->n_countries, false, ll);
}

/* Appends g's parts, shifted by (dx, dy) and clipped to box, to out. */
static void append_clipped(const bm_geom *g, double dx, double dy, bm_bbox box, bm_geom *out) {
  bm_geom t, c;
  bm_geom_init(&t, g->type);
  bm_geom_init(&c, g->type);
  if (!bm_geom_copy(&t, g)) bm_geom_reset(&t, g->type); /* out of memory: nothing to draw */
  for (size_t i = 0; i < t.npts; i++)
    t.xy[2 * i] += dx, t.xy[2 * i + 1] += dy;
  bm_geom_clip_rect(&t, box, &c);
  for (size_t p = 0; p < c.nparts; p++) {
    const double *q = bm_geom_part_xy(&c, p);
    bm_geom_begin_part(out);
    for (size_t k = 0; k < bm_geom_part_len(&c, p); k++)
      bm_geom_add(out, q[2 * k], q[2 * k + 1]);
  }
  bm_geom_free(&t);
  bm_geom_free(&c);
}

/* The inset's projection and view; its size follows its extent's shape. */
static bm_status inset_plan(map *m, bm_proj **ip, bm_view *iv, double *w, double *h) {
  bm_bbox ll;
  bm_status st = inset_lonlat(m, &ll);
  if (st) return st;
  char def[512];
  bm_proj_auto_definition(ll, def, sizeof def);
  if ((st = bm_proj_create(def, ip, m->err))) return st;
  bm_view probe;
  if ((st = bm_view_fit(*ip, ll, 0.03, 1000, 1000, &probe, m->err))) return st;
  /* the projected extent's own aspect: sample its edges */
  enum { N = 32 };
  double pts[8 * N];
  bm_bbox_outline(ll, N, pts);
  bm_proj_forward(*ip, pts, 4 * N);
  bm_bbox pb = bm_bbox_empty();
  for (int i = 0; i < 4 * N; i++)
    if (pts[2 * i] != HUGE_VAL) bm_bbox_add(&pb, pts[2 * i], pts[2 * i + 1]);
  double aspect = bm_bbox_is_empty(pb) ? 1.4 : (pb.maxx - pb.minx) / fmax(pb.maxy - pb.miny, 1);
  *w = round(m->spec->inset.width * m->view.width);
  *h = round(*w / fmin(fmax(aspect, 0.8), 2.2));
  return bm_view_fit(*ip, ll, 0.03, (int)*w, (int)*h, iv, m->err);
}

/* Draws the inset's land, borders, names and the main map's outline into its box. */
static bm_status inset_fill(map *m, bm_proj *ip, bm_view *iv, bm_furniture *f) {
  bm_bbox box = f->inset_box;
  double dx = box.minx, dy = box.miny;
  snprintf(f->inset_def, sizeof f->inset_def, "%s", bm_proj_definition(ip));
  f->inset_proj = iv->proj;
  const char *sc = 1 / iv->px_per_m > 20000 ? "110m" : "50m";
  static const char *const cf0[] = {"ADM0_A3", "ISO_A3", "NAME", NULL};
  const char *cf[8];
  pl_name_fields(m, cf0, cf, 8);
  bm_features cs = {0}, bl = {0};
  unsigned char *bl_class = NULL; /* a line the point of view does not recognise is left out */
  bm_status st;
  if ((st = pl_read_layer(m, "countries", sc, &iv->query, cf, &cs)) ||
      (st = pl_read_boundaries(m, "boundaries", sc, &iv->query, NULL, false, &bl, &bl_class)) ||
      (st = pl_translate(m, &cs))) {
    bm_features_free(&cs);
    bm_features_free(&bl);
    free(bl_class);
    return st;
  }
  bm_geom_init(&f->inset_land, BM_GEOM_POLYGON);
  bm_geom_init(&f->inset_lines, BM_GEOM_LINE);
  bm_geom_init(&f->inset_outline, BM_GEOM_POLYGON);
  for (size_t i = 0; i < cs.n; i++) {
    bm_geom *g = &cs.f[i].geom;
    if (!bm_proj_geom(ip, g, iv->query, iv->step_deg)) continue;
    bm_view_geom_to_px(iv, g);
    append_clipped(g, dx, dy, box, &f->inset_land);
  }
  for (size_t i = 0; i < bl.n; i++) {
    bm_geom *g = &bl.f[i].geom;
    if (bl_class[i] == BM_BOUNDARY_UNRECOGNIZED) continue;
    if (!bm_proj_geom(ip, g, iv->query, iv->step_deg)) continue;
    bm_view_geom_to_px(iv, g);
    append_clipped(g, dx, dy, box, &f->inset_lines);
  }
  /* names the spec asks for */
  bool *mask = calloc(cs.n + 1, sizeof *mask);
  for (size_t r = 0; !st && mask && r < m->spec->inset.n_labels; r++) {
    memset(mask, 0, (cs.n + 1) * sizeof *mask);
    if ((st = bm_story_match_country(&cs, &m->spec->inset.labels[r], m->spec->path, mask, m->err)))
      break;
    for (size_t i = 0; i < cs.n; i++) {
      double x, y, rad;
      const char *name = bm_feature_attr(&cs, i, "NAME");
      if (!mask[i] || !name) continue;
      bm_geom c;
      bm_geom_init(&c, BM_GEOM_POLYGON);
      append_clipped(&cs.f[i].geom, dx, dy, box, &c);
      if (bm_geom_label_anchor(&c, &x, &y, &rad)) {
        bm_furniture_add_inset_label(f, &m->style, name, x, y);
        pl_untranslated_shown(m, name);
      }
      bm_geom_free(&c);
    }
  }
  free(mask);
  free(bl_class);
  bm_features_free(&cs);
  bm_features_free(&bl);
  if (st) return bm_error_wrap(m->err, "inset label");
  /* the main frame's edge, through lon/lat, into the inset */
  enum { N = 48 };
  double pts[8 * N];
  const bm_view *v = &m->view;
  bm_bbox_outline(v->proj, N, pts); /* the frame in projected metres, in order */
  bm_proj_inverse(m->proj, pts, 4 * N);
  bm_proj_forward(ip, pts, 4 * N);
  bm_geom_begin_part(&f->inset_outline);
  bm_bbox ob = bm_bbox_empty();
  for (int i = 0; i < 4 * N; i++) {
    if (pts[2 * i] == HUGE_VAL || pts[2 * i + 1] == HUGE_VAL) continue;
    bm_view_to_px(iv, pts + 2 * i, 1);
    double x = pts[2 * i] + dx, y = pts[2 * i + 1] + dy;
    bm_geom_add(&f->inset_outline, x, y);
    bm_bbox_add(&ob, x, y);
  }
  /* a map too small to see in the inset gets a small square around its place */
  double min = 8 * m->k;
  if (!bm_bbox_is_empty(ob) && (ob.maxx - ob.minx < min || ob.maxy - ob.miny < min)) {
    double cx = (ob.minx + ob.maxx) / 2, cy = (ob.miny + ob.maxy) / 2;
    bm_geom_reset(&f->inset_outline, BM_GEOM_POLYGON);
    bm_geom_begin_part(&f->inset_outline);
    bm_geom_add(&f->inset_outline, cx - min / 2, cy - min / 2);
    bm_geom_add(&f->inset_outline, cx + min / 2, cy - min / 2);
    bm_geom_add(&f->inset_outline, cx + min / 2, cy + min / 2);
    bm_geom_add(&f->inset_outline, cx - min / 2, cy + min / 2);
  }
  return BM_OK;
}

static double graticule_step(double span) {
  static const double steps[] = {0.5, 1, 2, 5, 10, 15, 20, 30};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (span / steps[i] <= 7) return steps[i];
  return 30;
}

static bm_status graticule(map *m, story *s, bm_furniture *f) {
  const bm_graticule_spec *G = &m->spec->graticule;
  bm_bbox q = m->view.query;
  double step = G->step > 0 ? G->step : graticule_step(fmax(q.maxx - q.minx, q.maxy - q.miny));
  size_t cap = (size_t)((q.maxx - q.minx) / step + (q.maxy - q.miny) / step) + 4;
  if (cap > 2000) cap = 2000;
  s->grat = calloc(cap, sizeof *s->grat);
  s->grat_value = calloc(cap, sizeof(double));
  s->grat_lon = calloc(cap, sizeof(bool));
  if (!s->grat || !s->grat_value || !s->grat_lon)
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (int pass = 0; pass < 2; pass++) {
    bool lon = pass == 0;
    double lo = lon ? q.minx : q.miny, hi = lon ? q.maxx : q.maxy;
    for (double v = ceil(lo / step) * step; v <= hi + 1e-9 && s->ngrat < cap; v += step) {
      /* the seam and the poles are the map's edge, not lines on it */
      if (lon ? (v <= -180 || v >= 180) : fabs(v) >= 90) continue;
      bm_geom *g = &s->grat[s->ngrat];
      bm_geom_init(g, BM_GEOM_LINE);
      bool ok = bm_geom_begin_part(g);
      if (lon)
        for (double t = fmax(q.miny, -89.9); ok && t <= fmin(q.maxy, 89.9) + 1e-9; t += 0.25)
          ok = bm_geom_add(g, v, t);
      else
        for (double t = q.minx; ok && t <= q.maxx + 1e-9; t += 0.25)
          ok = bm_geom_add(g, t, v);
      if (!ok) {
        bm_geom_free(g);
        return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      }
      pl_story_to_pixels(m, g);
      s->grat_value[s->ngrat] = v;
      s->grat_lon[s->ngrat] = lon;
      s->ngrat++;
      if (!G->labels) continue;
      /* meridians are labelled where they meet the top edge, parallels at the right edge */
      double edge = lon ? 0 : m->view.width;
      for (size_t p = 0; p < g->nparts; p++) {
        const double *xy = bm_geom_part_xy(g, p);
        size_t n = bm_geom_part_len(g, p);
        bool done = false;
        for (size_t k = 1; k < n && !done; k++) {
          double a = lon ? xy[2 * k - 1] : xy[2 * k - 2], b = lon ? xy[2 * k + 1] : xy[2 * k];
          if ((a - edge) * (b - edge) > 0 || a == b) continue;
          double t = (edge - a) / (b - a);
          double x = xy[2 * k - 2] + t * (xy[2 * k] - xy[2 * k - 2]);
          double y = xy[2 * k - 1] + t * (xy[2 * k + 1] - xy[2 * k - 1]);
          double k6 = 8 * m->k;
          if (lon)
            bm_furniture_add_grat_label(f, &m->style, v, true, x, k6);
          else
            bm_furniture_add_grat_label(f, &m->style, v, false, x - 4 * m->k, y);
          done = true;
        }
        if (done) break;
      }
    }
  }
  return BM_OK;
}

/* Title block and credit first, then what goes in the corners. */
bm_status pl_layout(map *m, base *b, story *s, story_px *sp, bm_furniture *f) {
  f->lang = &m->lang;
  f->rtl = m->lang.rtl;
  bm_furniture_layout(f, m->text, &m->style, m->k, m->view.width, m->view.height, m->spec->title,
                      m->spec->subtitle, m->spec->credit);
  const bm_spec *spec = m->spec;
  bm_status st = BM_OK;
  /* the credit names whose view of the boundaries the map shows */
  char view[400];
  if (spec->point_of_view)
    bm_lang_format(&m->lang, "boundaries_pov", view, sizeof view, 1, "country",
                   spec->point_of_view->name);
  else
    bm_lang_format(&m->lang, "boundaries", view, sizeof view, 0);
  bm_furniture_set_credit(f, &m->style, spec->credit, spec->date, view);
  if (!build_legend(m, b, s, sp, &f->legend, &f->panel))
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_furniture_request req = {.legend = spec->legend.show != BM_SHOW_OFF,
                              .legend_at = spec->legend.position,
                              .legend_title = spec->legend.title,
                              .panel = true,
                              .panel_at = BM_CORNER_AUTO,
                              .scalebar = spec->scale_bar.show != BM_SHOW_OFF,
                              .scalebar_at = spec->scale_bar.position,
                              .scalebar_max_px = 130 * m->k,
                              .inset_at = spec->inset.position};
  /* scale: refuse, omit or note when it varies more than 10% across the view */
  double variation = view_measure(m, "scale_variation", bm_scale_variation);
  if (req.scalebar && variation > 1.10) {
    if (spec->scale_bar.when_varies == BM_VARIES_ERROR)
      return bm_error_set(m->err, BM_ERR_SPEC, spec->path, spec->scale_bar.pos.line,
                          spec->scale_bar.pos.col,
                          "scale_bar: the scale varies by %.0f%% across this map, so one bar "
                          "cannot be right everywhere; set when_varies: note (a note instead of "
                          "the bar), bar (a bar true at its place, with a note) or omit",
                          (variation - 1) * 100);
    if (spec->scale_bar.when_varies == BM_VARIES_OMIT) req.scalebar = false;
    if (spec->scale_bar.when_varies == BM_VARIES_NOTE) {
      const char *method = bm_proj_method(m->proj);
      char note[160];
      if (*method && strcmp(method, "unknown"))
        bm_lang_format(&m->lang, "scale_varies", note, sizeof note, 1, "projection", method);
      else
        bm_lang_format(&m->lang, "scale_varies_plain", note, sizeof note, 0);
      bm_furniture_scalebar_note(f, &m->style, note, &req.scalebar_note_w, &req.scalebar_note_h);
    }
  }
  /* north: left out when it is not the same direction across the map, unless forced */
  double spread = view_measure(m, "north_spread", bm_north_spread), centre = 0;
  bool north_ok = north_angle(m, m->view.width / 2.0, m->view.height / 2.0, &centre);
  double ground_w =
      ground_distance(m, 0, m->view.height / 2.0, m->view.width, m->view.height / 2.0);
  if (spec->north_arrow == BM_SHOW_ON)
    req.north = north_ok;
  else if (spec->north_arrow == BM_SHOW_AUTO)
    req.north = north_ok && spread <= 3 * M_PI / 180 &&
                (fabs(centre) > 2 * M_PI / 180 || (ground_w > 0 && ground_w < 150e3));
  bm_proj *ip = NULL;
  bm_view iv = {0};
  if (spec->inset.show == BM_SHOW_ON) {
    if ((st = inset_plan(m, &ip, &iv, &req.inset_w, &req.inset_h))) goto out;
    req.inset = true;
  }
  bm_content *content = bm_content_create(m->view.width, m->view.height);
  if (content) draw_content(m, b, s, sp, content);
  bm_furniture_arrange(f, &m->style, &req, content);
  bm_content_destroy(content);
  if (f->has_scalebar && !f->bar_note_only) {
    bm_scalebar bar;
    bool right =
        f->scalebar_corner == BM_CORNER_TOP_RIGHT || f->scalebar_corner == BM_CORNER_BOTTOM_RIGHT;
    bool ok = scalebar_measure(m, f->bar_x, f->bar_y, req.scalebar_max_px, spec->scale_bar.km,
                               false, &bar);
    if (ok && right) {
      /* in a right corner the bar ends at the box's right edge, before its
       * label: solve it again there, from that end, so that it is measured
       * where it is drawn */
      double xr =
          f->scalebar_box.maxx - bm_furniture_bar_text_width(f, &m->style, bar.km) - 6 * m->k;
      ok = scalebar_measure(m, xr, f->bar_y, req.scalebar_max_px, bar.km, true, &bar);
    }
    /* a bar under 1 km belongs on a city map, not on one wider than 100 km */
    if (ok && bar.km < 1 && !(ground_w > 0 && ground_w < 100e3)) ok = false;
    if (!ok) {
      if (spec->scale_bar.km > 0)
        st = bm_error_set(
            m->err, BM_ERR_SPEC, spec->path, spec->scale_bar.pos.line, spec->scale_bar.pos.col,
            "scale_bar km: %g km does not fit on this map (a bar of that length "
            "would be wider than the space for it); give a smaller km or leave it out",
            spec->scale_bar.km);
      f->has_scalebar = false;
      if (st) goto out;
    } else {
      char note[160] = "";
      if (bar.variation > 1.10 && spec->scale_bar.when_varies != BM_VARIES_NOTE)
        snprintf(note, sizeof note, "true at %.0f°%s; scale varies %.0f%% across the map",
                 fabs(bar.lat), bar.lat >= 0 ? "N" : "S", (bar.variation - 1) * 100);
      bm_furniture_finish_scalebar(f, &m->style, &bar, note);
    }
  }
  if (f->has_north) {
    double a = 0;
    north_angle(m, f->north_x, f->north_y, &a);
    bm_furniture_set_north(f, &m->style, a);
  }
  if (f->has_inset && (st = inset_fill(m, ip, &iv, f))) goto out;
  if (spec->graticule.show == BM_SHOW_ON && (st = graticule(m, s, f))) goto out;
out:
  bm_proj_destroy(ip);
  return st;
}
