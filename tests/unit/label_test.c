/* label_test — the placement engine: collision index, candidates for points,
 * areas and lines, priority, leaders, determinism, and the improvement step.
 * Real fonts (Noto Sans through text/), synthetic geometry. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "label/label.h"
#include "text/text.h"
#include "text_fixture.h"

static const bm_bbox FRAME = {0, 0, 800, 600};

static bm_label point(const char *text, double x, double y, double priority) {
  bm_label l = {.text = (char *)text,
                .layer = "city",
                .kind = BM_LABEL_POINT,
                .priority = priority,
                .ax = x,
                .ay = y,
                .offset = 4,
                .style = {.size = 12, .weight = 400}};
  return l;
}

static bool overlap(bm_bbox a, bm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

static const bm_label *find(const bm_labeler *lb, const char *text) {
  for (size_t i = 0; i < bm_labeler_count(lb); i++)
    if (!strcmp(bm_labeler_at(lb, i)->text, text)) return bm_labeler_at(lb, i);
  return NULL;
}

/* ---- collision index -------------------------------------------------- */

static void test_free_point_label_goes_upper_right(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = point("Dushanbe", 400, 300, 0);
  assert_true(bm_labeler_add(lb, &l));
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Dushanbe");
  assert_true(p->placed);
  assert_true(p->box.minx > 400);      /* right of the anchor */
  assert_true(p->box.maxy < 300);      /* above it */
  assert_true(p->box.minx - 400 < 10); /* close: the offset, not more */
  assert_false(p->leader);
  bm_labeler_destroy(lb);
}

static void test_obstacle_pushes_label_to_next_position(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_bbox block = {402, 250, 520, 299}; /* covers the upper-right position */
  assert_true(bm_labeler_add_obstacle(lb, block));
  bm_label l = point("Dushanbe", 400, 300, 0);
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Dushanbe");
  assert_true(p->placed);
  assert_false(overlap(p->box, block));
  bm_labeler_destroy(lb);
}

static void test_touching_boxes_do_not_collide(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label a = point("Alpha", 400, 300, 0);
  bm_labeler_add(lb, &a);
  bm_labeler_place(lb);
  bm_bbox placed = find(lb, "Alpha")->box;
  bm_labeler_destroy(lb);
  /* an obstacle sharing only an edge with that box leaves it free */
  lb = bm_labeler_create(g_text, FRAME);
  bm_labeler_add_obstacle(lb, (bm_bbox){placed.maxx, placed.miny, placed.maxx + 50, placed.maxy});
  bm_labeler_add(lb, &a);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Alpha");
  assert_true(p->placed);
  assert_float_equal(p->box.minx, placed.minx, 1e-9);
  assert_float_equal(p->box.miny, placed.miny, 1e-9);
  bm_labeler_destroy(lb);
}

static void test_higher_priority_wins_and_lower_is_dropped_with_reason(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  /* walls all round leave room for exactly one label right of the anchor */
  bm_labeler_add_obstacle(lb, (bm_bbox){0, 0, 800, 285});
  bm_labeler_add_obstacle(lb, (bm_bbox){0, 316, 800, 600});
  bm_labeler_add_obstacle(lb, (bm_bbox){0, 285, 398, 316});
  bm_label low = point("Lowtown", 400, 300, 50);
  bm_label high = point("Hightown", 400, 300, 1);
  bm_labeler_add(lb, &low); /* added first, placed second */
  bm_labeler_add(lb, &high);
  bm_labeler_place(lb);
  assert_true(find(lb, "Hightown")->placed);
  const bm_label *d = find(lb, "Lowtown");
  assert_false(d->placed);
  assert_non_null(strstr(d->reason, "collides"));
  /* placement order follows priority */
  assert_string_equal(bm_labeler_at(lb, 0)->text, "Hightown");
  bm_labeler_destroy(lb);
}

static void test_point_order_comes_from_the_caller(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_point_pos order[] = {BM_POS_LEFT, BM_POS_RIGHT};
  bm_labeler_set_point_order(lb, order, 2);
  bm_label l = point("Leftville", 400, 300, 0);
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Leftville");
  assert_true(p->placed);
  assert_true(p->box.maxx < 400);
  assert_true(p->box.miny < 300 && p->box.maxy > 300); /* vertically centred */
  bm_labeler_destroy(lb);
}

static void test_labels_stay_inside_the_frame(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = point("Cornerton", 795, 5, 0); /* upper right would leave the frame */
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Cornerton");
  assert_true(p->placed);
  assert_true(p->box.maxx <= 800 && p->box.miny >= 0);
  assert_true(p->box.maxx < 795); /* to the lower left */
  bm_labeler_destroy(lb);
}

static void surround(bm_labeler *lb, double x, double y) {
  /* a ring of obstacles filling everything within 60 px but the symbol */
  bm_labeler_add_obstacle(lb, (bm_bbox){x - 60, y - 60, x + 60, y - 3});
  bm_labeler_add_obstacle(lb, (bm_bbox){x - 60, y + 3, x + 60, y + 60});
  bm_labeler_add_obstacle(lb, (bm_bbox){x - 60, y - 3, x - 3, y + 3});
  bm_labeler_add_obstacle(lb, (bm_bbox){x + 3, y - 3, x + 60, y + 3});
}

static void test_boxed_in_label_is_dropped(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  surround(lb, 400, 300);
  bm_label l = point("Nowhere", 400, 300, 0);
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  assert_false(find(lb, "Nowhere")->placed);
  bm_labeler_destroy(lb);
}

static void test_story_site_gets_a_leader_instead_of_being_dropped(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  surround(lb, 400, 300);
  bm_label l = point("Ababil-2 drone factory", 400, 300, 0);
  l.layer = "site";
  l.must_place = true;
  l.offset = 10;
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Ababil-2 drone factory");
  assert_true(p->placed);
  assert_true(p->leader);
  /* the leader ends on the label box */
  assert_true(p->lx >= p->box.minx - 1e-9 && p->lx <= p->box.maxx + 1e-9);
  assert_true(p->ly >= p->box.miny - 1e-9 && p->ly <= p->box.maxy + 1e-9);
  bm_labeler_destroy(lb);
}

static void test_label_avoids_the_side_of_another_symbol(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  /* a neighbour's symbol just right of ours: the label goes left instead of
   * sitting next to the other symbol */
  bm_labeler_add_symbol(lb, (bm_bbox){393, 293, 407, 307});
  bm_labeler_add_symbol(lb, (bm_bbox){413, 293, 427, 307});
  bm_label l = point("Ours", 400, 300, 0);
  l.offset = 10;
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Ours");
  assert_true(p->placed);
  assert_true(p->box.maxx < 400);
  bm_labeler_destroy(lb);
}

static void test_line_crossing_costs_move_the_label(void **state) {
  (void)state;
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  /* a border running through the upper-right position */
  bm_geom border;
  bm_geom_init(&border, BM_GEOM_LINE);
  for (int i = 0; i <= 10; i++)
    bm_geom_add(&border, 400 + i * 10, 295 - i * 0.5);
  bm_labeler_add_avoid_line(lb, &border);
  bm_geom_free(&border);
  bm_label l = point("Linetown", 400, 300, 0);
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Linetown");
  assert_true(p->placed);
  assert_false(p->box.minx > 400 && p->box.maxy < 300); /* not upper right */
  assert_true(p->cost < 6);
  bm_labeler_destroy(lb);
}

/* ---- areas ------------------------------------------------------------ */

static void square(bm_geom *g, double x0, double y0, double size) {
  bm_geom_init(g, BM_GEOM_POLYGON);
  bm_geom_begin_part(g);
  bm_geom_add(g, x0, y0);
  bm_geom_add(g, x0 + size, y0);
  bm_geom_add(g, x0 + size, y0 + size);
  bm_geom_add(g, x0, y0 + size);
  bm_geom_add(g, x0, y0);
}

static void test_area_label_sits_inside_its_polygon(void **state) {
  (void)state;
  bm_geom sq;
  square(&sq, 200, 200, 240);
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "TAJIKISTAN",
                .layer = "country",
                .kind = BM_LABEL_AREA,
                .ax = 320,
                .ay = 320,
                .offset = 120,
                .area = &sq,
                .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "TAJIKISTAN");
  assert_true(p->placed);
  assert_true(p->box.minx >= 200 && p->box.maxx <= 440 && p->box.miny >= 200 && p->box.maxy <= 440);
  /* centred on the anchor */
  assert_float_equal((p->box.minx + p->box.maxx) / 2, 320, 1);
  bm_labeler_destroy(lb);
  bm_geom_free(&sq);
}

static void test_area_label_moves_off_an_obstacle_but_stays_inside(void **state) {
  (void)state;
  bm_geom sq;
  square(&sq, 200, 200, 240);
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_labeler_add_obstacle(lb, (bm_bbox){300, 310, 340, 330});
  bm_label l = {.text = "AFGHANISTAN",
                .layer = "country",
                .kind = BM_LABEL_AREA,
                .ax = 320,
                .ay = 320,
                .offset = 120,
                .area = &sq,
                .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "AFGHANISTAN");
  assert_true(p->placed);
  assert_false(overlap(p->box, (bm_bbox){300, 310, 340, 330}));
  assert_true(p->box.minx >= 200 && p->box.maxx <= 440 && p->box.miny >= 200 && p->box.maxy <= 440);
  bm_labeler_destroy(lb);
  bm_geom_free(&sq);
}

static void test_small_area_drops_or_goes_outside_with_leader(void **state) {
  (void)state;
  bm_geom sq;
  square(&sq, 390, 290, 20);
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "Luxembourg",
                .layer = "country",
                .kind = BM_LABEL_AREA,
                .ax = 400,
                .ay = 300,
                .offset = 10,
                .area = &sq,
                .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  l.text = "Djibouti";
  l.outside_ok = true;
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *a = find(lb, "Luxembourg"), *b = find(lb, "Djibouti");
  assert_false(a->placed);
  assert_non_null(strstr(a->reason, "does not fit"));
  assert_true(b->placed);
  assert_true(b->leader);
  assert_false(overlap(b->box, (bm_bbox){395, 295, 405, 305})); /* outside the small area */
  bm_labeler_destroy(lb);
  bm_geom_free(&sq);
}

/* A small country's name set outside it goes over the sea, not over the neighbour whose own
 * name is on the map (it would read as the neighbour's): Djibouti, 20 px, at the west coast
 * of a 300 px Ethiopia, the sea to its west; the engine's first choice, right of it, would
 * lie in Ethiopia. */
static void test_outside_name_keeps_off_a_named_neighbour(void **state) {
  (void)state;
  bm_geom small, big;
  square(&small, 200, 290, 20);
  square(&big, 220, 150, 300);
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "ETHIOPIA",
                .layer = "country",
                .kind = BM_LABEL_AREA,
                .ax = 370,
                .ay = 300,
                .offset = 150,
                .area = &big,
                .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  l = (bm_label){.text = "DJIBOUTI",
                 .layer = "country",
                 .kind = BM_LABEL_AREA,
                 .ax = 210,
                 .ay = 300,
                 .offset = 10,
                 .area = &small,
                 .outside_ok = true,
                 .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *d = find(lb, "DJIBOUTI");
  assert_true(d->placed);
  assert_true(d->leader);
  assert_true((d->box.minx + d->box.maxx) / 2 < 220); /* its middle over the sea */
  bm_labeler_destroy(lb);
  bm_geom_free(&small);
  bm_geom_free(&big);
}

static void test_long_area_name_breaks_into_two_lines(void **state) {
  (void)state;
  bm_geom sq;
  square(&sq, 250, 200, 200); /* square: room for two short lines, not one long one */
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "Democratic Republic of the Congo",
                .layer = "country",
                .kind = BM_LABEL_AREA,
                .ax = 350,
                .ay = 300,
                .offset = 100,
                .area = &sq,
                .style = {.size = 14}};
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Democratic Republic of the Congo");
  assert_true(p->placed);
  assert_true(pango_layout_get_line_count(p->layout) >= 2);
  assert_true(p->box.maxx - p->box.minx <= 200);
  bm_labeler_destroy(lb);
  bm_geom_free(&sq);
}

/* ---- lines ------------------------------------------------------------ */

static void test_line_label_follows_line_upright(void **state) {
  (void)state;
  /* a river drawn right to left: the text must still read left to right */
  bm_geom river;
  bm_geom_init(&river, BM_GEOM_LINE);
  for (int i = 0; i <= 60; i++)
    bm_geom_add(&river, 700 - i * 10, 300 + 20 * sin(i * 0.05));
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "Amu Darya",
                .layer = "river",
                .kind = BM_LABEL_LINE,
                .line = &river,
                .style = {.size = 12, .italic = true}};
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  const bm_label *p = find(lb, "Amu Darya");
  assert_true(p->placed);
  assert_true(fabs(p->angle) < 30); /* upright, not 180 degrees */
  /* the path runs left to right */
  assert_true(p->path[0] < p->path[2 * (p->npath - 1)]);
  const bm_bbox *boxes;
  size_t n = bm_labeler_boxes(lb, 0, &boxes);
  assert_true(n >= 3); /* one box per stretch of text, not one big box */
  for (size_t i = 0; i < n; i++) {
    double cx = (boxes[i].minx + boxes[i].maxx) / 2, cy = (boxes[i].miny + boxes[i].maxy) / 2;
    double ly = 300 + 20 * sin((700 - cx) / 10 * 0.05);
    assert_true(cy < ly);      /* above the line */
    assert_true(ly - cy < 20); /* and close to it */
  }
  bm_labeler_destroy(lb);
  bm_geom_free(&river);
}

static void test_line_label_rejects_sharp_turns_and_short_lines(void **state) {
  (void)state;
  bm_geom zig, shortline;
  bm_geom_init(&zig, BM_GEOM_LINE);
  /* a hairpin: too short an arm either side for the text, so any position spans the turn */
  bm_geom_add(&zig, 100, 300);
  bm_geom_add(&zig, 140, 300);
  bm_geom_add(&zig, 145, 305);
  bm_geom_add(&zig, 140, 310);
  bm_geom_add(&zig, 100, 310);
  bm_geom_init(&shortline, BM_GEOM_LINE);
  bm_geom_add(&shortline, 100, 100);
  bm_geom_add(&shortline, 130, 100);
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_label l = {.text = "Zigzag",
                .layer = "river",
                .kind = BM_LABEL_LINE,
                .line = &zig,
                .style = {.size = 12}};
  bm_labeler_add(lb, &l);
  l.text = "Shortriver";
  l.line = &shortline;
  bm_labeler_add(lb, &l);
  bm_labeler_place(lb);
  assert_false(find(lb, "Zigzag")->placed);
  assert_false(find(lb, "Shortriver")->placed);
  assert_non_null(strstr(find(lb, "Shortriver")->reason, "too short"));
  bm_labeler_destroy(lb);
  bm_geom_free(&zig);
  bm_geom_free(&shortline);
}

static void test_line_label_repeats_only_beyond_the_gap(void **state) {
  (void)state;
  bm_geom river;
  bm_geom_init(&river, BM_GEOM_LINE);
  bm_geom_add(&river, 20, 300);
  bm_geom_add(&river, 780, 300);
  for (int gap = 0; gap < 2; gap++) {
    bm_labeler *lb = bm_labeler_create(g_text, FRAME);
    for (int c = 0; c < 3; c++) {
      bm_label l = {.text = "Panj",
                    .layer = "river",
                    .kind = BM_LABEL_LINE,
                    .line = &river,
                    .priority = c,
                    .repeat_gap = gap ? 2000 : 150,
                    .style = {.size = 12}};
      bm_labeler_add(lb, &l);
    }
    bm_labeler_place(lb);
    int placed = 0;
    for (size_t i = 0; i < bm_labeler_count(lb); i++)
      placed += bm_labeler_at(lb, i)->placed;
    assert_int_equal(placed, gap ? 1 : 3);
    bm_labeler_destroy(lb);
  }
  bm_geom_free(&river);
}

/* ---- search ----------------------------------------------------------- */

static unsigned lcg(unsigned *s) { return *s = *s * 1103515245u + 12345u; }

static int place_random(bool naive, bm_bbox *first_box) {
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_labeler_set_naive(lb, naive);
  unsigned seed = 42;
  char names[150][16];
  for (int i = 0; i < 150; i++) {
    snprintf(names[i], sizeof names[i], "Town %d", i);
    bm_label l = point(names[i], 20 + lcg(&seed) % 760, 20 + lcg(&seed) % 560, i);
    bm_labeler_add(lb, &l);
  }
  bm_labeler_place(lb);
  int placed = 0;
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *a = bm_labeler_at(lb, i);
    if (!a->placed) continue;
    placed++;
    for (size_t j = i + 1; j < bm_labeler_count(lb); j++) {
      const bm_label *b = bm_labeler_at(lb, j);
      if (b->placed) assert_false(overlap(a->box, b->box));
    }
  }
  if (first_box) *first_box = bm_labeler_at(lb, 0)->box;
  bm_labeler_destroy(lb);
  return placed;
}

static void test_dense_placement_has_no_overlaps_and_beats_naive(void **state) {
  (void)state;
  int naive = place_random(true, NULL), full = place_random(false, NULL);
  assert_true(full > naive);
}

static void test_placement_is_deterministic(void **state) {
  (void)state;
  bm_bbox a, b;
  int n1 = place_random(false, &a), n2 = place_random(false, &b);
  assert_int_equal(n1, n2);
  assert_memory_equal(&a, &b, sizeof a);
}

static void test_improvement_moves_a_blocker(void **state) {
  (void)state;
  /* "Big" (placed first) takes its preferred upper-right spot, which is the
   * only place "Small" fits; "Big" has room elsewhere. Greedy drops Small;
   * the improvement step moves Big and places both. */
  bm_labeler *lb = bm_labeler_create(g_text, FRAME);
  bm_labeler_add_obstacle(lb, (bm_bbox){0, 0, 800, 240});
  bm_labeler_add_obstacle(lb, (bm_bbox){0, 250, 330, 600}); /* walls Small in */
  bm_labeler_add_obstacle(lb, (bm_bbox){330, 330, 800, 600});
  bm_label big = point("Big", 340, 300, 0), small = point("Sm", 330, 250, 1);
  bm_labeler_add(lb, &big);
  bm_labeler_add(lb, &small);
  bm_labeler_place(lb);
  const bm_label *pb = find(lb, "Big"), *ps = find(lb, "Sm");
  assert_true(pb->placed);
  assert_true(ps->placed);
  assert_false(overlap(pb->box, ps->box));
  bm_labeler_destroy(lb);
}

/* Label candidates and glyphs along a river are placed by bm_polyline_walk (binary search)
 * exactly where the plain walk of bm_polyline_at puts them, to the last bit: on paths with
 * repeated points, before the start, past the end and at every vertex. */
static void test_polyline_walk_is_the_plain_walk(void **state) {
  (void)state;
  enum { N = 200 };
  static double xy[2 * N];
  unsigned seed = 7;
  for (int path = 0; path < 6; path++) {
    size_t n = path == 5 ? 3 : N;
    double x = 0, y = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      if (i && (seed >> 16) % 5 == 0) { /* a repeated point: a segment of no length */
        xy[2 * i] = x, xy[2 * i + 1] = y;
        continue;
      }
      x += (double)((seed >> 8) % 1000) / 97.0 - 3;
      y += (double)((seed >> 4) % 1000) / 131.0 - 3.8;
      xy[2 * i] = x, xy[2 * i + 1] = y;
    }
    double len = bm_polyline_length(xy, n);
    bm_polyline_walk w;
    assert_true(bm_polyline_walk_init(&w, xy, n));
    for (int k = -20; k <= 1020; k++) {
      double s = len * k / 1000.0, ax, ay, aa, bx, by, ba;
      bm_polyline_walk_at(&w, s, &ax, &ay, &aa);
      bm_polyline_at(xy, n, s, &bx, &by, &ba);
      assert_memory_equal(&ax, &bx, sizeof ax);
      assert_memory_equal(&ay, &by, sizeof ay);
      assert_memory_equal(&aa, &ba, sizeof aa);
    }
    for (size_t i = 0; i < n; i++) { /* exactly at each vertex's distance */
      double s = bm_polyline_length(xy, i + 1), ax, ay, aa, bx, by, ba;
      bm_polyline_walk_at(&w, s, &ax, &ay, &aa);
      bm_polyline_at(xy, n, s, &bx, &by, &ba);
      assert_memory_equal(&ax, &bx, sizeof ax);
      assert_memory_equal(&ay, &by, sizeof ay);
      assert_memory_equal(&aa, &ba, sizeof aa);
    }
    bm_polyline_walk_free(&w);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_free_point_label_goes_upper_right),
      cmocka_unit_test(test_obstacle_pushes_label_to_next_position),
      cmocka_unit_test(test_touching_boxes_do_not_collide),
      cmocka_unit_test(test_higher_priority_wins_and_lower_is_dropped_with_reason),
      cmocka_unit_test(test_point_order_comes_from_the_caller),
      cmocka_unit_test(test_labels_stay_inside_the_frame),
      cmocka_unit_test(test_boxed_in_label_is_dropped),
      cmocka_unit_test(test_story_site_gets_a_leader_instead_of_being_dropped),
      cmocka_unit_test(test_label_avoids_the_side_of_another_symbol),
      cmocka_unit_test(test_line_crossing_costs_move_the_label),
      cmocka_unit_test(test_area_label_sits_inside_its_polygon),
      cmocka_unit_test(test_area_label_moves_off_an_obstacle_but_stays_inside),
      cmocka_unit_test(test_small_area_drops_or_goes_outside_with_leader),
      cmocka_unit_test(test_outside_name_keeps_off_a_named_neighbour),
      cmocka_unit_test(test_long_area_name_breaks_into_two_lines),
      cmocka_unit_test(test_line_label_follows_line_upright),
      cmocka_unit_test(test_line_label_rejects_sharp_turns_and_short_lines),
      cmocka_unit_test(test_line_label_repeats_only_beyond_the_gap),
      cmocka_unit_test(test_dense_placement_has_no_overlaps_and_beats_naive),
      cmocka_unit_test(test_placement_is_deterministic),
      cmocka_unit_test(test_improvement_moves_a_blocker),
      cmocka_unit_test(test_polyline_walk_is_the_plain_walk),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
