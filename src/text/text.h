/* text/text.h — shaping and measuring text with Pango (HarfBuzz, fribidi).
 *
 * Shared by label/ (to size boxes) and render/ (to draw them), so both see the
 * same layout. A bm_text owns a private fontconfig configuration holding only
 * the Noto fonts bordermap ships on (no system font scan), so every machine
 * shapes the same glyphs and output is identical run to run. Sizes are pixels;
 * hinting is off so measures do not depend on the output surface.
 */
#ifndef BM_TEXT_TEXT_H
#define BM_TEXT_TEXT_H

#include <pango/pango.h>
#include <stdbool.h>

#include "core/error.h"

typedef struct bm_text bm_text;

typedef struct {
  double size; /* pixels */
  int weight;  /* 400 regular, 600 semibold, 700 bold */
  bool italic;
  bool uppercase;        /* draw the text in capitals */
  double letter_spacing; /* em */
  double wrap_width;     /* pixels; 0: one line */
  bool center;           /* centre lines (multi-line labels) */
  bool rtl;              /* right-to-left paragraph (furniture of an RTL map): the base
                            direction is RTL and lines are aligned to the right edge */
} bm_text_style;

/* Loads the fonts from $BORDERMAP_FONTS or /usr/share/fonts/truetype/noto. */
bm_status bm_text_create(const char *family, bm_text **out, bm_error *err);
void bm_text_destroy(bm_text *t);
/* On: bm_text_destroy keeps one engine and the next bm_text_create of the same family (and
 * font folder) takes it instead of loading the fonts again (a batch worker's next map).
 * Off: the kept one is freed. Off by default. */
void bm_text_keep(bool on);

/* A laid-out text; caller releases it with g_object_unref. */
PangoLayout *bm_text_layout(bm_text *t, const char *utf8, const bm_text_style *st);
/* True when a UTF-8 string holds Arabic-script letters: such text is never
 * letter-spaced (spacing breaks the joining of its letters). */
bool bm_text_is_arabic_script(const char *utf8);
/* The x of a laid-out text's right edge, relative to where it is drawn (its lines may
 * start right of that origin when they are aligned right). */
double bm_text_right(PangoLayout *layout);
/* Ink-independent logical size of a laid-out text, in pixels. */
void bm_text_size(PangoLayout *layout, double *w, double *h);

#endif
