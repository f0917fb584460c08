/* serve/serve.h — `bordermap serve`: a live preview of one map spec in the browser.
 *
 * bm_serve_run listens on one local address (libmicrohttpd), renders the spec, and renders
 * it again whenever the spec, its style or a file it names is saved (serve/watch.h). Each
 * render runs in a process of its own (serve/worker.h) that draws into memory, so a render
 * that crashes or runs past its time costs only that render, and a newer save simply kills
 * the one under way. The page (serve/page.html, compiled in) asks /state for changes and swaps
 * the map in once its new picture has loaded.
 *
 * Endpoints, all fixed: no request names a file.
 *   GET  /                 the page
 *   GET  /state[?since=N]  JSON: versions, rendering, the error line, title, debug view; with
 *                          since, it answers when the state differs from N (or after 20 s)
 *   GET  /map.png          the map at its size (screen resolution)
 *   GET  /phone.png        the map at 600 px wide
 *   GET  /report.json      the map report (every label, placed or dropped and why)
 *   GET  /download/map.png|map.pdf|map.svg   the current map as an attachment
 *   POST /debug/on, /debug/off               the label debug view (--debug-labels)
 *
 * Like cli/, this module prints (progress and errors on standard error, the address on
 * standard output); the library below it never does.
 */
#ifndef BM_SERVE_H
#define BM_SERVE_H

#include <stdbool.h>

#include "pipeline.h"

typedef struct {
  const char *spec_path;  /* the spec to show (required) */
  const char *bind;       /* a numeric IPv4 or IPv6 address; 127.0.0.1 by default */
  int port;               /* 0: any free port (the printed address says which) */
  double timeout;         /* seconds one render may take before it is stopped */
  bool quiet;             /* print nothing but the address and errors */
  bool force_polling;     /* watch files by polling their status even where inotify works */
  bm_render_options ro;   /* data folder, confinement, limits, language (as render takes) */
  /* the serve command's arguments as given, less the program name, NULL-terminated: each
   * render runs in a fresh `bordermap serve <argv> --render-child` (serve/worker.h) */
  char *const *argv;
  bool render_child; /* this process is such a worker: render once, as told on stdin */
} bm_serve_options;

/* Exit codes bm_serve_run returns (those of cli/main.c). */
enum { BM_SERVE_EXIT_OK = 0, BM_SERVE_EXIT_FAIL = 1, BM_SERVE_EXIT_USAGE = 2 };

/* Serves until SIGINT or SIGTERM; returns 0 then. Returns BM_SERVE_EXIT_USAGE for an
 * address that is not one, BM_SERVE_EXIT_FAIL when the address cannot be listened on
 * (in use, not this machine's), each after printing one line that says why. */
int bm_serve_run(const bm_serve_options *opt);

#endif
