#!/usr/bin/env bash
# Set up bordermap on a Debian 12 machine: packages, build, Natural Earth data.
# Safe to run again: each step skips what is already done.
#   BORDERMAP_NE_MIRROR  where to fetch Natural Earth from (URL or folder);
#                        default: the official site (needs internet)
#   BORDERMAP_DATA       where the data goes (default ~/.local/share/bordermap/naturalearth)
#   BUILD_DIR            build folder (default build)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libshp-dev libgdal-dev libproj-dev proj-bin
          libgeos-dev libcairo2-dev libpango1.0-dev libfyaml-dev libcmocka-dev
          libcurl4-openssl-dev libzip-dev zlib1g-dev fonts-noto-core fonts-noto-extra unzip poppler-utils
          python3 time clang libclang-rt-14-dev libxml2-dev librsvg2-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build=${BUILD_DIR:-build}
echo "== building in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
