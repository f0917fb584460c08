#!/usr/bin/python3
"""The story map (maps/central-asia.yaml) with Mapnik, for tests/bench/mapnik_bench.sh.
   usage: mapnik_story.py DATA_DIR OUT.png WIDTH HEIGHT SRS MINX MINY MAXX MAXY
The frame (projected metres) and SRS are bordermap's for the same map (its --labels-report):
Mapnik has no automatic extent or projection. What is equivalent: see mapnik_common.py; on
top of the base map it draws the story layer from the same files: the sites of
geodata/central-asia-sites.geojson (symbol and name), the 200 km range ring around the
factory, the two routes from Kabul and the Tajik-Afghan border in the accent colour.
Prints the seconds spent inside Mapnik (load_map + render + save) on standard error."""
import json
import math
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mapnik_common as mc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SITES = os.path.join(HERE, "..", "..", "geodata", "central-asia-sites.geojson")


def circle(lon, lat, radius_m, n=720):
    """A geodesic circle on the sphere (bordermap uses PROJ's ellipsoid; this is close)."""
    R = 6371008.8
    d = radius_m / R
    la, lo = math.radians(lat), math.radians(lon)
    pts = []
    for i in range(n + 1):
        b = 2 * math.pi * i / n
        la2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
        lo2 = lo + math.atan2(math.sin(b) * math.sin(d) * math.cos(la),
                              math.cos(d) - math.sin(la) * math.sin(la2))
        pts.append([math.degrees(lo2), math.degrees(la2)])
    return pts


def great_circle(a, b, n=64):
    la1, lo1, la2, lo2 = map(math.radians, (a[1], a[0], b[1], b[0]))
    d = 2 * math.asin(math.sqrt(math.sin((la2 - la1) / 2) ** 2 +
                                math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2))
    pts = []
    for i in range(n + 1):
        f = i / n
        A, B = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x = A * math.cos(la1) * math.cos(lo1) + B * math.cos(la2) * math.cos(lo2)
        y = A * math.cos(la1) * math.sin(lo1) + B * math.cos(la2) * math.sin(lo2)
        z = A * math.sin(la1) + B * math.sin(la2)
        pts.append([math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))])
    return pts


def main():
    data, out, w, h, srs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    frame = [float(v) for v in sys.argv[6:10]]
    t0 = time.monotonic()
    L = mc.Layers(data)
    k = max(w / 1200, 0.75)
    m_per_ref_px = k * (frame[2] - frame[0]) / w
    max_rank = mc.max_place_rank(m_per_ref_px)
    sites = json.load(open(SITES))["features"]
    at = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in sites}
    story = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": "ring"},
         "geometry": {"type": "LineString", "coordinates": circle(*at["Ababil-2 drone factory"], 200000)}},
        {"type": "Feature", "properties": {"kind": "route"},
         "geometry": {"type": "LineString", "coordinates": great_circle(at["Kabul"], at["Termez"])}},
        {"type": "Feature", "properties": {"kind": "route"},
         "geometry": {"type": "LineString",
                      "coordinates": great_circle(at["Kabul"], at["201st base, Bokhtar"])}},
    ]}
    tmp = tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False)
    json.dump(story, tmp)
    tmp.close()
    bl = {k: L.field("admin_0_boundary_lines_land", k) for k in ("adm0_a3_l", "adm0_a3_r")}
    border = (f"([{bl['adm0_a3_l']}] = 'TJK' and [{bl['adm0_a3_r']}] = 'AFG') or "
              f"([{bl['adm0_a3_l']}] = 'AFG' and [{bl['adm0_a3_r']}] = 'TJK')")
    a = mc.C["accent"]
    extra_styles = f"""
<Style name="story-border"><Rule><Filter>{mc.escape(border)}</Filter>
  <LineSymbolizer stroke="rgba(243,241,236,0.8)" stroke-width="4.6"/>
  <LineSymbolizer stroke="{a}" stroke-width="2.6"/></Rule></Style>
<Style name="story"><Rule><Filter>[kind] = 'ring'</Filter>
  <LineSymbolizer stroke="{a}" stroke-width="1.2" stroke-dasharray="6,3"/></Rule>
  <Rule><Filter>[kind] = 'route'</Filter>
  <LineSymbolizer stroke="rgba(243,241,236,0.7)" stroke-width="2.9"/>
  <LineSymbolizer stroke="{a}" stroke-width="0.9" stroke-dasharray="5,3"/></Rule></Style>
<Style name="sites"><Rule>
  <MarkersSymbolizer fill="{a}" stroke="#ffffff" stroke-width="1.5" width="14" height="14" allow-overlap="true"/>
  {mc.text("[name]", 14, mc.C['text'], face="Noto Sans Bold", extra='placement-type="simple" placements="NE,E,NW,W,SE,SW,N,S" dx="10" dy="10" allow-overlap="false"')}
</Rule></Style>"""
    extra_layers = "".join([
        mc.layer("story-border", mc.shape(L.shp("admin_0_boundary_lines_land")), ["story-border"]),
        mc.layer("story", {"type": "geojson", "file": tmp.name}, ["story"]),
        mc.layer("sites", {"type": "geojson", "file": os.path.abspath(SITES)}, ["sites"]),
    ])
    xml = mc.base_map_xml(L, srs, max_rank, ["TJK", "AFG"], [("AFG", "Badakhshan"), ("AFG", "Takhar")],
                          extra_layers=extra_layers, extra_styles=extra_styles)
    t1 = time.monotonic()
    m = mc.new_map(xml, w, h, frame)
    mc.render(m, out, k)
    os.unlink(tmp.name)
    print(f"mapnik: build {t1 - t0:.3f} s, load+render+save {time.monotonic() - t1:.3f} s",
          file=sys.stderr)


main()
