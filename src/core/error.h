/* core/error.h — how every library function reports failure.
 *
 * Library code never prints or exits. A function that can fail returns a
 * bm_status and, on failure, fills the caller's bm_error with a code, the
 * place the problem is (file, 1-based line and column when known) and one
 * sentence that says what is wrong and what would be valid. Callers higher
 * up may prepend context ("loading layer rivers: ...") with bm_error_wrap.
 * Only cli/ turns a bm_error into text on stderr and an exit code.
 */
#ifndef BM_CORE_ERROR_H
#define BM_CORE_ERROR_H

#include <stddef.h>

typedef enum {
  BM_OK = 0,
  BM_ERR_USAGE, /* bad command line */
  BM_ERR_SPEC,  /* map spec or style file: syntax, unknown key, bad value */
  BM_ERR_DATA,  /* missing or broken data folder, layer or shapefile */
  BM_ERR_IO,    /* cannot read or write a file */
  BM_ERR_PROJ,  /* projection cannot be built or applied */
  BM_ERR_NET,   /* download failed */
  BM_ERR_NOMEM,
  BM_ERR_INTERNAL
} bm_status;

typedef struct bm_error {
  bm_status code;
  char file[512]; /* empty when the error is not about a file */
  int line;       /* 1-based; 0 when unknown */
  int col;        /* 1-based; 0 when unknown */
  char msg[1536];
} bm_error;

/* Clears e (code BM_OK, empty strings). e may be NULL. */
void bm_error_clear(bm_error *e);

/* Fills e and returns code. file may be NULL; line/col 0 when unknown. */
bm_status bm_error_set(bm_error *e, bm_status code, const char *file, int line, int col,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prepends "context: " to the message, keeping code and location. Returns e->code. */
bm_status bm_error_wrap(bm_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "file:line:col: message" (parts that are unknown are left out) into buf. */
void bm_error_format(const bm_error *e, char *buf, size_t n);

/* A short word for the code, e.g. "spec error". */
const char *bm_status_name(bm_status code);

#endif
