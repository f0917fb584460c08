#!/usr/bin/env bash
# manpage.sh SRC MANPAGE BORDERMAP — bordermap(1) (and the bash completion) covers every command, option, spec key and
# exit code: every key of README.md's key tables, every long option the commands' --help
# texts list, every command, and exit codes 0-5 must appear in the man page; and it must
# format without warnings.
set -u
src=${1:?usage: manpage.sh SRC MANPAGE BORDERMAP}
man=${2:?}
bin=${3:?}
fail=0
text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\e/\\/g' "$man")
has() { grep -qF -- "$1" <<<"$text"; }
# the first column of every "| key | value |" table in the README
keys=$(awk '/^\| key \| value \|/{t=1; next} t && /^\|---/{next} t && /^\|/{print; next} {t=0}' "$src/README.md" |
       cut -d'|' -f2 | grep -oE '`[^`]+`' | tr -d '`' | sort -u)
[ "$(wc -l <<<"$keys")" -gt 20 ] || { echo "FAIL: found only $(wc -l <<<"$keys") spec keys in README.md"; exit 1; }
# each key must head an entry of its own (the line after .TP), not just be mentioned
heads=$(awk 'prev == ".TP" {print} {prev = $0}' "$man" | sed 's/\\-/-/g; s/\\f[BIRP]//g')
for k in $keys; do
  grep -qE -- "(^|[ ,])$k(\$|[ ,])" <<<"$heads" || { echo "FAIL: spec key '$k' has no entry in the man page"; fail=1; }
done
for cmd in "render" "batch" "serve" "data fetch" "data list"; do
  has "$cmd" || { echo "FAIL: command '$cmd' is not in the man page"; fail=1; }
  # shellcheck disable=SC2086
  for o in $("$bin" $cmd --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    has "$o" || { echo "FAIL: option $o of '$cmd' is not in the man page"; fail=1; }
    grep -qE -- "$o( |')" "$src/share/bash-completion/completions/bordermap" ||
      { echo "FAIL: option $o of '$cmd' is not in the bash completion"; fail=1; }
  done
done
for o in --help --version; do has "$o" || { echo "FAIL: $o is not in the man page"; fail=1; }; done
exits=$(awk '/^\.SH EXIT STATUS/{e=1; next} /^\.SH/{e=0} e && /^\.B [0-9]$/{print $2}' "$man" | tr '\n' ' ')
[ "$exits" = "0 1 2 3 4 5 " ] || { echo "FAIL: EXIT STATUS lists '$exits', not 0 1 2 3 4 5"; fail=1; }
if command -v groff >/dev/null; then
  warn=$(groff -man -Tutf8 -ww "$man" 2>&1 >/dev/null)
  [ -z "$warn" ] || { echo "FAIL: groff warns: $warn"; fail=1; }
fi
echo "checked $(wc -l <<<"$keys") spec keys, 5 commands and their options, exit codes"
[ $fail -eq 0 ] && echo PASS
exit $fail
