/* render/relief.c — multi-directional hillshade into a translucent image, and its painter. */
#include "render/relief.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180)

double bm_relief_exaggeration(double cell_m) { return fmax(1, sqrt(cell_m / 100)); }

void bm_relief_free(bm_relief *r) {
  free(r->argb);
  r->argb = NULL;
}

static bm_status alloc(bm_relief *r, int w, int h, bm_error *err) {
  memset(r, 0, sizeof *r);
  r->w = w;
  r->h = h;
  r->stride = 4 * w;
  r->draw_w = w;
  r->draw_h = h;
  r->argb = calloc((size_t)h, (size_t)r->stride);
  return r->argb ? BM_OK : bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory (relief)");
}

/* A premultiplied colour. */
typedef struct {
  float r, g, b, a;
} premul;

static premul pm(bm_color c, double a) {
  return (premul){(float)(c.r * a), (float)(c.g * a), (float)(c.b * a), (float)a};
}

/* top over bottom, as ARGB32 */
static uint32_t pack(premul t, premul b) {
  float k = 1 - t.a;
  float a = t.a + b.a * k, r = t.r + b.r * k, g = t.g + b.g * k, bl = t.b + b.b * k;
  uint32_t A = (uint32_t)(fminf(1, a) * 255 + 0.5f);
  uint32_t R = (uint32_t)(fminf(a, r) * 255 + 0.5f), G = (uint32_t)(fminf(a, g) * 255 + 0.5f),
           B = (uint32_t)(fminf(a, bl) * 255 + 0.5f);
  return A << 24 | R << 16 | G << 8 | B;
}

/* The hypsometric colour at elevation e (metres): tint_low at 0 m, tint_mid at 2000 m,
 * tint_high at 5000 m and above, mixed linearly between. */
static bm_color tint_at(const bm_style *st, double e) {
  bm_color a = st->relief_tint_low, b = st->relief_tint_mid;
  double t;
  if (e <= 2000) {
    t = fmax(0, e) / 2000;
  } else {
    a = st->relief_tint_mid;
    b = st->relief_tint_high;
    t = fmin(1, (e - 2000) / 3000);
  }
  return (bm_color){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
                    a.a + (b.a - a.a) * t};
}

#define RELIEF_DEAD 0.02

enum { SHADE_STEPS = 4096, TINT_STEP_M = 10, TINT_STEPS = 5000 / TINT_STEP_M + 1 };

/* The shading s (0..1, flat ground = sin(altitude)) as a premultiplied colour, for every
 * step of s: shadow below flat, highlight above, each at most the opacity; flat ground is
 * its own step, so that it gets no shade at all. */
static int flat_index(double flat) { return (int)lround(flat * (SHADE_STEPS - 1)); }

static void shade_table(const bm_relief_look *look, double flat, premul *lut) {
  const bm_style *st = look->style;
  int fi = flat_index(flat); /* flat ground: exactly no shade */
  for (int i = 0; i < SHADE_STEPS; i++) {
    double a;
    bm_color c;
    if (i < fi) {
      c = st->relief_shadow;
      a = (double)(fi - i) / fi;
    } else {
      c = st->relief_highlight;
      a = fi < SHADE_STEPS - 1 ? (double)(i - fi) / (SHADE_STEPS - 1 - fi) : 0;
    }
    /* a gentle curve: faint slopes still show, steep ones do not go black; below a small
     * threshold (about 1 degree of slope facing the light or away from it) nothing, so the
     * plains stay plain instead of speckled */
    a = fmax(0, a - RELIEF_DEAD) / (1 - RELIEF_DEAD);
    lut[i] = pm(c, look->opacity * c.a * sqrt(fmin(1, a)));
  }
}

static void tint_table(const bm_relief_look *look, premul *lut) {
  const bm_style *st = look->style;
  for (int i = 0; i < TINT_STEPS; i++) {
    bm_color c = tint_at(st, i * TINT_STEP_M);
    lut[i] = pm(c, st->relief_tint_opacity * c.a);
  }
}

bm_status bm_relief_from_dem(const float *elev, int w, int h, double cell_m,
                             const bm_relief_look *look, bm_relief *r, bm_error *err) {
  if (alloc(r, w, h, err)) return err->code;
  double z = bm_relief_exaggeration(cell_m);
  double alt = look->altitude * DEG, flat = sin(alt), ca = cos(alt);
  /* the four lights: 67.5 and 22.5 degrees either side of the azimuth */
  double lx[4], ly[4], sx[4], cy[4];
  for (int i = 0; i < 4; i++) {
    double laz = (look->azimuth - 67.5 + 45 * i) * DEG;
    sx[i] = sin(laz), cy[i] = cos(laz);
    lx[i] = sx[i] * ca; /* towards the light: east, north */
    ly[i] = cy[i] * ca;
  }
  premul shade[SHADE_STEPS], tint[TINT_STEPS], none = {0, 0, 0, 0};
  shade_table(look, flat, shade);
  tint_table(look, tint);
  for (int y = 0; y < h; y++) {
    uint32_t *row = (uint32_t *)(r->argb + (size_t)y * r->stride);
    int yn = y > 0 ? y - 1 : y, ys = y < h - 1 ? y + 1 : y;
    for (int x = 0; x < w; x++) {
      float e = elev[(size_t)y * w + x];
      if (isnan(e)) continue;
      int xw = x > 0 ? x - 1 : x, xe = x < w - 1 ? x + 1 : x;
      /* Horn's 3x3 gradient; a missing neighbour counts as this cell */
#define AT(yy, xx)                                                                                 \
  (isnan(elev[(size_t)(yy) * w + (xx)]) ? e : elev[(size_t)(yy) * w + (xx)])
      double a = AT(yn, xw), b = AT(yn, x), c = AT(yn, xe), d = AT(y, xw), f = AT(y, xe),
             g = AT(ys, xw), hh = AT(ys, x), i = AT(ys, xe);
#undef AT
      double dx = ((c + 2 * f + i) - (a + 2 * d + g)) / ((xe - xw) * 4 * cell_m);
      double dy_south = ((g + 2 * hh + i) - (a + 2 * b + c)) / ((ys - yn) * 4 * cell_m);
      double gx = dx * z, gy = -dy_south * z; /* rise towards east, towards north */
      /* the unit normal (-gx, -gy, 1) / len, and the way the slope faces */
      double len = sqrt(gx * gx + gy * gy + 1);
      double s = 0;
      double g2 = gx * gx + gy * gy;
      if (g2 == 0) {
        s = flat;
      } else {
        /* the way the slope faces (downhill, a unit vector east, north); the weight of a
         * light is sin²(aspect - its azimuth), a cross product with its direction */
        double gl = sqrt(g2), ax = -gx / gl, ay = -gy / gl;
        for (int k = 0; k < 4; k++) {
          double wt = ax * cy[k] - ay * sx[k];
          double v = (-gx * lx[k] - gy * ly[k] + flat) / len;
          s += wt * wt * fmax(0, v);
        }
        s /= 2; /* the four weights sum to 2 */
      }
      int si = g2 == 0 ? flat_index(flat) : (int)(fmin(1, fmax(0, s)) * (SHADE_STEPS - 1) + 0.5);
      int ti = (int)fmin(TINT_STEPS - 1, fmax(0, e / TINT_STEP_M + 0.5));
      row[x] = pack(shade[si], look->tint ? tint[ti] : none);
    }
  }
  return BM_OK;
}

bm_status bm_relief_from_shaded(const float *grey, int w, int h, double max,
                                const bm_relief_look *look, bm_relief *r, bm_error *err) {
  if (alloc(r, w, h, err)) return err->code;
  const bm_style *st = look->style;
  premul none = {0, 0, 0, 0};
  for (int y = 0; y < h; y++) {
    uint32_t *row = (uint32_t *)(r->argb + (size_t)y * r->stride);
    for (int x = 0; x < w; x++) {
      float v = grey[(size_t)y * w + x];
      if (isnan(v)) continue;
      /* a hillshade multiplies: white leaves the land, black is the full shadow */
      double a = look->opacity * st->relief_shadow.a * fmin(1, fmax(0, 1 - v / max));
      row[x] = pack(pm(st->relief_shadow, a), none);
    }
  }
  return BM_OK;
}

void bm_paint_relief(bm_backend *be, const bm_relief *r, const bm_geom *const *land, size_t nland,
                     const bm_geom *const *lakes, size_t nlakes, bm_color lake) {
  if (!r->argb) return;
  bm_path p;
  bm_path_init(&p);
  for (size_t i = 0; i < nland; i++)
    bm_path_geom(&p, land[i]);
  bm_be_clip(be, &p);
  bm_image im = {r->argb, r->w, r->h, r->stride, 0, 0, r->draw_w, r->draw_h};
  if (!be->status) be->ops->image(be, &im);
  bm_be_unclip(be);
  for (size_t i = 0; i < nlakes; i++) {
    bm_path_reset(&p);
    bm_path_geom(&p, lakes[i]);
    bm_be_fill(be, &p, lake);
  }
  bm_path_free(&p);
}
