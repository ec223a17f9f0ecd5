#!/bin/sh
# The CPU per frame of joystickd against the floor's, from one boot's ROUND
# lines (bench/vm/latency.c): the median (min-max) of the per-round ratios,
# the ratio of the sums, and each path's mean CPU per frame.  For a
# comparison of builds across boots (bench/README.md, "Comparing builds").
#
#   bench/cpu-ratio.sh [RESULTS.log [RATE]]    default build/bench/vm/results.log, 1000
set -eu
log=${1:-build/bench/vm/results.log}
rate=${2:-1000}
[ -r "$log" ] || { echo "cpu-ratio.sh: $log: no such file" >&2; exit 1; }
# ROUND NAME RATE ROUND CHUNK CPU_NS ...: one line per round with both paths,
# "ratio joystickd floor" (ns per frame), sorted by the ratio.
awk -v rate="$rate" '
$1 == "ROUND" && $3 == rate && ($2 == "joystickd" || $2 == "floor") {
	cpu[$2, $4] = $6 / $5; seen[$4] = 1
}
END {
	for (r in seen)
		if ((("joystickd", r) in cpu) && (("floor", r) in cpu))
			print cpu["joystickd", r] / cpu["floor", r], cpu["joystickd", r], cpu["floor", r]
}' "$log" | sort -g | awk -v rate="$rate" -v file="$log" '
{ ratio[NR] = $1; sj += $2; sf += $3 }
END {
	n = NR
	if (!n) {
		printf "cpu-ratio.sh: %s: no round of both joystickd and the floor at %s Hz\n", file, rate > "/dev/stderr"
		exit 1
	}
	med = n % 2 ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
	printf "%s Hz, %d rounds: joystickd / floor CPU per frame, median of the rounds %.3f (%.3f-%.3f), sums %.3f; per frame joystickd %.1f us, floor %.1f us (means)\n",
		rate, n, med, ratio[1], ratio[n], sj / sf, sj / n / 1000, sf / n / 1000
}'
