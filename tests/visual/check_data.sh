#!/usr/bin/env bash
# check_data.sh SUMS DATA_DIR — are the Natural Earth files in DATA_DIR the ones the reference
# images were drawn from? SUMS (expected/DATA.sha256) is `sha256sum` output with paths relative
# to the data folder. Exit 0 when every file matches; 77 (ctest's skip code) when one differs
# or is missing, since then the images would differ for reasons that are not bugs; 2 on misuse.
#
# To redraw the references after a deliberate data change, see tests/visual/tests.cmake.
set -u
sums=${1:?usage: check_data.sh SUMS DATA_DIR}
data=${2:?usage: check_data.sh SUMS DATA_DIR}
[ -r "$sums" ] || { echo "check_data.sh: cannot read $sums" >&2; exit 2; }
if command -v sha256sum >/dev/null; then hash() { sha256sum "$1"; }
else hash() { shasum -a 256 "$1"; }; fi

n=0
while read -r want file; do
  case "$want" in '#'* | '') continue ;; esac
  file=${file#\*}   # binary-mode marker
  n=$((n + 1))
  if [ ! -f "$data/$file" ]; then
    echo "SKIP: reference images were drawn from other Natural Earth data ($file is missing from $data)"
    exit 77
  fi
  got=$(hash "$data/$file") || exit 2
  if [ "${got%% *}" != "$want" ]; then
    echo "SKIP: reference images were drawn from other Natural Earth data ($file differs)"
    exit 77
  fi
done <"$sums"
[ "$n" -gt 0 ] || { echo "check_data.sh: $sums lists no files" >&2; exit 2; }
echo "data: $n files match $sums"
