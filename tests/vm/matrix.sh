#!/bin/sh
# Run one test suite per kernel, all of them whatever the earlier ones gave,
# then print a table: suite, kernel, passed, failed, skipped, seconds.
#
#   tests/vm/matrix.sh OUTDIR "SUITE@KERNEL=COMMAND" ...
#
# Each COMMAND's output is shown as it runs and kept in OUTDIR/SUITE@KERNEL.log;
# its counts come from its last "N passed, N failed" line.  A command that
# exits non-zero, or prints no such line, counts as one more failure: a
# suite that could not run never passes.  The table goes to OUTDIR/matrix.md
# too.  Ends with the totals as "N passed, N failed"; exits 1 if any failed.
set -u

out=$1
shift
mkdir -p "$out"
table=$out/matrix.md
rows=""
total_pass=0
total_fail=0
total_skip=0

for spec in "$@"; do
	label=${spec%%=*}
	cmd=${spec#*=}
	log=$out/$label.log
	echo "=== $label: $cmd"
	start=$(date +%s)
	rc=0
	# The exit status of the command, not of tee.
	{ sh -c "$cmd" 2>&1 || echo "matrix-exit-status $?"; } | tee "$log"
	secs=$(($(date +%s) - start))
	rc=$(sed -n 's/^matrix-exit-status //p' "$log" | tail -n 1)
	counts=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	pass=$(echo "$counts" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
	fail=$(echo "$counts" | sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p')
	skip=$(echo "$counts" | sed -n 's/.*\b\([0-9][0-9]*\) skipped.*/\1/p')
	pass=${pass:-0}
	fail=${fail:-0}
	skip=${skip:-0}
	note=""
	# The first failure, so that the table alone says what went wrong.
	first=$(grep -m 1 '^FAIL ' "$log" | cut -c6-120 | tr '|' '/')
	if [ -z "$counts" ]; then
		fail=$((fail + 1))
		note="no result line"
	elif [ -n "$rc" ] && [ "$fail" = 0 ]; then
		fail=1
		note="exit status $rc"
	elif [ "$fail" != 0 ]; then
		note=$first
	elif grep -q '^INFO vm: the kernel died before /init' "$log"; then
		note="booted twice: the first boot died before /init"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	rows="$rows| ${label%@*} | ${label#*@} | $pass | $fail | $skip | $secs | $note |
"
done

{
	echo "| suite | kernel | passed | failed | skipped | seconds | note |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s' "$rows"
} >"$table"
echo "=== matrix ($table)"
cat "$table"
if [ "$total_skip" != 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" = 0 ]
