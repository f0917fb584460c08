#!/usr/bin/env bash
# The same set-up as render-story.sh, then every test: the release build's
# suite (unit, CLI, visual; the tests fetch Natural Earth into build/data from
# $BORDERMAP_NE_MIRROR or ../shared/naturalearth), then the unit tests again
# under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${BORDERMAP_NE_MIRROR:-$(cd .. && pwd)/shared/naturalearth}
scripts/setup.sh
cmake -S . -B build -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
(cd build && ctest --output-on-failure -j2)
echo "== sanitizer build (ASan + UBSan): unit tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBM_SANITIZE=ON -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 -R '^unit\.')
