/* load/fetch.h — get the catalog's Natural Earth zips into the data folder.
 *
 * The source is the official site (https://naciscdn.org/naturalearth), any
 * mirror with the same {scale}/{theme}/ne_{scale}_{layer}.zip layout over
 * http(s), a file:// URL, or a plain folder path. Each zip is downloaded (or
 * copied) to a temp file in the data folder, verified (it opens, every member's
 * CRC checks, it holds the .shp, .shx and .dbf), unpacked into a temp folder and
 * renamed into place, so a layer is either fully present or absent. Layers
 * already present are skipped. One layer failing does not stop the others.
 */
#ifndef BM_LOAD_FETCH_H
#define BM_LOAD_FETCH_H

#include <stdbool.h>

#include "core/error.h"
#include "load/catalog.h"

#define BM_NE_OFFICIAL_URL "https://naciscdn.org/naturalearth"

typedef enum { BM_FETCH_FETCHED, BM_FETCH_SKIPPED, BM_FETCH_FAILED } bm_fetch_event;

typedef struct {
  const char *source;   /* URL or folder; NULL: $BORDERMAP_NE_MIRROR, else the official site */
  const char *data_dir; /* where layers go (created when missing) */
  const char *scales;   /* comma-separated, e.g. "10m,50m"; NULL or "" for every scale */
  /* Called once per layer; message is the error text for BM_FETCH_FAILED, else NULL. */
  void (*progress)(void *user, const bm_catalog_entry *e, bm_fetch_event ev, const char *message);
  void *user;
} bm_fetch_options;

typedef struct {
  int fetched, skipped, failed;
} bm_fetch_result;

/* Returns BM_OK when every selected layer is present afterwards; otherwise the
 * status of the first failure, with err describing it (later failures are
 * reported through progress). Bad options (unknown scale) fail before any work. */
bm_status bm_fetch_run(const bm_catalog *c, const bm_fetch_options *opt, bm_fetch_result *res,
                       bm_error *err);

/* The source used when opt->source is NULL. */
const char *bm_fetch_default_source(void);

#endif
