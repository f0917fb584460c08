#!/usr/bin/env bash
# install.sh BUILD SRC DATA — cmake --install, move the prefix, use it with the source out of reach.
#
# 1. Installs BUILD with DESTDIR staging under prefix /opt/bordermap, then moves the staged
#    prefix somewhere else: every file the issue lists must be there, the one public header
#    alone in include/, and libbordermap.so must export only bordermap_* names.
# 2. Builds examples/render.c against the moved prefix through pkg-config.
# 3. With the source tree hidden (a private mount namespace puts an empty tmpfs over SRC; where
#    that is not allowed, strace shows that nothing under SRC is opened instead): the moved
#    bordermap renders the story map (given by path and as the default), the example renders
#    it through the library, and both images are byte-identical to the build tree's.
set -u
build=${1:?usage: install.sh BUILD SRC DATA}
src=${2:?}
data=${3:?}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d /tmp/bordermap-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

DESTDIR=$tmp/stage cmake --install "$build" --prefix /opt/bordermap >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
[ -x "$tmp/stage/opt/bordermap/bin/bordermap" ] || { echo "FAIL: DESTDIR staging: no $tmp/stage/opt/bordermap/bin/bordermap"; exit 1; }
mkdir -p "$tmp/elsewhere"
mv "$tmp/stage/opt/bordermap" "$tmp/elsewhere/bm"
p=$tmp/elsewhere/bm
for f in bin/bordermap include/bordermap.h share/bordermap/styles/newsroom.yaml \
         share/bordermap/maps/central-asia.yaml share/bordermap/geodata/central-asia-sites.geojson \
         share/bordermap/geodata/naturalearth-layers.txt share/man/man1/bordermap.1 \
         share/bash-completion/completions/bordermap share/doc/bordermap/LICENSE; do
  [ -s "$p/$f" ] || bad "not installed: $f"
done
lib=$(find "$p" -name 'libbordermap.so.*.*.*' | head -1)
pc=$(find "$p" -name bordermap.pc | head -1)
[ -n "$lib" ] || bad "no libbordermap.so.X.Y.Z installed"
[ -n "$pc" ] || bad "no bordermap.pc installed"
[ "$(ls "$p/include")" = bordermap.h ] || bad "include/ holds more than bordermap.h: $(ls "$p/include")"
if [ -n "$lib" ]; then
  others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^bordermap_' | grep -vE '^_' )
  [ -z "$others" ] || bad "libbordermap exports internal names: $(echo $others | head -c 300)"
fi
echo "installed: $(cd "$p" && find . -type f | wc -l) files; moved to $p"

# 2. the example, through pkg-config against the moved prefix
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir bordermap)
[ "$(cd "$libdir" && pwd -P)" = "$(cd "$(dirname "$lib")" && pwd -P)" ] || bad "pkg-config libdir $libdir is not the moved prefix's"
# shellcheck disable=SC2046
${CC:-cc} -Wall -Wextra -Werror "$src/examples/render.c" $(pkg-config --cflags --libs bordermap) \
  -Wl,-rpath,"$libdir" -o "$tmp/example" || bad "the example does not build through pkg-config"

# 3. the moved prefix with the source tree out of reach
"$build/bordermap" render "$src/maps/central-asia.yaml" --data "$data" -o "$tmp/ref.png" -q ||
  bad "the build tree's render failed"
cp -r "$data" "$tmp/data" 2>/dev/null || bad "cannot copy the data folder"
cat >"$tmp/run.sh" <<RUN
set -e
cd "$tmp"
test ! -e "$src/CMakeLists.txt" || echo "(the source tree is still visible)"
export BORDERMAP_HOME= BORDERMAP_STYLES= BORDERMAP_DATA="$tmp/data"
"$p/bin/bordermap" render "$p/share/bordermap/maps/central-asia.yaml" -o "$tmp/story.png"
"$p/bin/bordermap" render -o "$tmp/default.png" -q
"$tmp/example"  # no arguments: the installed story map into map.png, through the library
mv map.png example.png
RUN
if unshare -m true 2>/dev/null; then
  echo "source tree hidden by an empty tmpfs in a private mount namespace"
  unshare -m bash -c "mount -t tmpfs none '$src' && bash '$tmp/run.sh'" || bad "rendering from the moved prefix failed"
else
  echo "no mount namespace here: checking with strace that nothing under $src is opened"
  strace -f -qq -e trace=open,openat,stat,newfstatat,access -o "$tmp/trace" bash "$tmp/run.sh" ||
    bad "rendering from the moved prefix failed"
  grep -F "\"$src/" "$tmp/trace" | grep -v "$tmp" | head -3 | sed 's/^/opened: /'
  ! grep -F "\"$src/" "$tmp/trace" | grep -qv "$tmp" || bad "the moved install reads the source tree"
fi
for f in story default example; do
  [ -s "$tmp/$f.png" ] || { bad "$f.png was not written"; continue; }
  cmp -s "$tmp/ref.png" "$tmp/$f.png" || bad "$f.png differs from the build tree's story map"
done
# keep the moved prefix's story map for a look (BM_INSTALL_KEEP=DIR)
[ -n "${BM_INSTALL_KEEP:-}" ] && cp "$tmp/story.png" "$BM_INSTALL_KEEP/" 2>/dev/null
[ $fail -eq 0 ] && echo PASS
exit $fail
