/* serve/watch.c — see watch.h. */
#include "serve/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

typedef struct {
  char *path;
  bool present;
  struct timespec mtime;
  off_t size;
  ino_t ino;
  int wd; /* the inotify watch of its folder; -1 none */
} watched;

struct bm_watch {
  int fd; /* inotify; -1 when polling */
  watched *files;
  size_t n;
};

static void look(watched *f) {
  struct stat st;
  f->present = stat(f->path, &st) == 0;
  if (!f->present) return;
  f->mtime = st.st_mtim;
  f->size = st.st_size;
  f->ino = st.st_ino;
}

static bool same(const watched *a, const watched *b) {
  if (a->present != b->present) return false;
  if (!a->present) return true;
  return a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
         a->size == b->size && a->ino == b->ino;
}

bm_watch *bm_watch_create(bool force_polling) {
  bm_watch *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->fd = force_polling ? -1 : inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  return w;
}

static void clear(bm_watch *w) {
  for (size_t i = 0; i < w->n; i++) {
    if (w->fd >= 0 && w->files[i].wd >= 0) inotify_rm_watch(w->fd, w->files[i].wd);
    free(w->files[i].path);
  }
  free(w->files);
  w->files = NULL;
  w->n = 0;
}

void bm_watch_destroy(bm_watch *w) {
  if (!w) return;
  clear(w);
  if (w->fd >= 0) close(w->fd);
  free(w);
}

bool bm_watch_set(bm_watch *w, const char *const *paths, size_t n) {
  clear(w);
  w->files = calloc(n ? n : 1, sizeof *w->files);
  if (!w->files) return false;
  for (size_t i = 0; i < n; i++) {
    watched *f = &w->files[w->n];
    if (!(f->path = strdup(paths[i]))) return false;
    f->wd = -1;
    look(f);
    w->n++;
    if (w->fd < 0) continue;
    /* the folder, so that a save by rename (a new inode) is seen too; inotify gives one
     * watch per folder, shared by the files in it */
    char *dir = bm_path_dirname(f->path);
    if (dir) {
      f->wd = inotify_add_watch(w->fd, dir,
                                IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE |
                                    IN_MOVED_FROM | IN_MODIFY | IN_ATTRIB);
      free(dir);
    }
  }
  return true;
}

int bm_watch_fd(const bm_watch *w) { return w->fd; }
bool bm_watch_uses_inotify(const bm_watch *w) { return w->fd >= 0; }

bool bm_watch_changed(bm_watch *w) {
  bool changed = false;
  if (w->fd >= 0) {
    /* an event naming a watched file counts even when its status looks the same (two
     * saves within one tick of the file system's clock, of the same size) */
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t len;
    while ((len = read(w->fd, buf, sizeof buf)) > 0) {
      for (char *p = buf; p < buf + len;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        for (size_t i = 0; ev->len && i < w->n; i++) {
          const char *base = strrchr(w->files[i].path, '/');
          base = base ? base + 1 : w->files[i].path;
          if (w->files[i].wd == ev->wd && !strcmp(base, ev->name)) changed = true;
        }
        p += sizeof *ev + ev->len;
      }
    }
  }
  for (size_t i = 0; i < w->n; i++) {
    watched now = w->files[i];
    look(&now);
    if (!same(&now, &w->files[i])) changed = true;
    w->files[i] = now;
  }
  return changed;
}
