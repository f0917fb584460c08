/* serve/watch.h — notices when any of a few files is saved.
 *
 * Editors save in many ways: write in place, write a new file and rename it over the old,
 * delete and create. So the watcher watches the folders the files are in (inotify) and
 * compares each file's status (modification time, size, inode, present or not) with what
 * it last saw; where inotify is not available (or force_polling), it compares every
 * BM_WATCH_POLL_MS instead. Paths are kept as given (relative to the working directory).
 */
#ifndef BM_SERVE_WATCH_H
#define BM_SERVE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#define BM_WATCH_POLL_MS 200

typedef struct bm_watch bm_watch;

/* A watcher with no files; NULL when out of memory. */
bm_watch *bm_watch_create(bool force_polling);
void bm_watch_destroy(bm_watch *w);

/* Replaces the watched files with paths[0..n-1] (copied); their current status is the
 * baseline. Returns false when out of memory. */
bool bm_watch_set(bm_watch *w, const char *const *paths, size_t n);

/* A file descriptor to poll() for reading: it becomes readable when a watched folder
 * changes; -1 when polling (then call bm_watch_changed every BM_WATCH_POLL_MS). */
int bm_watch_fd(const bm_watch *w);

/* true when inotify is in use. */
bool bm_watch_uses_inotify(const bm_watch *w);

/* Reads pending events (never blocks) and compares every file's status with the last
 * seen. Returns true when any watched file changed since the last call. */
bool bm_watch_changed(bm_watch *w);

#endif
