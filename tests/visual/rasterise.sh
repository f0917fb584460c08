#!/usr/bin/env bash
# Renders a visual case to PDF or SVG and rasterises it to PNG the way a reader's tool
# would: PDF with poppler's pdftoppm at the map's 96 dpi (so one PDF pixel is one map
# pixel), SVG with librsvg's rsvg-convert.
#   usage: rasterise.sh pdf|svg BORDERMAP CASE.yaml DATA_DIR OUT.png
set -euo pipefail
fmt=$1 bin=$2 yaml=$3 data=$4 out=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" render "$yaml" --data "$data" -q -o "$tmp/map.$fmt"
case $fmt in
  pdf) pdftoppm -png -r 96 -singlefile "$tmp/map.pdf" "$tmp/page" && mv "$tmp/page.png" "$out" ;;
  svg) rsvg-convert "$tmp/map.svg" -o "$out" ;;
  *) echo "rasterise.sh: unknown format $fmt" >&2; exit 2 ;;
esac
