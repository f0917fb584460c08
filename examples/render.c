/* examples/render.c — render a map through libbordermap.
 *
 *   cc render.c $(pkg-config --cflags --libs bordermap) -o render
 *   ./render [SPEC.yaml] [OUT.png|.pdf|.svg] [DATA_DIR]
 *
 * Without a spec it renders the story map that bordermap installs (maps/central-asia.yaml).
 * Prints the data catalog's state and the versions in use, then renders. Exit 0 on success,
 * 1 on any failure (the error says what and where).
 */
#include <bordermap.h>
#include <stdio.h>

static int fail(const bordermap_error *err) {
  char msg[2200];
  fprintf(stderr, "render: %s (%s)\n", bordermap_error_format(err, msg, sizeof msg),
          bordermap_status_name(err->code));
  return 1;
}

int main(int argc, char **argv) {
  bordermap_error err;
  char story[4096];
  const char *spec_path = argc > 1 ? argv[1] : NULL;
  const char *out = argc > 2 ? argv[2] : "map.png";
  const char *data = argc > 3 ? argv[3] : NULL; /* NULL: the default data folder */

  if (!spec_path) {
    if (bordermap_shared_file("maps/central-asia.yaml", story, sizeof story, &err))
      return fail(&err);
    spec_path = story;
  }

  bordermap_versions v;
  bordermap_versions_get(&v);
  printf("bordermap %s (PROJ %s, GDAL %s, GEOS %s, Cairo %s, Pango %s)\n", v.bordermap, v.proj,
         v.gdal, v.geos, v.cairo, v.pango);

  bordermap_catalog *cat = bordermap_catalog_open(data, &err);
  if (!cat) return fail(&err);
  size_t missing = 0;
  for (size_t i = 0; i < bordermap_catalog_count(cat); i++)
    missing += !bordermap_catalog_layer(cat, i)->present;
  const char *release = bordermap_catalog_release(cat);
  printf("data %s: %zu layers, %zu missing, Natural Earth %s\n", bordermap_catalog_data_dir(cat),
         bordermap_catalog_count(cat), missing, release ? release : "(not recorded)");
  bordermap_catalog_close(cat);

  bordermap_spec *spec = bordermap_spec_load(spec_path, &err);
  if (!spec) return fail(&err);
  bordermap_render_options opts;
  bordermap_render_options_init(&opts);
  opts.data_dir = data;
  int rc = 0;
  if (bordermap_render_file(spec, out, &opts, &err) != BORDERMAP_OK)
    rc = fail(&err);
  else
    printf("rendered \"%s\" to %s\n", bordermap_spec_title(spec), out);
  bordermap_spec_free(spec);
  return rc;
}
