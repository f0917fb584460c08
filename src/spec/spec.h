/* spec/spec.h — a map spec (YAML) as a validated struct.
 *
 * bm_spec_load reads a spec file, checks every key and value, and resolves
 * relative paths (style, site files) against the spec's folder. It does not
 * read any data: checks against Natural Earth (is "XYZ" a country?) happen
 * later, and use the line/col kept here so their errors still name the spec.
 * Everything in a bm_spec is owned by it; free with bm_spec_free.
 */
#ifndef BM_SPEC_SPEC_H
#define BM_SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "lang/lang.h"

typedef struct {
  int line, col; /* where in the spec this was written; 0 when built in */
} bm_spec_pos;

typedef enum { BM_EXTENT_BBOX, BM_EXTENT_COUNTRIES, BM_EXTENT_CENTER } bm_extent_kind;

typedef struct {
  char code[4]; /* ISO A3, upper case */
  bm_spec_pos pos;
} bm_country_ref;

typedef struct {
  char country[4];
  char *name;
  bm_spec_pos pos;
} bm_province_ref;

typedef enum {
  BM_SITE_GENERIC = 0,
  BM_SITE_CITY,
  BM_SITE_FACTORY,
  BM_SITE_MILITARY_BASE,
  BM_SITE_AIRFIELD,
  BM_SITE_KIND_COUNT
} bm_site_kind;

typedef struct {
  char *name;
  double lon, lat;
  bm_site_kind kind;
  char *note;       /* optional second line, may be NULL */
  bool approximate; /* position is the city's, exact site not public */
  char *replaces;   /* a populated place this site stands for (its label is left out), or NULL */
  bm_spec_pos pos;
} bm_site;

typedef struct {
  char *path; /* resolved against the spec's folder */
  bm_spec_pos pos;
} bm_site_file;

/* ---- the story layer: rings, routes, areas, borders, callouts ----------- */

/* A place given as a site's name (resolved against every site, also those
 * from site files, at render time) or as [lon, lat]. */
typedef struct {
  char *site; /* site name; NULL when lon/lat are given */
  double lon, lat;
  bm_spec_pos pos;
} bm_place_ref;

typedef struct {
  bm_place_ref center;
  double radius_km; /* > 0 */
  char *label;      /* on the ring; NULL: "<radius> km" */
  char *legend;     /* legend text; NULL: the label */
  char *source;     /* where the number comes from (kept, not drawn) */
  bool fill;        /* tint the inside */
  bm_spec_pos pos, radius_pos;
} bm_ring;

/* ---- labels: the journalist's control over base-map labels ------------- */

/* rename: {Tajikistan: تاجیکستان}: any base label, by its name (case folded, any script) */
typedef struct {
  char *from, *to;
  bm_spec_pos pos;
} bm_label_rename;

/* hide: a whole class (`regions`), or one name in a class (`region: INDIA`) or in any
 * (`Kashgar`). layer is the label engine's layer name ("region", "capital", ...). */
typedef struct {
  const char *layer;           /* static; NULL: any base-map layer */
  const char *layer2, *layer3; /* more layers of the same class ("places": capital, city, town) */
  char *name;                  /* NULL: the whole class */
  bm_spec_pos pos;
} bm_label_hide;

typedef enum { BM_FREE_TEXT_PLAIN = 0, BM_FREE_TEXT_WATER, BM_FREE_TEXT_REGION } bm_free_text_style;

/* text: [{text: Black Sea, at: [34, 43.2], style: water}] */
typedef struct {
  char *text;
  double lon, lat;
  bm_free_text_style style;
  bm_spec_pos pos;
} bm_free_text;

/* provinces: where province lines are drawn: inside countries with highlighted
 * provinces (highlighted, the default), also inside highlighted countries (story), or nowhere */
typedef enum {
  BM_PROVINCES_HIGHLIGHTED = 0,
  BM_PROVINCES_STORY,
  BM_PROVINCES_NONE
} bm_province_lines;

typedef struct {
  bm_label_rename *rename;
  size_t n_rename;
  bm_label_hide *hide;
  size_t n_hide;
  bm_free_text *text;
  size_t n_text;
  bm_province_lines provinces;
} bm_labels_spec;

typedef enum { BM_PATH_GREAT_CIRCLE = 0, BM_PATH_RHUMB } bm_path_kind;
typedef enum { BM_DASH_SOLID = 0, BM_DASH_DASHED, BM_DASH_DOTTED } bm_dash_kind;

typedef struct {
  bm_place_ref from, to;
  bm_place_ref *via; /* waypoints, in order; the legs between are geodesics */
  size_t n_via;
  bm_path_kind path;
  bool arrow; /* arrowhead at `to` (default true) */
  bm_dash_kind dash;
  /* how far the drawn line bows out from its true path, as a share of its length, to the
   * left of the direction of travel (negative: right); default 0.15, but 0 with waypoints or
   * a path named */
  double curve;
  char *label, *legend, *source;
  bm_spec_pos pos;
} bm_route;

/* ---- boundaries: Natural Earth's classes of admin-0 lines, and points of view ---- */

/* The kinds of boundary line a map draws, each with its own dash and legend entry. */
typedef enum {
  BM_BOUNDARY_INTERNATIONAL = 0, /* solid */
  BM_BOUNDARY_DISPUTED,          /* "Disputed", and the claim lines of the disputed-areas layer */
  BM_BOUNDARY_LINE_OF_CONTROL,
  BM_BOUNDARY_INDEFINITE,   /* "Indefinite", "Indeterminant frontier" */
  BM_BOUNDARY_LEASE,        /* "Lease limit" (Guantanamo, Baikonur) */
  BM_BOUNDARY_OVERLAY,      /* "Overlay limit" (UN buffer zones, the Korean DMZ) */
  BM_BOUNDARY_UNRECOGNIZED, /* "Unrecognized": the point of view does not draw the line */
  BM_BOUNDARY_CLASS_COUNT
} bm_boundary_class;

/* Spec names: international, disputed, line-of-control, indefinite, lease-limit,
 * overlay-limit, unrecognized. */
const char *bm_boundary_class_name(bm_boundary_class c);
bool bm_boundary_class_parse(const char *name, bm_boundary_class *out);
/* "international, disputed, line-of-control, indefinite, lease-limit, overlay-limit" */
const char *bm_boundary_class_list(void);
/* The class of a Natural Earth FEATURECLA or FCLASS_* value ("International boundary
 * (verify)", "Line of control (please verify)", "Unrecognized" ...; case and the
 * "(verify)" notes do not matter). False for NULL or "" (no value); a value it does
 * not know is taken as disputed, so an unknown line is never drawn as settled. */
bool bm_boundary_class_of_ne(const char *value, bm_boundary_class *out);

/* A point of view Natural Earth publishes (release 5.1.0 and later): the spec's ISO A3
 * code, the FCLASS_* field of the boundary lines that holds it, and the country's name. */
typedef struct {
  const char *iso3;  /* "IND"; "ISO" for the ISO's view */
  const char *field; /* "FCLASS_IN" */
  const char *name;  /* "India" */
  const char *layer; /* Natural Earth's code in its POV layers' names: "ind" in
                        ne_10m_admin_0_countries_ind (Israel "isl", Nepal "nep" ...) */
} bm_pov;

/* The view for an ISO A3 code (case-insensitive; NE's own BDG, ISL, NEP, PSE are also
 * taken), or NULL. */
const bm_pov *bm_pov_find(const char *iso3);
/* The valid codes, comma-separated. */
const char *bm_pov_list(void);

typedef struct {
  bm_country_ref a, b; /* the two countries either side (ISO A3) */
  bool length;         /* label with its geodesic length */
  /* the class of line to take (class:); without one, the international boundary only,
   * so that a line of control is never merged with it under one label */
  bm_boundary_class cls;
  bool has_class;
  bm_spec_pos class_pos;
  char *label, *legend, *source;
  bm_spec_pos pos;
} bm_border;

typedef enum { BM_AREA_FILE = 0, BM_AREA_BUFFER } bm_area_kind;
typedef enum { BM_BUFFER_AROUND = 0, BM_BUFFER_BORDER, BM_BUFFER_LINE } bm_buffer_kind;

typedef struct {
  bm_area_kind kind;
  char *file;       /* BM_AREA_FILE: an OGR polygon file, resolved */
  double buffer_km; /* BM_AREA_BUFFER */
  bm_buffer_kind along;
  bm_place_ref around;      /* BM_BUFFER_AROUND */
  bm_country_ref border[2]; /* BM_BUFFER_BORDER: along the boundary between two countries */
  double *line;             /* BM_BUFFER_LINE: lon/lat pairs */
  size_t nline;
  bool hatch; /* hatched (default) or filled */
  char *label, *legend, *source;
  bm_spec_pos pos;
} bm_area;

typedef struct {
  char *marker; /* "1", "A" ...; NULL: numbered in order */
  bm_place_ref at;
  char *text; /* goes into the legend or the side panel */
  char *source;
  bm_spec_pos pos;
} bm_callout;

/* ---- furniture ---------------------------------------------------------- */

typedef enum { BM_SHOW_AUTO = 0, BM_SHOW_ON, BM_SHOW_OFF } bm_show;
typedef enum {
  BM_CORNER_AUTO = 0,
  BM_CORNER_TOP_LEFT,
  BM_CORNER_TOP_RIGHT,
  BM_CORNER_BOTTOM_LEFT,
  BM_CORNER_BOTTOM_RIGHT
} bm_corner;

typedef struct {
  char *symbol; /* a legend symbol name: factory, ring, route, hatch, ... */
  char *text;
} bm_legend_entry;

typedef struct {
  bm_show show;
  bm_corner position;
  char *title;
  bm_legend_entry *items; /* written out in the spec: used as is */
  size_t n_items;
  bm_legend_entry *names; /* renames of automatic entries (symbol -> text) */
  size_t n_names;
  char **hide; /* automatic entries left out, by symbol name */
  size_t n_hide;
  bool callouts_panel; /* callout texts in a panel of their own, not the legend */
  bm_spec_pos pos;
} bm_legend_spec;

/* when the scale varies more than 10% across the map: a note instead of the bar
 * (default), the bar true at its place with a note, nothing, or an error */
typedef enum { BM_VARIES_NOTE = 0, BM_VARIES_BAR, BM_VARIES_OMIT, BM_VARIES_ERROR } bm_varies;

typedef struct {
  bm_show show;
  bm_corner position;
  double km; /* 0: a round number chosen for the map */
  bm_varies when_varies;
  bm_spec_pos pos;
} bm_scalebar_spec;

typedef struct {
  bm_show show; /* auto: only when a corner has room */
  bm_corner position;
  bool has_extent; /* false: a region around the map, chosen automatically */
  bm_extent_kind extent_kind;
  double bbox[4];
  bm_country_ref *countries;
  size_t n_countries;
  double center[2], radius_km;
  bm_country_ref *labels; /* countries named in the inset */
  size_t n_labels;
  double width; /* fraction of the map's width (default 0.22) */
  bm_spec_pos pos;
} bm_inset_spec;

typedef struct {
  bm_show show;
  double step; /* degrees; 0: automatic */
  bool labels;
  bm_spec_pos pos;
} bm_graticule_spec;

/* ---- relief: terrain under the map, from a GDAL raster ------------------ */

typedef enum { BM_RELIEF_NONE = 0, BM_RELIEF_DEM, BM_RELIEF_SHADED } bm_relief_kind;
typedef enum { BM_RELIEF_TINT_NONE = 0, BM_RELIEF_TINT_HYPSOMETRIC } bm_relief_tint;

/* relief: {dem: FILE} (elevations in metres) or {shaded: FILE} (a ready hillshade, dark =
 * shadow), opacity, light: {azimuth, altitude}, tint: hypsometric | none. */
typedef struct {
  bm_relief_kind kind; /* NONE: no relief key */
  char *file;          /* resolved against the spec's folder */
  double opacity;      /* 0..1; < 0: the style's relief.opacity */
  double azimuth;      /* degrees clockwise from north the light comes from (default 315) */
  double altitude;     /* degrees above the horizon (default 45) */
  bm_relief_tint tint;
  bm_spec_pos pos, file_pos;
} bm_relief_spec;

typedef struct bm_spec {
  char *path; /* the spec file ("<built-in>" for the default) */
  char *dir;  /* its folder */
  char *title, *subtitle, *credit;

  int width, height; /* output pixels */
  double dpi;        /* for PDF page size and PNG metadata; 0: 96 */

  bm_extent_kind extent_kind;
  double bbox[4]; /* BM_EXTENT_BBOX: min lon, min lat, max lon, max lat */
  bm_country_ref *extent_countries;
  size_t n_extent_countries;   /* BM_EXTENT_COUNTRIES */
  bool include_territories;    /* BM_EXTENT_COUNTRIES: keep far-off parts (default false) */
  double margin;               /* fraction of the extent added on each side */
  double center[2], radius_km; /* BM_EXTENT_CENTER */
  bm_spec_pos extent_pos;

  char *projection; /* "auto", a PROJ string or "EPSG:nnnn" */
  bm_spec_pos projection_pos;
  char *scale; /* "auto", "10m", "50m", "110m" */

  char *style_path; /* resolved file */
  bm_spec_pos style_pos;

  bm_country_ref *highlight_countries;
  size_t n_highlight_countries;
  bm_province_ref *highlight_provinces;
  size_t n_highlight_provinces;

  bm_site *sites;
  size_t n_sites;
  bm_site_file *site_files;
  size_t n_site_files;

  bool show_places; /* Natural Earth populated places */
  bool all_places;  /* every one of them, whatever the map's scale ("places: all") */

  char *date; /* shown after the credit line; may be NULL */

  /* point_of_view: the boundaries as this country sees them; NULL for Natural
   * Earth's de facto view (the default) */
  const bm_pov *point_of_view;
  bm_spec_pos point_of_view_pos;

  /* the story layer */
  bm_ring *rings;
  size_t n_rings;
  bm_route *routes;
  size_t n_routes;
  bm_area *areas;
  size_t n_areas;
  bm_border *borders;
  size_t n_borders;
  bm_callout *callouts;
  size_t n_callouts;

  bm_labels_spec labels;

  /* furniture */
  bm_legend_spec legend;
  bm_scalebar_spec scale_bar;
  bm_show north_arrow;
  bm_spec_pos north_arrow_pos;
  bm_inset_spec inset;
  bm_graticule_spec graticule;

  /* language: the map's language (ISO 639 code, lower case; NULL: English); messages:
   * furniture text overriding the language's catalogue, by message key */
  char *language;
  bm_spec_pos language_pos;
  bm_lang_pair *messages;
  size_t n_messages;

  bm_relief_spec relief;
} bm_spec;

/* Reads and validates a spec. On failure returns NULL with err naming file:line:col. */
bm_spec *bm_spec_load(const char *path, bm_error *err);
/* Same from a string; name is used in messages and dir for relative paths. */
bm_spec *bm_spec_load_string(const char *text, const char *name, const char *dir, bm_error *err);
void bm_spec_free(bm_spec *s);

/* Site kinds by name ("factory", "military-base", ...). */
const char *bm_site_kind_name(bm_site_kind k);
bool bm_site_kind_parse(const char *s, bm_site_kind *out);
/* "generic, city, factory, military-base, airfield" */
const char *bm_site_kind_list(void);

/* labels: the name a base label shows (its rename, else name itself). */
const char *bm_spec_label_rename(const bm_spec *s, const char *name);
/* labels: true when the spec hides this base label (layer: "region", "capital", ...). */
bool bm_spec_label_hidden(const bm_spec *s, const char *layer, const char *name);

/* Adds a site (copies strings). Used by loaders of site files. */
bool bm_spec_add_site(bm_spec *s, const bm_site *site);

/* Finds a style given as a name ("newsroom") or a path, relative to the
 * spec's folder, then <spec dir>/../styles, $BORDERMAP_STYLES and the
 * styles/ folder of bordermap's home (bm_home_dir). Returns a new string, or NULL. */
char *bm_spec_find_style(const char *name, const char *spec_dir);

/* The story map's spec, used when `bordermap render` gets no spec: maps/central-asia.yaml
 * in bordermap's home (bm_home_dir). Caller frees. */
char *bm_spec_default_path(void);

#endif
