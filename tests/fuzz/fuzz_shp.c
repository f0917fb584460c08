/* Fuzz harness: the shapefile reader. The input is cut into a .shp, a .shx,
 * a .dbf and a .qix spatial index (three little-endian 32-bit lengths first, the
 * .qix is the rest; none when empty), written to a private temp folder (in
 * memory: /dev/shm) and read with and without a query box. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/load.h"

static char dir[64];

static void put(const char *ext, const uint8_t *p, size_t n) {
  char path[128];
  snprintf(path, sizeof path, "%s/f.%s", dir, ext);
  /* a new file each time: rewriting one in place (O_TRUNC) makes ext4 flush it on
   * close, which made a run mostly wait on the disk */
  unlink(path);
  if (!n && !strcmp(ext, "qix")) return;
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(p, 1, n, f);
  fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "%s/bm-fuzz-shp-%d", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm",
             (int)getpid());
    char cmd[96];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0) return 0;
  }
  if (size < 12) return 0;
  uint32_t a, b, c;
  memcpy(&a, data, 4);
  memcpy(&b, data + 4, 4);
  memcpy(&c, data + 8, 4);
  data += 12;
  size -= 12;
  a %= (uint32_t)(size + 1);
  b %= (uint32_t)(size - a + 1);
  c %= (uint32_t)(size - a - b + 1);
  put("shp", data, a);
  put("shx", data + a, b);
  put("dbf", data + a + b, c);
  put("qix", data + a + b + c, size - a - b - c);
  char path[128];
  snprintf(path, sizeof path, "%s/f.shp", dir);
  static const char *const fields[] = {"NAME", "ADM0_A3", NULL};
  bm_features fs;
  bm_error err;
  bm_shp_read(path, NULL, fields, &fs, &err);
  bm_features_free(&fs);
  bm_bbox q = {60, 30, 80, 45};
  bm_shp_read(path, &q, fields, &fs, &err);
  bm_features_free(&fs);
  return 0;
}
