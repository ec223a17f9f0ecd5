#!/bin/sh
# Runs the unit test binaries given as arguments, one line per test (cmocka's
# TAP output, prefixed with the binary's name), and ends with the line
# "N passed, N failed" summed over all of them.
#
#   tests/unit/run.sh [-e "NAME..."] BINARY...
#
# Each binary must print its plan ("1..N", N > 0: a test list built from a
# directory that is missing plans none) and report N tests; a binary that
# dies, or prints no plan, counts the tests it did not report as failed.
# With -e, every NAME (unit.mk: one per tests/unit/test-*.c) must be one of
# the binaries, else it counts as a failed test.  With VALGRIND set to a
# binary name, that binary also runs once under valgrind's memcheck, which
# counts as one more test (failing on memory errors or definite leaks only).
# Exit status 0 only when nothing failed.
set -u

passed=0
failed=0
expect=""
if [ "${1:-}" = -e ]; then
	expect=$2
	shift 2
fi
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

if [ $# -eq 0 ]; then
	echo "run.sh: not ok - no test binary given"
	failed=$((failed + 1))
fi
for want in $expect; do
	found=false
	for bin in "$@"; do
		[ "$(basename "$bin")" = "$want" ] && found=true
	done
	if ! $found; then
		echo "$want: not ok - tests/unit/$want.c is not built and run (tests/unit/unit.mk)"
		failed=$((failed + 1))
	fi
done

for bin in "$@"; do
	name=$(basename "$bin")
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>"$err"
	rc=$?
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
	ok=$(grep -c '^ok ' "$out")
	bad=$(grep -c '^not ok ' "$out")
	grep -v '^1\.\.[0-9]*$' "$out" | grep -v '^# \(not \)\{0,1\}ok - ' | sed "s|^|$name: |"
	# On failure, what the tests printed besides cmocka's own summary.
	if [ "$rc" -ne 0 ]; then
		grep -v -e '^\[' -e 'FAILED TEST' -e '^$' "$err" | sed "s|^|$name: # |"
	fi
	if [ -z "$plan" ] || [ "$plan" -eq 0 ]; then
		echo "$name: not ok - exited with status $rc, planned ${plan:-no} tests (1..N)"
		bad=$((bad + 1))
		plan=$((ok + bad))
	fi
	missing=$((plan - ok - bad))
	if [ "$missing" -gt 0 ] || { [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
		[ "$missing" -gt 0 ] || missing=1
		echo "$name: not ok - exited with status $rc, $missing test(s) not run"
		bad=$((bad + missing))
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
done

# Memory errors and leaks only: the binary's own failures are counted above.
if [ -n "${VALGRIND:-}" ]; then
	if command -v valgrind >/dev/null 2>&1; then
		CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite "$VALGRIND" >/dev/null 2>"$err"
		if [ $? -ne 99 ]; then
			echo "valgrind: ok - $(basename "$VALGRIND") under memcheck: 0 errors, no leaks"
			passed=$((passed + 1))
		else
			echo "valgrind: not ok - $(basename "$VALGRIND") under memcheck"
			grep '^==[0-9]*==' "$err" | sed 's|^|valgrind: # |'
			failed=$((failed + 1))
		fi
	else
		echo "valgrind: not ok - valgrind is not installed (tools/deps.sh unit)"
		failed=$((failed + 1))
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
