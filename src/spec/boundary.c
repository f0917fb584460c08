/* spec/boundary.c — the classes of boundary line a map draws, and the points of
 * view Natural Earth publishes for them (see spec.h). */
#include <string.h>

#include "core/util.h"
#include "spec/spec.h"

static const char *const class_names[BM_BOUNDARY_CLASS_COUNT] = {
    "international", "disputed",      "line-of-control", "indefinite",
    "lease-limit",   "overlay-limit", "unrecognized"};

const char *bm_boundary_class_name(bm_boundary_class c) {
  return c < BM_BOUNDARY_CLASS_COUNT ? class_names[c] : "disputed";
}

bool bm_boundary_class_parse(const char *name, bm_boundary_class *out) {
  /* "unrecognized" is a value of the data, not a line one can ask for */
  for (int i = 0; i < BM_BOUNDARY_UNRECOGNIZED; i++)
    if (name && !bm_strcasecmp(name, class_names[i])) {
      *out = (bm_boundary_class)i;
      return true;
    }
  return false;
}

const char *bm_boundary_class_list(void) {
  return "international, disputed, line-of-control, indefinite, lease-limit, overlay-limit";
}

static bool starts(const char *s, const char *prefix) {
  size_t n = strlen(prefix);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool bm_boundary_class_of_ne(const char *v, bm_boundary_class *out) {
  if (!v) return false;
  while (*v == ' ')
    v++;
  if (!*v) return false;
  static const struct {
    const char *prefix;
    bm_boundary_class cls;
  } table[] = {{"international", BM_BOUNDARY_INTERNATIONAL},
               {"disputed", BM_BOUNDARY_DISPUTED},
               {"line of control", BM_BOUNDARY_LINE_OF_CONTROL},
               {"indefinite", BM_BOUNDARY_INDEFINITE},
               {"indeterminant", BM_BOUNDARY_INDEFINITE},
               {"indeterminate", BM_BOUNDARY_INDEFINITE},
               {"lease", BM_BOUNDARY_LEASE},
               {"overlay", BM_BOUNDARY_OVERLAY},
               {"unrecogni", BM_BOUNDARY_UNRECOGNIZED}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (starts(v, table[i].prefix)) {
      *out = table[i].cls;
      return true;
    }
  /* claim lines, breakaways, reference lines, elusive frontiers: not settled */
  *out = BM_BOUNDARY_DISPUTED;
  return true;
}

/* The worldviews of Natural Earth 5.1 (its fclass_* fields), by ISO A3; bm_pov_list
 * below lists the same codes in the same order. */
static const bm_pov povs[] = {
    {"ARG", "FCLASS_AR", "Argentina", "arg"},
    {"BGD", "FCLASS_BD", "Bangladesh", "bdg"},
    {"BRA", "FCLASS_BR", "Brazil", "bra"},
    {"CHN", "FCLASS_CN", "China", "chn"},
    {"DEU", "FCLASS_DE", "Germany", "deu"},
    {"EGY", "FCLASS_EG", "Egypt", "egy"},
    {"ESP", "FCLASS_ES", "Spain", "esp"},
    {"FRA", "FCLASS_FR", "France", "fra"},
    {"GBR", "FCLASS_GB", "the United Kingdom", "gbr"},
    {"GRC", "FCLASS_GR", "Greece", "grc"},
    {"IDN", "FCLASS_ID", "Indonesia", "idn"},
    {"IND", "FCLASS_IN", "India", "ind"},
    {"ISR", "FCLASS_IL", "Israel", "isl"},
    {"ITA", "FCLASS_IT", "Italy", "ita"},
    {"JPN", "FCLASS_JP", "Japan", "jpn"},
    {"KOR", "FCLASS_KO", "South Korea", "kor"},
    {"MAR", "FCLASS_MA", "Morocco", "mar"},
    {"NLD", "FCLASS_NL", "the Netherlands", "nld"},
    {"NPL", "FCLASS_NP", "Nepal", "nep"},
    {"PAK", "FCLASS_PK", "Pakistan", "pak"},
    {"POL", "FCLASS_PL", "Poland", "pol"},
    {"PRT", "FCLASS_PT", "Portugal", "prt"},
    {"PSE", "FCLASS_PS", "Palestine", "pse"},
    {"RUS", "FCLASS_RU", "Russia", "rus"},
    {"SAU", "FCLASS_SA", "Saudi Arabia", "sau"},
    {"SWE", "FCLASS_SE", "Sweden", "swe"},
    {"TUR", "FCLASS_TR", "Turkey", "tur"},
    {"TWN", "FCLASS_TW", "Taiwan", "twn"},
    {"UKR", "FCLASS_UA", "Ukraine", "ukr"},
    {"USA", "FCLASS_US", "the United States", "usa"},
    {"VNM", "FCLASS_VN", "Vietnam", "vnm"},
    {"ISO", "FCLASS_ISO", "the ISO", "iso"},
};

const bm_pov *bm_pov_find(const char *iso3) {
  if (!iso3) return NULL;
  /* Natural Earth's own alpha-3 codes where they differ from ISO's */
  static const char *const alias[][2] = {{"BDG", "BGD"}, {"NEP", "NPL"}, {"PSX", "PSE"}};
  for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
    if (!bm_strcasecmp(iso3, alias[i][0])) iso3 = alias[i][1];
  for (size_t i = 0; i < sizeof povs / sizeof povs[0]; i++)
    if (!bm_strcasecmp(iso3, povs[i].iso3)) return &povs[i];
  return NULL;
}

const char *bm_pov_list(void) {
  return "ARG, BGD, BRA, CHN, DEU, EGY, ESP, FRA, GBR, GRC, IDN, IND, ISR, ITA, JPN, KOR, MAR, "
         "NLD, NPL, PAK, POL, PRT, PSE, RUS, SAU, SWE, TUR, TWN, UKR, USA, VNM, ISO";
}
