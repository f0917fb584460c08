/* render/svg.c — the native SVG writer (see render/backend.h).
 *
 * Written for graphics desks that finish maps in Inkscape or Illustrator: each
 * layer is a named <g> that both show as a layer, and each text is live <text>
 * they can retype. The document is built in memory and handed to the sink by
 * finish, so a failed render never leaves half a file behind. Numbers are
 * printed from integers (hundredths of a pixel), which keeps the output free
 * of locale, exponent and "-0" surprises; ids count per document, so the same
 * calls give the same bytes whatever ran before in the process.
 */
#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/label.h"
#include "render/backend.h"

typedef enum { OPEN_LAYER, OPEN_CLIP } open_kind;

typedef struct {
  bm_backend base;
  bm_sink *out;
  bm_sink doc;     /* the body, in memory until finish */
  open_kind *open; /* stack of open <g> elements */
  size_t nopen, cap_open;
  GHashTable *ids; /* every id used in the document */
  unsigned nclip;  /* per-document counter for generated ids */
  bool finished;
} svg_backend;

/* ---- writing ------------------------------------------------------------- */

static void put(svg_backend *s, const char *str) {
  if (!bm_sink_write(&s->doc, str, strlen(str)))
    bm_backend_fail(&s->base, BM_ERR_NOMEM, "out of memory while building the SVG");
}

static void putc1(svg_backend *s, char c) {
  if (!bm_sink_write(&s->doc, &c, 1))
    bm_backend_fail(&s->base, BM_ERR_NOMEM, "out of memory while building the SVG");
}

/* A number rounded to 0.01: "12", "12.5", "-0.25"; never "-0" or an exponent. */
static void num(svg_backend *s, double v) {
  char buf[48];
  if (!isfinite(v) || fabs(v) > 1e15) v = 0; /* a broken coordinate must not break the XML */
  long long n = llround(v * 100);
  if (n == 0) {
    put(s, "0");
    return;
  }
  unsigned long long a = n < 0 ? (unsigned long long)(-n) : (unsigned long long)n;
  unsigned long long ip = a / 100, fp = a % 100;
  if (fp == 0)
    snprintf(buf, sizeof buf, "%s%llu", n < 0 ? "-" : "", ip);
  else if (fp % 10 == 0)
    snprintf(buf, sizeof buf, "%s%llu.%llu", n < 0 ? "-" : "", ip, fp / 10);
  else
    snprintf(buf, sizeof buf, "%s%llu.%02llu", n < 0 ? "-" : "", ip, fp);
  put(s, buf);
}

/* name="value" with a number value. */
static void attr_num(svg_backend *s, const char *name, double v) {
  putc1(s, ' ');
  put(s, name);
  put(s, "=\"");
  num(s, v);
  putc1(s, '"');
}

/* Text as XML character data or attribute value: the five specials escaped,
 * characters XML 1.0 forbids (C0 controls but tab, LF, CR) dropped. */
static void escaped(svg_backend *s, const char *str, size_t n) {
  for (size_t i = 0; i < n && str[i]; i++) {
    unsigned char c = (unsigned char)str[i];
    switch (c) {
    case '&': put(s, "&amp;"); break;
    case '<': put(s, "&lt;"); break;
    case '>': put(s, "&gt;"); break;
    case '"': put(s, "&quot;"); break;
    case '\'': put(s, "&apos;"); break;
    default:
      if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') putc1(s, (char)c);
    }
  }
}

static void attr_str(svg_backend *s, const char *name, const char *v) {
  putc1(s, ' ');
  put(s, name);
  put(s, "=\"");
  escaped(s, v, strlen(v));
  putc1(s, '"');
}

static int channel(double c) {
  long v = lround(c * 255);
  return v < 0 ? 0 : v > 255 ? 255 : (int)v;
}

/* name="#rrggbb", plus name-opacity when the colour is not opaque. */
static void attr_color(svg_backend *s, const char *name, bm_color c) {
  char buf[16];
  snprintf(buf, sizeof buf, "#%02x%02x%02x", channel(c.r), channel(c.g), channel(c.b));
  attr_str(s, name, buf);
  if (c.a < 0.995) {
    char oname[32];
    snprintf(oname, sizeof oname, "%s-opacity", name);
    attr_num(s, oname, c.a < 0 ? 0 : c.a);
  }
}

/* ---- ids ----------------------------------------------------------------- */

/* A valid, unused XML id made from want: characters outside [A-Za-z0-9_.-]
 * become '_', a name that cannot start an id gets a '_' in front, and a
 * repeated one a "-2", "-3" ... suffix (two layers may share a name). The
 * result is recorded; it is owned by the id table. */
static const char *unique_id(svg_backend *s, const char *want) {
  GString *g = g_string_new(NULL);
  if (!want || !*want || !g_ascii_isalpha(want[0])) g_string_append_c(g, '_');
  for (const char *p = want ? want : ""; *p; p++) {
    char c = *p;
    g_string_append_c(g, g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.' ? c : '_');
  }
  size_t base = g->len;
  for (unsigned k = 2; g_hash_table_contains(s->ids, g->str); k++) {
    g_string_truncate(g, base);
    g_string_append_printf(g, "-%u", k);
  }
  char *id = g_string_free(g, FALSE);
  g_hash_table_add(s->ids, id);
  return id;
}

/* A generated id: prefix and the next count ("clip1", "clip2" ...), skipping
 * any the caller's names already took. */
static const char *next_id(svg_backend *s, const char *prefix, unsigned *counter) {
  char buf[64];
  do
    snprintf(buf, sizeof buf, "%s%u", prefix, ++*counter);
  while (g_hash_table_contains(s->ids, buf));
  return unique_id(s, buf);
}

/* ---- paths --------------------------------------------------------------- */

/* cairo_arc as SVG arcs: a line (or a move, with no current point) to the
 * start, then pieces under 180 degrees, which are never ambiguous. */
static void path_arc(svg_backend *s, const double *v, bool has_current) {
  double cx = v[0], cy = v[1], r = v[2], a0 = v[3], a1 = v[4];
  while (a1 < a0)
    a1 += 2 * M_PI;
  put(s, has_current ? "L" : "M");
  num(s, cx + r * cos(a0));
  putc1(s, ' ');
  num(s, cy + r * sin(a0));
  if (r <= 0 || a1 == a0) return;
  int n = (int)floor((a1 - a0) / M_PI) + 1;
  for (int i = 1; i <= n; i++) {
    double a = a0 + (a1 - a0) * i / n;
    put(s, "A");
    num(s, r);
    putc1(s, ' ');
    num(s, r);
    put(s, " 0 0 1 ");
    num(s, cx + r * cos(a));
    putc1(s, ' ');
    num(s, cy + r * sin(a));
  }
}

static void path_data(svg_backend *s, const bm_path *p) {
  put(s, " d=\"");
  const double *v = p->v;
  bool has_current = false;
  for (size_t i = 0; i < p->nop; i++) {
    bm_path_op op = p->op[i];
    switch (op) {
    case BM_PATH_MOVE:
    case BM_PATH_LINE:
    case BM_PATH_CURVE:
      put(s, op == BM_PATH_MOVE ? "M" : op == BM_PATH_LINE ? "L" : "C");
      for (int k = 0; k < bm_path_op_values(op); k++) {
        if (k) putc1(s, ' ');
        num(s, v[k]);
      }
      has_current = true;
      break;
    case BM_PATH_ARC:
      path_arc(s, v, has_current);
      has_current = true;
      break;
    case BM_PATH_CLOSE: put(s, "Z"); break;
    }
    v += bm_path_op_values(op);
  }
  putc1(s, '"');
}

/* ---- layers, shapes, clips ----------------------------------------------- */

static svg_backend *svg(bm_backend *b) { return (svg_backend *)b; }

static bm_status push_open(svg_backend *s, open_kind k) {
  if (s->nopen == s->cap_open) {
    size_t cap = s->cap_open ? 2 * s->cap_open : 16;
    open_kind *o = realloc(s->open, cap * sizeof *o);
    if (!o) return bm_backend_fail(&s->base, BM_ERR_NOMEM, "out of memory");
    s->open = o;
    s->cap_open = cap;
  }
  s->open[s->nopen++] = k;
  return BM_OK;
}

static bm_status pop_open(svg_backend *s, open_kind k, const char *what) {
  if (!s->nopen || s->open[s->nopen - 1] != k)
    return bm_backend_fail(&s->base, BM_ERR_INTERNAL, "%s without a matching begin", what);
  s->nopen--;
  put(s, "</g>\n");
  return s->base.status;
}

static bm_status begin_layer(bm_backend *b, const char *name) {
  svg_backend *s = svg(b);
  if (!name) name = "layer";
  put(s, "<g");
  attr_str(s, "id", unique_id(s, name));
  put(s, " inkscape:groupmode=\"layer\"");
  attr_str(s, "inkscape:label", name);
  put(s, ">\n");
  push_open(s, OPEN_LAYER);
  return b->status;
}

static bm_status end_layer(bm_backend *b) { return pop_open(svg(b), OPEN_LAYER, "end_layer"); }

static bm_status fill(bm_backend *b, const bm_path *p, bm_color c) {
  svg_backend *s = svg(b);
  put(s, "<path");
  path_data(s, p);
  attr_color(s, "fill", c);
  put(s, " fill-rule=\"evenodd\"/>\n");
  return b->status;
}

static bm_status stroke(bm_backend *b, const bm_path *p, const bm_stroke *st) {
  static const char *const caps[] = {"butt", "round", "square"};
  svg_backend *s = svg(b);
  put(s, "<path");
  path_data(s, p);
  put(s, " fill=\"none\"");
  attr_color(s, "stroke", st->color);
  attr_num(s, "stroke-width", st->width);
  if (st->dash && st->ndash > 0) {
    put(s, " stroke-dasharray=\"");
    for (int i = 0; i < st->ndash; i++) {
      if (i) putc1(s, ' ');
      num(s, st->dash[i]);
    }
    putc1(s, '"');
  }
  attr_str(s, "stroke-linecap", caps[st->cap <= BM_CAP_SQUARE ? st->cap : 0]);
  if (st->join == BM_JOIN_MITER) /* Cairo's miter limit is 10, SVG's default 4 */
    put(s, " stroke-linejoin=\"miter\" stroke-miterlimit=\"10\"");
  else
    put(s, " stroke-linejoin=\"round\"");
  put(s, "/>\n");
  return b->status;
}

static bm_status clip_push(bm_backend *b, const bm_path *p) {
  svg_backend *s = svg(b);
  const char *id = next_id(s, "clip", &s->nclip);
  put(s, "<defs><clipPath");
  attr_str(s, "id", id);
  put(s, "><path");
  path_data(s, p);
  put(s, " clip-rule=\"evenodd\"/></clipPath></defs>\n<g clip-path=\"url(#");
  put(s, id);
  put(s, ")\">\n");
  push_open(s, OPEN_CLIP);
  return b->status;
}

static bm_status clip_pop(bm_backend *b) { return pop_open(svg(b), OPEN_CLIP, "clip_pop"); }

/* ---- text ---------------------------------------------------------------- */

static double layout_letter_spacing(PangoLayout *layout) {
  PangoAttrList *al = pango_layout_get_attributes(layout);
  if (!al) return 0;
  PangoAttrIterator *it = pango_attr_list_get_iterator(al);
  PangoAttribute *a = pango_attr_iterator_get(it, PANGO_ATTR_LETTER_SPACING);
  double ls = a ? (double)((PangoAttrInt *)a)->value / PANGO_SCALE : 0;
  pango_attr_iterator_destroy(it);
  return ls;
}

/* font-family: the layout's family, then any other family Pango fell back to
 * for some run (Noto Sans Arabic for Persian), so a renderer with more fonts
 * installed than text/text.c loads still picks the same faces. */
static void font_family(svg_backend *s, PangoLayout *layout, const char *family) {
  GString *list = g_string_new(family ? family : "");
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
    if (!run || !run->item->analysis.font) continue;
    PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
    const char *f = pango_font_description_get_family(d);
    bool seen = !f || (family && !g_ascii_strcasecmp(f, family));
    for (const char *p = list->str; !seen && (p = strstr(p, f)); p++) /* whole names only */
      seen = (p == list->str || p[-1] == ' ') && (!p[strlen(f)] || p[strlen(f)] == ',');
    if (!seen) g_string_append_printf(list, list->len ? ", %s" : "%s", f);
    pango_font_description_free(d);
  } while (pango_layout_iter_next_run(it));
  pango_layout_iter_free(it);
  if (list->len) attr_str(s, "font-family", list->str);
  g_string_free(list, TRUE);
}

/* The font attributes of a <text>, from the layout as text/text.c made it. */
static void font_attrs(svg_backend *s, PangoLayout *layout) {
  const PangoFontDescription *fd = pango_layout_get_font_description(layout);
  put(s, " xml:space=\"preserve\"");
  if (fd) {
    font_family(s, layout, pango_font_description_get_family(fd));
    attr_num(s, "font-size", (double)pango_font_description_get_size(fd) / PANGO_SCALE);
    char w[16];
    snprintf(w, sizeof w, "%d", (int)pango_font_description_get_weight(fd));
    attr_str(s, "font-weight", w);
    if (pango_font_description_get_style(fd) != PANGO_STYLE_NORMAL)
      put(s, " font-style=\"italic\"");
  }
  double ls = layout_letter_spacing(layout);
  if (ls != 0) attr_num(s, "letter-spacing", ls);
}

/* Whether Pango laid a line out as a right-to-left paragraph: its lowest
 * bidi level is odd. Pango takes the paragraph direction from the first strong
 * character, so "رود آمو Amu" is right-to-left with "Amu" embedded at level 2;
 * the SVG must say direction="rtl" for a renderer to order it the same way. */
static bool line_is_rtl(PangoLayoutLine *line) {
  int lowest = -1;
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    int level = run->item->analysis.level;
    if (lowest < 0 || level < lowest) lowest = level;
  }
  return lowest > 0 && (lowest & 1);
}

/* How a text's lines are anchored. Inkscape applies the first text-anchor of
 * a <text> to all its lines (it ignores a tspan's own), so it is chosen once:
 * start (x at the left edge) for left-to-right text, middle (x at the centre)
 * when a line is right-to-left or the lines are centred. Middle is also the
 * one anchor that means the same point in either direction, where renderers
 * differ on what start and end mean for RTL. */
typedef struct {
  bool middle;
  double ls;    /* letter spacing, px; a kept space carries it too */
  double space; /* advance of a space, px */
} anchoring;

static anchoring text_anchoring(PangoLayout *layout) {
  anchoring a = {false, layout_letter_spacing(layout), 0};
  int nlines = pango_layout_get_line_count(layout);
  a.middle = nlines > 1 && pango_layout_get_alignment(layout) == PANGO_ALIGN_CENTER;
  for (int i = 0; i < nlines && !a.middle; i++)
    a.middle = line_is_rtl(pango_layout_get_line_readonly(layout, i));
  if (a.middle && nlines > 1) {
    PangoLayout *sp = pango_layout_copy(layout);
    pango_layout_set_attributes(sp, NULL);
    pango_layout_set_width(sp, -1);
    pango_layout_set_text(sp, " ", -1);
    PangoRectangle logical;
    pango_layout_get_extents(sp, NULL, &logical);
    a.space = (double)logical.width / PANGO_SCALE;
    g_object_unref(sp);
  }
  return a;
}

/* One Pango line, where Pango put it: x and y of its baseline start (or
 * centre), direction for a right-to-left line, then its text. The space a wrap
 * leaves at the end of a line is kept (so Inkscape does not join Arabic
 * letters across lines, and the text reads right when copied); a middle anchor
 * centres it with the line, so x moves by half of what it adds. */
static void line_out(svg_backend *s, PangoLayoutIter *it, double x, double y, const char *text,
                     const anchoring *a, bool tspan) {
  PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(it, NULL, &logical);
  const char *p = text + line->start_index;
  size_t n = (size_t)line->length, visible = n;
  while (visible && (p[visible - 1] == ' ' || p[visible - 1] == '\n' || p[visible - 1] == '\r'))
    visible--;
  bool rtl = line_is_rtl(line);
  double left = x + (double)logical.x / PANGO_SCALE;
  double lx = left;
  if (a->middle) {
    double extra = (double)(n - visible) * (a->space + a->ls);
    lx = left + (double)logical.width / PANGO_SCALE / 2 + (rtl ? -extra : extra) / 2;
  }
  if (tspan) put(s, "<tspan");
  attr_num(s, "x", lx);
  attr_num(s, "y", y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
  if (rtl) put(s, " direction=\"rtl\" unicode-bidi=\"embed\"");
  if (!tspan && a->middle) put(s, " text-anchor=\"middle\"");
  putc1(s, '>');
  escaped(s, p, tspan ? n : visible);
  if (tspan) put(s, "</tspan>");
}

/* The paint of a text, or of its halo: the same text stroked twice the halo
 * width with round joins, as the Cairo painters stroke the glyph outlines. */
static void paint_attrs(svg_backend *s, bm_color color, double halo_width, bm_color halo,
                        bool is_halo) {
  if (!is_halo) {
    attr_color(s, "fill", color);
    return;
  }
  attr_color(s, "fill", halo);
  attr_color(s, "stroke", halo);
  attr_num(s, "stroke-width", 2 * halo_width);
  put(s, " stroke-linejoin=\"round\"");
}

/* One <text>: a single line carries its position itself, several lines are
 * <tspan>s. halo: the halo's stroke and fill instead of the text colour. */
static void text_element(svg_backend *s, const bm_text_run *t, const char *id, bool halo) {
  PangoLayout *layout = t->layout;
  const char *text = pango_layout_get_text(layout);
  anchoring a = text_anchoring(layout);
  put(s, "<text");
  if (id) attr_str(s, "id", id);
  font_attrs(s, layout);
  paint_attrs(s, t->color, t->halo_width, t->halo, halo);
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  if (pango_layout_get_line_count(layout) <= 1) {
    line_out(s, it, t->x, t->y, text, &a, false);
  } else {
    if (a.middle) put(s, " text-anchor=\"middle\"");
    putc1(s, '>');
    do
      line_out(s, it, t->x, t->y, text, &a, true);
    while (pango_layout_iter_next_line(it));
  }
  pango_layout_iter_free(it);
  put(s, "</text>\n");
}

static const char *text_id(svg_backend *s, const char *want) {
  return want && *want ? unique_id(s, want) : NULL;
}

static bm_status text(bm_backend *b, const bm_text_run *t) {
  svg_backend *s = svg(b);
  if (t->paint == BM_TEXT_PAINT_HALO) return b->status; /* whole in the glyph pass */
  const char *id = text_id(s, t->id);
  if (t->halo_width > 0) {
    put(s, "<g>");
    text_element(s, t, NULL, true);
    text_element(s, t, id, false);
    put(s, "</g>\n");
  } else {
    text_element(s, t, id, false);
  }
  return b->status;
}

/* ---- text along a line --------------------------------------------------- */

/* Curved text is one <text> with a <tspan> per cluster, each at its place on
 * the bent baseline with a rotate. Not <textPath>: Debian 12's librsvg (2.54)
 * draws nothing for it, nor does it honour x/y/rotate lists on one element;
 * it does honour a tspan's own x and y (and ignores its rotate, so there the
 * letters stand upright at the right places), while Inkscape and Illustrator
 * apply the rotate too. A right-to-left run stays whole (splitting it would
 * break the joining of Arabic script) and is set straight from its left end,
 * at its place along the line. It gets no direction attribute: in the
 * left-to-right chunk it starts, the bidi algorithm orders it as Pango did,
 * and x stays its left end in every renderer (Inkscape honours only the
 * first text-anchor of a <text>, so a centred run cannot be mixed in). */
typedef struct {
  svg_backend *s;
  const bm_text_path *t;
  const char *text;
  double lift; /* the baseline's height above the line */
} path_ctx;

/* Where the baseline point of a piece of width w at layout x lies, so that
 * its middle sits on the bent baseline; rot in degrees. */
static void along(const path_ctx *c, double x, double w, double *px, double *py, double *rot) {
  double mx, my, a;
  bm_polyline_at(c->t->path, c->t->npath, c->t->s0 + x + w / 2, &mx, &my, &a);
  mx += sin(a) * c->lift;
  my -= cos(a) * c->lift;
  *px = mx - cos(a) * w / 2;
  *py = my - sin(a) * w / 2;
  *rot = a * 180 / M_PI;
}

static void piece(const path_ctx *c, const char *str, size_t n, double x, double w, bool rtl) {
  svg_backend *s = c->s;
  double px, py, rot;
  along(c, x, w, &px, &py, &rot);
  put(s, "<tspan");
  attr_num(s, "x", px);
  attr_num(s, "y", py);
  if (!rtl) attr_num(s, "rotate", rot); /* a rotate would turn each letter of a run apart */
  putc1(s, '>');
  escaped(s, str, n);
  put(s, "</tspan>");
}

/* The clusters of one run, left to right, each with its x and advance. */
static void run_pieces(const path_ctx *c, PangoGlyphItem *run, double x0) {
  PangoGlyphString *gs = run->glyphs;
  const char *base = c->text + run->item->offset;
  int len = run->item->length;
  if (run->item->analysis.level & 1) {
    double w = (double)pango_glyph_string_get_width(gs) / PANGO_SCALE;
    piece(c, base, (size_t)len, x0, w, true);
    return;
  }
  double x = x0;
  for (int g = 0; g < gs->num_glyphs;) {
    int start = gs->log_clusters[g], k = g;
    double w = 0, dx = (double)gs->glyphs[g].geometry.x_offset / PANGO_SCALE;
    for (; k < gs->num_glyphs && gs->log_clusters[k] == start; k++)
      w += (double)gs->glyphs[k].geometry.width / PANGO_SCALE;
    int end = k < gs->num_glyphs ? gs->log_clusters[k] : len;
    /* x_offset: where Pango draws the glyph in its advance (letter spacing) */
    if (end > start) piece(c, base + start, (size_t)(end - start), x + dx, w, false);
    x += w;
    g = k;
  }
}

static void path_element(svg_backend *s, const bm_text_path *t, const char *id, bool halo) {
  PangoLayout *layout = t->layout;
  put(s, "<text");
  if (id) attr_str(s, "id", id);
  font_attrs(s, layout);
  paint_attrs(s, t->color, t->halo_width, t->halo, halo);
  putc1(s, '>');
  double w, h;
  bm_text_size(layout, &w, &h);
  /* as paint.c bends it: the layout's bottom 1 px above the line */
  path_ctx c = {s, t, pango_layout_get_text(layout),
                h + 1 - (double)pango_layout_get_baseline(layout) / PANGO_SCALE};
  PangoLayoutLine *line = pango_layout_get_line_readonly(layout, 0);
  PangoRectangle logical;
  pango_layout_line_get_extents(line, NULL, &logical);
  double x = (double)logical.x / PANGO_SCALE;
  for (GSList *r = line ? line->runs : NULL; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    run_pieces(&c, run, x);
    x += (double)pango_glyph_string_get_width(run->glyphs) / PANGO_SCALE;
  }
  put(s, "</text>\n");
}

static bm_status text_on_path(bm_backend *b, const bm_text_path *t) {
  svg_backend *s = svg(b);
  if (t->paint == BM_TEXT_PAINT_HALO) return b->status; /* whole in the glyph pass */
  const char *id = text_id(s, t->id);
  if (t->halo_width > 0) {
    put(s, "<g>");
    path_element(s, t, NULL, true);
    path_element(s, t, id, false);
    put(s, "</g>\n");
  } else {
    path_element(s, t, id, false);
  }
  return b->status;
}

/* ---- images -------------------------------------------------------------- */

static cairo_status_t to_sink(void *closure, const unsigned char *data, unsigned int n) {
  return bm_sink_write(closure, data, n) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The raster as a PNG with its alpha (Cairo's encoder: a translucent relief must stay
 * translucent over what is under it), base64 in the document. */
static bm_status image(bm_backend *b, const bm_image *im) {
  svg_backend *s = svg(b);
  bm_sink png = {0};
  cairo_surface_t *surf = cairo_image_surface_create_for_data(
      (unsigned char *)im->data, CAIRO_FORMAT_ARGB32, im->pw, im->ph, im->stride);
  cairo_status_t cs = cairo_surface_write_to_png_stream(surf, to_sink, &png);
  cairo_surface_destroy(surf);
  if (cs != CAIRO_STATUS_SUCCESS || png.failed) {
    free(png.data);
    return bm_backend_fail(b, BM_ERR_NOMEM, "encoding an image: %s", cairo_status_to_string(cs));
  }
  gchar *b64 = g_base64_encode(png.data, png.len);
  free(png.data);
  put(s, "<image");
  attr_num(s, "x", im->x);
  attr_num(s, "y", im->y);
  attr_num(s, "width", im->w);
  attr_num(s, "height", im->h);
  put(s, " preserveAspectRatio=\"none\" xlink:href=\"data:image/png;base64,");
  put(s, b64);
  put(s, "\"/>\n");
  g_free(b64);
  return b->status;
}

/* ---- the document -------------------------------------------------------- */

static bm_status finish(bm_backend *b, bm_error *err) {
  svg_backend *s = svg(b);
  if (s->finished) /* a second finish would write a second document */
    bm_backend_fail(b, BM_ERR_INTERNAL, "the SVG was already finished");
  s->finished = true;
  /* groups a painter left open are closed, so the file is still well formed */
  while (s->nopen) {
    s->nopen--;
    put(s, "</g>\n");
  }
  put(s, "</svg>\n");
  if (b->status) return bm_error_set(err, b->status, NULL, 0, 0, "%s", b->message);
  bm_sink head = {0};
  char buf[512];
  snprintf(buf, sizeof buf,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" "
           "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
           "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" "
           "xmlns:sodipodi=\"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd\" "
           "version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
           b->width, b->height, b->width, b->height);
  bool ok = bm_sink_write(&head, buf, strlen(buf));
  ok = ok && bm_sink_write(s->out, head.data, head.len) &&
       bm_sink_write(s->out, s->doc.data, s->doc.len);
  free(head.data);
  if (!ok || s->out->failed) {
    bm_backend_fail(b, BM_ERR_IO, "cannot write the SVG (disk full?)");
    return bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "%s", b->message);
  }
  if (s->out->f && fflush(s->out->f)) {
    s->out->failed = true;
    bm_backend_fail(b, BM_ERR_IO, "cannot write the SVG (disk full?)");
    return bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "%s", b->message);
  }
  return BM_OK;
}

static void destroy(bm_backend *b) {
  svg_backend *s = svg(b);
  free(s->doc.data);
  free(s->open);
  if (s->ids) g_hash_table_destroy(s->ids);
  free(s);
}

static const bm_backend_ops svg_ops = {begin_layer, end_layer, fill,   stroke,
                                       clip_push,   clip_pop,  text,   text_on_path,
                                       image,       finish,    destroy};

bm_status bm_backend_svg_create(int width, int height, bm_sink *out, bm_backend **be,
                                bm_error *err) {
  *be = NULL;
  if (width <= 0 || height <= 0)
    return bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "SVG size %dx%d is not positive", width,
                        height);
  svg_backend *s = calloc(1, sizeof *s);
  if (!s) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  s->base.ops = &svg_ops;
  s->base.width = width;
  s->base.height = height;
  s->out = out;
  s->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  *be = &s->base;
  return BM_OK;
}
