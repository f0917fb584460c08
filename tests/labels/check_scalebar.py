#!/usr/bin/env python3
"""Scale bars are true where they are drawn: renders a spec with the bar in
each corner and checks, with PROJ's own tools (cs2cs, geod) on the report's
crs and frame, that the geodesic distance between the bar's drawn ends is
within 1% of its label, that its stated latitude is where it sits, that it
is in the corner asked for, and that no bar is under 1 km on a map wider
than 100 km.
usage: check_scalebar.py BIN DATA OUTDIR SPEC.yaml [--world | --bar]
  --bar: with when_varies: bar (maps as large as Africa, whose scale varies
         more than 10%, get a note instead of a bar by default)
  --world: a world map; by default it must get the note "Scale varies: ..."
           and no bar; with when_varies: bar, a bar (if any) must pass the same checks."""
import json
import os
import re
import subprocess
import sys

CORNERS = ["top-left", "top-right", "bottom-left", "bottom-right"]


def px_to_proj(rep, x, y):
    minx, miny, maxx, maxy = rep["frame"]
    return (minx + x * (maxx - minx) / rep["width"], maxy - y * (maxy - miny) / rep["height"])


def inverse(crs, pts):
    """projected -> lon/lat with cs2cs (PROJ's command line, not bordermap)"""
    inp = "".join(f"{x!r} {y!r}\n" for x, y in pts)
    out = subprocess.run(["cs2cs", "-f", "%.10f"] + crs.split() + ["+to", "+proj=longlat", "+datum=WGS84"],
                         input=inp, capture_output=True, text=True, check=True).stdout
    return [tuple(float(v) for v in line.split()[:2]) for line in out.strip().splitlines()]


def geodesic_m(lon1, lat1, lon2, lat2):
    out = subprocess.run(["geod", "+ellps=WGS84", "-I", "-f", "%.6f", "+units=m"],
                         input=f"{lat1} {lon1} {lat2} {lon2}\n", capture_output=True, text=True,
                         check=True).stdout
    return float(out.split()[-1])


def render(bin_, data, outdir, spec_path, corner, extra):
    src = open(spec_path).read()
    here = os.path.dirname(os.path.abspath(spec_path))
    src = re.sub(r"file: (\.\./[^\s,}]+)", lambda m: "file: " + os.path.normpath(os.path.join(here, m.group(1))), src)
    src = re.sub(r"(?m)^scale_bar:.*\n", "", src)
    src += f"scale_bar: {{position: {corner}{extra}}}\n"
    name = os.path.splitext(os.path.basename(spec_path))[0]
    spec = os.path.join(outdir, f"bar-{name}-{corner}.yaml")
    open(spec, "w").write(src)
    png, rep = spec[:-5] + ".png", spec[:-5] + ".json"
    subprocess.run([bin_, "render", spec, "--data", data, "-q", "-o", png, "--labels-report", rep], check=True)
    return json.load(open(rep))


def check_lonlat_box(rep, what):
    """the report's lonlat_box holds the frame's corners and edge midpoints (cs2cs)"""
    w, h = rep["width"], rep["height"]
    pts = [(x, y) for x in (0, w / 2, w) for y in (0, h / 2, h)]
    ll = inverse(rep["crs"], [px_to_proj(rep, x, y) for x, y in pts])
    west, south, east, north = rep["lonlat_box"]
    out = [(lon, lat) for lon, lat in ll
           if not (south - 1e-4 <= lat <= north + 1e-4 and
                   (west - 1e-4 <= lon <= east + 1e-4 if west <= east else lon >= west - 1e-4 or lon <= east + 1e-4))]
    return [f"{what}: frame points {out} outside lonlat_box {rep['lonlat_box']}"] if out else []


def check_bar(rep, corner, what):
    problems = check_lonlat_box(rep, what)
    b = rep["scale_bar"]
    if b.get("corner") != corner:
        problems.append(f"{what}: bar in {b.get('corner')}, asked for {corner}")
    (x1, y1), (x2, y2) = b["start"], b["end"]
    ends = inverse(rep["crs"], [px_to_proj(rep, x1, y1), px_to_proj(rep, x2, y2),
                                px_to_proj(rep, (x1 + x2) / 2, y1)])
    d = geodesic_m(*ends[0], *ends[1])
    rel = (d - b["km"] * 1000) / (b["km"] * 1000)
    print(f"{what}: {b['km']:g} km bar, {b['px']:.1f} px, {d / 1000:.2f} km between its drawn ends "
          f"({rel * 100:+.3f}%), middle at {ends[2][1]:.2f}° (report {b['lat']:.2f}°)")
    if abs(rel) > 0.01:
        problems.append(f"{what}: the bar says {b['km']:g} km but its ends are {d / 1000:.1f} km apart")
    if abs(ends[2][1] - b["lat"]) > 0.25:
        problems.append(f"{what}: the bar says it is true at {b['lat']:.2f}° but sits at {ends[2][1]:.2f}°")
    if b["km"] < 1:
        problems.append(f"{what}: a bar of {b['km']} km on a map {rep['lonlat_box']}")
    return problems


def main(bin_, data, outdir, spec, world, bar):
    problems = []
    for corner in CORNERS:
        what = f"{os.path.basename(spec)} {corner}"
        if world:
            rep = render(bin_, data, outdir, spec, corner, "")
            b = rep.get("scale_bar")
            if not b or "km" in b or not b.get("note", "").startswith("Scale varies:"):
                problems.append(f"{what}: a world map needs the note 'Scale varies: ...' and no bar, got {b}")
            else:
                print(f"{what}: note {b['note']!r}")
            rep = render(bin_, data, outdir, spec, corner, ", when_varies: bar")
            if "scale_bar" in rep and "km" in rep["scale_bar"]:
                problems += check_bar(rep, corner, what + " (when_varies: bar)")
            else:
                print(f"{what} (when_varies: bar): no bar (its corner is off the earth)")
        else:
            rep = render(bin_, data, outdir, spec, corner, ", when_varies: bar" if bar else "")
            if "scale_bar" not in rep or "km" not in rep["scale_bar"]:
                problems.append(f"{what}: no scale bar")
                continue
            problems += check_bar(rep, corner, what)
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(*args, world="--world" in sys.argv, bar="--bar" in sys.argv))
