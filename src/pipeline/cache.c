/* pipeline/cache.c — what the maps of one process share (bm_cache, pipeline.h): the
 * Natural Earth layers as read (by file, box and fields) and their geometry projected,
 * clipped and simplified (by that and the CRS, frame and view). Every lookup hands out a
 * deep copy, so a map can change what it got and the cached copy stays as read: a map
 * rendered from the cache is byte-identical to one rendered without it. Readers that only
 * read may borrow a cached layer instead (pl_cache_peek_layer).
 *
 * The memo: small results of pure functions (a label anchor, a country's extent box),
 * keyed by the exact bytes of everything they depend on (a polygon's vertices, a layer's
 * key and a feature's index), so that a hit is the value the function would return. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/map.h"

typedef struct {
  char *key;
  bool projected; /* geoms only (projected layer) or a whole layer as read */
  bm_features fs; /* as read; for projected entries only f[i].geom is set */
} entry;

typedef struct {
  uint64_t hash;
  size_t klen, vlen;
  unsigned char *kv; /* the key's bytes, then the value's; NULL: a free slot */
} memo_slot;

struct bm_cache {
  entry *v;
  size_t n, cap;
  size_t bytes, max_bytes;
  size_t hits, misses;
  memo_slot *memo; /* open addressing, at most half full */
  size_t memo_n, memo_cap;
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
  for (size_t i = 0; i < c->memo_cap; i++)
    free(c->memo[i].kv);
  free(c->memo);
  free(c);
}

static size_t geom_bytes(const bm_geom *g) { return g->npts * 16 + g->nparts * 8 + 64; }

/* bm_geom_copy's result (the same type, points and parts) in two allocations and two
 * memcpy, not point by point: a series copies a few hundred thousand points per map. */
static bool geom_dup(bm_geom *d, const bm_geom *s) {
  bm_geom_init(d, s->type);
  if (s->nparts == 0) return true;
  d->xy = malloc((s->npts + 1) * 2 * sizeof *d->xy);
  d->part = malloc((s->nparts + 1) * sizeof *d->part);
  if (!d->xy || !d->part) {
    bm_geom_free(d);
    return false;
  }
  if (s->npts) memcpy(d->xy, s->xy, s->npts * 2 * sizeof *d->xy);
  memcpy(d->part, s->part, s->nparts * sizeof *d->part);
  d->part[s->nparts] = s->npts;
  d->npts = s->npts, d->cap_pts = s->npts + 1;
  d->nparts = s->nparts, d->cap_parts = s->nparts + 1;
  return true;
}

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
    ok = geom_dup(&d->geom, &s->geom);
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

const bm_features *pl_cache_peek_layer(bm_cache *c, const char *key) {
  entry *e = c ? find(c, key, false) : NULL;
  if (c) e ? c->hits++ : c->misses++;
  return e ? &e->fs : NULL;
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
    ok = geom_dup(&g[i], &e->fs.f[i].geom);
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

/* ---- the memo ---- */

/* FNV-1a, eight bytes at a time where it can (a polygon's vertices are most of a key) */
static uint64_t hash_bytes(uint64_t h, const unsigned char *p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ULL;
    h ^= h >> 29;
  }
  for (; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

static uint64_t key_hash(const pl_bytes *key, size_t nkey, size_t *klen) {
  uint64_t h = 1469598103934665603ULL;
  *klen = 0;
  for (size_t i = 0; i < nkey; i++) {
    h = hash_bytes(h, key[i].p, key[i].n);
    *klen += key[i].n;
  }
  return h;
}

static bool key_equal(const unsigned char *stored, const pl_bytes *key, size_t nkey) {
  for (size_t i = 0; i < nkey; i++) {
    if (key[i].n && memcmp(stored, key[i].p, key[i].n)) return false;
    stored += key[i].n;
  }
  return true;
}

/* The slot of the key, or the free slot where it would go. */
static memo_slot *memo_find(bm_cache *c, uint64_t h, const pl_bytes *key, size_t nkey,
                            size_t klen) {
  for (size_t i = h & (c->memo_cap - 1);; i = (i + 1) & (c->memo_cap - 1)) {
    memo_slot *s = &c->memo[i];
    if (!s->kv || (s->hash == h && s->klen == klen && key_equal(s->kv, key, nkey))) return s;
  }
}

bool pl_cache_memo_get(bm_cache *c, const pl_bytes *key, size_t nkey, void *val, size_t vlen) {
  if (!c || !c->memo_cap) return false;
  size_t klen;
  uint64_t h = key_hash(key, nkey, &klen);
  memo_slot *s = memo_find(c, h, key, nkey, klen);
  if (!s->kv || s->vlen != vlen) return false;
  memcpy(val, s->kv + klen, vlen);
  return true;
}

void pl_cache_memo_put(bm_cache *c, const pl_bytes *key, size_t nkey, const void *val,
                       size_t vlen) {
  if (!c) return;
  size_t klen;
  uint64_t h = key_hash(key, nkey, &klen);
  if (c->bytes + klen + vlen + 64 > c->max_bytes) return; /* full: computed each time */
  if (2 * (c->memo_n + 1) > c->memo_cap) {
    size_t cap = c->memo_cap ? 2 * c->memo_cap : 256;
    memo_slot *old = c->memo, *t = calloc(cap, sizeof *t);
    if (!t) return;
    size_t old_cap = c->memo_cap;
    c->memo = t, c->memo_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].kv) {
        size_t k = old[i].hash & (cap - 1);
        while (t[k].kv)
          k = (k + 1) & (cap - 1);
        t[k] = old[i];
      }
    free(old);
  }
  memo_slot *s = memo_find(c, h, key, nkey, klen);
  if (s->kv) return; /* there already */
  unsigned char *kv = malloc(klen + vlen + 1);
  if (!kv) return;
  unsigned char *p = kv;
  for (size_t i = 0; i < nkey; i++) {
    if (key[i].n) memcpy(p, key[i].p, key[i].n);
    p += key[i].n;
  }
  memcpy(p, val, vlen);
  *s = (memo_slot){.hash = h, .klen = klen, .vlen = vlen, .kv = kv};
  c->memo_n++;
  c->bytes += klen + vlen + 64;
}
