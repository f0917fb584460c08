#!/usr/bin/env bash
# Set up bordermap on a Debian 12 machine: packages, build. Safe to run again: each step
# skips what is already done.
#   scripts/setup.sh [PACKAGE...]    also install these packages (scripts/test.sh passes the
#                                    ones only the tests need: compilers, cmocka, strace ...)
#   scripts/setup.sh --print-runtime-packages
#                                    print the run-time list and stop (tests/runtime/packages.sh)
#   BUILD_DIR   build folder (default build)
#   CMAKE_ARGS  more arguments for the CMake configure step
set -euo pipefail
cd "$(dirname "$0")/.."

# To build: a C compiler, CMake and the -dev packages of the libraries bordermap links.
build_packages=(build-essential cmake pkg-config libshp-dev libgdal-dev libproj-dev
                libgeos-dev libcairo2-dev libpango1.0-dev libfyaml-dev
                libcurl4-openssl-dev libzip-dev zlib1g-dev
                libmicrohttpd-dev) # the HTTP server of `bordermap serve` (pulls libmicrohttpd12)
# To run: the packages whose files bordermap opens at run time (the shared libraries come with
# the -dev packages above). Noto Sans Regular/Bold/Italic and Noto Sans Arabic are in
# fonts-noto-core, the SemiBold faces only in fonts-noto-extra; PROJ's database is proj-data,
# GDAL's support files gdal-data; https downloads of Natural Earth need ca-certificates.
# tests/runtime/packages.sh checks this list against what the story render opens.
runtime_packages=(fonts-noto-core fonts-noto-extra proj-data gdal-data ca-certificates)

if [ "${1:-}" = --print-runtime-packages ]; then
  printf '%s\n' "${runtime_packages[@]}"
  exit 0
fi

missing=()
for p in "${build_packages[@]}" "${runtime_packages[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  # Wait for another apt (a second set-up running at the same time) instead of failing.
  lock=(-o DPkg::Lock::Timeout=900)
  $SUDO apt-get "${lock[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${lock[@]}" install -y -qq "${missing[@]}" >/dev/null
fi

build=${BUILD_DIR:-build}
echo "== building in $build"
# shellcheck disable=SC2086  # CMAKE_ARGS is a list of words
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
