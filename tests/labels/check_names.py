#!/usr/bin/env python3
"""Name checks on a --labels-report (issue 10):
  --place NAME       a populated place NAME is labelled (placed)
  --no-region-country no region label repeats a country label's text
  --one-river A,B,C  of the river names A, B, C at most one is used
  --nearest          every placed site or place label is nearer to its own symbol
                     than to any other site symbol or placed place's dot
  --leaders          no leader crosses another label's box or another leader
  --ties             a site symbol moved off its true position ("at") has a tie back to it
                     and stays within 10 px plus the symbols it makes room for
usage: check_names.py REPORT.json [checks...]"""
import json
import math
import sys

POINT_LAYERS = ("site", "capital", "city", "town")


def box_dist(b, x, y):
    dx = max(b[0] - x, 0, x - b[2])
    dy = max(b[1] - y, 0, y - b[3])
    return math.hypot(dx, dy)


def seg_hits_box(x1, y1, x2, y2, b):
    """Does the segment cross the inside of box b (Liang-Barsky)?"""
    t0, t1 = 0.0, 1.0
    dx, dy = x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - b[0]), (dx, b[2] - x1), (-dy, y1 - b[1]), (dy, b[3] - y1)):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t1 - t0 > 1e-6


def segs_cross(a, b):
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    p1, p2, p3, p4 = (a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3])
    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def main(args):
    rep = json.load(open(args[0]))
    labels = rep["labels"]
    problems = []
    i = 1
    while i < len(args):
        a = args[i]
        if a == "--place":
            name = args[i + 1]
            i += 1
            hits = [l for l in labels if l["text"] == name and l["layer"] in ("capital", "city", "town")]
            if not hits:
                problems.append(f"place {name!r} is not in the report")
            elif not any(l["placed"] for l in hits):
                problems.append(f"place {name!r} dropped: {hits[0].get('reason')}")
        elif a == "--no-region-country":
            countries = {l["text"].casefold() for l in labels if l["layer"] == "country"}
            for l in labels:
                if l["layer"] == "region" and l["text"].casefold() in countries:
                    problems.append(f"region {l['text']!r} repeats a country's name")
        elif a == "--one-river":
            names = args[i + 1].split(",")
            i += 1
            used = sorted({l["text"] for l in labels if l["layer"] == "river" and l["text"] in names})
            if len(used) > 1:
                problems.append(f"one river under several names: {used}")
        elif a == "--nearest":
            symbols = [((s["symbol"][0] + s["symbol"][2]) / 2, (s["symbol"][1] + s["symbol"][3]) / 2)
                       for s in rep["sites"]]
            symbols += [tuple(l["anchor"]) for l in labels
                        if l["placed"] and l["layer"] in ("capital", "city", "town")]
            for l in labels:
                if not l["placed"] or l["layer"] not in POINT_LAYERS:
                    continue
                ax, ay = l["anchor"]
                own = box_dist(l["box"], ax, ay)
                for sx, sy in symbols:
                    if math.hypot(sx - ax, sy - ay) < 0.5:
                        continue
                    other = box_dist(l["box"], sx, sy)
                    if other + 1 < own:
                        problems.append(f"{l['text']!r} is {other:.1f} px from another symbol at "
                                        f"({sx:.0f}, {sy:.0f}), {own:.1f} px from its own")
                        break
        elif a == "--leaders":
            leaders = [(l["text"], l["leader"]) for l in labels if l["placed"] and l.get("leader")]
            for t, seg in leaders:
                for l in labels:
                    if l["placed"] and l["text"] != t and any(
                            seg_hits_box(*seg, b) for b in l["boxes"]):
                        problems.append(f"leader of {t!r} crosses the label {l['text']!r}")
                for t2, seg2 in leaders:
                    if t2 > t and segs_cross(seg, seg2):
                        problems.append(f"leaders of {t!r} and {t2!r} cross")
        elif a == "--ties":
            for st in rep["sites"]:
                if "at" not in st:
                    problems.append(f"site {st['name']!r}: no true position in the report")
                    continue
                sym = st["symbol"]
                cx, cy = (sym[0] + sym[2]) / 2, (sym[1] + sym[3]) / 2
                d = math.hypot(cx - st["at"][0], cy - st["at"][1])
                if d > 0.5 and "tie" not in st:
                    problems.append(f"site {st['name']!r} moved {d:.1f} px without a tie")
                if d > 10 + 2.5 * (sym[2] - sym[0]):
                    problems.append(f"site {st['name']!r} moved {d:.1f} px from its position")
        else:
            problems.append(f"unknown check {a!r}")
        i += 1
    print(f"{args[0]}: {len(problems)} problems")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
