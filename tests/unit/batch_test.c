/* Unit tests for batch/: a template filled from a table's rows (values can never change the
 * YAML's structure; placeholders are checked with their line and column), unique output
 * names, and shards that are disjoint and complete. The tables are built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch/batch.h"
#include "spec/spec.h"

/* A table of one row with columns name=value pairs (geometry box optional). */
static bm_table make_table(const char *const *cols, const char *const *vals, size_t n,
                           const double *bbox) {
  bm_table t = {0};
  t.ncols = n;
  t.nrows = 1;
  t.cols = calloc(n + 1, sizeof *t.cols);
  t.cells = calloc(n + 1, sizeof *t.cells);
  for (size_t i = 0; i < n; i++) {
    t.cols[i] = strdup(cols[i]);
    t.cells[i] = strdup(vals[i]);
  }
  t.bbox = calloc(1, sizeof *t.bbox);
  t.has_bbox = calloc(1, 1);
  if (bbox) {
    t.has_geometry = true;
    t.has_bbox[0] = true;
    memcpy(t.bbox[0], bbox, sizeof t.bbox[0]);
  }
  return t;
}

static bm_spec *fill_and_load(const char *tmpl, bm_table *t, char **text) {
  bm_error err;
  *text = bm_template_fill(tmpl, "t.yaml", t, 0, &err);
  assert_non_null(*text);
  bm_spec *s = bm_spec_load_string(*text, "t.yaml", ".", &err);
  if (!s) fprintf(stderr, "%s\n---\n%s\n", err.msg, *text);
  assert_non_null(s);
  return s;
}

/* A value with a colon, quotes, a '#', a newline and YAML of its own stays one string. */
static void test_values_cannot_inject_yaml(void **state) {
  (void)state;
  const char *cols[] = {"title", "sub"};
  const char *vals[] = {"Kabul: \"the capital\" # not a comment\nsubtitle: injected",
                        "it's 'quoted' \\ too"};
  bm_table t = make_table(cols, vals, 2, NULL);
  const char *tmpl = "title: {{title}}\n"
                     "subtitle: Province of {{sub}}, {{title}}  # {{not_a_column}} in a comment\n"
                     "credit: \"Map: {{sub}}\"\n"
                     "extent: {bbox: [60, 29, 75, 39]}\n"
                     "date: '{{sub}}'\n";
  char *text;
  bm_spec *s = fill_and_load(tmpl, &t, &text);
  assert_string_equal(s->title, vals[0]);
  char want[512];
  snprintf(want, sizeof want, "Province of %s, %s", vals[1], vals[0]);
  assert_string_equal(s->subtitle, want);
  snprintf(want, sizeof want, "Map: %s", vals[1]);
  assert_string_equal(s->credit, want);
  assert_non_null(strstr(text, "# {{not_a_column}} in a comment")); /* comments untouched */
  bm_spec_free(s);
  free(text);
  bm_table_free(&t);
}

/* A whole-scalar number stays a number (spec keys that take numbers accept it). */
static void test_numbers_and_flow(void **state) {
  (void)state;
  const char *cols[] = {"w", "e", "code", "name"};
  const char *vals[] = {"60.5", "75", "AFG", "Badakhshan"};
  bm_table t = make_table(cols, vals, 4, NULL);
  const char *tmpl = "title: x\n"
                     "extent: {bbox: [{{w}}, 29, {{e}}, 39]}\n"
                     "highlight:\n"
                     "  provinces:\n"
                     "    - {country: {{code}}, name: {{name}}}\n";
  char *text;
  bm_spec *s = fill_and_load(tmpl, &t, &text);
  assert_int_equal(s->extent_kind, BM_EXTENT_BBOX);
  assert_true(s->bbox[0] == 60.5 && s->bbox[2] == 75);
  assert_int_equal(s->n_highlight_provinces, 1);
  assert_string_equal(s->highlight_provinces[0].name, "Badakhshan");
  bm_spec_free(s);
  free(text);
  bm_table_free(&t);
}

/* {{geometry}} of a table with geometry is the row's box as an extent. */
static void test_geometry_extent(void **state) {
  (void)state;
  const char *cols[] = {"name"};
  const char *vals[] = {"A"};
  const double bb[4] = {69.5, 34.25, 71.0, 35.5};
  bm_table t = make_table(cols, vals, 1, bb);
  char *text;
  bm_spec *s = fill_and_load("title: {{name}}\nextent: {{geometry}}\n", &t, &text);
  assert_int_equal(s->extent_kind, BM_EXTENT_BBOX);
  assert_true(s->bbox[0] == 69.5 && s->bbox[1] == 34.25 && s->bbox[2] == 71.0 &&
              s->bbox[3] == 35.5);
  bm_spec_free(s);
  free(text);
  bm_error err;
  assert_null(bm_template_fill("title: \"{{geometry}}\"\n", "t.yaml", &t, 0, &err));
  assert_non_null(strstr(err.msg, "must stand alone"));
  bm_table_free(&t);
}

/* An unknown column is an error at the template's line and column, listing the columns. */
static void test_unknown_column_line_col(void **state) {
  (void)state;
  const char *cols[] = {"province", "n"};
  const char *vals[] = {"Kabul", "1"};
  bm_table t = make_table(cols, vals, 2, NULL);
  bm_error err;
  bm_error_clear(&err);
  assert_null(bm_template_fill("title: x\nsubtitle: \"No. {{n}} of {{provnce}}\"\n", "t.yaml", &t,
                               -1, &err));
  assert_int_equal(err.code, BM_ERR_SPEC);
  assert_string_equal(err.file, "t.yaml");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.col, 25);
  assert_non_null(strstr(err.msg, "{{provnce}}"));
  assert_non_null(strstr(err.msg, "province, n"));
  bm_error_clear(&err);
  assert_null(bm_template_fill("title: {{n\n", "t.yaml", &t, -1, &err));
  assert_int_equal(err.line, 1);
  assert_int_equal(err.col, 8);
  bm_table_free(&t);
}

static bm_batch_job job(const char *name, const char *label) {
  return (bm_batch_job){.name = (char *)name, .label = (char *)label};
}

/* Two maps with one output name are refused, naming both. */
static void test_unique_names(void **state) {
  (void)state;
  bm_batch_job v[3] = {job("x", "a/x.yaml"), job("y", "a/y.yaml"), job("x", "b/x.yaml")};
  bm_batch_jobs jobs = {v, 3, NULL};
  bm_error err;
  assert_int_equal(bm_batch_check_unique(&jobs, &err), BM_ERR_SPEC);
  assert_non_null(strstr(err.msg, "a/x.yaml and b/x.yaml"));
  jobs.n = 2;
  assert_int_equal(bm_batch_check_unique(&jobs, &err), BM_OK);
  const char *paths[] = {"a/x.yaml", "b/x.yaml"};
  bm_batch_jobs fromspecs;
  assert_int_equal(bm_batch_jobs_from_specs(paths, 2, &fromspecs, &err), BM_OK);
  assert_int_equal(bm_batch_check_unique(&fromspecs, &err), BM_ERR_SPEC);
  bm_batch_jobs_free(&fromspecs);
}

/* Every map is in exactly one shard; auto reads Slurm's and Kubernetes' variables. */
static void test_shards(void **state) {
  (void)state;
  for (int n = 1; n <= 5; n++)
    for (size_t j = 0; j < 40; j++) {
      int in = 0;
      for (int i = 0; i < n; i++)
        in += bm_batch_in_shard(j, i, n);
      assert_int_equal(in, 1);
    }
  int i, n;
  bm_error err;
  assert_int_equal(bm_batch_parse_shard("2/3", &i, &n, &err), BM_OK);
  assert_true(i == 2 && n == 3);
  assert_int_not_equal(bm_batch_parse_shard("3/3", &i, &n, &err), BM_OK);
  assert_int_not_equal(bm_batch_parse_shard("1", &i, &n, &err), BM_OK);
  unsetenv("JOB_COMPLETION_INDEX");
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "4", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  assert_int_equal(bm_batch_parse_shard("auto", &i, &n, &err), BM_OK);
  assert_true(i == 1 && n == 3);
  unsetenv("SLURM_ARRAY_TASK_ID");
  setenv("JOB_COMPLETION_INDEX", "0", 1);
  assert_int_not_equal(bm_batch_parse_shard("auto", &i, &n, &err), BM_OK); /* no count */
  assert_int_equal(bm_batch_parse_shard("auto/4", &i, &n, &err), BM_OK);
  assert_true(i == 0 && n == 4);
  setenv("JOB_COMPLETIONS", "2", 1);
  assert_int_equal(bm_batch_parse_shard("auto", &i, &n, &err), BM_OK);
  assert_true(i == 0 && n == 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_cannot_inject_yaml),
      cmocka_unit_test(test_numbers_and_flow),
      cmocka_unit_test(test_geometry_extent),
      cmocka_unit_test(test_unknown_column_line_col),
      cmocka_unit_test(test_unique_names),
      cmocka_unit_test(test_shards),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
