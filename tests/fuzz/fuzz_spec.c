/* Fuzz harness: the map spec parser (YAML -> bm_spec). Any input must give a
 * spec or an error, never a crash, a hang or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  bm_error err;
  bm_spec *s = bm_spec_load_string(text, "fuzz.yaml", "/nonexistent", &err);
  bm_spec_free(s);
  free(text);
  return 0;
}
