#include "load/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

extern const char bm_manifest_text[];

struct bm_catalog {
  bm_catalog_entry *e;
  size_t n;
};

bm_catalog *bm_catalog_create(bm_error *err) {
  bm_catalog *c = calloc(1, sizeof *c);
  if (!c) {
    bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return NULL;
  }
  size_t cap = 0;
  int lineno = 0;
  for (const char *p = bm_manifest_text; *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), p);
    p += len + (eol ? 1 : 0);
    lineno++;
    if (line[0] == '#' || strspn(line, " \t\r") == strlen(line)) continue;
    bm_catalog_entry e = {0};
    if (sscanf(line, "%31s %7s %15s %63s", e.logical, e.scale, e.theme, e.layer) != 4) {
      bm_error_set(err, BM_ERR_INTERNAL, "geodata/naturalearth-layers.txt", lineno, 0,
                   "expected 'logical scale theme layer'");
      bm_catalog_destroy(c);
      return NULL;
    }
    snprintf(e.stem, sizeof e.stem, "ne_%s_%s", e.scale, e.layer);
    if (c->n == cap) {
      cap = cap ? cap * 2 : 32;
      bm_catalog_entry *ne = realloc(c->e, cap * sizeof *ne);
      if (!ne) {
        bm_catalog_destroy(c);
        bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
      }
      c->e = ne;
    }
    c->e[c->n++] = e;
  }
  return c;
}

void bm_catalog_destroy(bm_catalog *c) {
  if (!c) return;
  free(c->e);
  free(c);
}

size_t bm_catalog_count(const bm_catalog *c) { return c->n; }

const bm_catalog_entry *bm_catalog_at(const bm_catalog *c, size_t i) {
  return i < c->n ? &c->e[i] : NULL;
}

const bm_catalog_entry *bm_catalog_find(const bm_catalog *c, const char *logical,
                                        const char *scale) {
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->e[i].logical, logical) && !strcmp(c->e[i].scale, scale)) return &c->e[i];
  return NULL;
}

const bm_catalog_entry *bm_catalog_find_nearest(const bm_catalog *c, const char *logical,
                                                const char *scale) {
  static const char *const order[] = {"110m", "50m", "10m"};
  int start = 0;
  for (int i = 0; i < 3; i++)
    if (!strcmp(order[i], scale)) start = i;
  for (int i = start; i < 3; i++) {
    const bm_catalog_entry *e = bm_catalog_find(c, logical, order[i]);
    if (e) return e;
  }
  return NULL;
}

void bm_catalog_layer_dir(const char *data_dir, const bm_catalog_entry *e, char *buf, size_t n) {
  snprintf(buf, n, "%s/%s", data_dir, e->stem);
}

void bm_catalog_shp_path(const char *data_dir, const bm_catalog_entry *e, char *buf, size_t n) {
  snprintf(buf, n, "%s/%s/%s.shp", data_dir, e->stem, e->stem);
}

bool bm_catalog_present(const char *data_dir, const bm_catalog_entry *e) {
  static const char *const exts[] = {"shp", "shx", "dbf"};
  char path[1024];
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s/%s.%s", data_dir, e->stem, e->stem, exts[i]);
    if (!bm_file_exists(path)) return false;
  }
  return true;
}

void bm_data_dir_default(char *buf, size_t n) {
  const char *env = getenv("BORDERMAP_DATA");
  if (env && *env) {
    snprintf(buf, n, "%s", env);
    return;
  }
  const char *xdg = getenv("XDG_DATA_HOME");
  if (xdg && *xdg) {
    snprintf(buf, n, "%s/bordermap/naturalearth", xdg);
    return;
  }
  const char *home = getenv("HOME");
  snprintf(buf, n, "%s/.local/share/bordermap/naturalearth", home && *home ? home : ".");
}

bool bm_catalog_release(const char *data_dir, char *buf, size_t n) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", data_dir, BM_RELEASE_FILE);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[4400], stem[96], version[32];
  char known[4][32];
  int nknown = 0, layers = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "layer %95s %31s", stem, version) != 2) continue;
    layers++;
    if (!strcmp(version, "unknown")) continue;
    bool seen = false;
    for (int i = 0; i < nknown && !seen; i++)
      seen = !strcmp(known[i], version);
    if (!seen && nknown < 4) snprintf(known[nknown++], sizeof known[0], "%s", version);
  }
  fclose(f);
  if (!layers) return false;
  if (nknown == 0)
    snprintf(buf, n, "unknown");
  else if (nknown == 1)
    snprintf(buf, n, "%s", known[0]);
  else {
    size_t k = (size_t)snprintf(buf, n, "mixed:");
    for (int i = 0; i < nknown && k < n; i++)
      k += (size_t)snprintf(buf + k, n - k, "%s %s", i ? "," : "", known[i]);
  }
  return true;
}
