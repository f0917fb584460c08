#!/usr/bin/env bash
# Benchmark: the story map at 2400x1600 to PNG, PDF, SVG, and to all three in one
# run (the map is computed once and painted once per format).
# Prints wall time (median of N runs), peak RSS, and the time of the data load
# alone (from --timings). Never fails on speed.
#   usage: tests/bench/story_bench.sh [BUILD_DIR] [DATA_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build}/bordermap
data=${2:-${BORDERMAP_DATA:-$HOME/.local/share/bordermap/naturalearth}}
runs=${3:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "bordermap story map, 2400x1600, $runs runs each, data $data"
for fmt in png pdf svg all; do
  if [ "$fmt" = all ]; then outs=(-o "$out/map.png" -o "$out/map.pdf" -o "$out/map.svg"); else outs=(-o "$out/map.$fmt"); fi
  : >"$out/wall"; : >"$out/rss"; : >"$out/load"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out/time" "$bin" render maps/central-asia.yaml --data "$data" \
      --width 2400 --height 1600 "${outs[@]}" --timings >"$out/log" 2>&1
    read -r wall rss <"$out/time"
    echo "$wall" >>"$out/wall"
    echo "$rss" >>"$out/rss"
    sed -n 's/.*load \([0-9.]*\) s.*/\1/p' "$out/log" >>"$out/load"
  done
  printf '%-4s wall %s s (median)  peak RSS %s MiB  data load %s s (median)  size %s KiB\n' \
    "$fmt" "$(median <"$out/wall")" "$(( $(sort -n "$out/rss" | tail -1) / 1024 ))" \
    "$(median <"$out/load")" "$(( $(cat "${outs[@]/#-o/}" 2>/dev/null | wc -c) / 1024 ))"
  grep -E '^  plan' "$out/log" | sed 's/^/     last run: /'
done
