#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void bm_error_clear(bm_error *e) {
  if (!e) return;
  e->code = BM_OK;
  e->file[0] = '\0';
  e->line = e->col = 0;
  e->msg[0] = '\0';
}

bm_status bm_error_set(bm_error *e, bm_status code, const char *file, int line, int col,
                       const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  snprintf(e->file, sizeof e->file, "%s", file ? file : "");
  e->line = line;
  e->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return code;
}

bm_status bm_error_wrap(bm_error *e, const char *fmt, ...) {
  if (!e) return BM_ERR_INTERNAL;
  char ctx[512], old[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx, sizeof ctx, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  snprintf(e->msg, sizeof e->msg, "%s: %s", ctx, old);
  return e->code;
}

void bm_error_format(const bm_error *e, char *buf, size_t n) {
  if (!e->file[0])
    snprintf(buf, n, "%s", e->msg);
  else if (e->line > 0 && e->col > 0)
    snprintf(buf, n, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
  else if (e->line > 0)
    snprintf(buf, n, "%s:%d: %s", e->file, e->line, e->msg);
  else
    snprintf(buf, n, "%s: %s", e->file, e->msg);
}

const char *bm_status_name(bm_status code) {
  switch (code) {
  case BM_OK: return "ok";
  case BM_ERR_USAGE: return "usage error";
  case BM_ERR_SPEC: return "spec error";
  case BM_ERR_DATA: return "data error";
  case BM_ERR_IO: return "i/o error";
  case BM_ERR_PROJ: return "projection error";
  case BM_ERR_NET: return "download error";
  case BM_ERR_NOMEM: return "out of memory";
  case BM_ERR_INTERNAL: return "internal error";
  }
  return "error";
}
