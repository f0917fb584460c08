/* Fuzz harness: the OGR site-file reader, through its driver allow-list. The
 * first byte picks the file's extension (.geojson or .csv); the rest is the
 * file, written to a private temp folder and read as a spec's site file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/load.h"
#include "spec/spec.h"

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "%s/bm-fuzz-sites-%d",
             access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm", (int)getpid());
    char cmd[96];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0) return 0;
  }
  if (size < 1) return 0;
  char path[128];
  snprintf(path, sizeof path, "%s/f.%s", dir, (data[0] & 1) ? "csv" : "geojson");
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data + 1, 1, size - 1, f);
  fclose(f);
  bm_spec spec;
  memset(&spec, 0, sizeof spec);
  char spec_path[] = "fuzz.yaml";
  spec.path = spec_path;
  bm_site_file sf = {.path = path, .pos = {1, 1}};
  bm_error err;
  bm_load_limits lim = {.max_features = 50};
  bm_sites_damage bad;
  bm_sites_read_ogr_limited(&sf, &spec, &lim, &bad, &err);
  for (size_t i = 0; i < spec.n_sites; i++) {
    free(spec.sites[i].name);
    free(spec.sites[i].note);
  }
  free(spec.sites);
  remove(path);
  return 0;
}
