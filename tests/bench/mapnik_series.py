#!/usr/bin/python3
"""Mapnik's batch: 34 maps of Afghanistan at 1200x800, one province highlighted on each
(the provinces of AFG in the 10m admin-1 layer, in record order), as a Mapnik user would
script it: one Map loaded once, the highlight's two styles swapped per map.
   usage: mapnik_series.py OUT_DIR [--data DIR] [--srs SRS --frame MINX MINY MAXX MAXY]
Writes OUT_DIR/afg-NN.png (NN = 01..34). The default frame and SRS are bordermap's for
`extent: {countries: [AFG], margin: 8%}` at 1200x800 (its --labels-report: Albers centred on
Afghanistan); --data defaults to build/data of this checkout. The base map is the one of
mapnik_common.py (what is equivalent is said there). Prints the seconds inside Mapnik on
standard error."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mapnik  # noqa: E402
import mapnik_common as mc  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SRS = "+proj=aea +lat_1=30.9 +lat_2=36.9 +lat_0=33.9 +lon_0=67.7 +datum=WGS84 +units=m +no_defs"
FRAME = [-895374.9642602284, -582259.2968023947, 893149.132156462, 610090.1008087323]
W, H = 1200, 800


def style(expr, sym):
    s, r = mapnik.Style(), mapnik.Rule()
    r.filter = mapnik.Expression(expr)
    r.symbols.append(sym)
    s.rules.append(r)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--data", default=os.path.join(ROOT, "build", "data"))
    ap.add_argument("--srs", default=SRS)
    ap.add_argument("--frame", nargs=4, type=float, default=FRAME)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.monotonic()
    L = mc.Layers(a.data)
    provinces = mc.afghan_provinces(L)
    k = max(W / 1200, 0.75)
    max_rank = mc.max_place_rank(k * (a.frame[2] - a.frame[0]) / W)
    xml = mc.base_map_xml(L, a.srs, max_rank, ["AFG"], [("AFG", provinces[0])], ["AFG"])
    m = mc.new_map(xml, W, H, a.frame)
    p_a3 = L.field("admin_1_states_provinces", "adm0_a3")
    p_name = L.field("admin_1_states_provinces", "name")
    for i, name in enumerate(provinces):
        f = f"[{p_a3}] = 'AFG' and [{p_name}] = '{mc.quote(name)}'"
        fill = mapnik.PolygonSymbolizer()
        fill.fill = mapnik.Color(mc.C["highlight_province"])
        line = mapnik.LineSymbolizer()
        line.stroke = mapnik.Color(mc.C["accent"])
        line.stroke_width = 1.0
        for n, s in (("highlights", style(f, fill)), ("highlight-outlines", style(f, line))):
            m.remove_style(n)
            m.append_style(n, s)
        mc.render(m, os.path.join(a.out, f"afg-{i + 1:02d}.png"), k)
    print(f"mapnik: {len(provinces)} maps, {time.monotonic() - t0:.3f} s", file=sys.stderr)


main()
