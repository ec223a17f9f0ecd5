#!/bin/sh
# Checks a result channel log (the protocol of tests/vm/init.sh) against
# what was asked for and what the programs announced; prints one
# "FAIL what: why" line per shortfall, nothing when there is none.
#
#   tests/vm/tally.sh [-s] RESULTS PROGRAMS [CASES]
#
#   -s         strict: every program must send a PLAN line (without -s, a
#              program that sends none is not counted; bench/vm sends none)
#   RESULTS    the log: RUN, PLAN, PASS, FAIL, INFO ... lines
#   PROGRAMS   how many test programs the guest was given: each must have
#              sent "RUN name"
#   CASES      the names $VMTEST_CASES selected (space separated): each must
#              have a PASS or FAIL line, from whichever program has it
#
# Every program announces "PLAN n" before its first result; several PLAN
# lines in one program add up (badinput runs badinput32, which plans its
# own).  A program without a PLAN (with -s), or with fewer PASS/FAIL lines
# than it planned (it died, or stopped early), is a FAIL.  The lines init.sh writes
# about the program itself ("FAIL name: exit status 2") do not count as
# its checks.  vmrun.sh and tests/e2e/run.sh add these lines to their
# failures.
set -eu

strict=0
if [ "${1:-}" = -s ]; then
	strict=1
	shift
fi
[ $# -ge 2 ] || { echo "usage: $0 [-s] RESULTS PROGRAMS [CASES]" >&2; exit 2; }
tr -d '\r' <"$1" | awk -v strict="$strict" -v programs="$2" -v cases="${3:-}" '
function close_program() {
	if (prog == "")
		return
	if (!planned) {
		if (strict)
			printf "FAIL %s: sent no PLAN line: its checks cannot be counted\n", prog
	}
	else if (reported < plan)
		printf "FAIL %s: %d of %d planned checks reported\n", prog, reported, plan
}
/^RUN / {
	close_program()
	prog = substr($0, 5)
	plan = planned = reported = 0
	runs++
	next
}
/^PLAN [0-9]+$/ {
	plan += $2
	planned = 1
	next
}
/^(PASS|FAIL) / {
	name = $2
	sub(/:$/, "", name)
	seen[name] = 1
	if (prog != "" && name != prog)
		reported++
}
END {
	close_program()
	if (runs < programs)
		printf "FAIL vm: %d of %d test programs started\n", runs, programs
	n = split(cases, c, " ")
	for (i = 1; i <= n; i++)
		if (!(c[i] in seen))
			printf "FAIL %s: not run: no test program has this case (VMTEST_CASES)\n", c[i]
}'
