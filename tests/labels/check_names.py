#!/usr/bin/env python3
"""Name checks on a --labels-report (issue 10):
  --place NAME       a populated place NAME is labelled (placed)
  --no-region-country no region label repeats a country label's text
  --one-river A,B,C  of the river names A, B, C at most one is used
usage: check_names.py REPORT.json [checks...]"""
import json
import sys


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
        else:
            problems.append(f"unknown check {a!r}")
        i += 1
    print(f"{args[0]}: {len(problems)} problems")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
