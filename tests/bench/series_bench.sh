#!/usr/bin/env bash
# Benchmark: the 34-province series (maps/series/afghan-provinces.yaml and its table) at
# 1200x800 PNG, rendered by `bordermap batch` as a template with --table and as a list of 34
# plain specs (the same maps, filled in beforehand), each with -j 1 and -j 2.
# Prints wall time and CPU time (user + system, every process; less disturbed by other load than
# wall time) as medians of RUNS, the peak RSS of the largest process (/usr/bin/time), and
# the peak of the whole process tree (parent + workers, sampled every 20 ms). Checks that -j 1
# and -j 2 wrote the same bytes. Never fails on speed.
#   usage: tests/bench/series_bench.sh [BUILD_DIR] [DATA_DIR] [RUNS]
#   BORDERMAP_BEFORE=/path/to/an/older/bordermap  also times that binary on the 34 specs
#                                                 (one run, its default options)
# When Debian's python3-mapnik is installed and tests/bench/mapnik_bench.sh exists (the Mapnik
# benchmarks, kept beside this one), its series comparison runs too.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-build}/bordermap")
data=$(realpath "${2:-${BORDERMAP_DATA:-$HOME/.local/share/bordermap/naturalearth}}")
runs=${3:-3}
tmpl=maps/series/afghan-provinces.yaml
table=maps/series/afghan-provinces.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# the 34 plain specs: the template filled in beforehand (the example table's values are plain
# words and numbers, so a plain text replacement gives the same specs the batch makes)
mkdir -p "$work/specs"
python3 - "$tmpl" "$table" "$work/specs" <<'EOF'
import csv, sys
tmpl = open(sys.argv[1]).read()
for row in csv.DictReader(open(sys.argv[2])):
    text = tmpl
    for k, v in row.items():
        text = text.replace("{{%s}}" % k, v)
    open('%s/afg-%s-%s.yaml' % (sys.argv[3], row['n'], row['slug']), 'w').write(text)
EOF

# peak RSS of a process tree: the sum over the tree, sampled
tree_rss() { # pid -> KiB
  local pids
  pids=$(ps -o pid= --ppid "$1" 2>/dev/null | xargs) || true
  { ps -o rss= -p "$1" $pids 2>/dev/null || true; } | awk '{s+=$1} END {print s+0}'
}
run() { # label out-dir command...
  local label=$1 dir=$2
  shift 2
  : >"$work/wall"; : >"$work/rss"; : >"$work/tree"; : >"$work/cpu"
  for _ in $(seq "$runs"); do
    rm -rf "$dir"
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" -o "$dir" -q &
    local tp=$! peak=0
    while kill -0 "$tp" 2>/dev/null; do
      local child
      child=$(ps -o pid= --ppid "$tp" | head -1 | xargs) || true
      if [ -n "$child" ]; then
        local r
        r=$(tree_rss "$child")
        [ "$r" -gt "$peak" ] && peak=$r
      fi
      sleep 0.02
    done
    wait "$tp" || echo "  ($label: exit $?)"
    read -r wall rss user sys <"$work/time"
    echo "$wall" >>"$work/wall"; echo "$rss" >>"$work/rss"; echo "$peak" >>"$work/tree"
    echo "$user $sys" | awk '{print $1 + $2}' >>"$work/cpu"
  done
  printf '%-30s wall %6s s  CPU %6s s  peak RSS %3s MiB (largest process), %3s MiB (all)\n' \
    "$label" "$(median <"$work/wall")" "$(median <"$work/cpu")" \
    "$(( $(sort -n "$work/rss" | tail -1) / 1024 ))" \
    "$(( $(sort -n "$work/tree" | tail -1) / 1024 ))"
}

echo "34-province series, 1200x800 PNG, $runs runs each (median), data $data, $(nproc) cores"
if [ -n "${BORDERMAP_BEFORE:-}" ]; then
  save=$runs; runs=1
  run "before: 34 specs ($(basename "$BORDERMAP_BEFORE"))" "$work/before" \
    "$BORDERMAP_BEFORE" batch "$work"/specs/*.yaml --data "$data"
  runs=$save
fi
for j in 1 2; do
  run "34 specs, -j $j" "$work/specs-j$j" "$bin" batch "$work"/specs/*.yaml --data "$data" -j $j
done
for j in 1 2; do
  run "template + table, -j $j" "$work/tmpl-j$j" "$bin" batch "$tmpl" --table "$table" \
    --name 'afg-{{n}}-{{slug}}' --data "$data" -j $j
done
if diff -rq "$work/tmpl-j1" "$work/tmpl-j2" >/dev/null; then
  echo "-j 1 and -j 2: identical bytes ($(ls "$work/tmpl-j1" | grep -c png) maps)"
else
  echo "-j 1 and -j 2: OUTPUTS DIFFER"
fi
if [ -n "${BORDERMAP_BEFORE:-}" ] && diff -rq -x '.*' "$work/before" "$work/specs-j1" >/dev/null; then
  echo "before and now: identical bytes"
elif [ -n "${BORDERMAP_BEFORE:-}" ]; then
  echo "before and now: the maps differ (the renderer changed in between)"
fi
# Mapnik's batch for the same 34 maps: the Mapnik benchmarks' script (tests/bench/mapnik_bench.sh,
# which times bordermap and Mapnik turn about under the same load) when it and Debian's
# python3-mapnik are there
if /usr/bin/python3 -c 'import mapnik' 2>/dev/null && [ -x tests/bench/mapnik_bench.sh ]; then
  echo "Mapnik (python3-mapnik), tests/bench/mapnik_bench.sh ... series:"
  tests/bench/mapnik_bench.sh "$(dirname "$bin")" "$data" "$runs" series 2>&1 | sed 's/^/  /' || true
else
  echo "Mapnik: not measured here (needs python3-mapnik and tests/bench/mapnik_bench.sh)"
fi
