/* pipeline/cache.c — what the maps of one process share (bm_cache, pipeline.h): the
 * Natural Earth layers as read (by file, box and fields) and their geometry projected,
 * clipped and simplified (by that and the CRS, frame and view). Every lookup hands out a
 * deep copy, so a map can change what it got and the cached copy stays as read: a map
 * rendered from the cache is byte-identical to one rendered without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/map.h"

typedef struct {
  char *key;
  bool projected; /* geoms only (projected layer) or a whole layer as read */
  bm_features fs; /* as read; for projected entries only f[i].geom is set */
} entry;

struct bm_cache {
  entry *v;
  size_t n, cap;
  size_t bytes, max_bytes;
  size_t hits, misses;
};

bm_cache *bm_cache_create(size_t max_mb) {
  bm_cache *c = calloc(1, sizeof *c);
  if (c) c->max_bytes = (max_mb ? max_mb : 96) * 1048576;
  return c;
}

static void free_geoms(bm_features *fs) {
  for (size_t i = 0; i < fs->n; i++)
    bm_geom_free(&fs->f[i].geom);
  free(fs->f);
  memset(fs, 0, sizeof *fs);
}

void bm_cache_destroy(bm_cache *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].key);
    if (c->v[i].projected)
      free_geoms(&c->v[i].fs);
    else
      bm_features_free(&c->v[i].fs);
  }
  free(c->v);
  free(c);
}

static size_t geom_bytes(const bm_geom *g) { return g->npts * 16 + g->nparts * 8 + 64; }

/* A deep copy of a layer (geoms and attributes); false on out of memory (dst freed). */
static bool features_copy(bm_features *dst, const bm_features *src, bool attrs, size_t *bytes) {
  *dst = *src;
  dst->f = calloc(src->n + 1, sizeof *dst->f);
  dst->fields = NULL;
  dst->present = NULL;
  size_t n = 0;
  bool ok = dst->f != NULL;
  if (ok && attrs) {
    dst->fields = calloc(src->nfields + 1, sizeof *dst->fields);
    dst->present = calloc(src->nfields + 1, sizeof *dst->present);
    ok = dst->fields && dst->present;
    for (size_t k = 0; ok && k < src->nfields; k++) {
      ok = (dst->fields[k] = strdup(src->fields[k])) != NULL;
      dst->present[k] = src->present ? src->present[k] : false;
    }
  }
  if (!attrs) dst->nfields = 0;
  for (size_t i = 0; ok && i < src->n; i++) {
    bm_feature *d = &dst->f[i];
    const bm_feature *s = &src->f[i];
    d->id = s->id;
    ok = bm_geom_copy(&d->geom, &s->geom);
    n += geom_bytes(&s->geom);
    if (ok && attrs) {
      d->attr = calloc(src->nfields + 1, sizeof *d->attr);
      ok = d->attr != NULL;
      for (size_t k = 0; ok && k < src->nfields; k++)
        if (s->attr[k]) {
          ok = (d->attr[k] = strdup(s->attr[k])) != NULL;
          n += strlen(s->attr[k]) + 16;
        }
    }
  }
  if (!ok) {
    if (attrs) {
      bm_features_free(dst);
    } else {
      free_geoms(dst);
    }
    return false;
  }
  if (bytes) *bytes = n;
  return true;
}

static entry *find(bm_cache *c, const char *key, bool projected) {
  for (size_t i = 0; i < c->n; i++)
    if (c->v[i].projected == projected && !strcmp(c->v[i].key, key)) return &c->v[i];
  return NULL;
}

static void put(bm_cache *c, const char *key, const bm_features *fs, bool projected) {
  if (find(c, key, projected)) return;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    entry *v = realloc(c->v, cap * sizeof *v);
    if (!v) return;
    c->v = v, c->cap = cap;
  }
  entry e = {.projected = projected};
  size_t bytes = 0;
  if (!(e.key = strdup(key))) return;
  if (!features_copy(&e.fs, fs, !projected, &bytes) || c->bytes + bytes > c->max_bytes) {
    /* full: later maps read and project for themselves, as without a cache */
    if (e.fs.f) projected ? free_geoms(&e.fs) : bm_features_free(&e.fs);
    free(e.key);
    return;
  }
  c->bytes += bytes;
  c->v[c->n++] = e;
}

bool pl_cache_get_layer(bm_cache *c, const char *key, bm_features *out) {
  entry *e = c ? find(c, key, false) : NULL;
  if (!e) {
    if (c) c->misses++;
    return false;
  }
  c->hits++;
  return features_copy(out, &e->fs, true, NULL);
}

void pl_cache_put_layer(bm_cache *c, const char *key, const bm_features *fs) {
  if (c) put(c, key, fs, false);
}

bool pl_cache_get_projected(bm_cache *c, const char *key, bm_features *fs) {
  entry *e = c ? find(c, key, true) : NULL;
  if (!e || e->fs.n != fs->n) return false;
  bm_geom *g = calloc(fs->n + 1, sizeof *g);
  bool ok = g != NULL;
  size_t i = 0;
  for (; ok && i < fs->n; i++)
    ok = bm_geom_copy(&g[i], &e->fs.f[i].geom);
  if (!ok) {
    for (size_t k = 0; g && k < i; k++)
      bm_geom_free(&g[k]);
    free(g);
    return false;
  }
  for (i = 0; i < fs->n; i++) {
    bm_geom_free(&fs->f[i].geom);
    fs->f[i].geom = g[i];
  }
  free(g);
  c->hits++;
  return true;
}

void pl_cache_put_projected(bm_cache *c, const char *key, const bm_features *fs) {
  if (c) put(c, key, fs, true);
}
