#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int bm_thread_count(void) {
  const char *env = getenv("BORDERMAP_THREADS");
  long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

void bm_run_threads(void *(*worker)(void *), void *arg, int most) {
  int nt = bm_thread_count();
  if (nt > most) nt = most;
  pthread_t tid[8];
  int started = 0;
  for (int t = 1; t < nt; t++)
    if (pthread_create(&tid[started], NULL, worker, arg) == 0) started++;
  worker(arg);
  for (int t = 0; t < started; t++)
    pthread_join(tid[t], NULL);
}

char *bm_strdup(const char *s) { return s ? strdup(s) : NULL; }

void bm_json_string(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", f);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

int bm_strcasecmp(const char *a, const char *b) {
  for (;; a++, b++) {
    int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
    if (ca != cb || !ca) return ca - cb;
  }
}

bool bm_name_equal(const char *a, const char *b) {
  if (!a || !b) return false;
  if (!bm_strcasecmp(a, b)) return true;
  gchar *na = g_utf8_normalize(a, -1, G_NORMALIZE_NFC),
        *nb = g_utf8_normalize(b, -1, G_NORMALIZE_NFC);
  gchar *fa = na ? g_utf8_casefold(na, -1) : NULL, *fb = nb ? g_utf8_casefold(nb, -1) : NULL;
  bool eq = fa && fb && !strcmp(fa, fb);
  g_free(na);
  g_free(nb);
  g_free(fa);
  g_free(fb);
  return eq;
}

char *bm_path_join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 2);
  if (!s) return NULL;
  memcpy(s, a, la);
  size_t k = la;
  if (la && a[la - 1] != '/') s[k++] = '/';
  memcpy(s + k, b, lb + 1);
  return s;
}

char *bm_path_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  if (slash == path) return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

bool bm_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool bm_dir_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void bm_path_ext(const char *path, char *buf, size_t n) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(path, '.');
  size_t k = 0;
  if (dot && (!slash || dot > slash))
    for (const char *p = dot + 1; *p && k + 1 < n; p++)
      buf[k++] = (char)tolower((unsigned char)*p);
  buf[k] = '\0';
}

bm_status bm_mkdir_p(const char *path, bm_error *err) {
  char *tmp = strdup(path);
  if (!tmp) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (char *p = tmp + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
        bm_error_set(err, BM_ERR_IO, tmp, 0, 0, "cannot create folder: %s", strerror(errno));
        free(tmp);
        return BM_ERR_IO;
      }
      *p = c;
      if (!c) break;
    }
  }
  free(tmp);
  return BM_OK;
}

bool bm_strlist_push(bm_strlist *l, const char *s) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    char **v = realloc(l->v, cap * sizeof *v);
    if (!v) return false;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n] = strdup(s);
  if (!l->v[l->n]) return false;
  l->n++;
  return true;
}

void bm_strlist_free(bm_strlist *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (char)tolower((unsigned char)c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool bm_parse_color(const char *s, double rgba[4]) {
  size_t n = strlen(s);
  if (s[0] != '#' || (n != 7 && n != 9)) return false;
  int v[4] = {0, 0, 0, 255};
  for (size_t i = 0; i < (n - 1) / 2; i++) {
    int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);
    if (hi < 0 || lo < 0) return false;
    v[i] = hi * 16 + lo;
  }
  for (int i = 0; i < 4; i++)
    rgba[i] = v[i] / 255.0;
  return true;
}

bool bm_path_inside(const char *path, const char *dir) {
  if (!path || !dir || !*dir) return false;
  char *rp = realpath(path, NULL), *rd = realpath(dir, NULL);
  bool in = false;
  if (rp && rd) {
    size_t n = strlen(rd);
    in = !strncmp(rp, rd, n) && (rp[n] == '\0' || rp[n] == '/' || (n == 1 && rd[0] == '/'));
  }
  free(rp);
  free(rd);
  return in;
}
