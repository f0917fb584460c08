/* batch/run.c — the runner: N worker processes, each rendering the maps the parent hands it
 * (one at a time, through a pipe) with its own data and projection cache; per-map timeouts;
 * --resume stamps; results reported in batch order. */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch/batch.h"
#include "core/atomic.h"
#include "core/util.h"
#include "proj/proj.h"
#include "text/text.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool write_full(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w, n -= (size_t)w;
  }
  return true;
}

static bool read_full(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r, n -= (size_t)r;
  }
  return true;
}

/* What a worker sends back for one map: this header, the render's stats, then errlen
 * bytes of error text. */
typedef struct {
  int32_t job;
  int32_t status; /* bm_status of the render */
  double seconds;
  uint32_t errlen;
} reply;

static void output_path(const bm_batch_options *o, const bm_batch_job *j, size_t f, char *buf,
                        size_t n) {
  snprintf(buf, n, "%s/%s.%s", o->out_dir, j->name, o->formats[f]);
}

static void stamp_path(const bm_batch_options *o, const bm_batch_job *j, char *buf, size_t n) {
  snprintf(buf, n, "%s/.%s.bordermap-stamp", o->out_dir, j->name);
}

/* The stamp's one line: what the map was made of and the formats it was written in. */
static void stamp_text(const bm_batch_options *o, const bm_batch_job *j, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "%s", j->hash);
  for (size_t f = 0; f < o->nformats && k + 1 < n; f++)
    k += (size_t)snprintf(buf + k, n - k, " %s", o->formats[f]);
  if (k + 1 < n) snprintf(buf + k, n - k, "\n");
}

static void write_stamp(const bm_batch_options *o, const bm_batch_job *j) {
  char path[2300], tmp[2400], text[256];
  stamp_path(o, j, path, sizeof path);
  snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
  stamp_text(o, j, text, sizeof text);
  FILE *f = fopen(tmp, "w");
  if (!f) return; /* no stamp: --resume renders the map again, nothing worse */
  bool ok = fputs(text, f) >= 0;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) unlink(tmp);
}

static double mtime_of(const char *path) {
  struct stat sb;
  if (!path || stat(path, &sb) != 0) return -1;
  return (double)sb.st_mtim.tv_sec + (double)sb.st_mtim.tv_nsec * 1e-9;
}

/* --resume: are the map's outputs there, stamped with what it is made of now, and newer
 * than every file it reads (the spec, its style, site and area files, the data's release
 * record)? A template's row is in the stamp's hash, so one changed row re-renders alone. */
static bool up_to_date(const bm_batch_options *o, const bm_batch_job *j) {
  if (j->error) return false;
  char path[2300], want[256], have[256] = "";
  stamp_path(o, j, path, sizeof path);
  stamp_text(o, j, want, sizeof want);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  if (!fgets(have, sizeof have, f)) have[0] = '\0';
  fclose(f);
  if (strcmp(want, have)) return false;
  double oldest_out = 1e300;
  for (size_t k = 0; k < o->nformats; k++) {
    char out[2300];
    output_path(o, j, k, out, sizeof out);
    double t = mtime_of(out);
    if (t < 0) return false;
    if (t < oldest_out) oldest_out = t;
  }
  bm_error err;
  char *dir = bm_path_dirname(j->spec_path);
  bm_spec *s = j->text ? bm_spec_load_string(j->text, j->spec_path, dir, &err)
                       : bm_spec_load(j->spec_path, &err);
  free(dir);
  if (!s) return false;
  char release[1200];
  snprintf(release, sizeof release, "%s/naturalearth-release.txt",
           o->render && o->render->data_dir ? o->render->data_dir : ".");
  double newest_in = mtime_of(release);
  /* a template's text is in the stamp's hash: only a spec file's time counts */
  const char *inputs[2] = {j->text ? NULL : j->spec_path, s->style_path};
  for (size_t i = 0; i < 2; i++) {
    double t = mtime_of(inputs[i]);
    if (t > newest_in) newest_in = t;
  }
  for (size_t i = 0; i < s->n_site_files; i++) {
    double t = mtime_of(s->site_files[i].path);
    if (t > newest_in) newest_in = t;
  }
  for (size_t i = 0; i < s->n_areas; i++)
    if (s->areas[i].kind == BM_AREA_FILE) {
      double t = mtime_of(s->areas[i].file);
      if (t > newest_in) newest_in = t;
    }
  bm_spec_free(s);
  return oldest_out >= newest_in;
}

/* One map, in a worker. */
static void render_one(const bm_batch_job *j, const bm_batch_options *o,
                       const bm_render_options *ro, int out_fd, int32_t index) {
  double t0 = now();
  bm_render_stats *stats = calloc(1, sizeof *stats);
  bm_error err;
  bm_error_clear(&err);
  bm_status st;
  char msg[2300] = "";
  if (!stats) _exit(3);
  if (j->error) {
    st = BM_ERR_SPEC;
    snprintf(msg, sizeof msg, "%s", j->error);
  } else {
    char *dir = bm_path_dirname(j->spec_path);
    bm_spec *spec = j->text ? bm_spec_load_string(j->text, j->spec_path, dir, &err)
                            : bm_spec_load(j->spec_path, &err);
    free(dir);
    st = spec ? BM_OK : err.code;
    if (spec) {
      bm_output outs[3] = {{0}};
      char paths[3][2300];
      for (size_t f = 0; f < o->nformats && f < 3; f++) {
        output_path(o, j, f, paths[f], sizeof paths[f]);
        outs[f].path = paths[f];
        bm_format_from_name(o->formats[f], &outs[f].format);
      }
      st = bm_render_outputs(spec, outs, o->nformats, ro, stats, &err);
      bm_spec_free(spec);
      if (!st) write_stamp(o, j);
    }
    if (st) bm_error_format(&err, msg, sizeof msg);
  }
  reply r = {index, (int32_t)st, now() - t0, (uint32_t)strlen(msg)};
  if (!write_full(out_fd, &r, sizeof r) || !write_full(out_fd, stats, sizeof *stats) ||
      !write_full(out_fd, msg, r.errlen))
    _exit(3);
  free(stats);
}

typedef struct {
  pid_t pid;
  int to, from; /* the parent's ends: job numbers out, replies in */
  long job;     /* index into the pending list, -1 when idle */
  double start;
} worker;

static void worker_loop(const bm_batch_jobs *jobs, const bm_batch_options *o, int in, int out) {
  bm_render_options ro = *o->render;
  ro.cache = bm_cache_create(0); /* this worker's: the maps it renders share it */
  bm_proj_keep(4);               /* and its maps' PROJ transforms */
  bm_text_keep(true);            /* and its fonts */
  /* the cores are shared out between the workers: a map's own threads (paint bands,
   * deflate pieces, projection) get only this worker's share (same bytes for any count) */
  if (!getenv("BORDERMAP_THREADS")) {
    long share = sysconf(_SC_NPROCESSORS_ONLN) / (o->workers > 0 ? o->workers : 1);
    char n[24];
    snprintf(n, sizeof n, "%ld", share > 1 ? share : 1);
    setenv("BORDERMAP_THREADS", n, 1);
  }
  int32_t idx;
  while (read_full(in, &idx, sizeof idx))
    if (idx >= 0 && (size_t)idx < jobs->n) render_one(&jobs->v[idx], o, &ro, out, idx);
  bm_cache_destroy(ro.cache);
  _exit(0);
}

/* Forks a worker; closes, in the child, every other worker's pipes (so that a worker's
 * death is seen as the end of its pipe). */
static bool spawn(worker *w, worker *all, int nw, const bm_batch_jobs *jobs,
                  const bm_batch_options *o) {
  int down[2], up[2];
  if (pipe(down)) return false;
  if (pipe(up)) {
    close(down[0]), close(down[1]);
    return false;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    close(down[0]), close(down[1]), close(up[0]), close(up[1]);
    return false;
  }
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    for (int i = 0; i < nw; i++)
      if (&all[i] != w && all[i].pid > 0) close(all[i].to), close(all[i].from);
    close(down[1]);
    close(up[0]);
    worker_loop(jobs, o, down[0], up[1]);
  }
  close(down[0]);
  close(up[1]);
  w->pid = pid;
  w->to = down[1];
  w->from = up[0];
  w->job = -1;
  return true;
}

static void retire(worker *w) {
  if (w->pid <= 0) return;
  close(w->to);
  close(w->from);
  w->pid = -1;
}

static void sha256_file(const char *path, char out[65]) {
  gchar *data = NULL;
  gsize len = 0;
  out[0] = '\0';
  if (!g_file_get_contents(path, &data, &len, NULL)) return;
  gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
  snprintf(out, 65, "%s", sum ? sum : "");
  g_free(sum);
  g_free(data);
}

typedef struct {
  bool done;
  bm_batch_result res;
  bm_render_stats *stats;
} slot;

static void finish(slot *s, const bm_batch_options *o, const bm_batch_job *j,
                   bm_batch_status status, double secs, const char *error) {
  s->done = true;
  s->res.status = status;
  s->res.seconds = secs;
  s->res.error = error && *error ? strdup(error) : NULL;
  s->res.paths = calloc(o->nformats + 1, sizeof *s->res.paths);
  s->res.sha256 = calloc(o->nformats + 1, sizeof *s->res.sha256);
  for (size_t f = 0; s->res.paths && s->res.sha256 && f < o->nformats; f++) {
    output_path(o, j, f, s->res.paths[f], sizeof s->res.paths[f]);
    if (status != BM_BATCH_FAILED) sha256_file(s->res.paths[f], s->res.sha256[f]);
  }
}

bm_status bm_batch_run(const bm_batch_jobs *jobs, const bm_batch_options *o, bm_batch_summary *sum,
                       bm_error *err) {
  memset(sum, 0, sizeof *sum);
  if (bm_mkdir_p(o->out_dir, err)) return err->code;
  /* the maps of this shard, in batch order */
  size_t *pending = calloc(jobs->n + 1, sizeof *pending), np = 0;
  slot *slots = calloc(jobs->n + 1, sizeof *slots);
  if (!pending || !slots) {
    free(pending);
    free(slots);
    return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  for (size_t j = 0; j < jobs->n; j++)
    if (bm_batch_in_shard(j, o->shard_index, o->shard_count)) pending[np++] = j;
  sum->total = np;
  double t0 = now();
  size_t done = 0, reported = 0, next = 0, torender = 0;
  for (size_t k = 0; k < np; k++)
    if (o->resume && up_to_date(o, &jobs->v[pending[k]])) {
      finish(&slots[k], o, &jobs->v[pending[k]], BM_BATCH_SKIPPED, 0, NULL);
      done++;
    } else {
      torender++;
    }
  int nw = o->workers < 1 ? 1 : o->workers > 64 ? 64 : o->workers;
  if ((size_t)nw > torender) nw = (int)torender;
  worker *ws = calloc((size_t)nw + 1, sizeof *ws);
  void (*old_pipe)(int) =
      signal(SIGPIPE, SIG_IGN); /* a dead worker's pipe is an error, not death */
  bm_status st = BM_OK;
  for (int i = 0; i < nw && ws; i++)
    ws[i].pid = -1;
  for (int i = 0; i < nw && ws && !st; i++)
    if (!spawn(&ws[i], ws, nw, jobs, o))
      st = bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "cannot start a worker process: %s",
                        strerror(errno));
  if (!ws) st = bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  if (o->on_progress && done) o->on_progress(o->user, done, np, now() - t0);
  while (!st && done < np) {
    /* hand the next maps, in batch order, to idle workers */
    for (int i = 0; i < nw; i++) {
      if (ws[i].pid <= 0 || ws[i].job >= 0) continue;
      while (next < np && slots[next].done)
        next++;
      if (next >= np) break;
      int32_t idx = (int32_t)pending[next];
      ws[i].job = (long)next++;
      ws[i].start = now();
      if (!write_full(ws[i].to, &idx, sizeof idx)) ws[i].start = -1e300; /* dead: seen below */
    }
    struct pollfd pfd[64];
    int map[64], npfd = 0;
    for (int i = 0; i < nw && npfd < 64; i++)
      if (ws[i].pid > 0 && ws[i].job >= 0) {
        pfd[npfd] = (struct pollfd){.fd = ws[i].from, .events = POLLIN};
        map[npfd++] = i;
      }
    if (npfd == 0) break; /* cannot happen: every pending map has a worker */
    int pr = poll(pfd, (nfds_t)npfd, 20);
    for (int p = 0; pr > 0 && p < npfd; p++) {
      if (!(pfd[p].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      worker *w = &ws[map[p]];
      size_t k = (size_t)w->job;
      const bm_batch_job *j = &jobs->v[pending[k]];
      reply r;
      bm_render_stats *stats = malloc(sizeof *stats);
      char *msg = NULL;
      bool got = stats && read_full(w->from, &r, sizeof r) && r.job == (int32_t)pending[k] &&
                 read_full(w->from, stats, sizeof *stats) && r.errlen < 65536 &&
                 (msg = calloc(r.errlen + 1, 1)) && read_full(w->from, msg, r.errlen);
      if (got) {
        slots[k].stats = stats;
        finish(&slots[k], o, j, r.status ? BM_BATCH_FAILED : BM_BATCH_OK, r.seconds, msg);
        slots[k].res.status_code = r.status;
        w->job = -1;
      } else { /* the worker died during this map */
        int status = 0;
        free(stats);
        kill(w->pid, SIGKILL);
        waitpid(w->pid, &status, 0);
        retire(w);
        bm_atomic_clean_stale(o->out_dir);
        char why[200];
        snprintf(why, sizeof why, "%s: the render died (signal %d); no file was written", j->label,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        finish(&slots[k], o, j, BM_BATCH_FAILED, now() - w->start, why);
        slots[k].res.status_code = BM_ERR_INTERNAL;
        if (!spawn(w, ws, nw, jobs, o)) w->pid = -1;
      }
      free(msg);
      done++;
      if (o->on_progress) o->on_progress(o->user, done, np, now() - t0);
    }
    /* a map past the timeout: its worker is killed, a new one takes the next map */
    for (int i = 0; o->timeout > 0 && i < nw; i++) {
      worker *w = &ws[i];
      if (w->pid <= 0 || w->job < 0 || now() - w->start <= o->timeout) continue;
      size_t k = (size_t)w->job;
      const bm_batch_job *j = &jobs->v[pending[k]];
      kill(w->pid, SIGKILL);
      waitpid(w->pid, NULL, 0);
      retire(w);
      bm_atomic_clean_stale(o->out_dir);
      char why[2300];
      snprintf(why, sizeof why,
               "%s: stopped after %g s, the --timeout; no file was written (raise --timeout "
               "SECONDS for a map that needs longer)",
               j->label, o->timeout);
      finish(&slots[k], o, j, BM_BATCH_FAILED, now() - w->start, why);
      slots[k].res.status_code = BM_ERR_INTERNAL;
      done++;
      if (o->on_progress) o->on_progress(o->user, done, np, now() - t0);
      if (done < np && !spawn(w, ws, nw, jobs, o)) w->pid = -1;
    }
    bool any = false;
    for (int i = 0; i < nw; i++)
      any = any || ws[i].pid > 0;
    if (!any && done < np)
      st = bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "cannot start a worker process: %s",
                        strerror(errno));
    /* results in batch order */
    while (reported < np && slots[reported].done) {
      slot *s = &slots[reported];
      s->res.stats = s->stats;
      if (o->on_result) o->on_result(o->user, &jobs->v[pending[reported]], &s->res);
      reported++;
    }
  }
  while (!st && reported < np && slots[reported].done) {
    slot *s = &slots[reported];
    s->res.stats = s->stats;
    if (o->on_result) o->on_result(o->user, &jobs->v[pending[reported]], &s->res);
    reported++;
  }
  for (int i = 0; ws && i < nw; i++)
    if (ws[i].pid > 0) {
      pid_t pid = ws[i].pid;
      retire(&ws[i]); /* the end of its pipe: the worker exits */
      waitpid(pid, NULL, 0);
    }
  signal(SIGPIPE, old_pipe);
  for (size_t k = 0; k < np; k++) {
    bm_batch_result *r = &slots[k].res;
    if (slots[k].done) {
      if (r->status == BM_BATCH_OK) sum->ok++;
      if (r->status == BM_BATCH_FAILED) sum->failed++;
      if (r->status == BM_BATCH_SKIPPED) sum->skipped++;
    }
    free(r->error);
    free(r->paths);
    free(r->sha256);
    free(slots[k].stats);
  }
  free(ws);
  free(slots);
  free(pending);
  return st;
}
