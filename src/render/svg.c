/* render/svg.c — interim: SVG through Cairo until the native writer lands. */
#include "render/backend.h"

bm_status bm_backend_svg_create(int width, int height, bm_sink *out, bm_backend **be,
                                bm_error *err) {
  return bm_backend_cairo_create(BM_FORMAT_SVG, width, height, 96, out, be, err);
}
