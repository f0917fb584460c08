/* Unit tests for load/fetch: folder, file:// and http:// sources against the
 * Natural Earth mirror, and the failure paths (bad options, missing files,
 * broken or hostile zips). Exits 77 (skip) when the mirror is not there. */
#define _GNU_SOURCE /* mkdtemp, nftw, strcasestr */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cmocka.h>

#include "core/util.h"
#include "load/catalog.h"
#include "load/fetch.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct {
  int fetched, skipped, failed;
  char failed_stem[96];
  char message[4096]; /* message of the first failure */
} progress_log;

static void on_progress(void *user, const bm_catalog_entry *e, bm_fetch_event ev,
                        const char *message) {
  progress_log *log = user;
  switch (ev) {
  case BM_FETCH_FETCHED: log->fetched++; break;
  case BM_FETCH_SKIPPED: log->skipped++; break;
  case BM_FETCH_FAILED:
    assert_non_null(message);
    if (!log->failed++) {
      snprintf(log->failed_stem, sizeof log->failed_stem, "%s", e->stem);
      snprintf(log->message, sizeof log->message, "%s", message);
    }
    break;
  }
}

/* A fresh folder under BM_TEST_TMP; caller frees (and removes it with rm_tree). */
static char *make_tmp(void) {
  bm_error err;
  assert_int_equal(bm_mkdir_p(BM_TEST_TMP, &err), BM_OK);
  char *path = bm_path_join(BM_TEST_TMP, "fetch-XXXXXX");
  assert_non_null(path);
  assert_non_null(mkdtemp(path));
  return path;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static char *join3(const char *a, const char *b, const char *c) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
  char *s = malloc(n);
  assert_non_null(s);
  snprintf(s, n, "%s/%s/%s", a, b, c);
  return s;
}

static size_t count_scale(const bm_catalog *c, const char *scale) {
  size_t n = 0;
  for (size_t i = 0; i < bm_catalog_count(c); i++)
    if (!strcmp(bm_catalog_at(c, i)->scale, scale)) n++;
  return n;
}

static void assert_all_present(const bm_catalog *c, const char *data, const char *scale) {
  for (size_t i = 0; i < bm_catalog_count(c); i++) {
    const bm_catalog_entry *e = bm_catalog_at(c, i);
    if (!strcmp(e->scale, scale) && !bm_catalog_present(data, e)) fail_msg("%s missing", e->stem);
  }
}

/* Number of entries in folder (not . and ..); fails on any ".fetch-" leftover. */
static int count_entries_no_temp(const char *folder) {
  DIR *d = opendir(folder);
  if (!d) return -1;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (!strcmp(de->d_name, BM_RELEASE_FILE)) continue; /* the release record, not a layer */
    if (!strncmp(de->d_name, ".fetch-", 7)) fail_msg("temp leftover %s/%s", folder, de->d_name);
    n++;
  }
  closedir(d);
  return n;
}

static bm_catalog *catalog(void) {
  bm_error err;
  bm_catalog *c = bm_catalog_create(&err);
  assert_non_null(c);
  return c;
}

/* The release record lists every layer fetched, each with its zip's SHA-256 as the
 * mirror's SHA256SUMS gives it, and the release the source named (or "unknown"). */
static void assert_release_record(const char *data, size_t layers, const char *version) {
  char *path = bm_path_join(data, BM_RELEASE_FILE);
  FILE *f = fopen(path, "r");
  if (!f) fail_msg("no release record %s", path);
  char line[8192], stem[96], ver[32], sum[80], land_sum[80] = "";
  size_t n = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "layer %95s %31s sha256:%79s", stem, ver, sum) != 3) continue;
    n++;
    assert_string_equal(ver, version);
    if (!strcmp(stem, "ne_110m_land")) snprintf(land_sum, sizeof land_sum, "%s", sum);
  }
  fclose(f);
  assert_int_equal(n, layers);
  FILE *sums = fopen(BM_TEST_MIRROR "/SHA256SUMS", "r");
  if (sums) { /* the mirror's own checksum of the zip */
    bool found = false;
    while (fgets(line, sizeof line, sums))
      if (strstr(line, "/ne_110m_land.zip")) {
        found = true;
        assert_int_equal(strncmp(line, land_sum, 64), 0);
      }
    fclose(sums);
    assert_true(found);
  }
  char got[128];
  assert_true(bm_catalog_release(data, got, sizeof got));
  assert_string_equal(got, version);
  free(path);
}

/* Fetches 110m from source into data, twice: all fetched, then all skipped. */
static void fetch_110m_twice(const char *source, const char *data) {
  bm_catalog *c = catalog();
  size_t n = count_scale(c, "110m");
  assert_true(n > 0);

  progress_log log = {0};
  bm_fetch_options opt = {
      .source = source, .data_dir = data, .scales = "110m", .progress = on_progress, .user = &log};
  bm_fetch_result res;
  bm_error err;
  bm_status rc = bm_fetch_run(c, &opt, &res, &err);
  if (rc != BM_OK) fail_msg("fetch from %s: %s", source, err.msg);
  assert_int_equal(res.fetched, (int)n);
  assert_int_equal(res.skipped, 0);
  assert_int_equal(res.failed, 0);
  assert_int_equal(log.fetched, (int)n);
  assert_all_present(c, data, "110m");
  assert_int_equal(count_entries_no_temp(data), (int)n);
  assert_release_record(data, n, "unknown");

  memset(&log, 0, sizeof log);
  rc = bm_fetch_run(c, &opt, &res, &err);
  assert_int_equal(rc, BM_OK);
  assert_int_equal(res.fetched, 0);
  assert_int_equal(res.skipped, (int)n);
  assert_int_equal(res.failed, 0);
  assert_int_equal(log.skipped, (int)n);
  bm_catalog_destroy(c);
}

/* Writes a zip at path holding the named members (content = name); stored,
 * not deflated, so a test can corrupt the bytes in place. */
static void write_zip(const char *path, const char *const *names, size_t n) {
  int zerr = 0;
  zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  assert_non_null(za);
  for (size_t i = 0; i < n; i++) {
    zip_source_t *src = zip_source_buffer(za, names[i], strlen(names[i]), 0);
    assert_non_null(src);
    zip_int64_t idx = zip_file_add(za, names[i], src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) fail_msg("zip_file_add %s: %s", names[i], zip_strerror(za));
    assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
  }
  assert_int_equal(zip_close(za), 0);
}

/* A mirror folder {tmp}/mirror with symlinks to the real 110m zips, where the
 * zip of ne_110m_land is replaced by what make_land writes. */
static char *fake_mirror(const char *tmp, void (*make_land)(const char *path)) {
  bm_catalog *c = catalog();
  char *mirror = bm_path_join(tmp, "mirror");
  bm_error err;
  for (size_t i = 0; i < bm_catalog_count(c); i++) {
    const bm_catalog_entry *e = bm_catalog_at(c, i);
    if (strcmp(e->scale, "110m")) continue;
    char dir[2048], dst[2300], src[2300];
    snprintf(dir, sizeof dir, "%s/110m/%s", mirror, e->theme);
    assert_int_equal(bm_mkdir_p(dir, &err), BM_OK);
    snprintf(dst, sizeof dst, "%s/%s.zip", dir, e->stem);
    snprintf(src, sizeof src, "%s/110m/%s/%s.zip", BM_TEST_MIRROR, e->theme, e->stem);
    if (!strcmp(e->stem, "ne_110m_land"))
      make_land(dst);
    else
      assert_int_equal(symlink(src, dst), 0);
  }
  bm_catalog_destroy(c);
  return mirror;
}

/* Runs a 110m fetch from a fake mirror whose land zip is bad; checks that only
 * land failed, with a message containing want, and left nothing behind. */
static void expect_land_rejected(void (*make_land)(const char *path), const char *want) {
  char *tmp = make_tmp();
  char *mirror = fake_mirror(tmp, make_land);
  char *data = bm_path_join(tmp, "data");
  bm_catalog *c = catalog();
  size_t n = count_scale(c, "110m");

  progress_log log = {0};
  bm_fetch_options opt = {
      .source = mirror, .data_dir = data, .scales = "110m", .progress = on_progress, .user = &log};
  bm_fetch_result res;
  bm_error err;
  bm_status rc = bm_fetch_run(c, &opt, &res, &err);
  assert_int_equal(rc, BM_ERR_DATA);
  assert_int_equal(err.code, BM_ERR_DATA);
  assert_int_equal(res.failed, 1);
  assert_int_equal(res.fetched, (int)n - 1);
  assert_int_equal(log.failed, 1);
  assert_string_equal(log.failed_stem, "ne_110m_land");
  if (!strcasestr(log.message, want) || !strcasestr(err.msg, want))
    fail_msg("expected '%s' in: %s", want, log.message);
  assert_non_null(strstr(log.message, "ne_110m_land"));

  char *land = bm_path_join(data, "ne_110m_land");
  struct stat st;
  assert_int_not_equal(lstat(land, &st), 0);
  for (size_t i = 0; i < bm_catalog_count(c); i++) {
    const bm_catalog_entry *e = bm_catalog_at(c, i);
    if (!strcmp(e->scale, "110m") && strcmp(e->stem, "ne_110m_land"))
      assert_true(bm_catalog_present(data, e));
  }
  assert_int_equal(count_entries_no_temp(data), (int)n - 1);
  /* Nothing escaped the data folder either (the '..' member case). */
  char *evil = bm_path_join(tmp, "evil.txt");
  assert_int_not_equal(access(evil, F_OK), 0);
  free(evil);

  free(land);
  bm_catalog_destroy(c);
  rm_tree(tmp);
  free(data);
  free(mirror);
  free(tmp);
}

/* ---- a tiny HTTP/1.0 server in a child process ------------------------------ */

typedef struct {
  pid_t pid;
  int port;
} http_server;

static void serve_one(int cfd, const char *root) {
  struct timeval tv = {5, 0};
  setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char req[8192];
  size_t n = 0;
  while (n < sizeof req - 1) {
    ssize_t r = read(cfd, req + n, sizeof req - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    req[n] = '\0';
    if (strstr(req, "\r\n\r\n")) break;
  }
  req[n] = '\0';
  char path[1024] = "";
  int fd = -1;
  if (sscanf(req, "GET %1000s HTTP/", path) == 1 && path[0] == '/' && !strstr(path, "..")) {
    char file[2048];
    snprintf(file, sizeof file, "%s%s", root, path);
    fd = open(file, O_RDONLY);
  }
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.0 200 OK\r\nContent-Type: application/zip\r\n"
                      "Content-Length: %lld\r\n\r\n",
                      (long long)st.st_size);
    if (write(cfd, head, (size_t)hn) == hn) {
      char buf[65536];
      ssize_t r;
      while ((r = read(fd, buf, sizeof buf)) > 0)
        if (write(cfd, buf, (size_t)r) != r) break;
    }
  } else {
    static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    if (write(cfd, nf, sizeof nf - 1) < 0) {
    }
  }
  if (fd >= 0) close(fd);
  close(cfd);
}

/* Serves files under root on 127.0.0.1; the child stops on its own after 200
 * connections or 60 s, whichever comes first. */
static http_server start_server(const char *root) {
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(lfd >= 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(lfd, 16), 0);
  socklen_t len = sizeof addr;
  assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);

  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    signal(SIGALRM, SIG_DFL);
    alarm(60);
    for (int i = 0; i < 200; i++) {
      int cfd = accept(lfd, NULL, NULL);
      if (cfd < 0) {
        if (errno == EINTR) continue;
        break;
      }
      serve_one(cfd, root);
    }
    _exit(0);
  }
  close(lfd);
  return (http_server){pid, ntohs(addr.sin_port)};
}

static void stop_server(http_server *s) {
  kill(s->pid, SIGTERM);
  int status;
  waitpid(s->pid, &status, 0);
}

/* ---- failure paths ------------------------------------------------------------ */

static void test_unknown_scale(void **state) {
  (void)state;
  bm_catalog *c = catalog();
  char *tmp = make_tmp();
  char *data = bm_path_join(tmp, "data");
  const char *bad[] = {"20m", "10m,20m", "110m, 20m"};
  for (size_t i = 0; i < 3; i++) {
    bm_fetch_options opt = {.source = BM_TEST_MIRROR, .data_dir = data, .scales = bad[i]};
    bm_fetch_result res = {1, 1, 1};
    bm_error err;
    assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_ERR_USAGE);
    assert_int_equal(err.code, BM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "'20m'"));
    assert_non_null(strstr(err.msg, "110m")); /* names the valid ones */
    assert_int_equal(res.fetched + res.skipped + res.failed, 0);
    assert_false(bm_dir_exists(data)); /* no work done */
  }
  /* An empty item is also a usage error; an unknown URL scheme too. */
  bm_fetch_options opt = {.source = BM_TEST_MIRROR, .data_dir = data, .scales = "10m,"};
  bm_error err;
  assert_int_equal(bm_fetch_run(c, &opt, NULL, &err), BM_ERR_USAGE);
  opt = (bm_fetch_options){.source = "ftp://example.org/ne", .data_dir = data, .scales = "110m"};
  assert_int_equal(bm_fetch_run(c, &opt, NULL, &err), BM_ERR_USAGE);
  assert_non_null(strstr(err.msg, "ftp://example.org/ne"));
  const char *no_host[] = {"http://", "https:///x", "file://otherhost/x"};
  for (size_t i = 0; i < 3; i++) {
    opt.source = no_host[i];
    assert_int_equal(bm_fetch_run(c, &opt, NULL, &err), BM_ERR_USAGE);
    assert_non_null(strstr(err.msg, no_host[i]));
  }
  assert_false(bm_dir_exists(data));
  rm_tree(tmp);
  free(data);
  free(tmp);
  bm_catalog_destroy(c);
}

static void test_missing_files_in_folder(void **state) {
  (void)state;
  bm_catalog *c = catalog();
  size_t n = count_scale(c, "110m");
  char *tmp = make_tmp();
  char *empty = bm_path_join(tmp, "empty-mirror");
  char *data = bm_path_join(tmp, "data");
  assert_int_equal(mkdir(empty, 0755), 0);

  progress_log log = {0};
  bm_fetch_options opt = {
      .source = empty, .data_dir = data, .scales = "110m", .progress = on_progress, .user = &log};
  bm_fetch_result res;
  bm_error err;
  bm_status rc = bm_fetch_run(c, &opt, &res, &err);
  assert_int_equal(rc, BM_ERR_DATA);
  assert_int_equal(res.failed, (int)n); /* one failure does not stop the others */
  assert_int_equal(res.fetched, 0);
  assert_int_equal(log.failed, (int)n);
  /* The message names the path that was looked for. */
  char want[2048];
  snprintf(want, sizeof want, "%s/110m/physical/ne_110m_land.zip", empty);
  assert_non_null(strstr(err.msg, want));
  assert_non_null(strstr(log.message, want));
  assert_int_equal(count_entries_no_temp(data), 0);

  /* Same through a file:// URL with a trailing slash. */
  char url[2048];
  snprintf(url, sizeof url, "file://%s/", empty);
  opt.source = url;
  assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_ERR_DATA);
  assert_int_equal(res.failed, (int)n);
  assert_non_null(strstr(err.msg, want));
  assert_int_equal(count_entries_no_temp(data), 0);

  rm_tree(tmp);
  free(data);
  free(empty);
  free(tmp);
  bm_catalog_destroy(c);
}

static void test_http_404(void **state) {
  (void)state;
  bm_catalog *c = catalog();
  size_t n = count_scale(c, "110m");
  char *tmp = make_tmp();
  http_server srv = start_server(tmp); /* serves an empty tree */
  char *data = bm_path_join(tmp, "data");
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);

  progress_log log = {0};
  bm_fetch_options opt = {
      .source = url, .data_dir = data, .scales = "110m", .progress = on_progress, .user = &log};
  bm_fetch_result res;
  bm_error err;
  bm_status rc = bm_fetch_run(c, &opt, &res, &err);
  stop_server(&srv);
  assert_int_equal(rc, BM_ERR_NET);
  assert_int_equal(res.failed, (int)n);
  assert_non_null(strstr(err.msg, "404"));
  char want[256];
  snprintf(want, sizeof want, "%s/110m/physical/ne_110m_land.zip", url);
  assert_non_null(strstr(err.msg, want));
  assert_int_equal(count_entries_no_temp(data), 0);

  /* Nobody listening: a download error, not a hang. */
  opt.source = "http://127.0.0.1:1";
  opt.scales = "110m";
  assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_ERR_NET);
  assert_int_equal(res.failed, (int)n);
  assert_int_equal(count_entries_no_temp(data), 0);

  rm_tree(tmp);
  free(data);
  free(tmp);
  bm_catalog_destroy(c);
}

static void garbage_zip(const char *path) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (int i = 0; i < 5000; i++)
    fputc((i * 7919) & 0xff, f);
  fclose(f);
}

static void test_corrupt_zip(void **state) {
  (void)state;
  expect_land_rejected(garbage_zip, "zip is broken");
}

/* A well-formed zip whose member bytes no longer match their CRC: only reading
 * every member to the end catches this. */
static void bad_crc_zip(const char *path) {
  static const char *const names[] = {"ne_110m_land.shp", "ne_110m_land.shx", "ne_110m_land.dbf"};
  write_zip(path, names, 3);
  int fd = open(path, O_RDWR);
  assert_true(fd >= 0);
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  assert_true(n > 0);
  /* The first occurrence is the local header name, the second the stored data. */
  char *hit = memmem(buf, (size_t)n, "ne_110m_land.shx", 16);
  assert_non_null(hit);
  hit = memmem(hit + 1, (size_t)(n - (hit + 1 - buf)), "ne_110m_land.shx", 16);
  assert_non_null(hit);
  assert_true(pwrite(fd, "X", 1, hit - buf) == 1);
  close(fd);
}

static void test_bad_crc(void **state) {
  (void)state;
  expect_land_rejected(bad_crc_zip, "zip is broken");
}

static void missing_dbf_zip(const char *path) {
  static const char *const names[] = {"ne_110m_land.shp", "ne_110m_land.shx", "ne_110m_land.prj"};
  write_zip(path, names, 3);
}

static void test_zip_without_dbf(void **state) {
  (void)state;
  expect_land_rejected(missing_dbf_zip, "ne_110m_land.dbf");
}

static void dotdot_zip(const char *path) {
  static const char *const names[] = {"ne_110m_land.shp", "ne_110m_land.shx", "ne_110m_land.dbf",
                                      "../../evil.txt"};
  write_zip(path, names, 4);
}

static void test_zip_with_dotdot_member(void **state) {
  (void)state;
  expect_land_rejected(dotdot_zip, "'../../evil.txt'");
}

static void subfolder_zip(const char *path) {
  static const char *const names[] = {"ne_110m_land.shp", "ne_110m_land.shx", "ne_110m_land.dbf",
                                      "sub/ne_110m_land.prj"};
  write_zip(path, names, 4);
}

static void test_zip_with_folder_member(void **state) {
  (void)state;
  expect_land_rejected(subfolder_zip, "plain file names");
}

/* ---- the working paths ------------------------------------------------------- */

static void test_folder_source(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char *data = join3(tmp, "deep/er", "data"); /* created with its parents */
  fetch_110m_twice(BM_TEST_MIRROR, data);

  /* An incomplete layer folder is replaced, the others are skipped. */
  char *land = bm_path_join(data, "ne_110m_land");
  char *dbf = bm_path_join(land, "ne_110m_land.dbf");
  assert_int_equal(unlink(dbf), 0);
  bm_catalog *c = catalog();
  bm_fetch_options opt = {.source = BM_TEST_MIRROR "/", .data_dir = data, .scales = " 110m "};
  bm_fetch_result res;
  bm_error err;
  assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_OK);
  assert_int_equal(res.fetched, 1);
  assert_int_equal(res.skipped, (int)count_scale(c, "110m") - 1);
  assert_all_present(c, data, "110m");

  bm_catalog_destroy(c);
  free(dbf);
  free(land);
  rm_tree(tmp);
  free(data);
  free(tmp);
}

/* Natural Earth's versioned paths (.../naturalearth/5.1.2) name the release; so does a
 * VERSION file in a mirror folder. A refetched layer replaces its line in the record. */
static void test_versioned_source(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char *data = bm_path_join(tmp, "data");
  char *versioned = bm_path_join(tmp, "v5.1.2");
  assert_int_equal(symlink(BM_TEST_MIRROR, versioned), 0);
  bm_catalog *c = catalog();
  size_t n = count_scale(c, "110m");
  bm_fetch_options opt = {.source = versioned, .data_dir = data, .scales = "110m"};
  bm_fetch_result res;
  bm_error err;
  assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_OK);
  assert_release_record(data, n, "5.1.2");

  /* a mirror folder with a VERSION file; only the refetched layer changes its line */
  char *mirror = bm_path_join(tmp, "mirror");
  char *m110 = bm_path_join(mirror, "110m");
  assert_int_equal(mkdir(mirror, 0755), 0);
  assert_int_equal(symlink(BM_TEST_MIRROR "/110m", m110), 0);
  char *vf = bm_path_join(mirror, "VERSION");
  FILE *f = fopen(vf, "w");
  assert_non_null(f);
  fputs("5.1.1\n", f);
  fclose(f);
  char *dbf = bm_path_join(data, "ne_110m_land/ne_110m_land.dbf");
  assert_int_equal(unlink(dbf), 0);
  opt.source = mirror;
  assert_int_equal(bm_fetch_run(c, &opt, &res, &err), BM_OK);
  assert_int_equal(res.fetched, 1);
  char got[128];
  assert_true(bm_catalog_release(data, got, sizeof got));
  assert_string_equal(got, "mixed: 5.1.2, 5.1.1");
  bm_catalog_destroy(c);
  rm_tree(tmp);
  free(dbf);
  free(vf);
  free(m110);
  free(mirror);
  free(versioned);
  free(data);
  free(tmp);
}

static void test_file_url_source(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char *data = bm_path_join(tmp, "data");
  char url[2048];
  snprintf(url, sizeof url, "file://%s", BM_TEST_MIRROR);
  fetch_110m_twice(url, data);
  rm_tree(tmp);
  free(data);
  free(tmp);
}

static void test_http_source(void **state) {
  (void)state;
  char *tmp = make_tmp();
  char *data = bm_path_join(tmp, "data");
  http_server srv = start_server(BM_TEST_MIRROR);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
  fetch_110m_twice(url, data);
  stop_server(&srv);
  rm_tree(tmp);
  free(data);
  free(tmp);
}

static void test_default_source(void **state) {
  (void)state;
  unsetenv("BORDERMAP_NE_MIRROR");
  assert_string_equal(bm_fetch_default_source(), BM_NE_OFFICIAL_URL);
  setenv("BORDERMAP_NE_MIRROR", "", 1);
  assert_string_equal(bm_fetch_default_source(), BM_NE_OFFICIAL_URL);
  setenv("BORDERMAP_NE_MIRROR", BM_TEST_MIRROR, 1);
  assert_string_equal(bm_fetch_default_source(), BM_TEST_MIRROR);

  /* source NULL uses it. */
  char *tmp = make_tmp();
  char *data = bm_path_join(tmp, "data");
  fetch_110m_twice(NULL, data);
  unsetenv("BORDERMAP_NE_MIRROR");
  rm_tree(tmp);
  free(data);
  free(tmp);
}

int main(void) {
  if (!bm_dir_exists(BM_TEST_MIRROR "/110m")) {
    fprintf(stderr, "fetch_test: no Natural Earth mirror at %s; skipping\n", BM_TEST_MIRROR);
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unknown_scale),
      cmocka_unit_test(test_missing_files_in_folder),
      cmocka_unit_test(test_http_404),
      cmocka_unit_test(test_corrupt_zip),
      cmocka_unit_test(test_bad_crc),
      cmocka_unit_test(test_zip_without_dbf),
      cmocka_unit_test(test_zip_with_dotdot_member),
      cmocka_unit_test(test_zip_with_folder_member),
      cmocka_unit_test(test_folder_source),
      cmocka_unit_test(test_versioned_source),
      cmocka_unit_test(test_file_url_source),
      cmocka_unit_test(test_http_source),
      cmocka_unit_test(test_default_source),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
