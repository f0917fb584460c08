#!/usr/bin/env bash
# packages.sh BORDERMAP SRC DATA — the set-up installs what the program opens at run time.
#
# 1. Renders the story map under strace and collects every font, PROJ and GDAL file it opens
#    under /usr/share (fontconfig's .conf files aside); for each, the Debian package that
#    ships it (dpkg -S) must be in scripts/setup.sh's run-time list. A file that comes from a
#    package only this machine happens to have would pass CI here and fail on a fresh one.
# 2. For every font file, a folder with all the fonts but that one: the render must fail
#    with exit 4 and name the package dpkg says ships the missing file.
set -u
bin=${1:?usage: packages.sh BORDERMAP SRC DATA}
src=${2:?}
data=${3:?}
command -v strace >/dev/null || { echo "FAIL: strace is missing (scripts/test.sh installs it)"; exit 1; }
command -v dpkg >/dev/null || { echo "SKIP: not a Debian system (no dpkg)"; exit 77; }
runtime=$("$src/scripts/setup.sh" --print-runtime-packages) || { echo "FAIL: setup.sh --print-runtime-packages"; exit 1; }
echo "run-time packages in scripts/setup.sh: $(echo $runtime)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
strace -f -qq -e trace=open,openat -o "$tmp/trace" \
  "$bin" render "$src/maps/central-asia.yaml" --data "$data" -o "$tmp/story.png" -q ||
  { echo "FAIL: the story render failed"; exit 1; }
files=$(grep -v ENOENT "$tmp/trace" | grep -oE '"/usr/share/(fonts|proj|gdal)/[^"]+"' | tr -d '"' |
        grep -vE '\.(conf|cache-[0-9]+)$' | sort -u)
[ -n "$files" ] || { echo "FAIL: the trace shows no font or PROJ file opened; is strace working?"; exit 1; }
nfonts=0
for f in $files; do
  [ -f "$f" ] || continue
  pkg=$(dpkg -S "$(readlink -f "$f")" 2>/dev/null | head -1 | cut -d: -f1)
  case $f in /usr/share/fonts/*) nfonts=$((nfonts + 1)) ;; esac
  if [ -z "$pkg" ]; then
    echo "FAIL: $f belongs to no Debian package (installed by hand?)"; fail=1
  elif ! grep -qx -- "$pkg" <<<"$runtime"; then
    echo "FAIL: the story render opens $f from $pkg, which scripts/setup.sh does not install"; fail=1
  else
    echo "ok    $f ($pkg)"
  fi
done
[ "$nfonts" -gt 0 ] || { echo "FAIL: no font file among the opened files"; fail=1; }

# 2. the error names the package of the missing font
fonts=/usr/share/fonts/truetype/noto
for want in $(grep -oE '"Noto[A-Za-z-]+\.ttf"' "$src/src/text/text.c" | tr -d '"'); do
  rm -rf "$tmp/fonts" && mkdir "$tmp/fonts"
  for g in $(grep -oE '"Noto[A-Za-z-]+\.ttf"' "$src/src/text/text.c" | tr -d '"'); do
    [ "$g" = "$want" ] || ln -s "$fonts/$g" "$tmp/fonts/$g"
  done
  pkg=$(dpkg -S "$fonts/$want" 2>/dev/null | head -1 | cut -d: -f1)
  out=$(BORDERMAP_FONTS=$tmp/fonts "$bin" render "$src/maps/central-asia.yaml" --data "$data" \
        -o "$tmp/x.png" -q 2>&1)
  rc=$?
  if [ $rc -ne 4 ] || ! grep -qF "$want: font file missing; install the Debian package $pkg" <<<"$out"; then
    echo "FAIL: without $want (package $pkg): exit $rc, '$out'"; fail=1
  else
    echo "ok    without $want the error names $pkg"
  fi
done
[ $fail -eq 0 ] && echo PASS
exit $fail
