#!/usr/bin/python3
"""The whole world with every Natural Earth 10m layer (tests/bench/world-10m.yaml) with
Mapnik, for tests/bench/mapnik_bench.sh.
   usage: mapnik_world.py DATA_DIR OUT.png WIDTH HEIGHT SRS MINX MINY MAXX MAXY
The frame and SRS are bordermap's for the same spec (its --labels-report). The layers,
colours and label rules are mapnik_common.py's (what is equivalent is said there), with
IRN, TJK and AFG highlighted and Badakhshan filled, as in the spec. Prints the seconds
spent inside Mapnik on standard error."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mapnik_common as mc  # noqa: E402


def main():
    data, out, w, h, srs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    frame = [float(v) for v in sys.argv[6:10]]
    t0 = time.monotonic()
    L = mc.Layers(data)
    k = max(w / 1200, 0.75)
    max_rank = mc.max_place_rank(k * (frame[2] - frame[0]) / w)
    xml = mc.base_map_xml(L, srs, max_rank, ["IRN", "TJK", "AFG"], [("AFG", "Badakhshan")])
    m = mc.new_map(xml, w, h, frame)
    mc.render(m, out, k)
    print(f"mapnik: {time.monotonic() - t0:.3f} s", file=sys.stderr)


main()
