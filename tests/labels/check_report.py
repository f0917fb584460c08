#!/usr/bin/env python3
"""Checks a --labels-report: no two placed label boxes overlap, no placed
label box overlaps a site symbol, every story site is labelled, and so is every ring, route
and border the spec gives a label (they must be placed: beside their line when nowhere along
it is free).
usage: check_report.py REPORT.json"""
import json
import sys


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def main(path):
    rep = json.load(open(path))
    placed = [l for l in rep["labels"] if l["placed"]]
    problems = []
    boxes = [(l["text"], b) for l in placed for b in l["boxes"]]
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if ta is not tb and overlap(a, b):
                problems.append(f"labels overlap: {ta!r} {a} and {tb!r} {b}")
    for s in rep["sites"]:
        for t, b in boxes:
            if overlap(b, s["symbol"]):
                problems.append(f"label {t!r} covers the symbol of site {s['name']!r}")
    site_labels = {l["text"]: l for l in rep["labels"] if l["layer"] == "site"}
    for s in rep["sites"]:
        l = site_labels.get(s["name"])
        if not l or not l["placed"]:
            problems.append(f"story site {s['name']!r} is not labelled")
    for l in rep["labels"]:
        if l["layer"] in ("ring", "route", "border") and not l["placed"]:
            problems.append(f"story {l['layer']} label {l['text']!r} is not placed: {l.get('reason')}")
    dropped = len(rep["labels"]) - len(placed)
    print(f"{path}: {len(placed)} labels placed, {dropped} dropped, "
          f"{len(rep['sites'])} sites, {len(problems)} problems")
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
