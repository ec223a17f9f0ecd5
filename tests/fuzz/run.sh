#!/bin/sh
# Replays the saved regression inputs, then fuzzes each harness for
# $FUZZ_SECONDS from its seed corpus.  One line per step, then the summary.
#
#   tests/fuzz/run.sh build/fuzz/fuzz-config build/fuzz/fuzz-engine
set -u
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-build/fuzz/work}
passed=0
failed=0

for bin in "$@"; do
	name=$(basename "$bin")
	seeds=$here/corpus/$name
	regress=$here/regressions/$name
	mkdir -p "$work/$name/corpus" "$work/$name/crashes" "$regress"

	# 1. Every input that ever broke an invariant must now pass.
	if [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
		if "$bin" -runs=0 "$regress"/* >"$work/$name/regress.log" 2>&1; then
			echo "ok - $name: $(ls "$regress" | wc -l) regression inputs replayed"
			passed=$((passed + 1))
		else
			echo "not ok - $name: a regression input fails again (see $work/$name/regress.log)"
			failed=$((failed + 1))
		fi
	fi

	# 2. A bounded run from the seed corpus; new coverage goes to the work dir.
	log=$work/$name/fuzz.log
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$name/crashes/" -print_final_stats=1 \
		"$work/$name/corpus" "$seeds" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "ok - $name: ${runs:-?} inputs in ${seconds}s, $cov, no invariant broken"
		passed=$((passed + 1))
	else
		crash=$(ls "$work/$name/crashes/" 2>/dev/null | head -1)
		echo "not ok - $name: failure, input kept as $work/$name/crashes/$crash"
		grep -m3 -E 'invariant broken|ERROR: |runtime error' "$log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
