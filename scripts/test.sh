#!/usr/bin/env bash
# The same set-up as render-story.sh plus the packages only tests need, then every test:
# the suite of the RelWithDebInfo build in build/ (unit, API, CLI, visual, labels, the
# run-time packages, the install to a moved prefix, the man page; the tests fetch Natural
# Earth into build/data from $BORDERMAP_NE_MIRROR or ../shared/naturalearth), a gcc Release
# build (build only), the unit and API tests again (and the region maps) under
# AddressSanitizer and UndefinedBehaviorSanitizer, the threaded renders under ThreadSanitizer,
# then a short libFuzzer run (clang) on the spec parser and the shapefile reader. Every build here has -DBM_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${BORDERMAP_NE_MIRROR:-$(cd .. && pwd)/shared/naturalearth}
# What only the tests need, on top of what setup.sh installs to build and run bordermap:
# cmocka (unit tests), python3 (label report checks), unzip and proj-bin (unit tests compare
# with them), strace (the run-time package test), clang and its sanitizer/libFuzzer runtime
# (fuzzing), time (the benchmarks), libxml2-dev and librsvg2-bin (the SVG writer's test parses
# and rasterises what it writes), poppler-utils (PDF references are rasterised with pdftoppm),
# chromium, chromium-driver and python3-selenium (the serve test loads the live page in
# headless Chromium), python3-mapnik and mapnik-utils (tests/bench/ renders the same maps with
# Mapnik, its shapefiles indexed by shapeindex, to print every figure as a ratio).
test_packages=(libcmocka-dev python3 unzip proj-bin strace clang libclang-rt-14-dev time
               libxml2-dev librsvg2-bin poppler-utils chromium chromium-driver python3-selenium
               python3-mapnik mapnik-utils
               parallel)  # GNU parallel: the batch --shard case runs a series on 3 local workers
CMAKE_ARGS="-DBM_TESTS=ON -DBM_WERROR=ON" scripts/setup.sh "${test_packages[@]}"
cmake -S . -B build -DBM_TESTS=ON -DBM_WERROR=ON -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
(cd build && ctest --output-on-failure -j2)
# A packager's build type, so that an optimiser's warnings cannot come back (build only:
# the suite above already ran the same code).
echo "== release build (gcc, warnings are errors)"
CC=gcc cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBM_TESTS=ON -DBM_WERROR=ON \
  -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
echo "== sanitizer build (ASan + UBSan): unit tests, the library API and the region maps"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBM_SANITIZE=ON -DBM_WERROR=ON -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && LSAN_OPTIONS=suppressions=$PWD/../tests/lsan.supp ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 -R '^(unit|labels|api)\.')
# One render runs threads beside each other (layer reads, projection, the base map painted
# beside the label stage, label anchors, the relief, deflate pieces): ThreadSanitizer watches
# them on the maps that use them all, with the Natural Earth data the suite fetched. Any race
# between bordermap's threads over its own data fails here (tests/tsan.supp says why the
# libraries' insides are not watched).
echo "== ThreadSanitizer build: renders on two threads, the relief and the PNG encoder"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBM_TSAN=ON -DBM_TESTS=ON -DBM_WERROR=ON \
  -DBM_TEST_MIRROR="$mirror" -DBM_TEST_DATA="$PWD/build/data" >/dev/null
cmake --build build-tsan -j"$(nproc)" --target bordermap png_test relief_test band_test >/dev/null
export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp halt_on_error=1" BORDERMAP_THREADS=2
build-tsan/bordermap render maps/central-asia.yaml --data build/data -q \
  -o build-tsan/story.png -o build-tsan/story.svg --width 2400 --height 1600
build-tsan/bordermap render tests/bench/world-10m.yaml --data build/data -q \
  -o build-tsan/world.png --width 3500 --height 1750
(cd build-tsan && ctest --output-on-failure -R '^unit\.(png|relief|band)_test$')
unset TSAN_OPTIONS BORDERMAP_THREADS
# A fixed seed and run count make this part repeatable: the same inputs every
# time, so a red suite means a change broke something. Longer, exploring runs:
#   BM_FUZZ_SEED=0 BM_FUZZ_RUNS=-1 BM_FUZZ_SECONDS=600 scripts/test.sh
# and, before a release, an hour per harness (spec, shp, sites: about 3 hours):
#   BM_FUZZ_SEED=0 BM_FUZZ_RUNS=-1 BM_FUZZ_SECONDS=3600 scripts/test.sh
# (keep any crash input it saves in build-fuzz/ as a new file of tests/fuzz/corpus/<harness>/).
echo "== fuzzing (libFuzzer, seed ${BM_FUZZ_SEED:=1}, at most ${BM_FUZZ_SECONDS:=60} s per harness)"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DBM_FUZZ=ON -DBM_WERROR=ON -DBM_TEST_MIRROR="$mirror" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_spec fuzz_shp fuzz_sites >/dev/null
for h in spec shp sites; do
  # about 15 s each here (sites: GDAL's GeoJSON and CSV drivers through the allow-list)
  runs=${BM_FUZZ_RUNS:-$(case $h in spec) echo 150000 ;; shp) echo 20000 ;; *) echo 5000 ;; esac)}
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/$h/* "$corpus"/
  LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1 \
    build-fuzz/tests/fuzz_$h -seed="$BM_FUZZ_SEED" -runs="$runs" \
    -max_total_time="$BM_FUZZ_SECONDS" -timeout=10 \
    -artifact_prefix=build-fuzz/ "$corpus" 2>build-fuzz/fuzz_$h.log ||
    { tail -40 build-fuzz/fuzz_$h.log; echo "fuzz_$h found a crash, hang or leak (input saved in build-fuzz/)"; exit 1; }
  grep -h '^Done' build-fuzz/fuzz_$h.log | sed "s/^/fuzz_$h: /"
  rm -rf "$corpus"
done
