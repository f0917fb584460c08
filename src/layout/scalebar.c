/* render/scalebar.c — the true scale and north where furniture is drawn.
 * Every distance is a geodesic (proj/), every direction comes from PROJ. */
#include <math.h>

#include "layout/furniture.h"

/* pixel -> lon/lat through the view and the projection */
/* (off the earth, PROJ's inverse may answer with a pole or a wrapped point:
 * only a pixel that projects back to itself counts) */
static bool px_to_lonlat(const bm_proj *p, const bm_view *v, double x, double y, double *lon,
                         double *lat) {
  return bm_view_px_lonlat(p, v, x, y, lon, lat);
}

double bm_view_ground_distance(const bm_proj *p, const bm_view *v, double x1, double y1, double x2,
                               double y2) {
  double lon1, lat1, lon2, lat2;
  if (!px_to_lonlat(p, v, x1, y1, &lon1, &lat1) || !px_to_lonlat(p, v, x2, y2, &lon2, &lat2))
    return -1;
  return bm_geodesic_distance(lon1, lat1, lon2, lat2);
}

double bm_scale_variation(const bm_proj *p, const bm_view *v) {
  double lo = HUGE_VAL, hi = 0, d = 5;
  for (int i = 0; i < 9; i++)
    for (int j = 0; j < 9; j++) {
      double x = d + (v->width - 2 * d) * i / 8.0, y = d + (v->height - 2 * d) * j / 8.0;
      double a = bm_view_ground_distance(p, v, x - d, y, x + d, y);
      double b = bm_view_ground_distance(p, v, x, y - d, x, y + d);
      if (a > 0) lo = fmin(lo, a), hi = fmax(hi, a);
      if (b > 0) lo = fmin(lo, b), hi = fmax(hi, b);
    }
  return hi > 0 && lo < HUGE_VAL && lo > 0 ? hi / lo : HUGE_VAL;
}

static double round_km(double max_km) {
  double e = pow(10, floor(log10(max_km)));
  static const double steps[] = {5, 2, 1};
  for (int i = 0; i < 3; i++)
    if (steps[i] * e <= max_km) return steps[i] * e;
  return e;
}

bool bm_scalebar_measure(const bm_proj *p, const bm_view *v, double x, double y, double max_px,
                         double fixed_km, bool leftwards, bm_scalebar *out) {
  double dir = leftwards ? -1 : 1;
  double m = bm_view_ground_distance(p, v, x, y, x + dir * max_px, y);
  if (m <= 0) return false;
  out->km_per_px = m / 1000 / max_px;
  double km = fixed_km > 0 ? fixed_km : round_km(m / 1000);
  double px = km / out->km_per_px;
  if (px > 3 * max_px) return false;
  /* solve for the pixel length whose ends are exactly km apart on the ground */
  for (int it = 0; it < 8; it++) {
    double g = bm_view_ground_distance(p, v, x, y, x + dir * px, y);
    if (g <= 0) return false;
    double next = px * km * 1000 / g;
    if (fabs(next - px) < 1e-4) {
      px = next;
      break;
    }
    px = next;
  }
  double lon, lat;
  if (!px_to_lonlat(p, v, x + dir * px / 2, y, &lon, &lat)) return false;
  /* every point of the bar on the earth */
  for (int i = 0; i <= 16; i++)
    if (!px_to_lonlat(p, v, x + dir * px * i / 16, y, &lon, &lat)) return false;
  px_to_lonlat(p, v, x + dir * px / 2, y, &lon, &lat);
  out->x0 = leftwards ? x - px : x;
  out->km = km;
  out->px = px;
  out->km_per_px = km / px;
  out->lat = lat;
  out->variation = bm_scale_variation(p, v);
  return true;
}

bool bm_north_angle(const bm_proj *p, const bm_view *v, double x, double y, double *angle) {
  double lon, lat;
  if (!px_to_lonlat(p, v, x, y, &lon, &lat)) return false;
  double lon2, lat2;
  /* one kilometre north (towards the pole along the meridian) */
  if (lat > 89.9) return false;
  bm_geodesic_direct(lon, lat, 0, 1000, &lon2, &lat2);
  double xy[4] = {lon, lat, lon2, lat2};
  bm_proj_forward(p, xy, 2);
  if (xy[0] == HUGE_VAL || xy[2] == HUGE_VAL) return false;
  bm_view_to_px(v, xy, 2);
  double dx = xy[2] - xy[0], dy = xy[3] - xy[1];
  if (dx == 0 && dy == 0) return false;
  *angle = atan2(dx, -dy);
  return true;
}

double bm_north_spread(const bm_proj *p, const bm_view *v) {
  double c;
  if (!bm_north_angle(p, v, v->width / 2.0, v->height / 2.0, &c)) return M_PI;
  double worst = 0;
  for (int i = 0; i < 9; i++)
    for (int j = 0; j < 9; j++) {
      double a;
      if (!bm_north_angle(p, v, v->width * i / 8.0, v->height * j / 8.0, &a)) return M_PI;
      double d = fabs(remainder(a - c, 2 * M_PI));
      worst = fmax(worst, d);
    }
  return worst;
}
