#!/usr/bin/env bash
# From a fresh machine to the story map: install, build, fetch Natural Earth,
# render maps/central-asia.yaml to out/central-asia.png and out/central-asia.pdf.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
from=()
[ -n "${BORDERMAP_NE_MIRROR:-}" ] && from=(--from "$BORDERMAP_NE_MIRROR")
./build/bordermap data fetch "${from[@]}"
mkdir -p out
./build/bordermap render maps/central-asia.yaml -o out/central-asia.png -o out/central-asia.pdf
