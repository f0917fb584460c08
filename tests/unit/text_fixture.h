/* tests/unit/text_fixture.h — what unit tests that lay out text share: one text engine
 * (Noto Sans, from the Debian fonts setup.sh installs) for the whole group, made in
 * setup and freed in teardown; the group fails at setup when the fonts are missing. */
#ifndef BM_TEST_TEXT_FIXTURE_H
#define BM_TEST_TEXT_FIXTURE_H

#include <stdio.h>

#include "text/text.h"

static bm_text *g_text;

static int setup(void **state) {
  (void)state;
  bm_error err;
  if (bm_text_create("Noto Sans", &g_text, &err)) {
    fprintf(stderr, "fonts missing: %s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  bm_text_destroy(g_text);
  return 0;
}

#endif
