#include "text/text.h"

#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct bm_text {
  FcConfig *fc;
  PangoFontMap *map;
  PangoContext *ctx;
  char family[64];
  char dir[1024]; /* where its fonts were loaded from */
};

/* The fonts a map may use: one family in several weights, plus Arabic script, each with the
 * Debian package that ships it (dpkg -S; tests/runtime/packages.sh checks this table). */
static const struct {
  const char *file, *package;
} font_files[] = {{"NotoSans-Regular.ttf", "fonts-noto-core"},
                  {"NotoSans-Italic.ttf", "fonts-noto-core"},
                  {"NotoSans-Bold.ttf", "fonts-noto-core"},
                  {"NotoSans-BoldItalic.ttf", "fonts-noto-core"},
                  {"NotoSans-SemiBold.ttf", "fonts-noto-extra"},
                  {"NotoSans-SemiBoldItalic.ttf", "fonts-noto-extra"},
                  {"NotoSansArabic-Regular.ttf", "fonts-noto-core"},
                  {"NotoSansArabic-Bold.ttf", "fonts-noto-core"},
                  {NULL, NULL}};

/* bm_text_keep's engine: loading the fonts was 2% of a batch worker's map */
static bool keeping;
static bm_text *kept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

void bm_text_keep(bool on) {
  pthread_mutex_lock(&kept_lock);
  keeping = on;
  bm_text *drop = on ? NULL : kept;
  if (!on) kept = NULL;
  pthread_mutex_unlock(&kept_lock);
  if (drop) bm_text_destroy(drop);
}

bm_status bm_text_create(const char *family, bm_text **out, bm_error *err) {
  *out = NULL;
  const char *dir = getenv("BORDERMAP_FONTS");
  if (!dir || !*dir) dir = "/usr/share/fonts/truetype/noto";
  pthread_mutex_lock(&kept_lock);
  if (kept && !strcmp(kept->family, family) && !strcmp(kept->dir, dir)) *out = kept, kept = NULL;
  pthread_mutex_unlock(&kept_lock);
  if (*out) return BM_OK;
  bm_text *t = calloc(1, sizeof *t);
  if (!t) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  snprintf(t->family, sizeof t->family, "%s", family);
  snprintf(t->dir, sizeof t->dir, "%s", dir);
  t->fc = FcConfigCreate();
  for (size_t i = 0; font_files[i].file; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, font_files[i].file);
    bool there = bm_file_exists(path);
    if (!there || !FcConfigAppFontAddFile(t->fc, (const FcChar8 *)path)) {
      bm_text_destroy(t);
      return bm_error_set(err, BM_ERR_DATA, path, 0, 0,
                          "font file %s; install the Debian package %s (apt-get install %s), "
                          "or set BORDERMAP_FONTS to a folder with the Noto Sans files",
                          there ? "cannot be read as a font" : "missing", font_files[i].package,
                          font_files[i].package);
    }
  }
  t->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(t->map), t->fc);
  t->ctx = pango_font_map_create_context(t->map);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(t->ctx, fo);
  cairo_font_options_destroy(fo);
  pango_cairo_context_set_resolution(t->ctx, 72); /* 1 pt == 1 px */
  pango_context_set_round_glyph_positions(t->ctx, FALSE);
  *out = t;
  return BM_OK;
}

void bm_text_destroy(bm_text *t) {
  if (!t) return;
  pthread_mutex_lock(&kept_lock);
  bool put = keeping && !kept && t->fc && t->ctx;
  if (put) kept = t;
  pthread_mutex_unlock(&kept_lock);
  if (put) return;
  if (t->ctx) g_object_unref(t->ctx);
  if (t->map) g_object_unref(t->map);
  if (t->fc) FcConfigDestroy(t->fc);
  free(t);
}

PangoLayout *bm_text_layout(bm_text *t, const char *utf8, const bm_text_style *st) {
  PangoLayout *l = pango_layout_new(t->ctx);
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, t->family);
  pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
  pango_font_description_set_weight(fd, (PangoWeight)(st->weight ? st->weight : 400));
  pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  char *text = st->uppercase ? g_utf8_strup(utf8, -1) : g_strdup(utf8);
  if (st->rtl) {
    /* a right-to-left mark first: the paragraph is RTL whatever its first letter */
    char *marked = g_strconcat("\xE2\x80\x8F", text, NULL);
    g_free(text);
    text = marked;
  }
  pango_layout_set_text(l, text, -1);
  g_free(text);
  if (st->letter_spacing > 0 && !bm_text_is_arabic_script(utf8)) {
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(
        al, pango_attr_letter_spacing_new((int)(st->letter_spacing * st->size * PANGO_SCALE)));
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
  }
  if (st->wrap_width > 0) {
    pango_layout_set_width(l, (int)(st->wrap_width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    /* the block is as wide as its widest line, so that the lines (centred in
     * it) start at the layout's origin: its size is then its box exactly, where
     * a wrap width wider than the lines moved the ink off the measured box */
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    if (logical.width > 0) pango_layout_set_width(l, logical.width);
  }
  /* Right-to-left runs (Persian, Arabic) still read right to left inside the
   * line; the block itself keeps the map's alignment instead of flipping. */
  /* An RTL paragraph (st->rtl) takes its direction from its first letter, the mark, and
   * its left alignment is flipped to the right. */
  pango_layout_set_auto_dir(l, st->rtl);
  pango_layout_set_alignment(l, st->center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  return l;
}

bool bm_text_is_arabic_script(const char *utf8) {
  for (const char *p = utf8; p && *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_get_script(c) == G_UNICODE_SCRIPT_ARABIC) return true;
  }
  return false;
}

double bm_text_right(PangoLayout *layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  return (double)(logical.x + logical.width) / PANGO_SCALE;
}

void bm_text_size(PangoLayout *layout, double *w, double *h) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  *w = (double)logical.width / PANGO_SCALE;
  *h = (double)logical.height / PANGO_SCALE;
}
