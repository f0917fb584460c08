/* pipeline/report.c — the JSON label report (--labels-report). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/util.h"
#include "geom/simplify.h"
#include "label/label.h"
#include "layout/furniture.h"
#include "load/catalog.h"
#include "load/load.h"
#include "pipeline/map.h"
#include "proj/proj.h"
#include "render/render.h"
#include "spec/style.h"
#include "story/story.h"
#include "text/text.h"

static void json_box(FILE *f, const char *key, bm_bbox b) {
  fprintf(f, "\"%s\": [%.1f, %.1f, %.1f, %.1f]", key, b.minx, b.miny, b.maxx, b.maxy);
}

static const char *corner_name(bm_corner c) {
  switch (c) {
  case BM_CORNER_TOP_LEFT: return "top-left";
  case BM_CORNER_TOP_RIGHT: return "top-right";
  case BM_CORNER_BOTTOM_LEFT: return "bottom-left";
  case BM_CORNER_BOTTOM_RIGHT: return "bottom-right";
  default: return "auto";
  }
}

/* The furniture, for tests and for people checking a map: the legend's
 * entries, the scale bar's ends and length, the inset's box and outline. */
static void write_furniture_report(FILE *f, const bm_furniture *fur) {
  fprintf(f, ",\n  \"legend\": [");
  for (size_t i = 0; fur->has_legend && i < fur->legend.n; i++) {
    fprintf(f, "%s\n    {\"symbol\": \"%s\", \"text\": ", i ? "," : "",
            bm_legend_symbol_name(&fur->legend.v[i]));
    bm_json_string(f, fur->legend.v[i].text);
    fputc('}', f);
  }
  fprintf(f, "\n  ]");
  if (fur->has_legend) {
    fprintf(f, ",\n  \"legend_box\": {");
    json_box(f, "box", fur->legend_box);
    fprintf(f, ", \"corner\": \"%s\"}", corner_name(fur->legend_corner));
  }
  /* the map's language and direction, and where the title block and credit line are */
  fprintf(f, ",\n  \"language\": ");
  bm_json_string(f, fur->lang ? fur->lang->code : "en");
  fprintf(f, ", \"direction\": \"%s\"", fur->rtl ? "rtl" : "ltr");
  if (fur->title || fur->subtitle) {
    fprintf(f, ",\n  \"title_box\": {");
    json_box(f, "box", fur->title_box);
    fputc('}', f);
  }
  if (fur->credit) {
    fprintf(f, ",\n  \"credit_box\": {");
    json_box(f, "box", fur->credit_box);
    fputc('}', f);
  }
  if (fur->has_scalebar && fur->bar_note_only) {
    fprintf(f, ",\n  \"scale_bar\": {\"note\": ");
    bm_json_string(f, fur->bar_note);
    fprintf(f, ", ");
    json_box(f, "box", fur->scalebar_box);
    fprintf(f, ", \"corner\": \"%s\"}", corner_name(fur->scalebar_corner));
  } else if (fur->has_scalebar && fur->bar_layout) {
    fprintf(
        f,
        ",\n  \"scale_bar\": {\"km\": %g, \"px\": %.3f, \"start\": [%.3f, %.3f], \"end\": [%.3f, "
        "%.3f], \"lat\": %.3f, \"variation\": %.4f, \"note\": ",
        fur->bar.km, fur->bar.px, fur->bar_x, fur->bar_y, fur->bar_x + fur->bar.px, fur->bar_y,
        fur->bar.lat, fur->bar.variation);
    bm_json_string(f, fur->bar_note);
    fprintf(f, ", \"corner\": \"%s\"}", corner_name(fur->scalebar_corner));
  }
  fprintf(f, ",\n  \"north_arrow\": %s", fur->has_north ? "true" : "false");
  if (fur->has_north) fprintf(f, ", \"north_angle\": %.2f", fur->north_angle * 180 / M_PI);
  if (fur->has_inset) {
    fprintf(f, ",\n  \"inset\": {\"projection\": ");
    bm_json_string(f, fur->inset_def);
    fprintf(f, ", ");
    json_box(f, "view", fur->inset_proj);
    fprintf(f, ", ");
    json_box(f, "box", fur->inset_box);
    fprintf(f, ", \"outline\": [");
    for (size_t i = 0; i < fur->inset_outline.npts; i++)
      fprintf(f, "%s[%.1f, %.1f]", i ? ", " : "", fur->inset_outline.xy[2 * i],
              fur->inset_outline.xy[2 * i + 1]);
    fprintf(f, "]}");
  }
}

/* Writes the report's JSON to f. */
static void write_report_json(const map *m, const computed *c, FILE *f) {
  const bm_labeler *lb = c->labels;
  const story_px *sp = &c->sites;
  const bm_furniture *fur = &c->furniture;
  fprintf(f, "{\n  \"width\": %d, \"height\": %d,\n  \"crs\": ", m->view.width, m->view.height);
  bm_json_string(f, bm_proj_definition(m->proj));
  /* the frame's projected metres, y up (pixel (0, 0) is [minx, maxy]), and
   * the lon/lat box it shows, so positions can be checked with PROJ alone */
  fprintf(f, ",\n  \"frame\": [%.17g, %.17g, %.17g, %.17g]", m->view.proj.minx, m->view.proj.miny,
          m->view.proj.maxx, m->view.proj.maxy);
  bm_bbox ll = bm_view_frame_lonlat(m->proj, &m->view);
  if (bm_bbox_is_empty(ll))
    fprintf(f, ",\n  \"lonlat_box\": null");
  else
    fprintf(f, ",\n  \"lonlat_box\": [%.6f, %.6f, %.6f, %.6f]", ll.minx, ll.miny, ll.maxx, ll.maxy);
  fprintf(f, ",\n  \"earth_edge\": %s", m->earth_edge ? "true" : "false");
  /* the data warnings standard error shows: damaged records skipped, guessed encodings */
  fprintf(f, ",\n  \"data_warnings\": [");
  for (size_t i = 0; i < m->stats->nwarnings; i++) {
    fprintf(f, "%s\n    ", i ? "," : "");
    bm_json_string(f, m->stats->warnings[i]);
  }
  fprintf(f, "%s]", m->stats->nwarnings ? "\n  " : "");
  fprintf(f, ",\n  \"labels\": [");
  for (size_t i = 0; i < bm_labeler_count(lb); i++) {
    const bm_label *l = bm_labeler_at(lb, i);
    fprintf(f, "%s\n    {\"text\": ", i ? "," : "");
    bm_json_string(f, l->text);
    fprintf(f, ", \"layer\": \"%s\", \"anchor\": [%.1f, %.1f], ", l->layer, l->ax, l->ay);
    if (l->placed) {
      fprintf(f, "\"placed\": true, \"box\": [%.1f, %.1f, %.1f, %.1f]", l->box.minx, l->box.miny,
              l->box.maxx, l->box.maxy);
      if (l->leader)
        fprintf(f, ", \"leader\": [%.1f, %.1f, %.1f, %.1f]", l->ax, l->ay, l->lx, l->ly);
      /* every box the label occupies: several along a curved line label */
      const bm_bbox *bx;
      size_t nb = bm_labeler_boxes(lb, i, &bx);
      if (l->kind == BM_LABEL_LINE) {
        fprintf(f, ", \"angle\": %.1f, \"path\": [", l->angle);
        for (size_t j = 0; j < nb; j++)
          fprintf(f, "%s[%.1f, %.1f]", j ? ", " : "", (bx[j].minx + bx[j].maxx) / 2,
                  (bx[j].miny + bx[j].maxy) / 2);
        fputc(']', f);
      }
      fprintf(f, ", \"boxes\": [");
      for (size_t j = 0; j < nb; j++)
        fprintf(f, "%s[%.1f, %.1f, %.1f, %.1f]", j ? ", " : "", bx[j].minx, bx[j].miny, bx[j].maxx,
                bx[j].maxy);
      fprintf(f, "]}");
    } else {
      fprintf(f, "\"placed\": false, \"reason\": ");
      bm_json_string(f, l->reason ? l->reason : "");
      fputc('}', f);
    }
  }
  fprintf(f, "\n  ],\n  \"sites\": [");
  double r = m->style.site_symbol_size * m->k / 2;
  for (int i = 0; i < sp->nsites; i++) {
    double x = sp->site_xy[2 * i], y = sp->site_xy[2 * i + 1];
    fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
    bm_json_string(f, m->sites->sites[i].name);
    double ax = sp->site_at[2 * i], ay = sp->site_at[2 * i + 1];
    fprintf(f, ", \"kind\": \"%s\", \"symbol\": [%.1f, %.1f, %.1f, %.1f], \"at\": [%.1f, %.1f]",
            bm_site_kind_name(m->sites->sites[i].kind), x - r, y - r, x + r, y + r, ax, ay);
    if (hypot(x - ax, y - ay) > 0.5)
      fprintf(f, ", \"tie\": [%.1f, %.1f, %.1f, %.1f]", ax, ay, x, y);
    fputc('}', f);
  }
  fprintf(f, "\n  ]");
  write_furniture_report(f, fur);
  fprintf(f, "\n}\n");
}

/* Writes the report into out's temp file and closes it; the caller renames it
 * into place together with the map. */
static bm_status pl_write_report(const map *m, const computed *c, bm_atomic *out) {
  bm_status st = bm_atomic_open(out, m->opt->labels_report, m->err);
  if (st) return bm_error_wrap(m->err, "cannot write the label report");
  write_report_json(m, c, out->f);
  return bm_atomic_close(out, m->err);
}

/* The report in memory (live previews: no file), into a buffer the caller frees. */
static bm_status pl_report_to_memory(const map *m, const computed *c, char **json) {
  size_t len = 0;
  FILE *f = open_memstream(json, &len);
  if (!f) return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for the report");
  write_report_json(m, c, f);
  if (fclose(f)) {
    free(*json);
    *json = NULL;
    return bm_error_set(m->err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for the report");
  }
  return BM_OK;
}

bm_status pl_outputs_open(outputs *o, bm_output *outs, size_t n, bm_error *err) {
  o->files = calloc(n + 1, sizeof *o->files);
  o->sinks = calloc(n + 1, sizeof *o->sinks);
  if (!o->files || !o->sinks) return bm_error_set(err, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (!outs[i].path) continue;
    /* temp files that killed renders left in this folder go first */
    char *dir = bm_path_dirname(outs[i].path);
    if (dir) bm_atomic_clean_stale(dir);
    free(dir);
    bm_status st = bm_atomic_open(&o->files[i], outs[i].path, err);
    if (st) return st;
    o->sinks[i].f = o->files[i].f;
  }
  return BM_OK;
}

bm_status pl_outputs_commit(const map *m, const computed *c, bm_output *outs, size_t n,
                            outputs *o) {
  bm_status st;
  bool report = m->opt->labels_report;
  if (report && (st = pl_write_report(m, c, &o->report))) return st;
  for (size_t i = 0; i < n; i++)
    if (outs[i].path && (st = bm_atomic_close(&o->files[i], m->err))) return st;
  if (report && (st = bm_atomic_rename(&o->report, m->err))) return st;
  for (size_t i = 0; i < n; i++)
    if (outs[i].path && (st = bm_atomic_rename(&o->files[i], m->err))) return st;
  if (m->opt->report_json && (st = pl_report_to_memory(m, c, m->opt->report_json))) return st;
  for (size_t i = 0; i < n; i++)
    if (!outs[i].path) { /* hand the bytes over */
      outs[i].data = o->sinks[i].data;
      outs[i].len = o->sinks[i].len;
      o->sinks[i].data = NULL;
    }
  return BM_OK;
}

void pl_outputs_free(outputs *o, size_t n) {
  bm_atomic_abort(&o->report);
  for (size_t i = 0; o->files && i < n; i++) {
    bm_atomic_abort(&o->files[i]);
    free(o->sinks[i].data);
  }
  free(o->files);
  free(o->sinks);
}
