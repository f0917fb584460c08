/* serve/serve.c — see serve.h: the HTTP side (libmicrohttpd, one thread per connection) and
 * the main loop (file watcher, render child, signals) that share one state under a mutex. */
#define _GNU_SOURCE /* pipe2 */
#include "core/util.h"
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve/watch.h"
#include "serve/worker.h"

extern const char bm_serve_page[]; /* serve/page.html, compiled in (page.c.in) */

/* Bounds on what a client may ask of the server. */
#define MAX_CONNECTIONS 32      /* at once */
#define CONNECTION_TIMEOUT_S 30 /* an idle connection is closed after this */
#define REQUEST_MEMORY (32 * 1024) /* a request's line and headers (and nothing else) */
#define DOWNLOAD_WAIT_S 60 /* a download waits this long for the render under way */
#define STATE_WAIT_S 20    /* /state?since= waits this long for a change (below the timeout) */
/* A burst of writes (an editor saving in pieces) is one change: the render starts once the
 * files have been quiet this long. */
#define SETTLE_MS 60

typedef struct {
  unsigned char *data;
  size_t len;
  unsigned render; /* the render it came from */
} blob;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t changed;
  const bm_serve_options *opt;
  blob png, phone, svg, pdf, report;
  unsigned seq;    /* bumped by every change the page may want to show */
  unsigned render; /* the render under way or last done */
  bool rendering;
  double started, seconds; /* when the render under way started; how long the last took */
  char error[2400];        /* the line of the last render that failed; "" after a good one */
  char *title;
  char warnings[4096]; /* the data warnings of the last render, one per line */
  bool debug;          /* the label debug view */
  bool stopping;       /* the server is shutting down: waiting downloads give up */
  int wake;            /* write end of the main loop's wake-up pipe */
  char host[3][80];    /* the Host headers taken (a loopback bind refuses others) */
  int nhosts;
  char spec_name[256]; /* the spec's file name, for download names */
} server;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void blob_set(blob *b, unsigned char *data, size_t len, unsigned render) {
  free(b->data);
  b->data = data;
  b->len = len;
  b->render = render;
}

/* ---- the HTTP side ------------------------------------------------------------------------ */

/* The state the page polls, as JSON (caller frees). */
static char *state_json(server *s, size_t *len) {
  char *out = NULL;
  FILE *f = open_memstream(&out, len);
  if (!f) return NULL;
  pthread_mutex_lock(&s->mu);
  fprintf(f, "{\"seq\": %u, \"render\": %u, \"map\": %u, \"phone\": %u, \"report\": %u", s->seq,
          s->render, s->png.data ? s->png.render : 0, s->phone.data ? s->phone.render : 0,
          s->report.data ? s->report.render : 0);
  fprintf(f, ", \"rendering\": %s, \"seconds\": %.2f, \"debug\": %s", s->rendering ? "true" : "false",
          s->seconds, s->debug ? "true" : "false");
  fprintf(f, ", \"spec\": ");
  bm_json_string(f, s->opt->spec_path ? s->opt->spec_path : "");
  fprintf(f, ", \"title\": ");
  bm_json_string(f, s->title ? s->title : "");
  fprintf(f, ", \"error\": ");
  bm_json_string(f, s->error);
  fprintf(f, ", \"warnings\": ");
  bm_json_string(f, s->warnings);
  fprintf(f, "}\n");
  pthread_mutex_unlock(&s->mu);
  if (fclose(f)) {
    free(out);
    return NULL;
  }
  return out;
}

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned code, const void *data,
                                  size_t len, enum MHD_ResponseMemoryMode mode, const char *type,
                                  const char *disposition) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, mode);
  if (!r) return MHD_NO;
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                          "style-src 'self' 'unsafe-inline'; img-src 'self'");
  if (disposition) MHD_add_response_header(r, "Content-Disposition", disposition);
  enum MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *text) {
  return send_bytes(c, code, text, strlen(text), MHD_RESPMEM_MUST_COPY,
                    "text/plain; charset=utf-8", NULL);
}

/* Sends a copy of *b, taken under the lock; a download first waits (a bounded time) for
 * the render under way to bring its format. */
static enum MHD_Result send_blob(server *s, struct MHD_Connection *c, blob *b, const char *type,
                                 const char *ext, bool download) {
  pthread_mutex_lock(&s->mu);
  if (download) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += DOWNLOAD_WAIT_S;
    while (s->rendering && !s->stopping && b->render != s->render &&
           pthread_cond_timedwait(&s->changed, &s->mu, &until) == 0) {
    }
  }
  if (!b->data) {
    pthread_mutex_unlock(&s->mu);
    return send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                     "no map yet: the spec has not rendered (see the error on the page)\n");
  }
  void *copy = malloc(b->len ? b->len : 1);
  size_t len = b->len;
  if (copy) memcpy(copy, b->data, len);
  pthread_mutex_unlock(&s->mu);
  if (!copy) return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
  char disp[400];
  if (download) snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", s->spec_name, ext);
  return send_bytes(c, MHD_HTTP_OK, copy, len, MHD_RESPMEM_MUST_FREE, type,
                    download ? disp : NULL);
}

static bool host_allowed(server *s, struct MHD_Connection *c) {
  if (!s->nhosts) return true; /* bound to a public address: the user chose to share */
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (!h) return false;
  for (int i = 0; i < s->nhosts; i++)
    if (!strcmp(h, s->host[i])) return true;
  return false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  server *s = cls;
  (void)version;
  (void)upload_data;
  /* no request carries a body: any upload is refused before it is read */
  if (*upload_data_size ||
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding") ||
      (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length") &&
       strcmp(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length"), "0"))) {
    *upload_data_size = 0;
    return send_text(c, 413 /* content too large */, "requests take no body\n");
  }
  (void)con_cls;
  /* a page elsewhere that points its own name at this machine (DNS rebinding) must not
   * read the map: only the names of the address bound are answered */
  if (!host_allowed(s, c)) return send_text(c, MHD_HTTP_FORBIDDEN, "unknown Host\n");
  bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
  bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
  if (post && (!strcmp(url, "/debug/on") || !strcmp(url, "/debug/off"))) {
    bool on = !strcmp(url, "/debug/on");
    pthread_mutex_lock(&s->mu);
    bool changed = s->debug != on;
    s->debug = on;
    s->seq++;
    pthread_mutex_unlock(&s->mu);
    if (changed && write(s->wake, "d", 1) < 0) { /* the main loop renders again */
    }
    return send_text(c, MHD_HTTP_OK, on ? "debug view on\n" : "debug view off\n");
  }
  if (!get) return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET, HEAD and POST /debug/*\n");
  if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
    return send_bytes(c, MHD_HTTP_OK, bm_serve_page, strlen(bm_serve_page),
                      MHD_RESPMEM_PERSISTENT, "text/html; charset=utf-8", NULL);
  if (!strcmp(url, "/state")) {
    /* ?since=SEQ waits (a bounded time) for a change: the page learns of a new map at once */
    const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    if (since) {
      char *end;
      unsigned long seen = strtoul(since, &end, 10);
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += STATE_WAIT_S;
      pthread_mutex_lock(&s->mu);
      while (!*end && s->seq == seen && !s->stopping &&
             pthread_cond_timedwait(&s->changed, &s->mu, &until) == 0) {
      }
      pthread_mutex_unlock(&s->mu);
    }
    size_t len = 0;
    char *json = state_json(s, &len);
    if (!json) return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    return send_bytes(c, MHD_HTTP_OK, json, len, MHD_RESPMEM_MUST_FREE,
                      "application/json; charset=utf-8", NULL);
  }
  if (!strcmp(url, "/map.png")) return send_blob(s, c, &s->png, "image/png", "png", false);
  if (!strcmp(url, "/phone.png")) return send_blob(s, c, &s->phone, "image/png", "png", false);
  if (!strcmp(url, "/report.json"))
    return send_blob(s, c, &s->report, "application/json; charset=utf-8", "json", false);
  if (!strcmp(url, "/download/map.png")) return send_blob(s, c, &s->png, "image/png", "png", true);
  if (!strcmp(url, "/download/map.svg"))
    return send_blob(s, c, &s->svg, "image/svg+xml", "svg", true);
  if (!strcmp(url, "/download/map.pdf"))
    return send_blob(s, c, &s->pdf, "application/pdf", "pdf", true);
  return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* ---- the listening socket ------------------------------------------------------------------ */

/* Binds and listens; prints why not and returns -1 (usage) or -2 (cannot listen). */
static int listen_on(const bm_serve_options *opt, bool *ipv6, bool *loopback, int *port) {
  struct sockaddr_storage sa = {0};
  socklen_t salen;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;
  if (inet_pton(AF_INET, opt->bind, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)opt->port);
    salen = sizeof *v4;
    *ipv6 = false;
    *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  } else if (inet_pton(AF_INET6, opt->bind, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)opt->port);
    salen = sizeof *v6;
    *ipv6 = true;
    *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
  } else {
    fprintf(stderr,
            "bordermap: --bind takes a numeric IP address (127.0.0.1, ::1, 0.0.0.0), not '%s'\n"
            "Run 'bordermap --help' for usage.\n",
            opt->bind);
    return -1;
  }
  int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, salen) || listen(fd, 64)) {
    int e = errno;
    const char *hint = e == EADDRINUSE      ? "; another program listens there: choose another "
                                              "--port, or --port 0 for any free one"
                       : e == EADDRNOTAVAIL ? "; it is not an address of this machine"
                       : e == EACCES        ? "; ports below 1024 need root: choose --port 1024 "
                                              "or above"
                                            : "";
    fprintf(stderr, "bordermap: cannot listen on %s port %d: %s%s\n", opt->bind, opt->port,
            strerror(e), hint);
    if (fd >= 0) close(fd);
    return -2;
  }
  struct sockaddr_storage got;
  socklen_t glen = sizeof got;
  getsockname(fd, (struct sockaddr *)&got, &glen);
  *port = ntohs(got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                         : ((struct sockaddr_in6 *)&got)->sin6_port);
  return fd;
}

/* ---- the main loop -------------------------------------------------------------------------- */

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  char c = (char)sig;
  if (write(signal_pipe[1], &c, 1) < 0) { /* nothing to do: the pipe is full, a stop is pending */
  }
}

typedef struct {
  server *s;
  bm_watch *watch;
  char *watch_list; /* the files last reported, NUL-separated, for change detection */
  size_t watch_len;
} loop_ctx;

/* Watches the spec and the files its render named. */
static void set_watch(loop_ctx *l, const unsigned char *names, size_t len) {
  if (l->watch_list && l->watch_len == len && !memcmp(l->watch_list, names, len)) return;
  free(l->watch_list);
  l->watch_list = malloc(len + 1);
  if (!l->watch_list) return;
  memcpy(l->watch_list, names, len);
  l->watch_len = len;
  const char *paths[258];
  size_t n = 0;
  paths[n++] = l->s->opt->spec_path;
  for (size_t off = 0; off < len && n < 258; off += strlen((const char *)names + off) + 1)
    paths[n++] = (const char *)names + off;
  bm_watch_set(l->watch, paths, n);
}

static void on_message(void *user, bm_msg_kind kind, unsigned char *data, size_t len) {
  loop_ctx *l = user;
  server *s = l->s;
  if (kind == BM_MSG_WATCH) {
    set_watch(l, data, len);
    free(data);
    return;
  }
  pthread_mutex_lock(&s->mu);
  switch (kind) {
  case BM_MSG_TITLE:
    free(s->title);
    s->title = (char *)data;
    data = NULL;
    break;
  case BM_MSG_ERROR:
    snprintf(s->error, sizeof s->error, "%s", (const char *)data);
    fprintf(stderr, "%s\n", (const char *)data);
    break;
  case BM_MSG_WARNING: {
    size_t have = strlen(s->warnings);
    snprintf(s->warnings + have, sizeof s->warnings - have, "%s\n", (const char *)data);
    fprintf(stderr, "%s\n", (const char *)data);
    break;
  }
  case BM_MSG_PNG:
    blob_set(&s->png, data, len, s->render);
    data = NULL;
    s->error[0] = 0; /* the map is good again */
    s->seconds = now_s() - s->started;
    if (!s->opt->quiet) fprintf(stderr, "rendered %s in %.2f s\n", s->opt->spec_path, s->seconds);
    break;
  case BM_MSG_REPORT: blob_set(&s->report, data, len, s->render), data = NULL; break;
  case BM_MSG_PHONE: blob_set(&s->phone, data, len, s->render), data = NULL; break;
  case BM_MSG_SVG: blob_set(&s->svg, data, len, s->render), data = NULL; break;
  case BM_MSG_PDF: blob_set(&s->pdf, data, len, s->render), data = NULL; break;
  default: break;
  }
  s->seq++;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->mu);
  free(data);
}

/* Starts a render of the spec as it is now, killing the one under way: the worker standing
 * by renders, and a new one is started to stand by for the next save. */
static void start_render(server *s, bm_worker *w, bm_worker *standby) {
  bm_worker_stop(w);
  pthread_mutex_lock(&s->mu);
  s->render++;
  s->rendering = true;
  s->started = now_s();
  s->warnings[0] = 0;
  bool debug = s->debug;
  s->seq++;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->mu);
  if (!standby->pid) bm_worker_spawn(standby, s->opt->argv);
  *w = *standby;
  *standby = (bm_worker){.fd = -1, .cmd = -1};
  bool started = bm_worker_go(w, debug);
  if (!started) { /* the one standing by has died (killed, out of memory): a fresh one */
    bm_worker_stop(w);
    started = bm_worker_spawn(w, s->opt->argv) && bm_worker_go(w, debug);
  }
  bm_worker_spawn(standby, s->opt->argv);
  if (!started) {
    bm_worker_stop(w);
    pthread_mutex_lock(&s->mu);
    snprintf(s->error, sizeof s->error, "bordermap: cannot start a render: %s", strerror(errno));
    s->rendering = false;
    s->seq++;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->mu);
  }
}

/* The render has ended (its child exited, died or was stopped). */
static void render_ended(server *s, int status, const char *stopped) {
  pthread_mutex_lock(&s->mu);
  s->rendering = false;
  if (stopped) {
    snprintf(s->error, sizeof s->error, "%s", stopped);
    fprintf(stderr, "%s\n", stopped);
  } else if (status != -1 && WIFSIGNALED(status)) {
    snprintf(s->error, sizeof s->error,
             "bordermap: %s: the render died (signal %d); the page keeps the last good map",
             s->opt->spec_path, WTERMSIG(status));
    fprintf(stderr, "%s\n", s->error);
  } else if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status)) {
    snprintf(s->error, sizeof s->error,
             "bordermap: %s: the render process ended with exit code %d; the page keeps the "
             "last good map",
             s->opt->spec_path, WEXITSTATUS(status));
    fprintf(stderr, "%s\n", s->error);
  }
  s->seq++;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->mu);
}

int bm_serve_run(const bm_serve_options *opt) {
  if (opt->render_child) return bm_worker_main(opt->spec_path, opt->ro);
  bool ipv6 = false, loopback = false;
  int port = 0;
  int lfd = listen_on(opt, &ipv6, &loopback, &port);
  if (lfd == -1) return BM_SERVE_EXIT_USAGE;
  if (lfd < 0) return BM_SERVE_EXIT_FAIL;

  server s = {.opt = opt, .wake = -1};
  pthread_mutex_init(&s.mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_cond_init(&s.changed, &ca);
  const char *base = strrchr(opt->spec_path, '/') ? strrchr(opt->spec_path, '/') + 1
                                                   : opt->spec_path;
  snprintf(s.spec_name, sizeof s.spec_name, "%s", base);
  char *dot = strrchr(s.spec_name, '.');
  if (dot && dot != s.spec_name) *dot = 0;
  for (char *p = s.spec_name; *p; p++) /* a plain file name for Content-Disposition */
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
  char url_host[80];
  snprintf(url_host, sizeof url_host, ipv6 ? "[%s]:%d" : "%s:%d", opt->bind, port);
  if (loopback) {
    snprintf(s.host[s.nhosts++], sizeof s.host[0], "%s", url_host);
    snprintf(s.host[s.nhosts++], sizeof s.host[0], "localhost:%d", port);
  }

  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) || pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK)) {
    fprintf(stderr, "bordermap: cannot make a pipe: %s\n", strerror(errno));
    close(lfd);
    return BM_SERVE_EXIT_FAIL;
  }
  s.wake = wake[1];
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
  if (ipv6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, lfd,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY,
      MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "bordermap: cannot start the HTTP server on %s\n", url_host);
    close(lfd);
    return BM_SERVE_EXIT_FAIL;
  }
  printf("serving %s at http://%s/ (Ctrl-C stops)\n", opt->spec_path, url_host);
  fflush(stdout);
  if (!loopback)
    fprintf(stderr, "bordermap: warning: %s is not a loopback address: anyone who can reach "
                    "this machine can see the map\n",
            opt->bind);

  loop_ctx l = {.s = &s, .watch = bm_watch_create(opt->force_polling)};
  if (!l.watch) {
    fprintf(stderr, "bordermap: out of memory\n");
    MHD_stop_daemon(d);
    return BM_SERVE_EXIT_FAIL;
  }
  set_watch(&l, (const unsigned char *)"", 0);
  if (!opt->quiet)
    fprintf(stderr, "watching %s and the files it names (%s)\n", opt->spec_path,
            bm_watch_uses_inotify(l.watch) ? "inotify" : "polling");
  bm_worker w = {.fd = -1, .cmd = -1}, standby = {.fd = -1, .cmd = -1};
  start_render(&s, &w, &standby);
  double settle_at = 0, next_poll = now_s();
  for (;;) {
    struct pollfd pf[4];
    int n = 0;
    pf[n++] = (struct pollfd){.fd = signal_pipe[0], .events = POLLIN};
    pf[n++] = (struct pollfd){.fd = wake[0], .events = POLLIN};
    int wfd = bm_watch_fd(l.watch);
    pf[n++] = (struct pollfd){.fd = wfd, .events = POLLIN}; /* fd -1 is skipped by poll */
    pf[n++] = (struct pollfd){.fd = w.pid ? w.fd : -1, .events = POLLIN};
    double t = now_s(), until = t + 1;
    if (wfd < 0 && next_poll < until) until = next_poll;
    if (settle_at > 0 && settle_at < until) until = settle_at;
    if (w.pid && opt->timeout > 0 && s.started + opt->timeout < until)
      until = s.started + opt->timeout;
    int ms = until > t ? (int)((until - t) * 1000) + 1 : 0;
    if (poll(pf, (nfds_t)n, ms) < 0 && errno != EINTR) break;
    if (pf[0].revents) break; /* SIGINT or SIGTERM */
    t = now_s();
    if (pf[1].revents) { /* the debug view was switched: render again at once */
      char buf[64];
      while (read(wake[0], buf, sizeof buf) > 0) {
      }
      start_render(&s, &w, &standby);
    }
    if ((wfd >= 0 && pf[2].revents) || (wfd < 0 && t >= next_poll)) {
      if (bm_watch_changed(l.watch)) settle_at = t + SETTLE_MS / 1000.0;
      next_poll = t + BM_WATCH_POLL_MS / 1000.0;
    }
    if (settle_at > 0 && t >= settle_at) {
      settle_at = 0;
      if (!opt->quiet) fprintf(stderr, "changed: rendering %s again\n", opt->spec_path);
      start_render(&s, &w, &standby);
    }
    if (w.pid && (pf[3].revents || (opt->timeout > 0 && t > s.started + opt->timeout))) {
      int status = 0;
      if (pf[3].revents && !bm_worker_read(&w, on_message, &l, &status)) {
        render_ended(&s, status, NULL);
      } else if (opt->timeout > 0 && t > s.started + opt->timeout) {
        bm_worker_stop(&w);
        char line[1400];
        snprintf(line, sizeof line,
                 "bordermap: %s: stopped after %g s, the --timeout; the page keeps the last good "
                 "map (raise --timeout SECONDS for a map that needs longer)",
                 opt->spec_path, opt->timeout);
        render_ended(&s, 0, line);
      }
    }
  }
  if (!opt->quiet) fprintf(stderr, "stopping\n");
  bm_worker_stop(&w);
  bm_worker_stop(&standby);
  pthread_mutex_lock(&s.mu);
  s.stopping = true;
  pthread_cond_broadcast(&s.changed);
  pthread_mutex_unlock(&s.mu);
  MHD_stop_daemon(d); /* waits for the connection threads */
  bm_watch_destroy(l.watch);
  free(l.watch_list);
  blob *blobs[] = {&s.png, &s.phone, &s.svg, &s.pdf, &s.report};
  for (size_t i = 0; i < sizeof blobs / sizeof *blobs; i++)
    free(blobs[i]->data);
  free(s.title);
  close(wake[0]);
  close(wake[1]);
  return BM_SERVE_EXIT_OK;
}
