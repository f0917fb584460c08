#!/usr/bin/env bash
# Benchmark: what relief costs on the story map. Renders maps/central-asia.yaml at
# 2400x1600 to PNG without relief and with a 1 km DEM of the region under it
# (maps/central-asia-relief.yaml), alternating the two, RUNS times each, and prints the
# medians of wall and CPU (user + system) time and of each stage from --timings, and the
# ratio. The goal is at most +30%; the script never fails on time (other work on the machine
# makes wall times noisy: compare the CPU figures).
#
# The DEM: a synthetic terrain of the region's size and resolution (55-81E, 27-44N at
# 30 arc-seconds, 3120 x 2040 Int16 cells, deflate-compressed GeoTIFF, the grid of
# GMTED2010's or SRTM30's 30" products), made once by the make_dem test program into
# BUILD_DIR/bench/central-asia-1km.tif. With a real DEM: DEM=/path/to/file.tif.
#   usage: tests/bench/relief_bench.sh [BUILD_DIR] [DATA_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$build/bordermap
data=${2:-${BORDERMAP_DATA:-$HOME/.local/share/bordermap/naturalearth}}
runs=${3:-7}
dem=${DEM:-$build/bench/central-asia-1km.tif}
if [ ! -f "$dem" ]; then
  mkdir -p "$(dirname "$dem")"
  echo "making the synthetic 1 km DEM $dem"
  "$build/tests/make_dem" region "$dem" 55 27 81 44 0.008333333333
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the relief map names its DEM relative to itself: a copy beside a link to the DEM
sed 's#\.\./geodata/#'"$PWD"'/geodata/#; s#^  dem: .*#  dem: dem.tif#' maps/central-asia-relief.yaml >"$out/relief.yaml"
ln -s "$(cd "$(dirname "$dem")" && pwd)/$(basename "$dem")" "$out/dem.tif"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "relief on the story map, 2400x1600 PNG, $runs runs each, DEM $dem"
for _ in $(seq "$runs"); do
  for v in plain relief; do
    spec=maps/central-asia.yaml
    [ $v = relief ] && spec=$out/relief.yaml
    /usr/bin/time -f "%e %U %S" -o "$out/time" "$bin" render "$spec" --data "$data" \
      --width 2400 --height 1600 -o "$out/$v.png" --timings --allow-dir "$out" >"$out/log" 2>&1
    read -r wall user sys <"$out/time"
    echo "$wall" >>"$out/$v.wall"
    echo "$user $sys" | awk '{print $1 + $2}' >>"$out/$v.cpu"
    for s in load project paint; do
      sed -n "s/.* $s \([0-9.]*\) s.*/\1/p" "$out/log" >>"$out/$v.$s"
    done
  done
done
for v in plain relief; do
  printf '%-6s wall %s s  cpu %s s  load %s s  project %s s  paint %s s (medians)\n' "$v" \
    "$(median <"$out/$v.wall")" "$(median <"$out/$v.cpu")" "$(median <"$out/$v.load")" \
    "$(median <"$out/$v.project")" "$(median <"$out/$v.paint")"
done
awk -v pw="$(median <"$out/plain.wall")" -v rw="$(median <"$out/relief.wall")" \
  -v pc="$(median <"$out/plain.cpu")" -v rc="$(median <"$out/relief.cpu")" \
  'BEGIN {printf "relief adds %+.0f%% wall, %+.0f%% cpu (goal: at most +30%%)\n", 100 * (rw / pw - 1), 100 * (rc / pc - 1)}'
