/* render/backend.c — what every backend shares: formats, sinks, paths, and
 * the shorthands painters call (see render/backend.h). */
#include "render/backend.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const format_names[] = {"png", "pdf", "svg"};

bool bm_format_from_name(const char *name, bm_format *out) {
  for (int i = 0; i < 3; i++)
    if (!bm_strcasecmp(name, format_names[i])) {
      *out = (bm_format)i;
      return true;
    }
  return false;
}

bool bm_format_from_path(const char *path, bm_format *out) {
  char ext[16];
  bm_path_ext(path, ext, sizeof ext);
  return bm_format_from_name(ext, out);
}

const char *bm_format_name(bm_format f) { return format_names[f]; }

/* ---- sinks ------------------------------------------------------------- */

bool bm_sink_write(bm_sink *s, const void *data, size_t n) {
  if (s->failed) return false;
  if (s->f) {
    if (n && fwrite(data, 1, n, s->f) != n) s->failed = true;
    return !s->failed;
  }
  if (s->len + n > s->cap) {
    size_t cap = s->cap ? s->cap : 1 << 16;
    while (cap < s->len + n)
      cap *= 2;
    unsigned char *d = realloc(s->data, cap);
    if (!d) return !(s->failed = true);
    s->data = d;
    s->cap = cap;
  }
  if (n) memcpy(s->data + s->len, data, n);
  s->len += n;
  return true;
}

/* ---- paths ------------------------------------------------------------- */

int bm_path_op_values(bm_path_op op) {
  switch (op) {
  case BM_PATH_MOVE:
  case BM_PATH_LINE: return 2;
  case BM_PATH_CURVE: return 6;
  case BM_PATH_ARC: return 5;
  default: return 0;
  }
}

void bm_path_init(bm_path *p) { memset(p, 0, sizeof *p); }

void bm_path_reset(bm_path *p) { p->nop = p->nv = 0; }

void bm_path_free(bm_path *p) {
  free(p->op);
  free(p->v);
  bm_path_init(p);
}

static bool grow(void **v, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return true;
  size_t c = *cap ? *cap : 64;
  while (c < need)
    c *= 2;
  void *n = realloc(*v, c * size);
  if (!n) return false;
  *v = n;
  *cap = c;
  return true;
}

static void push(bm_path *p, bm_path_op op, const double *v) {
  int nv = bm_path_op_values(op);
  if (p->oom || !grow((void **)&p->op, &p->cap_op, p->nop + 1, sizeof *p->op) ||
      !grow((void **)&p->v, &p->cap_v, p->nv + (size_t)nv, sizeof *p->v)) {
    p->oom = true;
    return;
  }
  p->op[p->nop++] = op;
  if (nv) memcpy(p->v + p->nv, v, (size_t)nv * sizeof *v); /* close has no values (v NULL) */
  p->nv += (size_t)nv;
}

void bm_path_move(bm_path *p, double x, double y) { push(p, BM_PATH_MOVE, (double[]){x, y}); }
void bm_path_line(bm_path *p, double x, double y) { push(p, BM_PATH_LINE, (double[]){x, y}); }
void bm_path_curve(bm_path *p, double x1, double y1, double x2, double y2, double x3, double y3) {
  push(p, BM_PATH_CURVE, (double[]){x1, y1, x2, y2, x3, y3});
}
void bm_path_arc(bm_path *p, double cx, double cy, double r, double a0, double a1) {
  push(p, BM_PATH_ARC, (double[]){cx, cy, r, a0, a1});
}
void bm_path_close(bm_path *p) { push(p, BM_PATH_CLOSE, NULL); }

void bm_path_rect(bm_path *p, double x, double y, double w, double h) {
  bm_path_move(p, x, y);
  bm_path_line(p, x + w, y);
  bm_path_line(p, x + w, y + h);
  bm_path_line(p, x, y + h);
  bm_path_close(p);
}

void bm_path_geom(bm_path *p, const bm_geom *g) {
  for (size_t i = 0; i < g->nparts; i++) {
    const double *xy = bm_geom_part_xy(g, i);
    size_t n = bm_geom_part_len(g, i);
    if (n == 0) continue;
    bm_path_move(p, xy[0], xy[1]);
    for (size_t k = 1; k < n; k++)
      bm_path_line(p, xy[2 * k], xy[2 * k + 1]);
    if (g->type == BM_GEOM_POLYGON) bm_path_close(p);
  }
}

/* ---- dispatch ---------------------------------------------------------- */

bm_status bm_backend_fail(bm_backend *b, bm_status st, const char *fmt, ...) {
  if (b->status) return b->status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->message, sizeof b->message, fmt, ap);
  va_end(ap);
  return b->status = st;
}

/* An incomplete path (out of memory) is never drawn: it would be a wrong map. */
static bool usable(bm_backend *b, const bm_path *p) {
  if (b->status) return false;
  if (p && p->oom) {
    bm_backend_fail(b, BM_ERR_NOMEM, "out of memory while building a path");
    return false;
  }
  return true;
}

void bm_be_layer(bm_backend *b, const char *name) {
  if (usable(b, NULL)) b->ops->begin_layer(b, name);
}
void bm_be_end_layer(bm_backend *b) {
  if (usable(b, NULL)) b->ops->end_layer(b);
}
void bm_be_fill(bm_backend *b, const bm_path *p, bm_color c) {
  if (usable(b, p) && p->nop) b->ops->fill(b, p, c);
}
void bm_be_stroke(bm_backend *b, const bm_path *p, const bm_stroke *s) {
  if (usable(b, p) && p->nop && s->width > 0) b->ops->stroke(b, p, s);
}
void bm_be_clip(bm_backend *b, const bm_path *p) {
  if (usable(b, p)) b->ops->clip_push(b, p);
}
void bm_be_unclip(bm_backend *b) {
  if (usable(b, NULL)) b->ops->clip_pop(b);
}
void bm_be_text(bm_backend *b, const bm_text_run *t) {
  if (usable(b, NULL) && t->layout) b->ops->text(b, t);
}
void bm_be_text_on_path(bm_backend *b, const bm_text_path *t) {
  if (usable(b, NULL) && t->layout && t->npath >= 2) b->ops->text_on_path(b, t);
}

bm_status bm_be_finish(bm_backend *b, bm_error *err) { return b->ops->finish(b, err); }

void bm_be_destroy(bm_backend *b) {
  if (b) b->ops->destroy(b);
}
