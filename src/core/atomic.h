/* core/atomic.h — files that appear whole or not at all.
 *
 * bm_atomic_open creates a temp file beside `path` (same folder, so the
 * final rename is atomic), with the usual permissions (0666 less the umask).
 * Write through a->f; bm_atomic_commit flushes, checks and renames it into
 * place; bm_atomic_abort removes it. After a failure nothing is left at path
 * and an older file there survives. Splitting commit into a check and a
 * rename lets several files (a map and its label report) be checked first
 * and then all put in place.
 *
 * Temp files are named  .{name}.bordermap-tmp-{host}-{pid}-{n}  so that anyone
 * can tell what they are, and so that bm_atomic_clean_stale can remove those
 * a killed render (kill -9, power loss) left behind.
 */
#ifndef BM_CORE_ATOMIC_H
#define BM_CORE_ATOMIC_H

#include <stdio.h>

#include "core/error.h"

typedef struct {
  char *path, *tmp; /* owned */
  FILE *f;          /* open until bm_atomic_close */
} bm_atomic;

#define BM_ATOMIC_TMP_MARK ".bordermap-tmp-"

/* Removes from folder dir ("" or NULL: the working directory) the temp files
 * of bordermap processes on this machine that no longer run; a file whose
 * process still runs (or whose pid is in use again) is kept. Returns the
 * number removed. Never fails: a folder that cannot be read is left alone. */
size_t bm_atomic_clean_stale(const char *dir);

/* Fails with BM_ERR_IO naming the folder when it is missing or not writable. */
bm_status bm_atomic_open(bm_atomic *a, const char *path, bm_error *err);
/* Flushes and closes the temp file, checking every write made it to disk. */
bm_status bm_atomic_close(bm_atomic *a, bm_error *err);
/* Renames the closed temp file to the path. */
bm_status bm_atomic_rename(bm_atomic *a, bm_error *err);
/* bm_atomic_close then bm_atomic_rename. */
bm_status bm_atomic_commit(bm_atomic *a, bm_error *err);
/* Removes the temp file if it is still there and frees a's strings. Safe after
 * a commit (then it only frees) and on a zeroed bm_atomic. */
void bm_atomic_abort(bm_atomic *a);

#endif
