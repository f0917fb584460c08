/* serve/worker.h — one render of the served spec, in a process of its own.
 *
 * A worker is a fresh `bordermap serve ... --render-child` process (the server's own binary,
 * executed anew: nothing of the server's threads or locks comes along). It starts ahead of
 * time and waits on its standard input for one command byte, so a save does not wait for the
 * program to load. It then loads the spec and renders it into memory through
 * bm_render_outputs (no file is written), in three passes so the page gets the map it shows
 * first: the map at its size with its report, then the phone-width map, then SVG and PDF
 * for the downloads. Each result goes back over its standard output as one message as soon
 * as it is ready. A worker is killed outright when a newer save supersedes it or it runs
 * past its time; one that crashes takes only its own render down.
 */
#ifndef BM_SERVE_WORKER_H
#define BM_SERVE_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pipeline.h"

/* The width of the phone preview, in pixels. */
#define BM_PHONE_WIDTH 600

typedef enum {
  BM_MSG_WATCH = 1, /* the files the spec names (style, site and area files), NUL-separated */
  BM_MSG_TITLE,     /* the spec's title */
  BM_MSG_ERROR,     /* the one-line error the command line prints: "bordermap: file:l:c: ..." */
  BM_MSG_WARNING,   /* one data warning line */
  BM_MSG_PNG,       /* the map at the spec's size */
  BM_MSG_REPORT,    /* its JSON report */
  BM_MSG_PHONE,     /* the map BM_PHONE_WIDTH pixels wide (PNG) */
  BM_MSG_SVG,
  BM_MSG_PDF,
  BM_MSG_DONE /* every pass rendered */
} bm_msg_kind;

typedef struct {
  pid_t pid; /* 0: none */
  int fd;    /* the read end of its standard output */
  int cmd;   /* the write end of its standard input */
  unsigned char *buf;
  size_t len, cap;
} bm_worker;

/* Starts a worker: argv (NULL-terminated) are the arguments of the serve command as the
 * user gave them, less the program name; the worker gets them and --render-child, so it
 * reads the spec, data folder and limits exactly as the server does. Returns false when it
 * cannot start a process. */
bool bm_worker_spawn(bm_worker *w, char *const *argv);

/* Tells a waiting worker to render, with the label debug view or not. */
bool bm_worker_go(bm_worker *w, bool debug_labels);

/* Kills the worker (if any) and waits for it; drops what it sent and not yet read. */
void bm_worker_stop(bm_worker *w);

typedef void (*bm_worker_msg_fn)(void *user, bm_msg_kind kind, unsigned char *data, size_t len);

/* Reads what the worker has sent (never blocks) and calls on_msg for each whole message;
 * on_msg owns data (malloc'd, NUL-terminated past len) and frees it. Returns false once the
 * worker has closed its output and been waited for: *status is then its wait status. */
bool bm_worker_read(bm_worker *w, bm_worker_msg_fn on_msg, void *user, int *status);

/* The worker's side (`bordermap serve ... --render-child`): waits for the command byte on
 * standard input, renders spec_path with ro and writes the messages to standard output.
 * Returns the process's exit code. */
int bm_worker_main(const char *spec_path, bm_render_options ro);

#endif
