#!/bin/sh
# Puts the screen of `joystickctl tune` that `make systemd-test` captured
# (tests/e2e/tune-steps.sh: tmux capture-pane of the running tuner, while
# the guest's virtual mouse moves the stick) into README.md, between its
# tune-screen markers.  Nobody types that screen by hand.
#
#   tools/tune-screen.sh [CAPTURE]     default: build/e2e/6.1/tune-screen.txt
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-$here/build/e2e/6.1/tune-screen.txt}
readme=$here/README.md

[ -s "$capture" ] || { echo "tune-screen.sh: $capture is empty or missing: run make systemd-test" >&2; exit 1; }
# The serial line's CRs out, blanks at line ends and blank lines at the end off.
screen=$(tr -d '\r' <"$capture" | sed 's/[[:space:]]*$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
lines=$(printf '%s\n' "$screen" | wc -l)
[ "$lines" -ge 20 ] && [ "$lines" -le 24 ] ||
	{ echo "tune-screen.sh: $capture has $lines lines, not an 80x24 screen" >&2; exit 1; }
printf '%s\n' "$screen" | grep -q '^ tune \[axis ' ||
	{ echo "tune-screen.sh: $capture is no screen of joystickctl tune" >&2; exit 1; }

tmp=$readme.tmp
SCREEN=$screen awk '
	/^<!-- tune-screen:begin/ { print; print "```"; print ENVIRON["SCREEN"]; print "```"; skip = 1; next }
	/^<!-- tune-screen:end/ { skip = 0 }
	!skip { print }
' "$readme" >"$tmp"
grep -q '^<!-- tune-screen:end' "$tmp" || { rm -f "$tmp"; echo "tune-screen.sh: no tune-screen markers in $readme" >&2; exit 1; }
mv "$tmp" "$readme"
echo "tune-screen.sh: README.md has the screen of $capture"
