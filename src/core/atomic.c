#include "core/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* This machine's name, as it goes into temp names: letters, digits, '.' and '_'
 * ('-' and anything else become '_'), so the name parses back. */
static void this_host(char *buf, size_t n) {
  if (gethostname(buf, n) != 0) snprintf(buf, n, "localhost");
  buf[n - 1] = '\0';
  for (char *p = buf; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '.' || *p == '_'))
      *p = '_';
}

size_t bm_atomic_clean_stale(const char *dir) {
  DIR *d = opendir(dir && *dir ? dir : ".");
  if (!d) return 0;
  char host[64], mine[80];
  this_host(host, sizeof host);
  snprintf(mine, sizeof mine, BM_ATOMIC_TMP_MARK "%s-", host);
  size_t removed = 0;
  for (struct dirent *e; (e = readdir(d));) {
    const char *mark = strstr(e->d_name, mine);
    if (e->d_name[0] != '.' || !mark) continue;
    /* the rest is {pid}-{i} */
    char *end;
    long pid = strtol(mark + strlen(mine), &end, 10);
    if (pid <= 0 || *end != '-') continue;
    strtol(end + 1, &end, 10);
    if (*end) continue;
    /* a live process (ours, another render, or one that reuses the pid) keeps its file */
    if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    char path[4352];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : ".", e->d_name);
    if (unlink(path) == 0) removed++;
  }
  closedir(d);
  return removed;
}

bm_status bm_atomic_open(bm_atomic *a, const char *path, bm_error *err) {
  memset(a, 0, sizeof *a);
  char *dir = bm_path_dirname(path);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(path) + 48;
  a->path = strdup(path);
  a->tmp = malloc(n);
  if (!dir || !a->path || !a->tmp) {
    free(dir);
    bm_atomic_abort(a);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  /* O_EXCL on a name of our own: mode 0666 less the umask, like any new file */
  int fd = -1, e = 0;
  char host[64];
  this_host(host, sizeof host);
  n += strlen(host);
  free(a->tmp);
  a->tmp = malloc(n);
  if (!a->tmp) {
    free(dir);
    bm_atomic_abort(a);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  for (int i = 0; i < 100 && fd < 0; i++) {
    snprintf(a->tmp, n, "%s/.%s" BM_ATOMIC_TMP_MARK "%s-%ld-%d", dir, base, host, (long)getpid(),
             i);
    fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    e = errno;
    if (fd < 0 && e != EEXIST) break;
  }
  if (fd < 0) {
    bm_error_set(err, BM_ERR_IO, path, 0, 0,
                 "cannot write the output: folder '%s' is missing or not writable (%s)", dir,
                 strerror(e));
    free(dir);
    free(a->tmp);
    a->tmp = NULL;
    bm_atomic_abort(a);
    return BM_ERR_IO;
  }
  free(dir);
  a->f = fdopen(fd, "wb");
  if (!a->f) {
    close(fd);
    bm_atomic_abort(a);
    return bm_error_set(err, BM_ERR_NOMEM, path, 0, 0, "out of memory");
  }
  return BM_OK;
}

bm_status bm_atomic_close(bm_atomic *a, bm_error *err) {
  if (!a->f) return BM_OK;
  bool ok = fflush(a->f) == 0 && !ferror(a->f);
  int e = errno;
  ok = (fclose(a->f) == 0) && ok;
  a->f = NULL;
  if (!ok)
    return bm_error_set(err, BM_ERR_IO, a->path, 0, 0, "cannot write the output: %s",
                        strerror(e ? e : errno));
  return BM_OK;
}

bm_status bm_atomic_rename(bm_atomic *a, bm_error *err) {
  if (rename(a->tmp, a->path) != 0)
    return bm_error_set(err, BM_ERR_IO, a->path, 0, 0,
                        "cannot move the finished file into place: %s", strerror(errno));
  free(a->tmp);
  a->tmp = NULL; /* renamed: nothing to clean up */
  return BM_OK;
}

bm_status bm_atomic_commit(bm_atomic *a, bm_error *err) {
  bm_status st = bm_atomic_close(a, err);
  return st ? st : bm_atomic_rename(a, err);
}

void bm_atomic_abort(bm_atomic *a) {
  if (a->f) fclose(a->f);
  if (a->tmp) remove(a->tmp);
  free(a->tmp);
  free(a->path);
  memset(a, 0, sizeof *a);
}
