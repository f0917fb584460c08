/* Unit tests for serve/watch.c, the file watcher of `bordermap serve`: every way an editor
 * saves (in place, a new file renamed over the old, delete and create) is a change, with
 * inotify and by polling; a save that leaves size and time as they were (two saves within
 * one tick of the file system's clock) is still seen through inotify; a file beside the
 * watched one that changes is not a change of the map. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/util.h"
#include "serve/watch.h"

static char dir[512], spec[600], other[600];

static int setup(void **state) {
  (void)state;
  bm_error err;
  snprintf(dir, sizeof dir, "%s/watch-%d", BM_TEST_TMP, (int)getpid());
  if (bm_mkdir_p(dir, &err)) return -1;
  snprintf(spec, sizeof spec, "%s/map.yaml", dir);
  snprintf(other, sizeof other, "%s/notes.txt", dir);
  return 0;
}

static void put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* Past one tick of the file system's clock, so a write gets a new modification time. */
static void tick(void) {
  struct timespec t = {0, 30 * 1000 * 1000};
  nanosleep(&t, NULL);
}

/* What the server does: wait for the watcher's descriptor (when it has one), then ask. */
static bool changed(bm_watch *w) {
  if (bm_watch_fd(w) >= 0) {
    struct pollfd p = {.fd = bm_watch_fd(w), .events = POLLIN};
    poll(&p, 1, 200);
  }
  return bm_watch_changed(w);
}

static void every_save(bool polling) {
  put(spec, "title: one\n");
  bm_watch *w = bm_watch_create(polling);
  assert_non_null(w);
  assert_int_equal(bm_watch_uses_inotify(w), !polling);
  const char *paths[] = {spec};
  assert_true(bm_watch_set(w, paths, 1));
  assert_false(changed(w));

  tick(); /* in place, same size */
  put(spec, "title: two\n");
  assert_true(changed(w));
  assert_false(changed(w)); /* once per save */

  tick(); /* a new file renamed over the old */
  char tmp[700];
  snprintf(tmp, sizeof tmp, "%s.new", spec);
  put(tmp, "title: three\n");
  assert_int_equal(rename(tmp, spec), 0);
  assert_true(changed(w));

  assert_int_equal(unlink(spec), 0); /* deleted ... */
  assert_true(changed(w));
  put(spec, "title: four\n"); /* ... and created again */
  assert_true(changed(w));

  tick(); /* a file beside it is none of the map's business */
  put(other, "scratch\n");
  assert_false(changed(w));
  bm_watch_destroy(w);
}

static void test_every_save_with_inotify(void **state) {
  (void)state;
  every_save(false);
}

static void test_every_save_by_polling(void **state) {
  (void)state;
  every_save(true);
}

/* A save that leaves the file's size and times as they were: its inotify events name the
 * file, so it is a change all the same. */
static void test_inotify_sees_a_save_that_keeps_the_status(void **state) {
  (void)state;
  put(spec, "title: same\n");
  struct stat before;
  assert_int_equal(stat(spec, &before), 0);
  bm_watch *w = bm_watch_create(false);
  const char *paths[] = {spec};
  assert_true(bm_watch_set(w, paths, 1));
  assert_false(changed(w));
  put(spec, "title: SAME\n");
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  assert_int_equal(utimensat(AT_FDCWD, spec, times, 0), 0);
  assert_true(changed(w));
  bm_watch_destroy(w);
}

/* Polling: a file renamed over the watched one with the same size and times is still
 * another file (another inode), so a change. */
static void test_polling_sees_a_rename_that_keeps_size_and_time(void **state) {
  (void)state;
  put(spec, "title: old\n");
  struct stat before;
  assert_int_equal(stat(spec, &before), 0);
  bm_watch *w = bm_watch_create(true);
  const char *paths[] = {spec};
  assert_true(bm_watch_set(w, paths, 1));
  char tmp[700];
  snprintf(tmp, sizeof tmp, "%s.new", spec);
  put(tmp, "title: new\n");
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  assert_int_equal(utimensat(AT_FDCWD, tmp, times, 0), 0);
  assert_int_equal(rename(tmp, spec), 0);
  assert_true(changed(w));
  bm_watch_destroy(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_save_with_inotify),
      cmocka_unit_test(test_every_save_by_polling),
      cmocka_unit_test(test_inotify_sees_a_save_that_keeps_the_status),
      cmocka_unit_test(test_polling_sees_a_rename_that_keeps_size_and_time),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
