#!/usr/bin/env bash
# run_case.sh NAME — runs one case of tests/cli/cases.txt and checks it.
#
# A case is one line:   name | exit code | fragment;;fragment... | args
#   name        a "xfail " prefix marks a known bug (ctest WILL_FAIL; run_case.sh ignores it)
#   exit code   a number, or !N for "anything but N"
#   fragments   each must occur in stdout+stderr (grep -F); a fragment starting with
#               "re:" is an extended regex, one starting with "!" must NOT occur
#   args        a bash command line run with `bash -c` after substituting
#               @BIN@ (the bordermap binary), @DATA@ (the fetched Natural Earth folder),
#               @TMP@ (a fresh empty folder for this case, also the working folder)
#               and @SRC@ (the project root); fragments get the same substitutions
# After a failing case (expected code not 0) nothing may be left at @TMP@/out.png,
# out.pdf or out.svg, nor any half-written temporary file in @TMP@.
#
# Environment (set by tests.cmake): BM_BIN, BM_DATA, BM_SRC, BM_CASES, BM_TMPROOT.
set -u
name=${1:?usage: run_case.sh NAME}
: "${BM_BIN:?}" "${BM_DATA:?}" "${BM_SRC:?}"
cases=${BM_CASES:-$BM_SRC/tests/cli/cases.txt}
tmproot=${BM_TMPROOT:-${TMPDIR:-/tmp}/bordermap-cli-tests}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

line=
while IFS= read -r l || [ -n "$l" ]; do
  case "$l" in '#'* | '') continue ;; esac
  IFS='|' read -r n _ <<<"$l"
  n=$(trim "$n"); n=${n#xfail }; n=$(trim "$n")   # "xfail NAME": a known bug, see tests.cmake
  if [ "$n" = "$name" ]; then line=$l; break; fi
done <"$cases"
if [ -z "$line" ]; then echo "run_case.sh: no case named '$name' in $cases" >&2; exit 2; fi

IFS='|' read -r _ want frags args <<<"$line"   # args keeps any further '|'
want=$(trim "$want"); frags=$(trim "$frags"); args=$(trim "$args")

tmp=$tmproot/$name
rm -rf "$tmp" && mkdir -p "$tmp" || { echo "cannot make $tmp" >&2; exit 2; }
cmd=${args//@BIN@/$BM_BIN}
cmd=${cmd//@DATA@/$BM_DATA}
cmd=${cmd//@TMP@/$tmp}
cmd=${cmd//@SRC@/$BM_SRC}
frags=${frags//@BIN@/$BM_BIN}   # fragments may name the same paths
frags=${frags//@DATA@/$BM_DATA}
frags=${frags//@TMP@/$tmp}
frags=${frags//@SRC@/$BM_SRC}

# hermetic: no data folder, mirror or styles from the caller's environment
unset BORDERMAP_DATA BORDERMAP_NE_MIRROR BORDERMAP_STYLES BORDERMAP_HOME BORDERMAP_FONTS
export XDG_DATA_HOME=$tmp/.xdg HOME=$tmp/.home

echo "case:    $name"
echo "command: $cmd"
out=$(cd "$tmp" && bash -c "$cmd" 2>&1)
rc=$?
echo "exit:    $rc (want $want)"
echo "--- output ---"
printf '%s\n' "$out"
echo "--------------"

fail=0
if [ "${want#!}" != "$want" ]; then
  [ "$rc" -ne "${want#!}" ] || { echo "FAIL: exit code is $rc, wanted anything but ${want#!}"; fail=1; }
else
  [ "$rc" -eq "$want" ] || { echo "FAIL: exit code is $rc, wanted $want"; fail=1; }
fi

if [ -n "$frags" ]; then
  rest=$frags
  while :; do
    f=${rest%%;;*}
    f=$(trim "$f")
    if [ -n "$f" ]; then
      case "$f" in
        re:*) grep -Eq -- "${f#re:}" <<<"$out" || { echo "FAIL: output does not match /${f#re:}/"; fail=1; } ;;
        '!'*) if grep -Fq -- "${f#!}" <<<"$out"; then echo "FAIL: output contains '${f#!}'"; fail=1; fi ;;
        *) grep -Fq -- "$f" <<<"$out" || { echo "FAIL: output lacks '$f'"; fail=1; } ;;
      esac
    fi
    [ "$rest" = "${rest#*;;}" ] && break
    rest=${rest#*;;}
  done
fi

if [ "$want" != 0 ]; then
  for o in out.png out.pdf out.svg; do
    [ ! -e "$tmp/$o" ] || { echo "FAIL: a failed run left an output file $tmp/$o"; fail=1; }
  done
  stray=$(find "$tmp" -name '.*.tmp-*' -o -name '*.json.tmp' -o -name '.*.bordermap-tmp-*' 2>/dev/null)
  [ -z "$stray" ] || { echo "FAIL: temporary files left behind:"; echo "$stray"; fail=1; }
fi

if [ $fail -eq 0 ]; then
  echo "PASS"
  rm -rf "$tmp"
  exit 0
fi
echo "(kept $tmp for inspection)"
exit 1
