/* load/fetch.c — download or copy Natural Earth zips, verify them and unpack
 * them into the data folder, one layer at a time (see fetch.h).
 *
 * Per layer:  {data}/.fetch-XXXXXX        the zip as downloaded / copied
 *             {data}/.fetch-XXXXXX/       the members, unpacked
 *             rename(tempdir, {data}/{stem})
 * Both temp names live in the data folder so the final rename stays on one
 * file system and is atomic; they are removed on every path out.
 */
#define _GNU_SOURCE /* mkdtemp, nftw */

#include "load/fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/atomic.h"
#include "core/util.h"

#ifndef BM_VERSION
#define BM_VERSION "dev"
#endif

#define SCALE_LIST "10m, 50m, 110m"
#define PATH_MAX_LEN 4096

enum { SCALE_10M = 1, SCALE_50M = 2, SCALE_110M = 4, SCALE_ALL = 7 };

typedef enum { SRC_FOLDER, SRC_HTTP } source_kind;

/* What the release record says about one fetched layer. */
typedef struct {
  char stem[96];
  char version[32]; /* "5.1.2" or "unknown" */
  char sha256[65];
  char source[PATH_MAX_LEN];
} fetched_layer;

/* Everything one run needs; lives on bm_fetch_run's stack. */
typedef struct {
  source_kind kind;
  char base[PATH_MAX_LEN]; /* folder path or http(s) base URL, no trailing slash */
  char base_version[32];   /* from a versioned path (.../naturalearth/5.1.2) or VERSION file */
  const char *data_dir;
  CURL *curl; /* one handle for the whole run, so connections are reused */
  char curl_err[CURL_ERROR_SIZE];
  fetched_layer *fetched; /* for the release record */
  size_t n_fetched;
} fetch_ctx;

/* True when s looks like a release number: 5.1.2, v5.1.2, 4.1 */
static bool is_version(const char *s, size_t n) {
  if (n && (*s == 'v' || *s == 'V')) s++, n--;
  if (!n || n > 20 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
    return false;
  int dots = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.') {
      if (s[i - 1] == '.') return false;
      dots++;
    } else if (!isdigit((unsigned char)s[i]))
      return false;
  }
  return dots >= 1 && dots <= 3;
}

/* Copies the release number (without a leading v) into out when s looks like one. */
static bool take_version(const char *s, size_t n, char *out, size_t cap) {
  while (n && isspace((unsigned char)s[n - 1]))
    n--;
  while (n && isspace((unsigned char)*s))
    s++, n--;
  if (!is_version(s, n)) return false;
  if (*s == 'v' || *s == 'V') s++, n--;
  snprintf(out, cap, "%.*s", (int)n, s);
  return true;
}

/* ---- options ------------------------------------------------------------ */

static int scale_bit(const char *s, size_t n) {
  if (n == 3 && !strncmp(s, "10m", 3)) return SCALE_10M;
  if (n == 3 && !strncmp(s, "50m", 3)) return SCALE_50M;
  if (n == 4 && !strncmp(s, "110m", 4)) return SCALE_110M;
  return 0;
}

/* Parses "10m,50m" (spaces around items allowed) into a bit set. */
static bm_status parse_scales(const char *scales, int *mask, bm_error *err) {
  *mask = 0;
  if (!scales || !*scales) {
    *mask = SCALE_ALL;
    return BM_OK;
  }
  const char *p = scales;
  for (;;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    const char *s = p;
    while (n && isspace((unsigned char)*s))
      s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
      n--;
    int bit = scale_bit(s, n);
    if (!bit) {
      if (n == 0)
        return bm_error_set(
            err, BM_ERR_USAGE, NULL, 0, 0,
            "empty scale in '%s'; valid scales are " SCALE_LIST ", separated by commas", scales);
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                          "unknown scale '%.*s'; valid scales are " SCALE_LIST, (int)n, s);
    }
    *mask |= bit;
    if (!end) break;
    p = end + 1;
  }
  return BM_OK;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Classifies the source and fills ctx->base: a folder path (plain, or from a
 * file:// URL, percent-decoded) or an http(s) base URL. */
static bm_status parse_source(const char *src, fetch_ctx *ctx, bm_error *err) {
  static const char valid[] =
      "valid sources are an http:// or https:// URL, a file:// URL, a folder path or a Natural "
      "Earth release number such as 5.1.2";
  char versioned[128];
  if (is_version(src, strlen(src)) && !bm_dir_exists(src)) {
    /* A bare release number: the official site's versioned path. */
    snprintf(versioned, sizeof versioned, "%s/%s", BM_NE_OFFICIAL_URL,
             (*src == 'v' || *src == 'V') ? src + 1 : src);
    src = versioned;
  }
  if (!strncasecmp(src, "http://", 7) || !strncasecmp(src, "https://", 8)) {
    ctx->kind = SRC_HTTP;
    const char *host = strstr(src, "://") + 3;
    if (!*host || *host == '/')
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "source URL '%s' has no host; %s", src,
                          valid);
    if (snprintf(ctx->base, sizeof ctx->base, "%s", src) >= (int)sizeof ctx->base)
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "source URL is too long");
  } else if (!strncasecmp(src, "file://", 7)) {
    const char *path = src + 7;
    /* file://localhost/x is the same as file:///x; any other host is not local. */
    if (!strncasecmp(path, "localhost/", 10)) path += 9;
    if (path[0] != '/')
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0,
                          "source '%s' is not a local file URL; expected file:///absolute/path",
                          src);
    size_t k = 0;
    for (const char *q = path; *q; q++) {
      int c = (unsigned char)*q;
      if (c == '%' && hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
        c = hexval(q[1]) * 16 + hexval(q[2]);
        q += 2;
      }
      if (c == 0 || k + 1 >= sizeof ctx->base)
        return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "source '%s' is not a usable path", src);
      ctx->base[k++] = (char)c;
    }
    ctx->base[k] = '\0';
    ctx->kind = SRC_FOLDER;
  } else {
    /* Something like "ftp://..." is a URL we do not speak, not a folder name. */
    const char *q = src;
    if (isalpha((unsigned char)*q)) {
      while (isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.')
        q++;
      if (!strncmp(q, "://", 3))
        return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "unsupported source '%s'; %s", src,
                            valid);
    }
    ctx->kind = SRC_FOLDER;
    if (snprintf(ctx->base, sizeof ctx->base, "%s", src) >= (int)sizeof ctx->base)
      return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "source path is too long");
  }
  /* Strip trailing slashes; "/" becomes "" so that "" + "/110m/..." is still rooted. */
  size_t n = strlen(ctx->base);
  while (n && ctx->base[n - 1] == '/')
    ctx->base[--n] = '\0';
  /* Natural Earth's versioned paths end in the release: .../naturalearth/5.1.2 */
  const char *last = strrchr(ctx->base, '/');
  last = last ? last + 1 : ctx->base;
  if (!take_version(last, strlen(last), ctx->base_version, sizeof ctx->base_version) &&
      ctx->kind == SRC_FOLDER) {
    /* A mirror folder may carry the release in a VERSION file, as Natural Earth's sources do. */
    char vf[PATH_MAX_LEN + 16], line[64];
    snprintf(vf, sizeof vf, "%s/VERSION", ctx->base);
    FILE *f = fopen(vf, "r");
    if (f) {
      if (fgets(line, sizeof line, f))
        take_version(line, strlen(line), ctx->base_version, sizeof ctx->base_version);
      fclose(f);
    }
  }
  return BM_OK;
}

const char *bm_fetch_default_source(void) {
  const char *env = getenv("BORDERMAP_NE_MIRROR");
  return env && *env ? env : BM_NE_OFFICIAL_URL;
}

/* ---- file helpers -------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf that never follows symlinks. */
static int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* ---- getting the zip ------------------------------------------------------ */

/* Copies the zip at path (a folder source) into fd. */
static bm_status copy_local(const char *path, int fd, const char *tmp, const bm_catalog_entry *e,
                            bm_error *err) {
  int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                          "layer %s: %s does not exist; a mirror folder must hold "
                          "{scale}/{theme}/ne_{scale}_{layer}.zip",
                          e->stem, path);
    return bm_error_set(err, BM_ERR_DATA, NULL, 0, 0, "layer %s: cannot open %s: %s", e->stem, path,
                        strerror(errno));
  }
  struct stat st;
  if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(in);
    return bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                        "layer %s: %s is not a regular file; expected the layer's zip", e->stem,
                        path);
  }
  char buf[1 << 16];
  bm_status rc = BM_OK;
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot read %s: %s", e->stem, path,
                        strerror(errno));
      break;
    }
    if (r == 0) break;
    if (!write_all(fd, buf, (size_t)r)) {
      rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                        "layer %s: cannot write %s in the data folder: %s", e->stem, tmp,
                        strerror(errno));
      break;
    }
  }
  close(in);
  return rc;
}

typedef struct {
  int fd;
  int errnum; /* set when writing the temp file failed */
} sink;

static size_t curl_write(char *data, size_t size, size_t nmemb, void *user) {
  sink *s = user;
  size_t n = size * nmemb;
  if (!write_all(s->fd, data, n)) {
    s->errnum = errno;
    return 0; /* makes curl stop with CURLE_WRITE_ERROR */
  }
  return n;
}

static bm_status curl_setup(fetch_ctx *ctx, bm_error *err) {
  CURL *h = curl_easy_init();
  if (!h) return bm_error_set(err, BM_ERR_NET, NULL, 0, 0, "cannot start libcurl");
  ctx->curl = h;
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_write);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ctx->curl_err);
  curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L); /* HTTP >= 400 is an error, not a body */
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
  /* No total timeout (10m layers are large); abort a transfer that stalls
   * below 1 kB/s for 60 s instead. */
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* library code: leave signals alone */
  curl_easy_setopt(h, CURLOPT_USERAGENT, "bordermap/" BM_VERSION);
  return BM_OK;
}

static bm_status download(fetch_ctx *ctx, const char *url, int fd, const char *tmp,
                          const bm_catalog_entry *e, bm_error *err) {
  sink s = {fd, 0};
  ctx->curl_err[0] = '\0';
  curl_easy_setopt(ctx->curl, CURLOPT_URL, url);
  curl_easy_setopt(ctx->curl, CURLOPT_WRITEDATA, &s);
  CURLcode cc = curl_easy_perform(ctx->curl);
  if (cc == CURLE_OK) return BM_OK;
  if (cc == CURLE_WRITE_ERROR && s.errnum)
    return bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                        "layer %s: cannot write %s in the data folder: %s", e->stem, tmp,
                        strerror(s.errnum));
  if (cc == CURLE_HTTP_RETURNED_ERROR) {
    long code = 0;
    curl_easy_getinfo(ctx->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code == 404 || code == 410)
      return bm_error_set(err, BM_ERR_NET, NULL, 0, 0,
                          "layer %s: %s was not found (HTTP %ld); a mirror must serve "
                          "{scale}/{theme}/ne_{scale}_{layer}.zip",
                          e->stem, url, code);
    return bm_error_set(err, BM_ERR_NET, NULL, 0, 0, "layer %s: downloading %s failed: HTTP %ld",
                        e->stem, url, code);
  }
  return bm_error_set(err, BM_ERR_NET, NULL, 0, 0, "layer %s: downloading %s failed: %s", e->stem,
                      url, ctx->curl_err[0] ? ctx->curl_err : curl_easy_strerror(cc));
}

/* ---- verifying and unpacking ----------------------------------------------- */

/* A member name we are willing to write into the layer folder: a plain file name. */
static bool safe_member_name(const char *name) {
  return name && *name && strcmp(name, ".") != 0 && !strchr(name, '/') && !strchr(name, '\\') &&
         !strstr(name, "..");
}

/* Opens the zip at tmp, checks it, and writes every member into dir. Reading
 * each member to its end is what makes libzip check its CRC. */
static bm_status unpack(const char *tmp, const char *dir, const char *src,
                        const bm_catalog_entry *e, bm_error *err) {
  int zerr = 0;
  zip_t *za = zip_open(tmp, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, zerr);
    bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                 "layer %s: the zip is broken: %s: %s; expected a valid zip holding "
                 "%s.shp, .shx and .dbf",
                 e->stem, src, zip_error_strerror(&ze), e->stem);
    zip_error_fini(&ze);
    return BM_ERR_DATA;
  }

  bm_status rc = BM_OK;
  zip_int64_t n = zip_get_num_entries(za, 0);
  int have = 0; /* bit 0: .shp, 1: .shx, 2: .dbf */
  static const char *const need[] = {"shp", "shx", "dbf"};
  for (zip_int64_t i = 0; i < n && rc == BM_OK; i++) {
    const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
    if (!safe_member_name(name)) {
      rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                        "layer %s: the zip %s has a member named '%s'; only plain file names "
                        "(no folders, '..' or absolute paths) are accepted",
                        e->stem, src, name ? name : "");
      break;
    }
    size_t ls = strlen(e->stem);
    for (int k = 0; k < 3; k++)
      if (!strncmp(name, e->stem, ls) && name[ls] == '.' && !strcmp(name + ls + 1, need[k]))
        have |= 1 << k;
  }
  if (rc == BM_OK && have != 7)
    rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                      "layer %s: the zip %s lacks %s.%s; expected %s.shp, .shx and .dbf", e->stem,
                      src, e->stem,
                      need[!(have & 1)   ? 0
                           : !(have & 2) ? 1
                                         : 2],
                      e->stem);

  char buf[1 << 16];
  for (zip_int64_t i = 0; i < n && rc == BM_OK; i++) {
    const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
    char out[PATH_MAX_LEN];
    if (snprintf(out, sizeof out, "%s/%s", dir, name) >= (int)sizeof out) {
      rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                        "layer %s: the zip %s has a member name that is too long", e->stem, src);
      break;
    }
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
    if (!zf) {
      rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                        "layer %s: the zip is broken: %s: cannot open member %s: %s", e->stem, src,
                        name, zip_strerror(za));
      break;
    }
    /* O_EXCL: a second member with the same name is a broken zip, not an overwrite. */
    int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST)
        rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                          "layer %s: the zip is broken: %s holds %s twice", e->stem, src, name);
      else
        rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot create %s: %s", e->stem,
                          out, strerror(errno));
      zip_fclose(zf);
      break;
    }
    for (;;) {
      zip_int64_t r = zip_fread(zf, buf, sizeof buf);
      if (r < 0) {
        rc = bm_error_set(err, BM_ERR_DATA, NULL, 0, 0,
                          "layer %s: the zip is broken: %s: member %s: %s", e->stem, src, name,
                          zip_file_strerror(zf));
        break;
      }
      if (r == 0) break;
      if (!write_all(fd, buf, (size_t)r)) {
        rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot write %s: %s", e->stem, out,
                          strerror(errno));
        break;
      }
    }
    if (close(fd) != 0 && rc == BM_OK)
      rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot write %s: %s", e->stem, out,
                        strerror(errno));
    zip_fclose(zf);
  }
  zip_discard(za); /* read-only: nothing to write back */
  return rc;
}

/* ---- one layer -------------------------------------------------------------- */

/* ---- the release record ------------------------------------------------------ */

/* The layer's release and checksum: the version file Natural Earth puts in each zip
 * ({stem}.VERSION.txt), else the source's (versioned path or VERSION file), else "unknown";
 * and the zip's SHA-256, so that an unversioned mirror is still pinned down. */
static bm_status describe_layer(const fetch_ctx *ctx, const char *zip, const char *dir,
                                const char *src, const bm_catalog_entry *e, fetched_layer *rec,
                                bm_error *err) {
  snprintf(rec->stem, sizeof rec->stem, "%s", e->stem);
  snprintf(rec->source, sizeof rec->source, "%s", src);
  snprintf(rec->version, sizeof rec->version, "%s",
           ctx->base_version[0] ? ctx->base_version : "unknown");
  char vf[PATH_MAX_LEN], line[64];
  snprintf(vf, sizeof vf, "%s/%s.VERSION.txt", dir, e->stem);
  FILE *f = fopen(vf, "r");
  if (f) {
    if (fgets(line, sizeof line, f))
      take_version(line, strlen(line), rec->version, sizeof rec->version);
    fclose(f);
  }
  gchar *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents(zip, &contents, &len, NULL))
    return bm_error_set(err, BM_ERR_IO, zip, 0, 0, "layer %s: cannot read the zip back", e->stem);
  gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)contents, len);
  snprintf(rec->sha256, sizeof rec->sha256, "%s", sum ? sum : "");
  g_free(sum);
  g_free(contents);
  return BM_OK;
}

static bm_status remember_layer(fetch_ctx *ctx, const fetched_layer *rec, bm_error *err) {
  fetched_layer *v = realloc(ctx->fetched, (ctx->n_fetched + 1) * sizeof *v);
  if (!v) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  ctx->fetched = v;
  v[ctx->n_fetched++] = *rec;
  return BM_OK;
}

/* Rewrites {data}/BM_RELEASE_FILE: the layers fetched now, and the lines of layers fetched
 * before that are still present. Written atomically. */
static bm_status write_release(const fetch_ctx *ctx, const bm_catalog *c, bm_error *err) {
  char path[PATH_MAX_LEN];
  snprintf(path, sizeof path, "%s/%s", ctx->data_dir, BM_RELEASE_FILE);
  bm_strlist keep = {0};
  FILE *old = fopen(path, "r");
  if (old) {
    char line[PATH_MAX_LEN + 256], stem[96];
    while (fgets(line, sizeof line, old)) {
      if (sscanf(line, "layer %95s", stem) != 1) continue;
      bool replaced = false;
      for (size_t i = 0; i < ctx->n_fetched && !replaced; i++)
        replaced = !strcmp(ctx->fetched[i].stem, stem);
      bool present = false;
      for (size_t i = 0; i < bm_catalog_count(c) && !present; i++)
        present = !strcmp(bm_catalog_at(c, i)->stem, stem) &&
                  bm_catalog_present(ctx->data_dir, bm_catalog_at(c, i));
      if (!replaced && present) bm_strlist_push(&keep, line);
    }
    fclose(old);
  }
  bm_atomic a = {0};
  bm_status rc = bm_atomic_open(&a, path, err);
  if (rc == BM_OK) {
    fprintf(a.f, "# The Natural Earth release in this folder, written by bordermap data fetch.\n"
                 "# layer <file> <release or unknown> sha256:<zip checksum> <source>\n");
    for (size_t i = 0; i < keep.n; i++)
      fputs(keep.v[i], a.f);
    for (size_t i = 0; i < ctx->n_fetched; i++) {
      const fetched_layer *r = &ctx->fetched[i];
      fprintf(a.f, "layer %s %s sha256:%s %s\n", r->stem, r->version, r->sha256, r->source);
    }
    rc = bm_atomic_commit(&a, err);
  }
  bm_atomic_abort(&a);
  bm_strlist_free(&keep);
  return rc;
}

static bm_status fetch_layer(fetch_ctx *ctx, const bm_catalog_entry *e, bm_error *err) {
  char src[PATH_MAX_LEN], tmp[PATH_MAX_LEN], dir[PATH_MAX_LEN], target[PATH_MAX_LEN];
  /* Leave room for "/member-name" below the layer folder. */
  size_t max_dir = PATH_MAX_LEN - sizeof e->stem - 256;
  if (strlen(ctx->data_dir) > max_dir)
    return bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                        "layer %s: the data folder path is too long (%zu bytes; at most %zu)",
                        e->stem, strlen(ctx->data_dir), max_dir);
  if (snprintf(src, sizeof src, "%s/%s/%s/%s.zip", ctx->base, e->scale, e->theme, e->stem) >=
      (int)sizeof src)
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "layer %s: the source is too long", e->stem);
  snprintf(tmp, sizeof tmp, "%s/.fetch-XXXXXX", ctx->data_dir);
  snprintf(dir, sizeof dir, "%s/.fetch-XXXXXX", ctx->data_dir);
  bm_catalog_layer_dir(ctx->data_dir, e, target, sizeof target);

  int fd = mkstemp(tmp);
  if (fd < 0)
    return bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                        "layer %s: cannot create a temp file in the data folder %s: %s", e->stem,
                        ctx->data_dir, strerror(errno));
  bm_status rc = ctx->kind == SRC_HTTP ? download(ctx, src, fd, tmp, e, err)
                                       : copy_local(src, fd, tmp, e, err);
  if (close(fd) != 0 && rc == BM_OK)
    rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot write %s: %s", e->stem, tmp,
                      strerror(errno));
  if (rc != BM_OK) goto done_file;

  if (!mkdtemp(dir)) {
    rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                      "layer %s: cannot create a temp folder in the data folder %s: %s", e->stem,
                      ctx->data_dir, strerror(errno));
    goto done_file;
  }
  /* mkdtemp makes 0700; a layer folder should be as readable as any other. */
  chmod(dir, 0755);
  rc = unpack(tmp, dir, src, e, err);
  if (rc != BM_OK) goto done_dir;
  fetched_layer rec = {0};
  rc = describe_layer(ctx, tmp, dir, src, e, &rec, err);
  if (rc != BM_OK) goto done_dir;

  /* Not present (we checked) but there: a half-finished or damaged layer. */
  if (remove_tree(target) != 0) {
    rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0,
                      "layer %s: cannot remove the incomplete folder %s: %s", e->stem, target,
                      strerror(errno));
    goto done_dir;
  }
  if (rename(dir, target) != 0) {
    int en = errno;
    /* Another fetcher may have put the layer in place meanwhile; that is fine. */
    if (!((en == EEXIST || en == ENOTEMPTY) && bm_catalog_present(ctx->data_dir, e)))
      rc = bm_error_set(err, BM_ERR_IO, NULL, 0, 0, "layer %s: cannot rename %s to %s: %s", e->stem,
                        dir, target, strerror(en));
    goto done_dir;
  }
  if (rc == BM_OK) rc = remember_layer(ctx, &rec, err);
  goto done_file; /* dir is now target */

done_dir:
  remove_tree(dir);
done_file:
  unlink(tmp);
  return rc;
}

/* ---- the run ------------------------------------------------------------------ */

bm_status bm_fetch_run(const bm_catalog *c, const bm_fetch_options *opt, bm_fetch_result *res,
                       bm_error *err) {
  bm_fetch_result local = {0};
  if (!res) res = &local;
  *res = (bm_fetch_result){0};
  bm_error_clear(err);
  if (!c || !opt)
    return bm_error_set(err, BM_ERR_INTERNAL, NULL, 0, 0, "bm_fetch_run: no catalog or options");
  if (!opt->data_dir || !*opt->data_dir)
    return bm_error_set(err, BM_ERR_USAGE, NULL, 0, 0, "no data folder given to fetch into");

  /* Check every option before touching anything. */
  int mask;
  bm_status rc = parse_scales(opt->scales, &mask, err);
  if (rc != BM_OK) return rc;
  fetch_ctx *ctx = calloc(1, sizeof *ctx); /* ~4 kB of paths: keep it off the stack */
  if (!ctx) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  const char *source = opt->source && *opt->source ? opt->source : bm_fetch_default_source();
  rc = parse_source(source, ctx, err);
  if (rc != BM_OK) {
    free(ctx);
    return rc;
  }
  ctx->data_dir = opt->data_dir;

  bool curl_started = false;
  bm_status first = BM_OK;
  for (size_t i = 0; i < bm_catalog_count(c); i++) {
    const bm_catalog_entry *e = bm_catalog_at(c, i);
    int bit = scale_bit(e->scale, strlen(e->scale));
    if (!(mask & bit)) continue;
    if (bm_catalog_present(opt->data_dir, e)) {
      res->skipped++;
      if (opt->progress) opt->progress(opt->user, e, BM_FETCH_SKIPPED, NULL);
      continue;
    }
    /* Set up lazily: a run where everything is present needs no folder and no network. */
    bm_error le;
    bm_error_clear(&le);
    rc = bm_mkdir_p(opt->data_dir, &le);
    if (rc == BM_OK && ctx->kind == SRC_HTTP && !ctx->curl) {
      /* Reference-counted in libcurl >= 7.84; paired with the cleanup below. */
      if (!curl_started && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) curl_started = true;
      rc = curl_started ? curl_setup(ctx, &le)
                        : bm_error_set(&le, BM_ERR_NET, NULL, 0, 0, "cannot initialise libcurl");
    }
    if (rc == BM_OK) rc = fetch_layer(ctx, e, &le);
    if (rc == BM_OK) {
      res->fetched++;
      if (opt->progress) opt->progress(opt->user, e, BM_FETCH_FETCHED, NULL);
    } else {
      res->failed++;
      char msg[sizeof le.file + sizeof le.msg + 16];
      bm_error_format(&le, msg, sizeof msg);
      if (opt->progress) opt->progress(opt->user, e, BM_FETCH_FAILED, msg);
      if (first == BM_OK) {
        first = rc;
        if (err) *err = le;
      }
    }
  }

  if (ctx->n_fetched) {
    bm_error re;
    bm_error_clear(&re);
    if (write_release(ctx, c, &re) != BM_OK && first == BM_OK) {
      first = re.code;
      if (err) *err = re;
    }
  }
  if (ctx->curl) curl_easy_cleanup(ctx->curl);
  if (curl_started) curl_global_cleanup();
  free(ctx->fetched);
  free(ctx);
  return first;
}
