#!/usr/bin/env bash
# Benchmark against Mapnik: the same maps from the same Natural Earth shapefiles, rendered by
# bordermap and by Mapnik (Debian's python3-mapnik; tests/bench/mapnik_*.py, what is
# equivalent is said in mapnik_common.py), timed in the same run, turn about, so that every
# figure is a ratio measured under the same load:
#   story   maps/central-asia.yaml at 2400x1600 PNG (mapnik_story.py)
#   series  34 maps of Afghanistan at 1200x800, one province highlighted on each: bordermap
#           batch over 34 generated specs, Mapnik's batch script (mapnik_series.py)
#   world   tests/bench/world-10m.yaml, every 10m layer at 7000x3500 PNG (mapnik_world.py)
# Wall time of the whole process (start-up included, for both), median of RUNS; peak RSS
# (/usr/bin/time); bordermap's stages (--timings) of its last run. Mapnik reads the same
# .shp/.dbf files through symbolic links, with its own spatial index (.index, built here by
# shapeindex, untimed) as bordermap has its .qix. Never fails on speed; without python3-mapnik
# it says so and prints bordermap's figures alone.
#   usage: tests/bench/mapnik_bench.sh [BUILD_DIR] [DATA_DIR] [RUNS] [MAPS]
#   MAPS: a comma-separated subset of story,series,world (default all three)
#   BASELINE=OTHER_BUILD_DIR also times that build's bordermap in the same turns (before/after)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-build}")/bordermap
base_bin=${BASELINE:+$(realpath "$BASELINE")/bordermap}
data=$(realpath "${2:-${BORDERMAP_DATA:-build/data}}")
runs=${3:-5}
maps=${4:-story,series,world}
py=/usr/bin/python3 # Debian's python3-mapnik is for the system Python
bench=$PWD/tests/bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

mapnik=true
if ! "$py" -c 'import mapnik' 2>/dev/null || ! command -v shapeindex >/dev/null; then
  echo "python3-mapnik or mapnik-utils (shapeindex) is missing (scripts/test.sh installs them): bordermap's figures only"
  mapnik=false
fi
if $mapnik; then # the same files, with Mapnik's index beside them
  for d in "$data"/ne_10m_*/; do
    n=$(basename "$d")
    mkdir -p "$out/mdata/$n"
    for f in "$d"/*; do case $f in *.qix) ;; *) ln -s "$(realpath "$f")" "$out/mdata/$n/" ;; esac; done
    (cd "$out/mdata/$n" && shapeindex "$n.shp" >/dev/null 2>&1) || true
  done
fi

# The frame and CRS bordermap chose for a spec (Mapnik has no automatic extent).
frame_of() { # SPEC [render options...]
  local spec=$1
  shift
  "$bin" render "$spec" --data "$data" -o "$out/frame.png" --labels-report "$out/frame.json" "$@" 2>/dev/null
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["crs"]); print(*d["frame"])' "$out/frame.json"
}

# runs both commands RUNS times, turn about; prints "bordermap / Mapnik / ratio" and RSS
compare() { # NAME, then the bordermap command as "$bm_cmd[@]", the Mapnik one as "$mk_cmd[@]"
  local name=$1
  : >"$out/bw"; : >"$out/br"; : >"$out/mw"; : >"$out/mr"; : >"$out/zw"; : >"$out/zr"
  for _ in $(seq "$runs"); do
    if [ -n "${BASELINE:-}" ]; then
      /usr/bin/time -f "%e %M" -o "$out/t" "${bm_cmd[@]/#$bin/$base_bin}" >"$out/base.log" 2>&1 || true
      read -r w r <"$out/t"; echo "$w" >>"$out/zw"; echo "$r" >>"$out/zr"
    fi
    /usr/bin/time -f "%e %M" -o "$out/t" "${bm_cmd[@]}" >"$out/bm.log" 2>&1 ||
      { echo "$name: bordermap failed:"; tail -5 "$out/bm.log"; return 0; }
    read -r w r <"$out/t"; echo "$w" >>"$out/bw"; echo "$r" >>"$out/br"
    if $mapnik; then
      /usr/bin/time -f "%e %M" -o "$out/t" "${mk_cmd[@]}" >"$out/mk.log" 2>&1 ||
        { echo "$name: Mapnik failed:"; tail -5 "$out/mk.log"; mapnik=false; continue; }
      read -r w r <"$out/t"; echo "$w" >>"$out/mw"; echo "$r" >>"$out/mr"
    fi
  done
  local bw mw brss mrss
  bw=$(median <"$out/bw"); brss=$(( $(sort -n "$out/br" | tail -1) / 1024 ))
  if [ -s "$out/mw" ]; then
    mw=$(median <"$out/mw"); mrss=$(( $(sort -n "$out/mr" | tail -1) / 1024 ))
    printf '%-7s bordermap %6.2f s / Mapnik %6.2f s / ratio %.2f   peak RSS %d / %d MiB\n' \
      "$name" "$bw" "$mw" "$(echo "$bw $mw" | awk '{print $1 / $2}')" "$brss" "$mrss"
  else
    printf '%-7s bordermap %6.2f s   peak RSS %d MiB\n' "$name" "$bw" "$brss"
  fi
  if [ -s "$out/zw" ]; then
    printf '        baseline %s: %.2f s, peak RSS %d MiB\n' "$base_bin" "$(median <"$out/zw")" \
      "$(( $(sort -n "$out/zr" | tail -1) / 1024 ))"
  fi
  grep -E '^  plan' "$out/bm.log" | head -1 | sed 's/^/        bordermap stages, last run: /' || true
}

echo "bordermap vs Mapnik, median of $runs runs each (wall time of the whole process), data $data"
if [[ ,$maps, == *,story,* ]]; then
  { read -r srs; read -r frame; } < <(frame_of maps/central-asia.yaml --width 2400 --height 1600)
  bm_cmd=("$bin" render maps/central-asia.yaml --data "$data" --width 2400 --height 1600
          -o "$out/story.png" --timings)
  # shellcheck disable=SC2086 # frame: four numbers
  mk_cmd=("$py" "$bench/mapnik_story.py" "$out/mdata" "$out/mapnik-story.png" 2400 1600 "$srs" $frame)
  compare story
fi
if [[ ,$maps, == *,series,* ]]; then
  mkdir -p "$out/specs" "$out/bm-series" "$out/mk-series"
  # bordermap's side: one spec per province (the template of issue 11 makes these from a table)
  i=0
  "$py" -c 'import sys; sys.path.insert(0, sys.argv[1]); import mapnik_common as mc
print("\n".join(mc.afghan_provinces(mc.Layers(sys.argv[2]))))' "$bench" "$data" >"$out/provinces"
  while read -r p; do
    i=$((i + 1))
    cat >"$out/specs/afg-$(printf %02d $i).yaml" <<EOF
title: "Afghanistan: $p"
size: {width: 1200, height: 800}
extent: {countries: [AFG], margin: 8%}
highlight:
  countries: [AFG]
  provinces: [{country: AFG, name: "$p"}]
EOF
  done <"$out/provinces"
  { read -r srs; read -r frame; } < <(frame_of "$out/specs/afg-01.yaml")
  bm_cmd=("$bin" batch "$out"/specs/*.yaml --data "$data" -o "$out/bm-series" --quiet)
  # shellcheck disable=SC2086
  mk_cmd=("$py" "$bench/mapnik_series.py" "$out/mk-series" --data "$out/mdata" --srs "$srs" --frame $frame)
  compare "series($i)"
fi
if [[ ,$maps, == *,world,* ]]; then
  { read -r srs; read -r frame; } < <(frame_of tests/bench/world-10m.yaml)
  bm_cmd=("$bin" render tests/bench/world-10m.yaml --data "$data" -o "$out/world.png" --timings)
  # shellcheck disable=SC2086
  mk_cmd=("$py" "$bench/mapnik_world.py" "$out/mdata" "$out/mapnik-world.png" 7000 3500 "$srs" $frame)
  compare world
fi
