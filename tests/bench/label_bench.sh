#!/usr/bin/env bash
# Benchmark: label placement time and placed/dropped counts, full engine
# against the naive baseline (greedy in rank order, one position per label),
# for the story map and for every 10m populated place in Europe at 2400x1600.
# Never fails on speed.   usage: tests/bench/label_bench.sh [BUILD_DIR] [DATA_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build}/bordermap
data=${2:-${BORDERMAP_DATA:-$HOME/.local/share/bordermap/naturalearth}}
runs=${3:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-22s %-6s %10s %8s %8s\n' map mode "label s" placed dropped
for spec in maps/central-asia.yaml tests/bench/europe-places.yaml; do
  for mode in naive full; do
    flag=(); [ "$mode" = naive ] && flag=(--naive-labels)
    : >"$out/t"
    for _ in $(seq "$runs"); do
      "$bin" render "$spec" --data "$data" -o "$out/m.png" --timings "${flag[@]}" >"$out/log" 2>&1
      sed -n 's/.* labels \([0-9.]*\) s.*/\1/p' "$out/log" >>"$out/t"
    done
    placed=$(sed -n 's/.* \([0-9]*\) labels placed.*/\1/p' "$out/log")
    dropped=$(sed -n 's/.* \([0-9]*\) dropped.*/\1/p' "$out/log")
    printf '%-22s %-6s %10s %8s %8s\n' "$(basename "$spec" .yaml)" "$mode" "$(median <"$out/t")" "$placed" "$dropped"
  done
done
