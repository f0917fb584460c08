/* load/catalog.h — which Natural Earth files bordermap uses and where they live.
 *
 * The list comes from geodata/naturalearth-layers.txt, compiled in. Each entry
 * maps a logical layer ("rivers") at one scale ("10m") to the official file
 * {scale}/{theme}/ne_{scale}_{layer}.zip. In the data folder every layer is
 * unpacked into its own folder:  {data}/ne_{scale}_{layer}/ne_{scale}_{layer}.shp
 * (a folder can be renamed into place atomically by the fetcher).
 */
#ifndef BM_LOAD_CATALOG_H
#define BM_LOAD_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct {
  char logical[32]; /* land, rivers, countries ... */
  char scale[8];    /* 10m, 50m, 110m */
  char theme[16];   /* physical, cultural */
  char layer[64];   /* e.g. rivers_lake_centerlines */
  char stem[96];    /* ne_{scale}_{layer} */
} bm_catalog_entry;

typedef struct bm_catalog bm_catalog;

/* Parses the compiled-in manifest. Caller destroys. */
bm_catalog *bm_catalog_create(bm_error *err);
void bm_catalog_destroy(bm_catalog *c);

size_t bm_catalog_count(const bm_catalog *c);
const bm_catalog_entry *bm_catalog_at(const bm_catalog *c, size_t i);
/* The entry for a logical layer at a scale, or NULL. */
const bm_catalog_entry *bm_catalog_find(const bm_catalog *c, const char *logical,
                                        const char *scale);
/* The entry at the requested scale or, when the layer has no file at that scale,
 * at the nearest finer one (110m -> 50m -> 10m). NULL when there is none. */
const bm_catalog_entry *bm_catalog_find_nearest(const bm_catalog *c, const char *logical,
                                                const char *scale);

/* Writes {data}/{stem}/{stem}.shp into buf. */
void bm_catalog_shp_path(const char *data_dir, const bm_catalog_entry *e, char *buf, size_t n);
/* The folder {data}/{stem}. */
void bm_catalog_layer_dir(const char *data_dir, const bm_catalog_entry *e, char *buf, size_t n);
/* True when the layer's .shp, .shx and .dbf are all in the data folder. */
bool bm_catalog_present(const char *data_dir, const bm_catalog_entry *e);

/* The file in the data folder where `bordermap data fetch` records the Natural Earth
 * release of each layer it fetched: "layer <stem> <release|unknown> sha256:<hex> <source>". */
#define BM_RELEASE_FILE "naturalearth-release.txt"

/* The release recorded in data_dir: "5.1.2" when every recorded layer says the same,
 * "unknown" when none says, "mixed: 5.1.1, 5.1.2" otherwise. False when nothing is recorded. */
bool bm_catalog_release(const char *data_dir, char *buf, size_t n);

/* The data folder to use when none is given: $BORDERMAP_DATA, else
 * $XDG_DATA_HOME/bordermap/naturalearth, else ~/.local/share/bordermap/naturalearth. */
void bm_data_dir_default(char *buf, size_t n);

#endif
