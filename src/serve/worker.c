/* serve/worker.c — see worker.h. */
#define _GNU_SOURCE /* pipe2 */
#include "serve/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "render/render.h"
#include "spec/spec.h"

/* A message: kind and length, then the bytes. */
typedef struct {
  uint32_t kind;
  uint32_t pad;
  uint64_t len;
} msg_head;

/* The largest message the server takes: a 20000 px square PNG is well under this. */
#define MAX_MSG ((uint64_t)1 << 30)

static bool write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t k = write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    c += k;
    n -= (size_t)k;
  }
  return true;
}

static void send_msg(int fd, bm_msg_kind kind, const void *data, size_t len) {
  msg_head h = {.kind = kind, .len = len};
  /* the server went away or killed us: nothing left to do */
  if (!write_all(fd, &h, sizeof h) || !write_all(fd, data, len)) _exit(1);
}

static void send_error(int fd, const bm_error *err) {
  char buf[2300], line[2400];
  bm_error_format(err, buf, sizeof buf);
  snprintf(line, sizeof line, "bordermap: %s", buf); /* what the command line prints */
  send_msg(fd, BM_MSG_ERROR, line, strlen(line));
}

static void send_warnings(int fd, const bm_render_stats *st) {
  for (size_t i = 0; i < st->nwarnings; i++) {
    char line[700];
    snprintf(line, sizeof line, "bordermap: warning: %s", st->warnings[i]);
    send_msg(fd, BM_MSG_WARNING, line, strlen(line));
  }
}

/* The child: load, then the three passes; each result is sent as soon as it is ready. */
static void child_main(int fd, const char *spec_path, bm_render_options ro) {
  bm_error err;
  bm_spec *spec = bm_spec_load(spec_path, &err);
  if (!spec) {
    send_error(fd, &err);
    _exit(0);
  }
  /* the files a save of which changes the map */
  char *names = NULL;
  size_t nlen = 0;
  FILE *f = open_memstream(&names, &nlen);
  if (f) {
    if (spec->style_path) fwrite(spec->style_path, 1, strlen(spec->style_path) + 1, f);
    for (size_t i = 0; i < spec->n_site_files; i++)
      fwrite(spec->site_files[i].path, 1, strlen(spec->site_files[i].path) + 1, f);
    for (size_t i = 0; i < spec->n_areas; i++)
      if (spec->areas[i].kind == BM_AREA_FILE && spec->areas[i].file)
        fwrite(spec->areas[i].file, 1, strlen(spec->areas[i].file) + 1, f);
    if (!fclose(f)) send_msg(fd, BM_MSG_WATCH, names, nlen);
  }
  free(names);
  const char *title = spec->title ? spec->title : "";
  send_msg(fd, BM_MSG_TITLE, title, strlen(title));

  /* 1: the map the page shows, and its report */
  char *report = NULL;
  bm_output out = {.format = BM_FORMAT_PNG};
  bm_render_stats stats;
  ro.report_json = &report;
  bm_status st = bm_render_outputs(spec, &out, 1, &ro, &stats, &err);
  send_warnings(fd, &stats);
  if (st) {
    send_error(fd, &err);
    _exit(0);
  }
  send_msg(fd, BM_MSG_PNG, out.data, out.len);
  send_msg(fd, BM_MSG_REPORT, report, strlen(report));
  free(out.data);
  free(report);
  ro.report_json = NULL;

  /* 2: the phone preview, its height in the map's proportions */
  bm_render_options phone = ro;
  int w = ro.width > 0 ? ro.width : spec->width, h = ro.height > 0 ? ro.height : spec->height;
  phone.width = BM_PHONE_WIDTH;
  phone.height = w > 0 ? (int)lround((double)BM_PHONE_WIDTH * h / w) : BM_PHONE_WIDTH;
  if (phone.height < 100) phone.height = 100;
  if (phone.height > 20000) phone.height = 20000;
  out = (bm_output){.format = BM_FORMAT_PNG};
  if (bm_render_outputs(spec, &out, 1, &phone, &stats, &err)) {
    send_error(fd, &err);
    _exit(0);
  }
  send_msg(fd, BM_MSG_PHONE, out.data, out.len);
  free(out.data);

  /* 3: the downloads (the PNG download is the map of pass 1) */
  bm_output two[2] = {{.format = BM_FORMAT_SVG}, {.format = BM_FORMAT_PDF}};
  if (bm_render_outputs(spec, two, 2, &ro, &stats, &err)) {
    send_error(fd, &err);
    _exit(0);
  }
  send_msg(fd, BM_MSG_SVG, two[0].data, two[0].len);
  send_msg(fd, BM_MSG_PDF, two[1].data, two[1].len);
  send_msg(fd, BM_MSG_DONE, "", 0);
  _exit(0);
}

bool bm_worker_spawn(bm_worker *w, char *const *argv) {
  size_t n = 0;
  while (argv[n])
    n++;
  char **args = calloc(n + 4, sizeof *args);
  if (!args) return false;
  args[0] = "bordermap";
  args[1] = "serve";
  for (size_t i = 0; i < n; i++)
    args[2 + i] = argv[i];
  args[2 + n] = "--render-child";
  int out[2], in[2];
  if (pipe2(out, O_CLOEXEC)) {
    free(args);
    return false;
  }
  if (pipe2(in, O_CLOEXEC)) {
    close(out[0]);
    close(out[1]);
    free(args);
    return false;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    /* only async-signal-safe calls until exec: the server has threads */
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the server, whatever kills it */
    if (getppid() != parent) _exit(1);
    if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0) _exit(1);
    execv("/proc/self/exe", args);
    _exit(127);
  }
  free(args);
  close(out[1]);
  close(in[0]);
  if (pid < 0) {
    close(out[0]);
    close(in[1]);
    return false;
  }
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  w->pid = pid;
  w->fd = out[0];
  w->cmd = in[1];
  w->len = 0;
  return true;
}

bool bm_worker_go(bm_worker *w, bool debug_labels) {
  char c = debug_labels ? 'd' : 'r';
  return w->pid > 0 && write(w->cmd, &c, 1) == 1;
}

int bm_worker_main(const char *spec_path, bm_render_options ro) {
  char c;
  ssize_t k;
  while ((k = read(0, &c, 1)) < 0 && errno == EINTR) {
  }
  if (k != 1) return 0; /* the server went away, or stood this worker down */
  ro.debug_labels = c == 'd';
  signal(SIGPIPE, SIG_DFL);
  child_main(1, spec_path, ro);
  return 0;
}

void bm_worker_stop(bm_worker *w) {
  if (w->pid > 0) {
    kill(w->pid, SIGKILL);
    while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR) {
    }
    close(w->fd);
    close(w->cmd);
  }
  free(w->buf);
  *w = (bm_worker){.fd = -1, .cmd = -1};
}

/* Hands over every whole message at the front of the buffer. */
static bool take_messages(bm_worker *w, bm_worker_msg_fn on_msg, void *user) {
  size_t off = 0;
  while (w->len - off >= sizeof(msg_head)) {
    msg_head h;
    memcpy(&h, w->buf + off, sizeof h);
    if (h.len > MAX_MSG) return false;
    if (w->len - off - sizeof h < h.len) break;
    unsigned char *data = malloc(h.len + 1);
    if (!data) return false;
    memcpy(data, w->buf + off + sizeof h, h.len);
    data[h.len] = 0;
    off += sizeof h + h.len;
    on_msg(user, (bm_msg_kind)h.kind, data, h.len);
  }
  memmove(w->buf, w->buf + off, w->len - off);
  w->len -= off;
  return true;
}

bool bm_worker_read(bm_worker *w, bm_worker_msg_fn on_msg, void *user, int *status) {
  if (w->pid <= 0) return false;
  bool broken = false; /* out of memory, or a message that cannot be one */
  for (;;) {
    if (w->cap - w->len < 65536) {
      size_t cap = w->cap ? w->cap * 2 : 1 << 20;
      unsigned char *b = realloc(w->buf, cap);
      if (!b) {
        broken = true;
        break;
      }
      w->buf = b;
      w->cap = cap;
    }
    ssize_t k = read(w->fd, w->buf + w->len, w->cap - w->len);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (take_messages(w, on_msg, user)) return true; /* more to come */
      broken = true;
      break;
    }
    if (k <= 0) break; /* the end of the pipe: the child is done (or died) */
    w->len += (size_t)k;
  }
  if (!broken) broken = !take_messages(w, on_msg, user);
  if (broken) kill(w->pid, SIGKILL);
  int st = 0;
  while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR) {
  }
  close(w->fd);
  close(w->cmd);
  free(w->buf);
  *w = (bm_worker){.fd = -1, .cmd = -1};
  *status = st;
  return false;
}
