/* Unit tests for geom/: clipping to a box (clip.h), simplification, line joining, label
 * anchors and ring areas (simplify.h), on small shapes built here whose answers are known
 * exactly: the area a box cut leaves, where a line crosses the box's side, where the pole
 * of inaccessibility of a square or an L lies. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/geom.h"
#include "geom/clip.h"
#include "geom/simplify.h"

/* ---- helpers ---------------------------------------------------------------- */

/* Adds one part from n x/y pairs. */
static void part(bm_geom *g, const double *xy, size_t n) {
  assert_true(bm_geom_begin_part(g));
  for (size_t i = 0; i < n; i++)
    assert_true(bm_geom_add(g, xy[2 * i], xy[2 * i + 1]));
}

/* A closed axis-aligned square ring, counter-clockwise. */
static void square(bm_geom *g, double x0, double y0, double side) {
  const double xy[] = {x0, y0, x0 + side, y0, x0 + side, y0 + side, x0, y0 + side, x0, y0};
  part(g, xy, 5);
}

/* A circle of radius 50 round (100, 100) with 720 vertices (0.44 px apart), closed. */
static void circle(bm_geom *g) {
  assert_true(bm_geom_begin_part(g));
  for (int i = 0; i <= 720; i++) {
    double a = i == 720 ? 0 : i * M_PI / 360;
    assert_true(bm_geom_add(g, 100 + 50 * cos(a), 100 + 50 * sin(a)));
  }
}

static bool ring_closed(const bm_geom *g, size_t i) {
  const double *p = bm_geom_part_xy(g, i);
  size_t n = bm_geom_part_len(g, i);
  return n >= 4 && p[0] == p[2 * n - 2] && p[1] == p[2 * n - 1];
}

static double total_area(const bm_geom *g) {
  double a = 0;
  for (size_t i = 0; i < g->nparts; i++)
    a += bm_geom_ring_area(g, i);
  return a;
}

static void assert_all_within(const bm_geom *g, bm_bbox r) {
  for (size_t i = 0; i < g->npts; i++) {
    double x = g->xy[2 * i], y = g->xy[2 * i + 1];
    if (!(x >= r.minx && x <= r.maxx && y >= r.miny && y <= r.maxy))
      fail_msg("vertex %zu (%g, %g) lies outside the box %g..%g x %g..%g", i, x, y, r.minx, r.maxx,
               r.miny, r.maxy);
  }
}

static void assert_point(const bm_geom *g, size_t part_i, size_t k, double x, double y) {
  assert_true(k < bm_geom_part_len(g, part_i));
  const double *p = bm_geom_part_xy(g, part_i) + 2 * k;
  if (fabs(p[0] - x) > 1e-12 || fabs(p[1] - y) > 1e-12)
    fail_msg("part %zu vertex %zu is (%.15g, %.15g), expected (%g, %g)", part_i, k, p[0], p[1], x,
             y);
}

/* ---- clipping to a box ------------------------------------------------------ */

static void test_clip_polygon_across_a_corner_keeps_the_overlap(void **state) {
  (void)state;
  bm_bbox box = {5, 5, 20, 20};
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  bm_geom_init(&out, BM_GEOM_POLYGON);
  /* a 10x10 square over the box's lower-left corner: a 5x5 square stays */
  square(&g, 0, 0, 10);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.type, BM_GEOM_POLYGON);
  assert_int_equal(out.nparts, 1);
  assert_true(ring_closed(&out, 0));
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 25) < 1e-9);
  assert_true(bm_geom_contains(&out, 7, 7));
  assert_false(bm_geom_contains(&out, 4, 7));

  /* a diamond centred on the corner (10,10): the quarter inside is a right triangle, area 50 */
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  const double diamond[] = {20, 10, 10, 20, 0, 10, 10, 0, 20, 10};
  part(&g, diamond, 5);
  box = (bm_bbox){10, 10, 30, 30};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_true(ring_closed(&out, 0));
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 50) < 1e-9);

  /* slanted edges across the box's left and right sides: the right triangle (0,0),
   * (20,0), (0,20) (area 200) keeps x >= 5 as the triangle (5,0), (20,0), (5,15), area
   * 112.5; cut at x <= 15 it loses the corner (15,0), (20,0), (15,5), area 12.5 */
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  const double tri[] = {0, 0, 20, 0, 0, 20, 0, 0};
  part(&g, tri, 4);
  box = (bm_bbox){5, -10, 40, 40};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 112.5) < 1e-9);
  box = (bm_bbox){-10, -10, 15, 40};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 187.5) < 1e-9);
  bm_geom_free(&g);
  bm_geom_free(&out);
}

static void test_clip_ring_inside_is_unchanged_and_outside_is_gone(void **state) {
  (void)state;
  bm_bbox box = {0, 0, 100, 100};
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  bm_geom_init(&out, BM_GEOM_POLYGON);
  const double tri[] = {10, 10, 60, 20, 30, 70, 10, 10};
  part(&g, tri, 4);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_int_equal(out.npts, 4);
  for (size_t i = 0; i < 8; i++)
    assert_true(out.xy[i] == tri[i]);

  /* wholly outside, though its bounding box overlaps the box's */
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  const double far[] = {150, 50, 200, 50, 200, 200, 150, 50};
  part(&g, far, 4);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 0);
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  const double corner[] = {90, 200, 200, 90, 200, 200, 90, 200}; /* beyond the top-right corner */
  part(&g, corner, 4);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 0);

  /* one ring in, one out: only the inside one is kept */
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  square(&g, 10, 10, 20);
  square(&g, 300, 300, 20);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 400) < 1e-9);
  bm_geom_free(&g);
  bm_geom_free(&out);
}

static void test_clip_line_leaving_and_reentering_becomes_two_parts(void **state) {
  (void)state;
  bm_bbox box = {0, 0, 10, 10};
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_LINE);
  bm_geom_init(&out, BM_GEOM_LINE);
  /* out through x = 10 at y = 4, back in through x = 10 at y = 7.5 */
  const double line[] = {2, 2, 18, 6, 2, 9};
  part(&g, line, 3);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.type, BM_GEOM_LINE);
  assert_int_equal(out.nparts, 2);
  assert_int_equal(bm_geom_part_len(&out, 0), 2);
  assert_int_equal(bm_geom_part_len(&out, 1), 2);
  assert_point(&out, 0, 0, 2, 2);
  assert_point(&out, 0, 1, 10, 4);
  assert_point(&out, 1, 0, 10, 7.5);
  assert_point(&out, 1, 1, 2, 9);

  /* a line that only passes through: cut at both sides, vertices inside kept */
  bm_geom_reset(&g, BM_GEOM_LINE);
  const double through[] = {-10, 5, 5, 5, 20, 5};
  part(&g, through, 3);
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_int_equal(bm_geom_part_len(&out, 0), 3);
  assert_point(&out, 0, 0, 0, 5);
  assert_point(&out, 0, 1, 5, 5);
  assert_point(&out, 0, 2, 10, 5);
  bm_geom_free(&g);
  bm_geom_free(&out);
}

static void test_clip_unclosed_and_self_touching_rings_survive(void **state) {
  (void)state;
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  bm_geom_init(&out, BM_GEOM_POLYGON);
  /* an unclosed square (Natural Earth has them): cut like the closed one, and closed */
  const double open_sq[] = {0, 0, 10, 0, 10, 10, 0, 10};
  part(&g, open_sq, 4);
  bm_bbox box = {5, -5, 20, 5};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_true(ring_closed(&out, 0));
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 25) < 1e-9);

  /* two triangles touching at (5,5) in one ring (an hourglass on its side), both
   * counter-clockwise, 25 each; the box cuts the lower one down to a 6-wide, 3-high
   * triangle (area 9) and leaves the upper one whole */
  bm_geom_reset(&g, BM_GEOM_POLYGON);
  const double bow[] = {0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5, 0, 0};
  part(&g, bow, 7);
  box = (bm_bbox){-1, 2, 11, 11};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.nparts, 1);
  assert_true(ring_closed(&out, 0));
  assert_all_within(&out, box);
  assert_true(fabs(bm_geom_ring_area(&out, 0) - 34) < 1e-9);
  assert_true(bm_geom_contains(&out, 5, 3));  /* the cut lower triangle */
  assert_true(bm_geom_contains(&out, 5, 9));  /* the upper triangle */
  assert_false(bm_geom_contains(&out, 1, 5)); /* beside the waist */
  bm_geom_free(&g);
  bm_geom_free(&out);
}

static void test_clip_drops_points_outside(void **state) {
  (void)state;
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_POINT);
  bm_geom_init(&out, BM_GEOM_POINT);
  const double pts[][2] = {{1, 1}, {50, 50}, {5, 9}, {-0.5, 3}, {10, 10}};
  for (size_t i = 0; i < 5; i++)
    part(&g, pts[i], 1);
  bm_bbox box = {0, 0, 10, 10};
  assert_true(bm_geom_clip_rect(&g, box, &out));
  assert_int_equal(out.type, BM_GEOM_POINT);
  assert_int_equal(out.npts, 3);
  assert_int_equal(out.nparts, 3);
  assert_point(&out, 0, 0, 1, 1);
  assert_point(&out, 1, 0, 5, 9);
  assert_point(&out, 2, 0, 10, 10); /* on the edge counts as inside */
  bm_geom_free(&g);
  bm_geom_free(&out);
}

/* ---- simplification --------------------------------------------------------- */

static void test_simplify_drops_close_vertices_and_keeps_line_ends(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  /* 0.1 px steps along a gentle curve, 0..10.05 */
  assert_true(bm_geom_begin_part(&g));
  for (int i = 0; i <= 100; i++)
    assert_true(bm_geom_add(&g, i * 0.1, sin(i * 0.03)));
  assert_true(bm_geom_add(&g, 10.05, sin(3.0))); /* an end close to the last vertex */
  bm_geom_simplify(&g, 1.0);
  assert_int_equal(g.nparts, 1);
  size_t n = bm_geom_part_len(&g, 0);
  assert_true(n >= 9 && n <= 12);
  assert_point(&g, 0, 0, 0, 0);
  assert_point(&g, 0, n - 1, 10.05, sin(3.0));
  /* every kept vertex but the last is at least tol from the one before */
  const double *p = bm_geom_part_xy(&g, 0);
  for (size_t k = 1; k + 1 < n; k++)
    assert_true(hypot(p[2 * k] - p[2 * k - 2], p[2 * k + 1] - p[2 * k - 1]) >= 1.0);
  assert_int_equal(g.part[g.nparts], g.npts);

  /* a line much shorter than tol keeps both its ends; a lone vertex is not a line */
  bm_geom_reset(&g, BM_GEOM_LINE);
  const double short_line[] = {0, 0, 0.1, 0, 0.2, 0.1, 0.3, 0};
  part(&g, short_line, 4);
  const double lone[] = {5, 5};
  part(&g, lone, 1);
  bm_geom_simplify(&g, 1.0);
  assert_int_equal(g.nparts, 1);
  assert_int_equal(bm_geom_part_len(&g, 0), 2);
  assert_point(&g, 0, 0, 0, 0);
  assert_point(&g, 0, 1, 0.3, 0);
  bm_geom_free(&g);
}

static void test_simplify_keeps_rings_closed_and_removes_tiny_ones(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  circle(&g);
  double before = bm_geom_ring_area(&g, 0);
  square(&g, 300, 300, 0.5); /* an islet smaller than the tolerance */
  square(&g, 400, 400, 20);  /* a 20 px island */
  bm_geom_simplify(&g, 2.0);
  assert_int_equal(g.nparts, 2);
  assert_int_equal(g.part[g.nparts], g.npts);
  size_t n = bm_geom_part_len(&g, 0);
  assert_true(n < 200 && n > 100);
  assert_true(ring_closed(&g, 0));
  /* every kept vertex is at least tol from the one before, but for the closing one */
  const double *p = bm_geom_part_xy(&g, 0);
  for (size_t k = 1; k + 1 < n; k++)
    assert_true(hypot(p[2 * k] - p[2 * k - 2], p[2 * k + 1] - p[2 * k - 1]) >= 2.0);
  assert_true(fabs(bm_geom_ring_area(&g, 0) - before) / before < 0.01);
  assert_int_equal(bm_geom_part_len(&g, 1), 5);
  assert_true(ring_closed(&g, 1));
  assert_point(&g, 1, 0, 400, 400);
  assert_true(fabs(bm_geom_ring_area(&g, 1) - 400) < 1e-9);
  bm_geom_free(&g);
}

/* Distance from (x, y) to the nearest segment of part i of g. */
static double distance_to_part(const bm_geom *g, size_t i, double x, double y) {
  const double *p = bm_geom_part_xy(g, i);
  double best = INFINITY;
  for (size_t k = 0; k + 1 < bm_geom_part_len(g, i); k++) {
    double ax = p[2 * k], ay = p[2 * k + 1], dx = p[2 * k + 2] - ax, dy = p[2 * k + 3] - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    best = fmin(best, hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

static void test_straighten_keeps_every_vertex_within_tol(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_LINE);
  /* a straight run of 50 vertices, then a wave of amplitude 3 px sampled every 0.5 px */
  double orig[2 * 250];
  size_t n = 0;
  assert_true(bm_geom_begin_part(&g));
  for (int i = 0; i < 50; i++, n++)
    orig[2 * n] = i, orig[2 * n + 1] = 10;
  for (int i = 0; i < 200; i++, n++)
    orig[2 * n] = 50 + i * 0.5, orig[2 * n + 1] = 10 + 3 * sin(i * 0.05);
  for (size_t k = 0; k < n; k++)
    assert_true(bm_geom_add(&g, orig[2 * k], orig[2 * k + 1]));
  const double two[] = {0, 50, 0.1, 50.3}; /* a part of two vertices stays as it is */
  part(&g, two, 2);
  bm_geom_straighten(&g, 0.2);
  assert_int_equal(g.nparts, 2);
  assert_int_equal(g.part[g.nparts], g.npts);
  size_t kept = bm_geom_part_len(&g, 0);
  /* the straight run keeps only its ends; the wave a few dozen vertices */
  assert_true(kept > 10 && kept < 60);
  assert_point(&g, 0, 0, 0, 10);
  assert_point(&g, 0, kept - 1, orig[2 * n - 2], orig[2 * n - 1]);
  assert_true(bm_geom_part_xy(&g, 0)[2] > 48); /* the vertex after the first: the run's end */
  double worst = 0;
  for (size_t k = 0; k < n; k++)
    worst = fmax(worst, distance_to_part(&g, 0, orig[2 * k], orig[2 * k + 1]));
  assert_true(worst <= 0.2);
  assert_true(worst > 0.1); /* it did use its tolerance */
  assert_int_equal(bm_geom_part_len(&g, 1), 2);
  assert_point(&g, 1, 1, 0.1, 50.3);
  bm_geom_free(&g);
}

static void test_straighten_keeps_rings_closed_and_removes_flat_ones(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  /* a circle, a sliver 0.1 px wide, a square */
  circle(&g);
  double before = bm_geom_ring_area(&g, 0);
  const double sliver[] = {300, 300, 340, 300.1, 380, 300, 340, 299.9, 300, 300};
  part(&g, sliver, 5);
  square(&g, 400, 400, 20);
  bm_geom_straighten(&g, 0.2);
  assert_int_equal(g.nparts, 2);
  size_t n = bm_geom_part_len(&g, 0);
  assert_true(n > 20 && n < 100); /* a chord of 2 * sqrt(2 * 50 * 0.2) = 8.9 px */
  assert_true(ring_closed(&g, 0));
  assert_true(fabs(bm_geom_ring_area(&g, 0) - before) / before < 0.01);
  assert_int_equal(bm_geom_part_len(&g, 1), 5);
  assert_true(ring_closed(&g, 1));
  assert_true(fabs(bm_geom_ring_area(&g, 1) - 400) < 1e-9);
  bm_geom_free(&g);
}

/* ---- joining lines ---------------------------------------------------------- */

static void test_join_lines_end_to_end_either_way_round(void **state) {
  (void)state;
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_LINE);
  bm_geom_init(&out, BM_GEOM_LINE);
  /* the middle piece first, the last piece reversed, the first piece's end 0.05 off */
  const double mid[] = {1, 0, 2, 1};
  const double last_rev[] = {3, 0, 2, 1};
  const double first[] = {0, 0, 0.95, 0.05};
  part(&g, mid, 2);
  part(&g, last_rev, 2);
  part(&g, first, 2);
  assert_true(bm_geom_join_lines(&g, 0.1, &out));
  assert_int_equal(out.type, BM_GEOM_LINE);
  assert_int_equal(out.nparts, 1);
  assert_int_equal(bm_geom_part_len(&out, 0), 4);
  /* one polyline from (0,0) to (3,0) one way or the other, shared vertices once */
  const double *p = bm_geom_part_xy(&out, 0);
  bool fwd = p[0] == 0;
  static const double want[][2] = {{0, 0}, {0.95, 0.05}, {2, 1}, {3, 0}};
  for (size_t k = 0; k < 4; k++) {
    size_t v = fwd ? k : 3 - k;
    /* the joint (0.95,0.05)/(1,0) keeps one of the two vertices */
    double x = p[2 * k], y = p[2 * k + 1];
    if (v == 1)
      assert_true(fabs(x - 1) <= 0.05 + 1e-12 && fabs(y) <= 0.05 + 1e-12);
    else
      assert_true(x == want[v][0] && y == want[v][1]);
  }

  /* with a tolerance below the gap the first piece stays apart */
  assert_true(bm_geom_join_lines(&g, 0.01, &out));
  assert_int_equal(out.nparts, 2);
  assert_int_equal(out.npts, 5);
  bm_geom_free(&g);
  bm_geom_free(&out);
}

static void test_join_lines_keeps_pieces_that_do_not_meet_apart(void **state) {
  (void)state;
  bm_geom g, out;
  bm_geom_init(&g, BM_GEOM_LINE);
  bm_geom_init(&out, BM_GEOM_LINE);
  const double a[] = {0, 0, 10, 0};
  const double b[] = {20, 0, 30, 0};
  const double c[] = {5, 5, 5, 10}; /* starts above a's middle: not an end */
  part(&g, a, 2);
  part(&g, b, 2);
  part(&g, c, 2);
  assert_true(bm_geom_join_lines(&g, 0.5, &out));
  assert_int_equal(out.nparts, 3);
  assert_int_equal(out.npts, 6);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(bm_geom_part_len(&out, i), 2);
  /* each piece comes out whole, as it went in */
  double sum = 0;
  for (size_t i = 0; i < out.npts; i++)
    sum += out.xy[2 * i] + 10 * out.xy[2 * i + 1];
  assert_true(sum == 0 + 10 + 20 + 30 + (5 + 50) + (5 + 100));
  bm_geom_free(&g);
  bm_geom_free(&out);
}

/* ---- label anchors ---------------------------------------------------------- */

static void test_anchor_of_a_square_is_its_centre(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  square(&g, 100, 200, 80);
  double x, y, r;
  assert_true(bm_geom_label_anchor(&g, &x, &y, &r));
  assert_true(fabs(x - 140) <= 1 && fabs(y - 240) <= 1);
  assert_true(fabs(r - 40) <= 1);
  bm_geom_free(&g);
}

static void test_anchor_of_an_l_shape_is_inside_away_from_the_notch(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  /* arms 30 wide; the centroid (35.6, 35.6) lies in the notch, outside the shape */
  const double l[] = {0, 0, 100, 0, 100, 30, 30, 30, 30, 100, 0, 100, 0, 0};
  part(&g, l, 7);
  assert_false(bm_geom_contains(&g, 35.6, 35.6));
  double x, y, r;
  assert_true(bm_geom_label_anchor(&g, &x, &y, &r));
  assert_true(bm_geom_contains(&g, x, y));
  /* the largest circle sits in the corner square, touching both outer sides and the
   * notch's corner (30,30): radius 30*sqrt(2)/(1+sqrt(2)) = 17.57 */
  assert_true(fabs(r - 17.57) <= 1);
  assert_true(hypot(x - 30, y - 30) >= r - 1);
  assert_true(x >= r - 1 && y >= r - 1);
  bm_geom_free(&g);
}

static void test_anchor_of_a_multipolygon_is_in_its_largest_part(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  square(&g, 0, 0, 10);
  square(&g, 100, 100, 100);
  square(&g, 500, 0, 30);
  double x, y, r;
  assert_true(bm_geom_label_anchor(&g, &x, &y, &r));
  assert_true(fabs(x - 150) <= 1 && fabs(y - 150) <= 1);
  assert_true(fabs(r - 50) <= 1);
  bm_geom_free(&g);
}

static void test_anchor_without_area_is_refused(void **state) {
  (void)state;
  bm_geom g;
  double x = -1, y = -1, r = -1;
  bm_geom_init(&g, BM_GEOM_POLYGON); /* no parts */
  assert_false(bm_geom_label_anchor(&g, &x, &y, &r));
  const double flat[] = {0, 0, 10, 10, 20, 20, 0, 0}; /* collinear: no area */
  part(&g, flat, 4);
  assert_false(bm_geom_label_anchor(&g, &x, &y, &r));
  bm_geom_reset(&g, BM_GEOM_LINE); /* a closed line is not an area */
  square(&g, 0, 0, 10);
  assert_false(bm_geom_label_anchor(&g, &x, &y, &r));
  bm_geom_free(&g);
}

static void test_anchor_keeps_out_of_holes(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  /* a 100 px square country with a 40 px lake (or enclave, like Lesotho in South Africa)
   * in the middle: the label must not go in the hole, and its circle must not cover it */
  square(&g, 0, 0, 100);
  square(&g, 30, 30, 40);
  double x, y, r;
  assert_true(bm_geom_label_anchor(&g, &x, &y, &r));
  assert_true(bm_geom_contains(&g, x, y));
  /* the circle stays out of the lake: its centre is at least r from the lake's square */
  double dx = fmax(fmax(30 - x, 0), x - 70), dy = fmax(fmax(30 - y, 0), y - 70);
  assert_true(hypot(dx, dy) >= r - 1);
  /* the largest such circle sits in a corner, touching two sides and the lake's corner:
   * radius 30*sqrt(2)/(1+sqrt(2)) = 17.57 (without the hole it would be 50) */
  assert_true(fabs(r - 17.57) <= 1);

  /* an island in that lake, and a small part elsewhere, change nothing */
  square(&g, 45, 45, 10);
  square(&g, 200, 0, 10);
  assert_true(bm_geom_label_anchor(&g, &x, &y, &r));
  assert_true(bm_geom_contains(&g, x, y));
  assert_true(x < 100 && fabs(r - 17.57) <= 1);
  bm_geom_free(&g);
}

/* ---- ring area -------------------------------------------------------------- */

static void test_ring_area_either_orientation(void **state) {
  (void)state;
  bm_geom g;
  bm_geom_init(&g, BM_GEOM_POLYGON);
  square(&g, 3, 4, 10);                              /* counter-clockwise */
  const double cw[] = {0, 0, 0, 6, 8, 0, 0, 0};      /* clockwise right triangle */
  const double sliver[] = {0, 0, 5, 0, 10, 0, 0, 0}; /* collinear */
  part(&g, cw, 4);
  part(&g, sliver, 4);
  assert_true(fabs(bm_geom_ring_area(&g, 0) - 100) < 1e-12);
  assert_true(fabs(bm_geom_ring_area(&g, 1) - 24) < 1e-12);
  assert_true(bm_geom_ring_area(&g, 2) == 0);
  assert_true(fabs(total_area(&g) - 124) < 1e-12);
  bm_geom_free(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clip_polygon_across_a_corner_keeps_the_overlap),
      cmocka_unit_test(test_clip_ring_inside_is_unchanged_and_outside_is_gone),
      cmocka_unit_test(test_clip_line_leaving_and_reentering_becomes_two_parts),
      cmocka_unit_test(test_clip_unclosed_and_self_touching_rings_survive),
      cmocka_unit_test(test_clip_drops_points_outside),
      cmocka_unit_test(test_simplify_drops_close_vertices_and_keeps_line_ends),
      cmocka_unit_test(test_simplify_keeps_rings_closed_and_removes_tiny_ones),
      cmocka_unit_test(test_straighten_keeps_every_vertex_within_tol),
      cmocka_unit_test(test_straighten_keeps_rings_closed_and_removes_flat_ones),
      cmocka_unit_test(test_join_lines_end_to_end_either_way_round),
      cmocka_unit_test(test_join_lines_keeps_pieces_that_do_not_meet_apart),
      cmocka_unit_test(test_anchor_of_a_square_is_its_centre),
      cmocka_unit_test(test_anchor_of_an_l_shape_is_inside_away_from_the_notch),
      cmocka_unit_test(test_anchor_of_a_multipolygon_is_in_its_largest_part),
      cmocka_unit_test(test_anchor_without_area_is_refused),
      cmocka_unit_test(test_anchor_keeps_out_of_holes),
      cmocka_unit_test(test_ring_area_either_orientation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
