/* cli/main.c — the bordermap command: render, data fetch, data list.
 * The only place that prints and chooses exit codes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch/batch.h"
#include "bordermap.h"
#include "core/atomic.h"
#include "core/util.h"
#include "lang/lang.h"
#include "load/catalog.h"
#include "load/fetch.h"
#include "load/load.h"
#include "pipeline.h"
#include "render/render.h"
#include "serve/serve.h"
#include "spec/spec.h"

/* Exit codes (also in --help and the README). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_SPEC = 3, EXIT_DATA = 4, EXIT_OUTPUT = 5 };

enum {
  OPT_FORMAT = 250,
  OPT_WIDTH = 256,
  OPT_HEIGHT,
  OPT_DPI,
  OPT_DATA,
  OPT_REPORT,
  OPT_DEBUG,
  OPT_NAIVE,
  OPT_TIMINGS,
  OPT_FROM,
  OPT_SCALES,
  OPT_STRICT,
  OPT_ALLOW,
  OPT_TIMEOUT,
  OPT_MAX_FILE,
  OPT_MAX_FEATURES,
  OPT_MAX_PARTS,
  OPT_MAX_VERTICES,
  OPT_MAX_PIXELS,
  OPT_MAX_RELIEF,
  OPT_LANGUAGE,
  OPT_STRICT_LANGUAGE,
  OPT_PORT,
  OPT_BIND,
  OPT_POLL,
  OPT_RENDER_CHILD,
  OPT_TABLE,
  OPT_NAME,
  OPT_JSON,
  OPT_SHARD,
  OPT_RESUME,
  OPT_HELP = 'h',
  OPT_QUIET = 'q'
};

#define LANGUAGE_HELP                                                                              \
  "      --language CODE       the map's language (overrides the spec's language:), e.g. fa, ru\n" \
  "      --strict-language     a base-map label with no name in that language is an error\n"
/* One help text per command: `bordermap CMD --help` prints its own, `bordermap --help` all. */
#define RENDER_HELP                                                                                \
  "  bordermap render [SPEC.yaml] [-o FILE]... [options]\n"                                        \
  "      Render a map spec. Without SPEC, renders the story map (maps/central-asia.yaml).\n"       \
  "      -o, --output FILE     output file; .png, .pdf or .svg (repeat for several formats:\n"     \
  "                            the map is computed once); '-' writes to standard output in\n"      \
  "                            the --format given; default out/<spec name>.png\n"                  \
  "      --format png|pdf|svg  the format of '-o -'\n"                                             \
  "      --width N, --height N output size in pixels (overrides the spec)\n"                       \
  "      --dpi N               resolution for PDF/SVG page size (overrides the spec)\n"            \
  "      --data DIR            Natural Earth data folder\n"                                        \
  "      --labels-report FILE  write every label considered, placed or dropped, as JSON\n"         \
  "      --debug-labels        draw every candidate label box (grey) and the placed ones (blue)\n" \
  "      --naive-labels        place labels the naive way (greedy, one position each), to "        \
  "compare\n"                                                                                      \
  "      --timings             print how long each stage took (standard error)\n"                  \
  "      --strict-data         any damaged record in a Natural Earth layer fails the map\n"        \
  "                            (else it is skipped with a warning; see "                           \
  "bordermap(1))\n" LANGUAGE_HELP "      -q, --quiet           print nothing but errors\n"         \
  "      -h, --help            this help\n"
#define BATCH_HELP                                                                                 \
  "  bordermap batch SPEC.yaml... [-o DIR] [options]\n"                                           \
  "  bordermap batch TEMPLATE.yaml --table ROWS.csv|.geojson|.gpkg [--name PATTERN] [options]\n"  \
  "      Render many specs into DIR (default out/) as <spec name>.<format>, or a template\n"       \
  "      once per table row, its {{column}} placeholders filled from the row. Maps render\n"      \
  "      in -j worker processes; a bad map is reported and skipped, the others are still\n"      \
  "      rendered. Exits 1 if any failed, 3 when the template, table or output names are\n"       \
  "      wrong (nothing is rendered then).\n"                                                      \
  "      -o, --output DIR      output folder (default out/)\n"                                     \
  "      --format LIST         comma-separated: png, pdf, svg (default png)\n"                     \
  "      --table FILE          the rows of a series: CSV, GeoJSON, GeoPackage ... (first layer)\n" \
  "      --name PATTERN        output name per row, e.g. 'afg-{{n}}' (default <template>-<row>)\n" \
  "      -j, --jobs N          worker processes (default: every core); same bytes for any N\n"    \
  "      --json                one JSON line per map on standard output (spec, row, name,\n"      \
  "                            status, seconds, outputs with SHA-256, error)\n"                   \
  "      --shard i/N           render only maps i, i+N, i+2N ... (0 <= i < N); auto (or\n"        \
  "                            auto/N) reads SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX\n"       \
  "      --resume              skip maps whose outputs are newer than their inputs\n"             \
  "      --data DIR            Natural Earth data folder\n"                                        \
  "      --strict-data         any damaged record in a Natural Earth layer fails the "             \
  "map\n" LANGUAGE_HELP "      --timeout SECONDS     stop a map that takes longer (it fails alone)\n" \
  "      -q, --quiet           print nothing but errors and data warnings\n"                      \
  "      -h, --help            this help\n"
#define SERVE_HELP                                                                                 \
  "  bordermap serve SPEC.yaml [--port 8000] [--bind 127.0.0.1] [options]\n"                      \
  "      A live preview: serves a page that shows the map and redraws it at every save of\n"     \
  "      the spec, its style or a file it names; render errors show on the page. Prints\n"       \
  "      the address; Ctrl-C stops.\n"                                                           \
  "      --port N              port to listen on (default 8000; 0: any free port)\n"             \
  "      --bind ADDRESS        numeric address to listen on (default 127.0.0.1: this machine\n"  \
  "                            only; 0.0.0.0 shares the map with the network)\n"                 \
  "      --data DIR            Natural Earth data folder\n"                                      \
  "      --debug-labels        start with the label debug view on (the page toggles it)\n"       \
  "      --poll                notice saves by polling (network file systems) instead of "       \
  "inotify\n"                                                                                     \
  "      --timeout SECONDS     stop a render that takes longer (default 60)\n"                   \
  "      --allow-dir DIR, --strict-data, --max-file-mb MB, --max-features N, --max-parts N,\n"  \
  "      --max-vertices N      as for render\n" LANGUAGE_HELP                                    \
  "      -q, --quiet           print nothing but the address and errors\n"                      \
  "      -h, --help            this help\n"
#define FETCH_HELP                                                                                 \
  "  bordermap data fetch [--from URL-or-folder] [--scales 10m,50m,110m] [--data DIR] [--quiet]\n" \
  "      Download the Natural Earth layers bordermap uses (geodata/naturalearth-layers.txt),\n"    \
  "      verify and unpack them into the data folder; layers already there are skipped. The\n"     \
  "      release and each zip's SHA-256 are recorded in DIR/naturalearth-release.txt.\n"           \
  "      --from SOURCE         a URL, a folder with the official layout, or a release number\n"    \
  "                            (5.1.2: " BM_NE_OFFICIAL_URL "/5.1.2); default\n"                   \
  "                            $BORDERMAP_NE_MIRROR, else " BM_NE_OFFICIAL_URL "\n"                \
  "      --scales LIST         only these scales (default all three)\n"                            \
  "      --data DIR            Natural Earth data folder\n"                                        \
  "      -q, --quiet           print nothing but errors\n"                                         \
  "      -h, --help            this help\n"
#define LIST_HELP                                                                                  \
  "  bordermap data list [--data DIR]\n"                                                           \
  "      Show which layers are present and which are missing, and the recorded release.\n"         \
  "      --data DIR            Natural Earth data folder\n"                                        \
  "      -h, --help            this help\n"
#define FOOTER                                                                                     \
  "\n"                                                                                             \
  "The data folder is --data DIR, else $BORDERMAP_DATA, else\n"                                    \
  "$XDG_DATA_HOME/bordermap/naturalearth (~/.local/share/bordermap/naturalearth).\n"               \
  "Progress, \"wrote\" lines and data warnings (\"warning: ...\") go to standard error;\n"         \
  "warnings are printed also with --quiet.\n"                                                      \
  "\n"                                                                                             \
  "Exit codes: 0 ok, 1 failure, 2 bad command line, 3 bad map spec or style,\n"                    \
  "4 missing or broken data, 5 cannot write the output.\n"                                         \
  "See bordermap(1) for every spec key.\n"

static const char usage_text[] =
    "bordermap " BM_VERSION " - newsroom locator maps from a small YAML spec\n"
    "\n"
    "Usage:\n" RENDER_HELP BATCH_HELP SERVE_HELP FETCH_HELP LIST_HELP "  bordermap --help | --version\n"
    "      --version prints the versions of bordermap, its libraries and the Natural Earth "
    "data\n" FOOTER;
static const char render_help[] = "Usage:\n" RENDER_HELP FOOTER;
static const char batch_help[] = "Usage:\n" BATCH_HELP FOOTER;
static const char serve_help[] = "Usage:\n" SERVE_HELP FOOTER;
static const char data_help[] = "Usage:\n" FETCH_HELP LIST_HELP FOOTER;
static const char fetch_help[] = "Usage:\n" FETCH_HELP FOOTER;
static const char list_help[] = "Usage:\n" LIST_HELP FOOTER;

static int exit_code(bm_status s) {
  switch (s) {
  case BM_OK: return EXIT_OK;
  case BM_ERR_USAGE: return EXIT_USAGE;
  case BM_ERR_SPEC: return EXIT_SPEC;
  case BM_ERR_DATA: return EXIT_DATA;
  case BM_ERR_IO: return EXIT_OUTPUT;
  default: return EXIT_FAIL;
  }
}

static int report(const bm_error *err) {
  char buf[2200];
  bm_error_format(err, buf, sizeof buf);
  fprintf(stderr, "bordermap: %s\n", buf);
  return exit_code(err->code);
}

/* The data warnings of a render (damaged records skipped, guessed encodings),
 * printed also with --quiet: a map drawn from damaged data must never be silent. */
static void print_warnings(const bm_render_stats *stats) {
  for (size_t i = 0; i < stats->nwarnings; i++)
    fprintf(stderr, "bordermap: warning: %s\n", stats->warnings[i]);
}

/* Waits for the child that renders `what`, at most timeout seconds (0: no limit).
 * A child that runs longer is killed, and one that dies of a signal is reported;
 * either way the temp files it left in the output folders dirs are removed.
 * Returns the child's exit code, or EXIT_FAIL. */
static int wait_child(pid_t pid, double timeout, const char *what, const char *const *dirs,
                      int ndirs) {
  struct timespec t0, now, tick = {0, 5 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int status = 0;
  bool timed_out = false;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (timeout > 0 && (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) * 1e-9 > timeout) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    nanosleep(&tick, NULL);
  }
  if (!timed_out && WIFEXITED(status)) return WEXITSTATUS(status);
  for (int i = 0; i < ndirs; i++)
    if (dirs[i]) bm_atomic_clean_stale(dirs[i]);
  if (timed_out)
    fprintf(stderr,
            "bordermap: %s: stopped after %g s, the --timeout; no file was written (raise "
            "--timeout SECONDS for a map that needs longer)\n",
            what, timeout);
  else
    fprintf(stderr, "bordermap: %s: the render died (signal %d); no file was written\n", what,
            WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return EXIT_FAIL;
}

#define LIMIT_OPTIONS                                                                              \
  {"max-file-mb", required_argument, 0, OPT_MAX_FILE},                                             \
      {"max-features", required_argument, 0, OPT_MAX_FEATURES},                                    \
      {"max-parts", required_argument, 0, OPT_MAX_PARTS},                                          \
      {"max-vertices", required_argument, 0, OPT_MAX_VERTICES},                                    \
      {"max-pixels", required_argument, 0, OPT_MAX_PIXELS},                                        \
      {"max-relief-mpx", required_argument, 0, OPT_MAX_RELIEF}

/* The options render, batch and serve share (shared_option() parses them). */
#define SHARED_OPTIONS                                                                             \
  {"strict-data", no_argument, 0, OPT_STRICT}, {"allow-dir", required_argument, 0, OPT_ALLOW},     \
      {"timeout", required_argument, 0, OPT_TIMEOUT}, LIMIT_OPTIONS,                               \
      {"language", required_argument, 0, OPT_LANGUAGE},                                            \
      {"strict-language", no_argument, 0, OPT_STRICT_LANGUAGE}

/* --max-file-mb, --max-features, --max-parts, --max-vertices, --max-pixels, --max-relief-mpx
 * into ro; false: a bad value. */
static bool parse_limit(int opt, const char *arg, bm_render_options *ro) {
  char *end;
  double v = strtod(arg, &end);
  if (end == arg || *end || !(v >= 1 && v <= 1e9)) return false;
  switch (opt) {
  case OPT_MAX_FILE: ro->max_file_mb = v; break;
  case OPT_MAX_FEATURES: ro->max_features = (long)v; break;
  case OPT_MAX_PARTS: ro->max_parts = (long)v; break;
  case OPT_MAX_PIXELS: ro->max_pixels = v; break;
  case OPT_MAX_RELIEF: ro->max_relief_mpx = v; break;
  default: ro->max_vertices = (long)v; break;
  }
  return true;
}

static bool parse_timeout(const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || !(v > 0 && v <= 86400)) return false;
  *out = v;
  return true;
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "bordermap: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nRun 'bordermap --help' for usage.\n");
  return EXIT_USAGE;
}

static bool parse_int(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < lo || v > hi) return false;
  *out = (int)v;
  return true;
}

static void default_output(const char *spec_path, char *buf, size_t n) {
  const char *base = strrchr(spec_path, '/') ? strrchr(spec_path, '/') + 1 : spec_path;
  size_t len = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot) len = (size_t)(dot - base);
  snprintf(buf, n, "out/%.*s.png", (int)len, base);
}

/* The options render and batch share (damaged data, limits, time, confinement, language),
 * into ro, allow (16 at most) and timeout. Returns -1 when c is none of them, else EXIT_OK
 * or the exit code of the usage error it printed. */
static int shared_option(int c, const char *arg, bm_render_options *ro, const char **allow,
                         int *nallow, double *timeout) {
  switch (c) {
  case OPT_STRICT: ro->strict_data = true; return EXIT_OK;
  case OPT_MAX_FILE:
  case OPT_MAX_FEATURES:
  case OPT_MAX_PARTS:
  case OPT_MAX_VERTICES:
  case OPT_MAX_PIXELS:
  case OPT_MAX_RELIEF:
    if (!parse_limit(c, arg, ro))
      return usage_error("--max-file-mb, --max-features, --max-parts, --max-vertices, "
                         "--max-pixels and --max-relief-mpx take a "
                         "number from 1 to 10^9, not '%s'",
                         arg);
    return EXIT_OK;
  case OPT_TIMEOUT:
    if (!parse_timeout(arg, timeout))
      return usage_error("--timeout must be a number of seconds above 0, at most 86400, not '%s'",
                         arg);
    return EXIT_OK;
  case OPT_ALLOW:
    if (*nallow == 16) return usage_error("too many --allow-dir (%s at most)", "16");
    if (!bm_dir_exists(arg)) return usage_error("--allow-dir '%s' is not a folder", arg);
    allow[(*nallow)++] = arg;
    return EXIT_OK;
  case OPT_LANGUAGE:
    if (!bm_lang_code_valid(arg))
      return usage_error("--language takes a language code, two or three lower-case letters "
                         "(ISO 639-1: en, fa, ru, ar, zh ...), not '%s'",
                         arg);
    ro->language = arg;
    return EXIT_OK;
  case OPT_STRICT_LANGUAGE: ro->strict_language = true; return EXIT_OK;
  default: return -1;
  }
}

/* One warning for the labels a map shows in their default name, its language lacking one;
 * and one when the language has no message catalogue. */
static void language_warning(const char *spec_path, const bm_render_stats *st) {
  if (st->no_catalogue)
    fprintf(stderr,
            "bordermap: warning: %s: language %s has no message catalogue (lang/%s.yaml); "
            "legend, scale and credit text stay in English (set them with messages:)\n",
            spec_path, st->language, st->language);
  if (st->n_untranslated)
    fprintf(stderr,
            "bordermap: warning: %s: %zu label%s left untranslated (no %s name in the data or "
            "the catalogue): %s\n",
            spec_path, st->n_untranslated, st->n_untranslated > 1 ? "s" : "", st->language,
            st->untranslated);
}

static int cmd_render(int argc, char **argv) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"width", required_argument, 0, OPT_WIDTH},
                                       {"height", required_argument, 0, OPT_HEIGHT},
                                       {"dpi", required_argument, 0, OPT_DPI},
                                       {"data", required_argument, 0, OPT_DATA},
                                       {"labels-report", required_argument, 0, OPT_REPORT},
                                       {"debug-labels", no_argument, 0, OPT_DEBUG},
                                       {"timings", no_argument, 0, OPT_TIMINGS},
                                       {"naive-labels", no_argument, 0, OPT_NAIVE},
                                       SHARED_OPTIONS,
                                       {"quiet", no_argument, 0, OPT_QUIET},
                                       {"format", required_argument, 0, OPT_FORMAT},
                                       {"help", no_argument, 0, OPT_HELP},
                                       {0, 0, 0, 0}};
  const char *outputs[16], *format = NULL;
  int nout = 0;
  bool timings = false, quiet = false;
  char data[1024];
  bm_data_dir_default(data, sizeof data);
  bm_render_options ro = {0};
  const char *allow[17] = {0};
  int nallow = 0;
  ro.allow_dirs = allow;
  double timeout = 0;
  int c, w;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      if (nout == 16) return usage_error("too many outputs (%s at most)", "16");
      outputs[nout++] = optarg;
      break;
    case OPT_WIDTH:
      if (!parse_int(optarg, 100, 20000, &ro.width))
        return usage_error("--width must be a whole number of pixels from 100 to 20000, not '%s'",
                           optarg);
      break;
    case OPT_HEIGHT:
      if (!parse_int(optarg, 100, 20000, &ro.height))
        return usage_error("--height must be a whole number of pixels from 100 to 20000, not '%s'",
                           optarg);
      break;
    case OPT_DPI:
      if (!parse_int(optarg, 36, 1200, &w))
        return usage_error("--dpi must be a whole number from 36 to 1200, not '%s'", optarg);
      ro.dpi = w;
      break;
    case OPT_DATA: snprintf(data, sizeof data, "%s", optarg); break;
    case OPT_REPORT: ro.labels_report = optarg; break;
    case OPT_DEBUG: ro.debug_labels = true; break;
    case OPT_NAIVE: ro.label_naive = true; break;
    case OPT_TIMINGS: timings = true; break;
    case OPT_QUIET: quiet = true; break;
    case OPT_FORMAT: format = optarg; break;
    case OPT_HELP: fputs(render_help, stdout); return EXIT_OK;
    default: {
      int r = shared_option(c, optarg, &ro, allow, &nallow, &timeout);
      if (r == EXIT_OK) break;
      if (r > 0) return r;
      return usage_error("unknown or incomplete option '%s' for render", argv[optind - 1]);
    }
    }
  }
  if (argc - optind > 1)
    return usage_error("render takes one spec file; got also '%s'", argv[optind + 1]);
  char *spec_path = optind < argc ? strdup(argv[optind]) : bm_spec_default_path();
  ro.data_dir = data;
  bm_error err;
  bm_spec *spec = bm_spec_load(spec_path, &err);
  if (!spec) {
    free(spec_path);
    return report(&err);
  }
  char def_out[1024];
  if (nout == 0) {
    default_output(spec_path, def_out, sizeof def_out);
    bm_mkdir_p("out", &err);
    outputs[nout++] = def_out;
  }
  int rc = EXIT_OK;
  bm_output outs[16] = {{0}};
  bm_format stdout_format = BM_FORMAT_PNG;
  int to_stdout = 0;
  if (format && !bm_format_from_name(format, &stdout_format))
    rc = usage_error("unknown format '%s' for --format; valid: png, pdf, svg", format);
  /* every output is checked before any is drawn */
  for (int i = 0; i < nout && rc == EXIT_OK; i++) {
    if (!strcmp(outputs[i], "-")) { /* standard output: rendered into memory, then written */
      if (!format) rc = usage_error("%s", "-o - needs --format png, pdf or svg");
      if (++to_stdout > 1) rc = usage_error("%s", "-o - can be given once");
      outs[i].format = stdout_format;
      continue;
    }
    outs[i].path = outputs[i];
    if (!bm_format_from_path(outputs[i], &outs[i].format))
      rc = usage_error("cannot tell the format of '%s': the name must end in .png, .pdf or .svg",
                       outputs[i]);
  }
  if (rc == EXIT_OK && format && !to_stdout)
    rc = usage_error("%s", "--format is for '-o -'; a file's format follows its extension");
  /* with --timeout the map is rendered in a child process that is killed when time runs out */
  pid_t child = -1;
  if (rc == EXIT_OK && timeout > 0) {
    fflush(stdout);
    fflush(stderr);
    child = fork();
    if (child > 0) {
      char *dirs[16] = {0};
      for (int i = 0; i < nout; i++)
        if (outs[i].path) dirs[i] = bm_path_dirname(outs[i].path);
      rc = wait_child(child, timeout, spec_path, (const char *const *)dirs, nout);
      for (int i = 0; i < nout; i++)
        free(dirs[i]);
      bm_spec_free(spec);
      free(spec_path);
      return rc;
    }
  }
  bm_render_stats stats = {0};
  if (rc == EXIT_OK) {
    bm_status st = bm_render_outputs(spec, outs, (size_t)nout, &ro, &stats, &err);
    print_warnings(&stats);
    if (st) rc = report(&err);
    if (rc == EXIT_OK) language_warning(spec_path, &stats);
  }
  for (int i = 0; i < nout; i++) {
    if (!outs[i].path && rc == EXIT_OK &&
        (fwrite(outs[i].data, 1, outs[i].len, stdout) != outs[i].len || fflush(stdout))) {
      fprintf(stderr, "bordermap: cannot write the map to standard output: %s\n", strerror(errno));
      rc = EXIT_OUTPUT;
    }
    free(outs[i].data);
    if (rc == EXIT_OK && !quiet)
      fprintf(stderr, "wrote %s (%s data, %s)\n", outs[i].path ? outputs[i] : "standard output",
              stats.scale, stats.projection);
  }
  if (rc == EXIT_OK && timings) {
    fprintf(stderr,
            "  plan %.3f s, load %.3f s, project %.3f s, layout %.3f s, labels %.3f s, paint %.3f "
            "s, write %.3f s, total %.3f s; %zu features, %zu labels placed, %zu dropped\n",
            stats.t_plan, stats.t_load, stats.t_project, stats.t_layout, stats.t_label,
            stats.t_paint, stats.t_write, stats.t_total, stats.features, stats.labels_placed,
            stats.labels_dropped);
    for (int i = 0; i < nout && i < BM_MAX_TIMED_OUTPUTS; i++)
      fprintf(stderr, "  %s: paint %.3f s, write %.3f s\n",
              outs[i].path ? outputs[i] : "standard output", stats.t_out_paint[i],
              stats.t_out_write[i]);
  }
  bm_spec_free(spec);
  free(spec_path);
  if (child == 0) { /* the child of --timeout */
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
  }
  return rc;
}

typedef struct {
  const char *data;
  int failed;
  bool quiet;
} fetch_ui;

static void on_progress(void *user, const bm_catalog_entry *e, bm_fetch_event ev, const char *msg) {
  fetch_ui *ui = user;
  switch (ev) {
  case BM_FETCH_FETCHED:
    if (!ui->quiet) fprintf(stderr, "fetched  %s\n", e->stem);
    break;
  case BM_FETCH_SKIPPED:
    if (!ui->quiet) fprintf(stderr, "present  %s\n", e->stem);
    break;
  case BM_FETCH_FAILED:
    ui->failed++;
    fprintf(stderr, "bordermap: %s: %s\n", e->stem, msg ? msg : "failed");
    break;
  }
}

/* What batch prints as maps finish: warnings and errors (stderr), "wrote" lines or a
 * progress bar, one JSON line per map (stdout), the failures for the summary. */
typedef struct {
  bool quiet, json, bar;
  bm_strlist failures;
  bool bar_drawn;
} batch_ui;

static void bar_clear(batch_ui *ui) {
  if (ui->bar_drawn) fputs("\r\033[K", stderr);
  ui->bar_drawn = false;
}

static void on_batch_progress(void *user, size_t done, size_t total, double elapsed) {
  batch_ui *ui = user;
  if (!ui->bar) return;
  int width = 30, full = total ? (int)(width * done / total) : width;
  double rate = elapsed > 0 ? (double)done / elapsed : 0;
  char left[32] = "";
  if (rate > 0 && done < total)
    snprintf(left, sizeof left, ", about %.0f s left", (double)(total - done) / rate);
  fprintf(stderr, "\r\033[K[%.*s%.*s] %zu/%zu maps, %.1f maps/s%s", full,
          "##############################", width - full, "------------------------------",
          done, total, rate, left);
  fflush(stderr);
  ui->bar_drawn = true;
}

static void on_batch_result(void *user, const bm_batch_job *job, const bm_batch_result *res) {
  batch_ui *ui = user;
  bar_clear(ui);
  if (res->stats) print_warnings(res->stats);
  if (res->status == BM_BATCH_OK && res->stats) language_warning(job->label, res->stats);
  if (res->status == BM_BATCH_FAILED) {
    fprintf(stderr, "bordermap: %s\n", res->error ? res->error : "failed");
    fprintf(stderr, "bordermap: FAILED %s (the other maps go on)\n", job->label);
    char line[2600];
    const char *e = res->error ? res->error : "failed";
    if (!strncmp(e, job->label, strlen(job->label))) /* the message names the map already */
      snprintf(line, sizeof line, "%s", e);
    else
      snprintf(line, sizeof line, "%s: %s", job->label, e);
    bm_strlist_push(&ui->failures, line);
  }
  size_t nf = 0;
  while (res->paths && res->paths[nf][0] && nf < 3)
    nf++;
  if (!ui->quiet && !ui->bar && res->status != BM_BATCH_FAILED)
    for (size_t f = 0; f < nf; f++)
      fprintf(stderr, "%s %s\n", res->status == BM_BATCH_OK ? "wrote" : "up to date",
              res->paths[f]);
  if (ui->json) {
    printf("{\"spec\": ");
    bm_json_string(stdout, job->spec_path);
    printf(", \"row\": ");
    if (job->row)
      printf("%d", job->row);
    else
      printf("null");
    printf(", \"name\": ");
    bm_json_string(stdout, job->name);
    printf(", \"status\": \"%s\", \"seconds\": %.3f, \"outputs\": [",
           res->status == BM_BATCH_OK ? "ok" : res->status == BM_BATCH_SKIPPED ? "skipped" : "failed",
           res->seconds);
    for (size_t f = 0; res->status != BM_BATCH_FAILED && f < nf; f++) {
      printf("%s{\"path\": ", f ? ", " : "");
      bm_json_string(stdout, res->paths[f]);
      printf(", \"sha256\": ");
      bm_json_string(stdout, res->sha256[f]);
      printf("}");
    }
    printf("], \"error\": ");
    bm_json_string(stdout, res->status == BM_BATCH_FAILED ? res->error : NULL);
    printf("}\n");
    fflush(stdout);
  }
}

/* Renders every spec, or a template once per table row, on -j worker processes; one
 * failure does not stop the others. */
static int cmd_batch(int argc, char **argv) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"format", required_argument, 0, OPT_FORMAT},
                                       {"data", required_argument, 0, OPT_DATA},
                                       {"quiet", no_argument, 0, OPT_QUIET},
                                       SHARED_OPTIONS,
                                       {"table", required_argument, 0, OPT_TABLE},
                                       {"name", required_argument, 0, OPT_NAME},
                                       {"jobs", required_argument, 0, 'j'},
                                       {"json", no_argument, 0, OPT_JSON},
                                       {"shard", required_argument, 0, OPT_SHARD},
                                       {"resume", no_argument, 0, OPT_RESUME},
                                       {"help", no_argument, 0, OPT_HELP},
                                       {0, 0, 0, 0}};
  const char *dir = "out", *formats = "png", *table_path = NULL, *name = NULL, *shard = NULL;
  bm_render_options ro = {0};
  const char *allow[18] = {0}; /* 16 --allow-dir, the rows' geometry folder, NULL */
  int nallow = 0;
  ro.allow_dirs = allow;
  double timeout = 0;
  bool quiet = false, json = false, resume = false;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int workers = ncpu > 0 ? (ncpu > 64 ? 64 : (int)ncpu) : 1;
  char data[1024];
  bm_data_dir_default(data, sizeof data);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o': dir = optarg; break;
    case OPT_FORMAT: formats = optarg; break;
    case OPT_DATA: snprintf(data, sizeof data, "%s", optarg); break;
    case OPT_QUIET: quiet = true; break;
    case OPT_TABLE: table_path = optarg; break;
    case OPT_NAME: name = optarg; break;
    case OPT_JSON: json = true; break;
    case OPT_SHARD: shard = optarg; break;
    case OPT_RESUME: resume = true; break;
    case 'j':
      if (!parse_int(optarg, 1, 64, &workers))
        return usage_error("-j takes a number of processes from 1 to 64, not '%s'", optarg);
      break;
    case OPT_HELP: fputs(batch_help, stdout); return EXIT_OK;
    default: {
      int r = shared_option(c, optarg, &ro, allow, &nallow, &timeout);
      if (r == EXIT_OK) break;
      if (r > 0) return r;
      return usage_error("unknown or incomplete option '%s' for batch", argv[optind - 1]);
    }
    }
  }
  if (optind >= argc) return usage_error("%s", "batch needs at least one spec file");
  if (table_path && argc - optind > 1)
    return usage_error("with --table, batch takes one template; got also '%s'", argv[optind + 1]);
  if (name && !table_path)
    return usage_error("%s", "--name is for a template with --table; spec files are named "
                             "after their file");
  /* the formats, checked before any work */
  const char *fmts[3];
  char fmtbuf[3][4];
  size_t nfmt = 0;
  char list[64];
  snprintf(list, sizeof list, "%s", formats);
  for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (strcmp(t, "png") && strcmp(t, "pdf") && strcmp(t, "svg"))
      return usage_error("unknown format '%s' for --format; valid: png, pdf, svg", t);
    for (size_t k = 0; k < nfmt; k++)
      if (!strcmp(fmts[k], t)) return usage_error("--format lists %s twice", t);
    if (nfmt == 3) return usage_error("%s", "--format lists png, pdf and svg at most once each");
    snprintf(fmtbuf[nfmt], sizeof fmtbuf[0], "%s", t);
    fmts[nfmt] = fmtbuf[nfmt];
    nfmt++;
  }
  if (nfmt == 0) return usage_error("%s", "--format needs at least one of png, pdf, svg");
  bm_error err;
  bm_batch_options bo = {.out_dir = dir, .formats = fmts, .nformats = nfmt, .render = &ro,
                         .workers = workers, .timeout = timeout, .resume = resume};
  if (shard && bm_batch_parse_shard(shard, &bo.shard_index, &bo.shard_count, &err)) {
    fprintf(stderr, "bordermap: %s\nRun 'bordermap --help' for usage.\n", err.msg);
    return EXIT_USAGE;
  }
  ro.data_dir = data;
  if (!bm_dir_exists(data)) { /* every map would fail the same way: refuse the batch */
    fprintf(stderr,
            "bordermap: %s: the Natural Earth data folder does not exist; run `bordermap data "
            "fetch --data %s` (add --from <mirror folder or URL> when offline), or point --data / "
            "BORDERMAP_DATA at a folder that has the layers\n",
            data, data);
    return EXIT_DATA;
  }
  /* the jobs, and every check that can refuse the batch before a map renders */
  bm_batch_jobs jobs = {0};
  bm_status st;
  if (table_path) {
    /* the table is read like a site file: a format of the allow-list, inside the template's
     * folder, the working folder or an --allow-dir */
    char *tdir = bm_path_dirname(argv[optind]);
    bool inside = bm_path_inside(table_path, tdir) || bm_path_inside(table_path, ".");
    for (int i = 0; i < nallow; i++)
      inside = inside || bm_path_inside(table_path, allow[i]);
    free(tdir);
    if (!inside && bm_file_exists(table_path)) {
      char *tfolder = bm_path_dirname(table_path);
      fprintf(stderr,
              "bordermap: table '%s' is outside the folders a batch may read from (the "
              "template's folder and the working directory); to allow it, add --allow-dir %s\n",
              table_path, tfolder ? tfolder : "FOLDER");
      free(tfolder);
      return EXIT_SPEC;
    }
    bm_table table;
    bm_load_limits lim = {ro.max_file_mb, ro.max_features, ro.max_parts, ro.max_vertices};
    st = bm_table_read(table_path, &lim, &table, &err);
    if (!st) st = bm_batch_jobs_from_template(argv[optind], &table, name, &jobs, &err);
    bm_table_free(&table);
  } else {
    st = bm_batch_jobs_from_specs((const char *const *)argv + optind, (size_t)(argc - optind),
                                  &jobs, &err);
  }
  if (!st) st = bm_batch_check_unique(&jobs, &err);
  if (!st && jobs.tmpdir) allow[nallow] = jobs.tmpdir; /* the rows' geometry files */
  if (st) {
    bm_batch_jobs_free(&jobs);
    return report(&err);
  }
  batch_ui ui = {.quiet = quiet, .json = json, .bar = !quiet && isatty(2)};
  bo.on_result = on_batch_result;
  bo.on_progress = on_batch_progress;
  bo.user = &ui;
  bm_batch_summary sum;
  st = bm_batch_run(&jobs, &bo, &sum, &err);
  bar_clear(&ui);
  bm_batch_jobs_free(&jobs);
  if (st) {
    bm_strlist_free(&ui.failures);
    return report(&err);
  }
  if (!quiet || sum.failed) {
    fprintf(stderr, "%zu maps: %zu rendered, %zu failed", sum.total, sum.ok, sum.failed);
    if (sum.skipped) fprintf(stderr, ", %zu up to date (--resume)", sum.skipped);
    if (bo.shard_count > 1)
      fprintf(stderr, " (shard %d of 0..%d)", bo.shard_index, bo.shard_count - 1);
    fputc('\n', stderr);
  }
  if (sum.failed) {
    fprintf(stderr, "failed:\n");
    for (size_t i = 0; i < ui.failures.n; i++)
      fprintf(stderr, "  %s\n", ui.failures.v[i]);
  }
  bm_strlist_free(&ui.failures);
  return sum.failed ? EXIT_FAIL : EXIT_OK;
}

static int cmd_data(int argc, char **argv) {
  if (argc < 2) return usage_error("data needs a subcommand: fetch or list%s", "");
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
    fputs(data_help, stdout);
    return EXIT_OK;
  }
  bool fetch = !strcmp(sub, "fetch"), list = !strcmp(sub, "list");
  if (!fetch && !list) return usage_error("unknown data subcommand '%s'; valid: fetch, list", sub);
  static const struct option opts[] = {
      {"from", required_argument, 0, OPT_FROM}, {"scales", required_argument, 0, OPT_SCALES},
      {"data", required_argument, 0, OPT_DATA}, {"quiet", no_argument, 0, OPT_QUIET},
      {"help", no_argument, 0, OPT_HELP},       {0, 0, 0, 0}};
  char data[1024];
  bm_data_dir_default(data, sizeof data);
  const char *from = NULL, *scales = NULL;
  bool quiet = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc - 1, argv + 1, "qh", opts, NULL)) != -1) {
    switch (c) {
    case OPT_FROM: from = optarg; break;
    case OPT_SCALES: scales = optarg; break;
    case OPT_DATA: snprintf(data, sizeof data, "%s", optarg); break;
    case OPT_QUIET: quiet = true; break;
    case OPT_HELP: fputs(list ? list_help : fetch_help, stdout); return EXIT_OK;
    default: return usage_error("unknown or incomplete option '%s' for data", argv[optind]);
    }
  }
  if (optind < argc - 1) return usage_error("unexpected argument '%s'", argv[optind + 1]);
  if (list && (from || scales || quiet)) return usage_error("%s", "data list takes only --data");
  bm_error err;
  bm_catalog *cat = bm_catalog_create(&err);
  if (!cat) return report(&err);
  int rc = EXIT_OK;
  if (list) {
    int missing = 0;
    printf("data folder: %s\n", data);
    for (size_t i = 0; i < bm_catalog_count(cat); i++) {
      const bm_catalog_entry *e = bm_catalog_at(cat, i);
      bool ok = bm_catalog_present(data, e);
      missing += !ok;
      printf("%-8s %-10s %-5s %s\n", ok ? "present" : "missing", e->logical, e->scale, e->stem);
    }
    printf("%zu layers, %d missing\n", bm_catalog_count(cat), missing);
    char release[128];
    if (bm_catalog_release(data, release, sizeof release))
      printf("Natural Earth release: %s (per layer, with zip checksums, in %s/%s)\n", release, data,
             BM_RELEASE_FILE);
    else
      printf("Natural Earth release: not recorded (fetch with bordermap data fetch)\n");
    if (missing) printf("get them with: bordermap data fetch --data %s [--from MIRROR]\n", data);
  } else {
    fetch_ui ui = {data, 0, quiet};
    bm_fetch_options fo = {
        .source = from, .data_dir = data, .scales = scales, .progress = on_progress, .user = &ui};
    bm_fetch_result res;
    if (!quiet)
      fprintf(stderr, "fetching from %s into %s\n", from ? from : bm_fetch_default_source(), data);
    bm_status st = bm_fetch_run(cat, &fo, &res, &err);
    /* a spatial index beside each layer makes reading a map's box fast */
    for (size_t i = 0; i < bm_catalog_count(cat); i++) {
      const bm_catalog_entry *e = bm_catalog_at(cat, i);
      char shp[1200], qix[1200];
      bm_catalog_shp_path(data, e, shp, sizeof shp);
      snprintf(qix, sizeof qix, "%.*s.qix", (int)strlen(shp) - 4, shp);
      if (bm_catalog_present(data, e) && !bm_file_exists(qix)) {
        bm_error ie;
        if (bm_shp_index_build(shp, &ie)) report(&ie);
      }
    }
    if (!quiet || res.failed)
      fprintf(stderr, "%d fetched, %d already present, %d failed\n", res.fetched, res.skipped,
              res.failed);
    if (st) rc = report(&err);
  }
  bm_catalog_destroy(cat);
  return rc;
}

/* The live preview (serve/serve.h): its options here, the server there. */
static int cmd_serve(int argc, char **argv) {
  static const struct option opts[] = {{"port", required_argument, 0, OPT_PORT},
                                       {"bind", required_argument, 0, OPT_BIND},
                                       {"data", required_argument, 0, OPT_DATA},
                                       {"debug-labels", no_argument, 0, OPT_DEBUG},
                                       {"poll", no_argument, 0, OPT_POLL},
                                       /* internal: a render worker of the server */
                                       {"render-child", no_argument, 0, OPT_RENDER_CHILD},
                                       {"quiet", no_argument, 0, OPT_QUIET},
                                       SHARED_OPTIONS,
                                       {"help", no_argument, 0, OPT_HELP},
                                       {0, 0, 0, 0}};
  bm_serve_options so = {.bind = "127.0.0.1", .port = 8000, .timeout = 60};
  const char *allow[17] = {0};
  int nallow = 0;
  so.ro.allow_dirs = allow;
  char data[1024];
  bm_data_dir_default(data, sizeof data);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
    switch (c) {
    case OPT_PORT:
      if (!parse_int(optarg, 0, 65535, &so.port))
        return usage_error("--port must be a whole number from 0 to 65535 (0: any free port), "
                           "not '%s'",
                           optarg);
      break;
    case OPT_BIND: so.bind = optarg; break;
    case OPT_DATA: snprintf(data, sizeof data, "%s", optarg); break;
    case OPT_DEBUG: so.ro.debug_labels = true; break;
    case OPT_POLL: so.force_polling = true; break;
    case OPT_RENDER_CHILD: so.render_child = true; break;
    case OPT_QUIET: so.quiet = true; break;
    case OPT_HELP: fputs(serve_help, stdout); return EXIT_OK;
    default: {
      int r = shared_option(c, optarg, &so.ro, allow, &nallow, &so.timeout);
      if (r == EXIT_OK) break;
      if (r > 0) return r;
      return usage_error("unknown or incomplete option '%s' for serve", argv[optind - 1]);
    }
    }
  }
  if (optind >= argc) return usage_error("%s", "serve needs a spec file: bordermap serve SPEC.yaml");
  if (argc - optind > 1)
    return usage_error("serve takes one spec file; got also '%s'", argv[optind + 1]);
  so.spec_path = argv[optind];
  so.argv = argv + 1;
  so.ro.data_dir = data;
  if (so.render_child) return bm_serve_run(&so); /* the spec may be mid-save: it reports */
  if (!bm_file_exists(so.spec_path))
    return usage_error("serve: the spec '%s' does not exist", so.spec_path);
  return bm_serve_run(&so);
}

/* bordermap's version, its libraries' and the Natural Earth release in the default data folder. */
static void print_version(void) {
  bordermap_versions v;
  bordermap_versions_get(&v);
  printf("bordermap %s\n", v.bordermap);
  const char *capi = strstr(v.geos, "-CAPI"); /* "3.11.1-CAPI-1.17.1": the C API's own number */
  printf("PROJ %s, GDAL %s, GEOS %.*s, Cairo %s, Pango %s\n", v.proj, v.gdal,
         capi ? (int)(capi - v.geos) : (int)strlen(v.geos), v.geos, v.cairo, v.pango);
  char data[1024], release[128];
  bm_data_dir_default(data, sizeof data);
  if (bm_catalog_release(data, release, sizeof release))
    printf("Natural Earth %s (%s)\n", release, data);
  else
    printf("Natural Earth: no release recorded in %s (bordermap data fetch)\n", data);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    if (argc > 2) return usage_error("--version takes no arguments; got '%s'", argv[2]);
    print_version();
    return EXIT_OK;
  }
  if (!strcmp(cmd, "render")) return cmd_render(argc - 1, argv + 1);
  if (!strcmp(cmd, "batch")) return cmd_batch(argc - 1, argv + 1);
  if (!strcmp(cmd, "data")) return cmd_data(argc - 1, argv + 1);
  if (!strcmp(cmd, "serve")) return cmd_serve(argc - 1, argv + 1);
  return usage_error("unknown command '%s'; valid commands: render, batch, serve, data", cmd);
}
