#!/bin/bash
# damage-shp.sh DATA OUT LAYER_STEM KIND [RECORD]
# Makes OUT a copy of the data folder DATA (symlinks) whose layer LAYER_STEM
# (e.g. ne_10m_lakes) is a real copy damaged in one of these ways, for the
# malformed-input CLI cases:
#   nparts   record RECORD's nParts set to 0xFFFFFFFF
#   parts    record RECORD's second part start set to 0 (non-increasing part starts)
#   shx      record RECORD's .shx offset set past the end of the .shp
#   truncate the .shp cut to half its size
#   nocpg    the .cpg removed
#   qixcut   the .qix spatial index cut to half its size
#   qixjunk  the .qix's second half overwritten with 0xFF bytes
# The .qix index is removed from the damaged copy (but for the qix kinds). Fails loudly on
# any error.
set -euo pipefail
data=$1 out=$2 stem=$3 kind=$4 rec=${5:-0}
mkdir -p "$out"
for f in "$data"/*; do ln -s "$f" "$out/"; done
rm "$out/$stem"
mkdir "$out/$stem"
cp "$data/$stem"/* "$out/$stem/"
qix=$out/$stem/$stem.qix
case $kind in qix*) ;; *) rm -f "$qix" ;; esac
shp=$out/$stem/$stem.shp shx=$out/$stem/$stem.shx
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{print (($1*256+$2)*256+$3)*256+$4}'; }
poke() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' "${@:3}")" |
  dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
off=$(($(be32 "$shx" $((100 + 8 * rec))) * 2)) # byte offset of the record in the .shp
case $kind in
nparts) poke "$shp" $((off + 44)) 255 255 255 255 ;;
parts) poke "$shp" $((off + 56)) 0 0 0 0 ;;
shx) poke "$shx" $((100 + 8 * rec)) 127 255 255 0 ;;
truncate) truncate -s $(($(stat -c%s "$shp") / 2)) "$shp" ;;
nocpg) rm "$out/$stem/$stem.cpg" ;;
qixcut) truncate -s $(($(stat -c%s "$qix") / 2)) "$qix" ;;
qixjunk) n=$(stat -c%s "$qix")
  head -c $((n - n / 2)) /dev/zero | tr '\0' '\377' | dd of="$qix" bs=1 seek=$((n / 2)) conv=notrunc status=none ;;
*) echo "unknown damage '$kind'" >&2; exit 2 ;;
esac
