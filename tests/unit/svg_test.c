/* Unit tests for render/svg.c, the native SVG writer, driven through the
 * backend operations as a painter would: the document must parse as XML, keep
 * its layers as Inkscape layers in paint order, keep every text live (one
 * <text> with its halo grouped under it), print rounded numbers, come out
 * byte-identical whatever was rendered before, report sink failures, and —
 * rasterised with rsvg-convert (skipped when it is not installed) — put the
 * fills, the hole and the text where they were drawn. */
#define _GNU_SOURCE
#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/util.h"
#include "label/label.h"
#include "render/backend.h"
#include "text/text.h"

#define W 400
#define H 360
#define INKSCAPE_NS "http://www.inkscape.org/namespaces/inkscape"

static const bm_color water = {0xa0 / 255.0, 0xc8 / 255.0, 0xf0 / 255.0, 1};
static const bm_color land = {0xcc / 255.0, 0x33 / 255.0, 0x11 / 255.0, 1};
static const bm_color green = {0x22 / 255.0, 0xaa / 255.0, 0x44 / 255.0, 1};
static const bm_color ink = {0x22 / 255.0, 0x22 / 255.0, 0x22 / 255.0, 1};
static const bm_color white = {1, 1, 1, 1};
static const bm_color veil = {0, 0, 0, 0.5};

/* Where each text was drawn, for the raster checks: its layout box. */
typedef struct {
  double x, y, w, h;
} box;
static box two_line_box, spaced_box, persian_box, mixed_box;
static const double curve[] = {40, 350, 120, 320, 200, 310, 280, 320, 360, 350};

static const bm_text_style two = {.size = 20, .weight = 700, .wrap_width = 110, .center = true};
static const bm_text_style caps = {
    .size = 14, .weight = 600, .italic = true, .uppercase = true, .letter_spacing = 0.2};
static const bm_text_style fa = {.size = 22, .weight = 400};
static const bm_text_style river = {.size = 16, .weight = 400};
static const bm_text_style mixed = {.size = 18, .weight = 400};
/* Right to left first, so Pango makes the paragraph RTL: "Amu" on the left */
#define MIXED "رود آمو Amu"
#define CURVE_S0 60

static bm_text *fonts(void) {
  bm_text *t = NULL;
  bm_error err;
  bm_error_clear(&err);
  if (bm_text_create("Noto Sans", &t, &err)) fail_msg("fonts: %s", err.msg);
  return t;
}

static box run_text(bm_backend *be, bm_text *tx, const char *s, const bm_text_style *st, double x,
                    double y, double halo, const char *id) {
  PangoLayout *l = bm_text_layout(tx, s, st);
  bm_text_run r = {l, x, y, ink, halo, white, id, BM_TEXT_PAINT_ALL};
  bm_be_text(be, &r);
  double w, h;
  bm_text_size(l, &w, &h);
  g_object_unref(l);
  return (box){x, y, w, h};
}

/* The scene every test draws; extra adds more before it, to show that earlier
 * drawing (ids, counters) does not change what follows in another document. */
static bm_status draw(bm_sink *out, bm_text *tx, bool extra, bm_error *err) {
  bm_backend *be = NULL;
  bm_status st = bm_backend_svg_create(W, H, out, &be, err);
  if (st) return st;
  bm_path p;
  bm_path_init(&p);
  if (extra) {
    bm_be_layer(be, "water");
    bm_path_rect(&p, 1, 1, 2, 2);
    bm_be_clip(be, &p);
    bm_be_unclip(be);
    bm_be_end_layer(be);
    bm_path_reset(&p);
  }
  bm_be_layer(be, "water");
  bm_path_rect(&p, -0.004, 0, W, H); /* -0.004 must print as 0, not -0 */
  bm_be_fill(be, &p, water);
  bm_be_end_layer(be);

  bm_be_layer(be, "land");
  bm_path_reset(&p); /* a polygon with a hole, the hole wound the same way */
  bm_path_rect(&p, 20, 20, 160, 120);
  bm_path_rect(&p, 60, 50, 60, 50);
  bm_be_fill(be, &p, land);
  bm_path_reset(&p);
  bm_path_move(&p, 200, 20.004);
  bm_path_line(&p, 380.333333, 20.004);
  static const double dash[] = {6, 4};
  bm_stroke dashed = {ink, 3, dash, 2, BM_CAP_BUTT, BM_JOIN_MITER};
  bm_be_stroke(be, &p, &dashed);
  bm_path_reset(&p);
  bm_path_arc(&p, 300, 80, 30, 0, 2 * M_PI);
  bm_path_close(&p);
  bm_stroke ring = {ink, 4, NULL, 0, BM_CAP_ROUND, BM_JOIN_ROUND};
  bm_be_stroke(be, &p, &ring);
  bm_path_reset(&p); /* a half disc: from the centre, clockwise from 0 to 180 degrees */
  bm_path_move(&p, 300, 80);
  bm_path_arc(&p, 300, 80, 20, 0, M_PI);
  bm_path_close(&p);
  bm_be_fill(be, &p, ink);
  bm_path_reset(&p);
  bm_path_rect(&p, 200, 130, 100, 40);
  bm_be_clip(be, &p);
  bm_path_reset(&p);
  bm_path_rect(&p, 150, 110, 250, 80);
  bm_be_fill(be, &p, green);
  bm_be_unclip(be);
  bm_path_reset(&p); /* half-transparent, to show the opacity attribute */
  bm_path_rect(&p, 390, 290, 5, 5);
  bm_be_fill(be, &p, veil);
  unsigned char px[4 * 4 * 4];
  for (int i = 0; i < 16; i++) /* opaque orange, ARGB32 native order */
    ((uint32_t *)px)[i] = 0xffff8800u;
  bm_image im = {px, 4, 4, 16, 380, 100, 8, 8};
  be->ops->image(be, &im);
  bm_be_end_layer(be);

  bm_be_layer(be, "scale bar");
  bm_be_end_layer(be);

  bm_be_layer(be, "labels");
  bm_text_style two = {.size = 20, .weight = 700, .wrap_width = 110, .center = true};
  two_line_box = run_text(be, tx, "Dushanbe Region", &two, 200, 180, 2, "dushanbe");
  bm_text_style caps = {
      .size = 14, .weight = 600, .italic = true, .uppercase = true, .letter_spacing = 0.2};
  spaced_box = run_text(be, tx, "pamir & <alai>", &caps, 20, 150, 1.5, NULL);
  bm_text_style fa = {.size = 22, .weight = 400};
  persian_box = run_text(be, tx, "تاجیکستان", &fa, 20, 185, 0, NULL);
  mixed_box = run_text(be, tx, MIXED, &mixed, 20, 228, 0, NULL);
  PangoLayout *l = bm_text_layout(tx, "AMU DARYA", &(bm_text_style){.size = 16, .weight = 400});
  bm_text_path tp = {l, curve, 5, 60, ink, 1.5, white, "amu", BM_TEXT_PAINT_ALL};
  bm_be_text_on_path(be, &tp);
  g_object_unref(l);
  bm_be_end_layer(be);

  bm_path_free(&p);
  st = bm_be_finish(be, err);
  bm_be_destroy(be);
  return st;
}

static char *render(bm_text *tx, bool extra, size_t *len) {
  bm_sink out = {0};
  bm_error err;
  bm_error_clear(&err);
  if (draw(&out, tx, extra, &err)) fail_msg("render: %s", err.msg);
  char *s = malloc(out.len + 1);
  memcpy(s, out.data, out.len);
  s[out.len] = 0;
  free(out.data);
  if (len) *len = out.len;
  return s;
}

/* ---- the document's structure ---------------------------------------------- */

static xmlDocPtr parse(const char *svg) {
  xmlDocPtr doc = xmlReadMemory(svg, (int)strlen(svg), "test.svg", NULL, XML_PARSE_NONET);
  if (!doc) fail_msg("the SVG does not parse as XML");
  return doc;
}

static bool is(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static char *prop(xmlNodePtr n, const char *name) { return (char *)xmlGetProp(n, BAD_CAST name); }

static void assert_prop(xmlNodePtr n, const char *name, const char *want) {
  char *v = prop(n, name);
  if (!v || strcmp(v, want)) fail_msg("<%s %s=\"%s\">, want \"%s\"", n->name, name, v, want);
  xmlFree(v);
}

/* Text content without white space, for comparing lines with the source. */
static char *squeezed(const char *s) {
  char *o = malloc(strlen(s) + 1), *q = o;
  for (; *s; s++)
    if (!isspace((unsigned char)*s)) *q++ = *s;
  *q = 0;
  return o;
}

static int count_elements(xmlNodePtr n, const char *name) {
  int c = 0;
  for (; n; n = n->next)
    c += is(n, name) + count_elements(n->children, name);
  return c;
}

/* The text elements (halos left out: they carry a stroke) under n, in order. */
static int collect_texts(xmlNodePtr n, xmlNodePtr *out, int max, int k) {
  for (; n; n = n->next) {
    if (is(n, "text")) {
      if (!xmlHasProp(n, BAD_CAST "stroke") && k < max) out[k++] = n;
    } else {
      k = collect_texts(n->children, out, max, k);
    }
  }
  return k;
}

static void test_structure(void **state) {
  bm_text *tx = fonts();
  char *svg = render(tx, false, NULL);
  xmlDocPtr doc = parse(svg);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  assert_true(is(root, "svg"));
  assert_prop(root, "width", "400");
  assert_prop(root, "height", "360");
  assert_prop(root, "viewBox", "0 0 400 360");

  /* layers: top-level groups in paint order, Inkscape layers, valid ids */
  static const char *const ids[] = {"water", "land", "scale_bar", "labels"};
  static const char *const labels[] = {"water", "land", "scale bar", "labels"};
  int k = 0;
  for (xmlNodePtr n = root->children; n; n = n->next) {
    if (!is(n, "g")) continue;
    assert_true(k < 4);
    assert_prop(n, "id", ids[k]);
    char *mode = (char *)xmlGetNsProp(n, BAD_CAST "groupmode", BAD_CAST INKSCAPE_NS);
    char *label = (char *)xmlGetNsProp(n, BAD_CAST "label", BAD_CAST INKSCAPE_NS);
    assert_non_null(mode);
    assert_non_null(label);
    assert_string_equal(mode, "layer");
    assert_string_equal(label, labels[k]);
    xmlFree(mode);
    xmlFree(label);
    k++;
  }
  assert_int_equal(k, 4);

  /* shapes: even-odd fill, the dash, the arc, the clip, the image */
  assert_non_null(strstr(svg, "fill=\"#cc3311\" fill-rule=\"evenodd\""));
  assert_non_null(strstr(svg, "fill=\"#000000\" fill-opacity=\"0.5\""));
  assert_non_null(strstr(svg, "stroke-dasharray=\"6 4\""));
  assert_non_null(strstr(svg, "d=\"M200 20L380.33 20\""));
  assert_non_null(strstr(svg, "A30 30 0 0 1 "));
  assert_non_null(strstr(svg, "<clipPath id=\"clip1\">"));
  assert_non_null(strstr(svg, "clip-path=\"url(#clip1)\""));
  assert_non_null(strstr(svg, "xlink:href=\"data:image/png;base64,iVBORw0KGgo"));
  assert_null(strstr(svg, "fill-opacity=\"1\""));

  /* texts: one live <text> each, with the right string and font attributes */
  xmlNodePtr t[8];
  int nt = collect_texts(root, t, 8, 0);
  assert_int_equal(nt, 5);
  static const char *const want[] = {"DushanbeRegion", "PAMIR&<ALAI>", "تاجیکستان", "رودآموAmu",
                                     "AMUDARYA"};
  for (int i = 0; i < nt; i++) {
    char *c = (char *)xmlNodeGetContent(t[i]), *sq = squeezed(c);
    if (strcmp(sq, want[i])) fail_msg("text %d is \"%s\", want \"%s\"", i, sq, want[i]);
    free(sq);
    xmlFree(c);
    assert_prop(t[i], "font-family",
                i == 2 || i == 3 ? "Noto Sans, Noto Sans Arabic" : "Noto Sans");
    char *space = (char *)xmlGetNsProp(t[i], BAD_CAST "space", XML_XML_NAMESPACE);
    assert_non_null(space);
    assert_string_equal(space, "preserve");
    xmlFree(space);
    /* its halo, when it has one: the same text, stroked, first in its group */
    xmlNodePtr halo = xmlPreviousElementSibling(t[i]);
    if (i != 2 && i != 3) {
      assert_non_null(halo);
      assert_true(is(halo, "text") && is(t[i]->parent, "g"));
      char *hc = (char *)xmlNodeGetContent(halo), *c2 = (char *)xmlNodeGetContent(t[i]);
      assert_string_equal(hc, c2);
      xmlFree(hc);
      xmlFree(c2);
      assert_prop(halo, "stroke", "#ffffff");
      assert_prop(halo, "fill", "#ffffff");
      assert_prop(halo, "stroke-linejoin", "round");
      assert_prop(halo, "stroke-width", i == 0 ? "4" : "3");
    } else {
      assert_non_null(xmlHasNsProp(t[i]->parent, BAD_CAST "groupmode", BAD_CAST INKSCAPE_NS));
    }
  }
  assert_prop(t[0], "id", "dushanbe");
  assert_prop(t[0], "font-size", "20");
  assert_prop(t[0], "font-weight", "700");
  assert_int_equal(count_elements(t[0]->children, "tspan"), 2);
  assert_prop(t[1], "font-weight", "600");
  assert_prop(t[1], "font-style", "italic");
  assert_prop(t[1], "letter-spacing", "2.8");
  assert_prop(t[2], "direction", "rtl");
  assert_prop(t[2], "unicode-bidi", "embed");
  assert_prop(t[3], "direction", "rtl"); /* as Pango made the paragraph */
  assert_prop(t[4], "id", "amu");
  assert_int_equal(count_elements(t[4]->children, "tspan"), 9); /* a cluster each, the space too */
  for (xmlNodePtr s = t[4]->children; s; s = s->next) {
    char *rot = prop(s, "rotate"), *y = prop(s, "y");
    assert_non_null(rot);
    /* baseline above the curve, which runs from y 350 up to 310 and back */
    assert_true(atof(y) < 345 && atof(y) > 280);
    xmlFree(rot);
    xmlFree(y);
  }
  assert_int_equal(count_elements(root, "text"), 8); /* three halos and five texts */
  xmlFreeDoc(doc);
  free(svg);
  bm_text_destroy(tx);
}

/* Every number has at most two decimals, no exponent and no "-0". */
static void test_numbers(void **state) {
  bm_text *tx = fonts();
  char *svg = render(tx, false, NULL);
  char *end = strstr(svg, "data:image/png;base64,"); /* base64 is not numbers */
  assert_non_null(end);
  const char *from = strstr(svg, "width=\""); /* after the XML and SVG versions */
  assert_non_null(from);
  for (const char *p = from; *p; p++) {
    if (p == end) p = strchr(p, '"');
    if (!isdigit((unsigned char)*p) ||
        (p > svg && (isalnum((unsigned char)p[-1]) || p[-1] == '.' || p[-1] == '#')))
      continue;
    const char *q = p;
    while (isdigit((unsigned char)*q))
      q++;
    if (*q == '.') {
      const char *f = ++q;
      while (isdigit((unsigned char)*q))
        q++;
      if (q - f > 2 || q == f || q[-1] == '0')
        fail_msg("number \"%.*s\" is not rounded to 0.01", (int)(q - p), p);
    }
    if (*q == 'e' && (q[1] == '-' || q[1] == '+' || isdigit((unsigned char)q[1])))
      fail_msg("exponent in \"%.12s\"", p);
    if (p > svg && p[-1] == '-' && q - p == 1 && *p == '0')
      fail_msg("negative zero near \"%.20s\"", p - 1);
    p = q - 1;
  }
  free(svg);
  bm_text_destroy(tx);
}

/* The same calls give the same bytes, whatever another document did first. */
static void test_identical(void **state) {
  bm_text *tx = fonts();
  size_t la, lb;
  char *a = render(tx, false, &la);
  char *other = render(tx, true, NULL);
  char *b = render(tx, false, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  assert_non_null(strstr(other, "id=\"water-2\"")); /* a repeated layer name stays unique */
  free(a);
  free(b);
  free(other);
  bm_text_destroy(tx);
}

/* Failures reach finish: a sink that cannot be written, an unmatched pop. */
static void test_failures(void **state) {
  bm_error err;
  bm_error_clear(&err);
  FILE *ro = fopen("/dev/null", "r");
  assert_non_null(ro);
  bm_sink bad = {.f = ro};
  bm_backend *be = NULL;
  assert_int_equal(bm_backend_svg_create(10, 10, &bad, &be, &err), BM_OK);
  bm_be_layer(be, "a");
  bm_be_end_layer(be);
  assert_int_equal(bm_be_finish(be, &err), BM_ERR_IO);
  bm_be_destroy(be);
  fclose(ro);

  bm_sink mem = {0};
  assert_int_equal(bm_backend_svg_create(10, 10, &mem, &be, &err), BM_OK);
  bm_be_unclip(be);
  bm_error_clear(&err);
  assert_int_equal(bm_be_finish(be, &err), BM_ERR_INTERNAL);
  assert_non_null(strstr(err.msg, "clip_pop"));
  assert_int_equal(mem.len, 0); /* nothing half-written */
  bm_be_destroy(be);
  free(mem.data);
}

/* ---- rasterised by librsvg ------------------------------------------------- */

static uint32_t pixel(cairo_surface_t *s, int x, int y) {
  const unsigned char *d = cairo_image_surface_get_data(s);
  return ((const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x] & 0xffffff;
}

static int dark_pixels(cairo_surface_t *s, box b) {
  int n = 0;
  for (int y = (int)b.y; y < (int)ceil(b.y + b.h) && y < H; y++)
    for (int x = (int)b.x; x < (int)ceil(b.x + b.w) && x < W; x++) {
      uint32_t p = pixel(s, x, y);
      if (((p >> 16) & 255) < 90 && ((p >> 8) & 255) < 90 && (p & 255) < 90) n++;
    }
  return n;
}

/* The dark pixels' bounding box inside b; false when there are none. */
static bool ink_bounds(cairo_surface_t *s, box b, box *out) {
  int x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (int y = (int)b.y; y < (int)ceil(b.y + b.h) && y < H; y++)
    for (int x = (int)b.x; x < (int)ceil(b.x + b.w) && x < W; x++) {
      uint32_t p = pixel(s, x, y);
      if (((p >> 16) & 255) < 90 && ((p >> 8) & 255) < 90 && (p & 255) < 90) {
        x0 = x < x0 ? x : x0;
        y0 = y < y0 ? y : y0;
        x1 = x > x1 ? x : x1;
        y1 = y > y1 ? y : y1;
      }
    }
  *out = (box){x0, y0, x1 - x0, y1 - y0};
  return x1 >= 0;
}

static void show(cairo_t *cr, bm_text *tx, const char *s, const bm_text_style *st, double x,
                 double y) {
  PangoLayout *l = bm_text_layout(tx, s, st);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
  g_object_unref(l);
}

/* The texts as Cairo draws them from the same layouts, written here from the
 * backend contract (not with the painters), curved text bent point by point. */
static cairo_surface_t *reference_render(bm_text *tx) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
  show(cr, tx, "Dushanbe Region", &two, 200, 180);
  show(cr, tx, "pamir & <alai>", &caps, 20, 150);
  show(cr, tx, "تاجیکستان", &fa, 20, 185);
  show(cr, tx, MIXED, &mixed, 20, 228);
  PangoLayout *l = bm_text_layout(tx, "AMU DARYA", &river);
  double w, h;
  bm_text_size(l, &w, &h);
  cairo_new_path(cr);
  cairo_move_to(cr, 0, 0);
  pango_cairo_layout_path(cr, l);
  cairo_path_t *flat = cairo_copy_path_flat(cr);
  cairo_new_path(cr);
  for (int i = 0; i < flat->num_data; i += flat->data[i].header.length) {
    cairo_path_data_t *d = &flat->data[i];
    if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
      cairo_close_path(cr);
      continue;
    }
    double px, py, a, up = h + 1 - d[1].point.y; /* bottom of the layout 1 px above */
    bm_polyline_at(curve, 5, CURVE_S0 + d[1].point.x, &px, &py, &a);
    if (d->header.type == CAIRO_PATH_MOVE_TO)
      cairo_move_to(cr, px + sin(a) * up, py - cos(a) * up);
    else
      cairo_line_to(cr, px + sin(a) * up, py - cos(a) * up);
  }
  cairo_path_destroy(flat);
  cairo_fill(cr);
  g_object_unref(l);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

/* Each text's ink lands where Cairo puts it, within tol pixels per edge. */
static void assert_same_place(cairo_surface_t *svg, cairo_surface_t *ref, box where, double tol,
                              const char *what) {
  box a, b;
  assert_true(ink_bounds(svg, where, &a));
  assert_true(ink_bounds(ref, where, &b));
  if (fabs(a.x - b.x) > tol || fabs(a.y - b.y) > tol || fabs(a.x + a.w - b.x - b.w) > tol ||
      fabs(a.y + a.h - b.y - b.h) > tol)
    fail_msg("%s: librsvg ink %g,%g %gx%g, Cairo %g,%g %gx%g", what, a.x, a.y, a.w, a.h, b.x, b.y,
             b.w, b.h);
}

/* Whether s has a pixel darker than level on every channel within 1 px of x, y. */
static bool inked_near(cairo_surface_t *s, int x, int y, uint32_t level) {
  for (int j = y - 1; j <= y + 1; j++)
    for (int i = x - 1; i <= x + 1; i++) {
      if (i < 0 || j < 0 || i >= W || j >= H) continue;
      uint32_t p = pixel(s, i, j);
      if (((p >> 16) & 255) < level && ((p >> 8) & 255) < level && (p & 255) < level) return true;
    }
  return false;
}

/* The share of dark pixels in b, in either raster, with nothing inked within
 * 1 px in the other: near 0 when the same glyphs are in the same order (the
 * looser level for the other raster absorbs anti-aliasing differences). */
static double mismatch(cairo_surface_t *a, cairo_surface_t *b, box where) {
  int odd = 0, all = 0;
  for (int y = (int)where.y; y < (int)ceil(where.y + where.h) && y < H; y++)
    for (int x = (int)where.x; x < (int)ceil(where.x + where.w) && x < W; x++) {
      bool da = dark_pixels(a, (box){x, y, 1, 1}) > 0, db = dark_pixels(b, (box){x, y, 1, 1}) > 0;
      if (!da && !db) continue;
      all++;
      if ((da && !inked_near(b, x, y, 170)) || (db && !inked_near(a, x, y, 170))) odd++;
    }
  return all ? (double)odd / all : 1;
}

/* svg rasterised by rsvg-convert (name.svg and name.png under BM_TEST_TMP). */
static cairo_surface_t *rasterise(const char *svg, size_t len, const char *name) {
  bm_error err;
  bm_error_clear(&err);
  assert_int_equal(bm_mkdir_p(BM_TEST_TMP, &err), BM_OK);
  char in[512], png[512], cmd[1100];
  snprintf(in, sizeof in, "%s/%s.svg", BM_TEST_TMP, name);
  snprintf(png, sizeof png, "%s/%s.png", BM_TEST_TMP, name);
  FILE *f = fopen(in, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(svg, 1, len, f), len);
  fclose(f);
  snprintf(cmd, sizeof cmd, "rsvg-convert -o '%s' '%s'", png, in);
  assert_int_equal(system(cmd), 0);
  cairo_surface_t *s = cairo_image_surface_create_from_png(png);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  assert_int_equal(cairo_image_surface_get_width(s), W);
  assert_int_equal(cairo_image_surface_get_height(s), H);
  cairo_surface_flush(s);
  return s;
}

static void test_rsvg(void **state) {
  if (system("command -v rsvg-convert >/dev/null 2>&1")) skip();
  bm_text *tx = fonts();
  size_t len;
  char *svg = render(tx, false, &len);
  cairo_surface_t *s = rasterise(svg, len, "svg_test");
  assert_int_equal(pixel(s, 30, 30), 0xcc3311);   /* the polygon */
  assert_int_equal(pixel(s, 90, 75), 0xa0c8f0);   /* its hole shows the water */
  assert_int_equal(pixel(s, 250, 150), 0x22aa44); /* inside the clip */
  assert_int_equal(pixel(s, 190, 150), 0xa0c8f0); /* outside it */
  assert_int_equal(pixel(s, 300, 110), 0x222222); /* on the ring */
  assert_int_equal(pixel(s, 300, 95), 0x222222);  /* the half disc, below its centre */
  assert_int_equal(pixel(s, 300, 65), 0xa0c8f0);  /* nothing above */
  assert_int_equal(pixel(s, 383, 103), 0xff8800); /* the image */
  assert_true(dark_pixels(s, two_line_box) > 100);
  assert_true(dark_pixels(s, spaced_box) > 60);
  assert_true(dark_pixels(s, persian_box) > 60);
  /* the curved label: along the curve, above it */
  assert_true(dark_pixels(s, (box){90, 270, 220, 45}) > 60);
  /* nothing dark under the curve, where no text was drawn */
  assert_int_equal(dark_pixels(s, (box){140, 326, 150, 34}), 0);
  cairo_surface_t *ref = reference_render(tx);
  cairo_surface_write_to_png(ref, BM_TEST_TMP "/svg_test_cairo.png"); /* to compare by eye */
  assert_same_place(s, ref, two_line_box, 1.5, "two lines");
  assert_same_place(s, ref, spaced_box, 1.5, "letter-spaced");
  assert_same_place(s, ref, persian_box, 1.5, "Persian");
  assert_same_place(s, ref, mixed_box, 1.5, "mixed");
  box boxes[] = {two_line_box, spaced_box, persian_box, mixed_box};
  for (int i = 0; i < 4; i++)
    if (mismatch(s, ref, boxes[i]) > 0.05)
      fail_msg("text %d: librsvg and Cairo ink differ on %.0f%% of its pixels", i,
               100 * mismatch(s, ref, boxes[i]));
  /* librsvg sets the curved letters upright, so only roughly */
  assert_same_place(s, ref, (box){60, 270, 250, 60}, 4, "curved");
  cairo_surface_destroy(ref);
  cairo_surface_destroy(s);
  free(svg);
  bm_text_destroy(tx);
}

/* Multi-line texts, anchored once for the whole <text> (Inkscape's way), still
 * land line by line where Cairo draws them: centred Persian and Latin lines,
 * and letter-spaced centred capitals. */
static void test_rsvg_lines(void **state) {
  if (system("command -v rsvg-convert >/dev/null 2>&1")) skip();
  bm_text *tx = fonts();
  static const bm_text_style fa2 = {.size = 20, .weight = 600, .wrap_width = 90, .center = true};
  static const bm_text_style caps2 = {.size = 16,
                                      .weight = 600,
                                      .uppercase = true,
                                      .letter_spacing = 0.25,
                                      .wrap_width = 150,
                                      .center = true};
  static const char *const texts[] = {"جمهوری تاجیکستان Tajikistan", "Gorno-Badakhshan Region",
                                      "Left aligned lines of text"};
  static const bm_text_style left = {.size = 15, .weight = 400, .wrap_width = 100};
  const bm_text_style *styles[] = {&fa2, &caps2, &left};
  const double at[][2] = {{20, 10}, {180, 20}, {200, 200}};
  bm_sink out = {0};
  bm_error err;
  bm_error_clear(&err);
  bm_backend *be = NULL;
  assert_int_equal(bm_backend_svg_create(W, H, &out, &be, &err), BM_OK);
  bm_path p;
  bm_path_init(&p);
  bm_path_rect(&p, 0, 0, W, H);
  bm_be_fill(be, &p, white);
  bm_path_free(&p);
  cairo_surface_t *ref = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create(ref);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
  box boxes[3];
  for (int i = 0; i < 3; i++) {
    boxes[i] = run_text(be, tx, texts[i], styles[i], at[i][0], at[i][1], 0, NULL);
    PangoLayout *l = bm_text_layout(tx, texts[i], styles[i]);
    assert_true(pango_layout_get_line_count(l) >= 2);
    g_object_unref(l);
    show(cr, tx, texts[i], styles[i], at[i][0], at[i][1]);
  }
  cairo_destroy(cr);
  cairo_surface_flush(ref);
  cairo_surface_write_to_png(ref, BM_TEST_TMP "/svg_lines_cairo.png");
  assert_int_equal(bm_be_finish(be, &err), BM_OK);
  bm_be_destroy(be);
  static const char kept[] = ">جمهوری </tspan>"; /* the space at the wrap */
  assert_non_null(memmem(out.data, out.len, kept, strlen(kept)));
  cairo_surface_t *s = rasterise((char *)out.data, out.len, "svg_lines");
  static const char *const what[] = {"Persian lines", "spaced capitals", "left aligned"};
  for (int i = 0; i < 3; i++) {
    boxes[i].x -= 5; /* the box is the layout's; ink may overhang it a little */
    boxes[i].w += 10;
    assert_same_place(s, ref, boxes[i], 1.5, what[i]);
    if (mismatch(s, ref, boxes[i]) > 0.05)
      fail_msg("%s: librsvg and Cairo ink differ on %.0f%% of its pixels", what[i],
               100 * mismatch(s, ref, boxes[i]));
  }
  cairo_surface_destroy(s);
  cairo_surface_destroy(ref);
  free(out.data);
  bm_text_destroy(tx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_structure), cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_identical), cmocka_unit_test(test_failures),
      cmocka_unit_test(test_rsvg),      cmocka_unit_test(test_rsvg_lines),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  xmlCleanupParser();
  return rc;
}
