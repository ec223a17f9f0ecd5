#!/bin/sh
# make lint: kfilter/ is checkpatch-clean, and sparse-clean against the
# headers of every kernel given.  Fails closed: a checker that did not run,
# or did not look at every file, is a failure, never "clean".
#
#   mk/lint.sh KVER...
set -u

cd "$(dirname "$0")/.."
srcs=$(ls kfilter/*.c kfilter/*.h | grep -v '\.mod\.c$')
n_c=$(ls kfilter/*.c | grep -vc '\.mod\.c$')
n_all=$(echo "$srcs" | wc -l)
bad=0

fail() {
	echo "lint: $*" >&2
	bad=1
}

out=$(make --no-print-directory -C kfilter checkpatch 2>&1)
rc=$?
echo "$out" | grep -E '^(total|ERROR|WARNING|CHECK)'
totals=$(echo "$out" | grep -c '^total: ')
if [ $rc != 0 ]; then
	fail "checkpatch exited $rc:"
	echo "$out" | tail -n 5 >&2
elif [ "$totals" != "$n_all" ]; then
	fail "checkpatch checked $totals of $n_all files"
elif echo "$out" | grep '^total: ' | grep -qv '^total: 0 errors, 0 warnings'; then
	fail "checkpatch found problems"
fi

for kver in "$@"; do
	kdir=/lib/modules/$kver/build
	if [ ! -d "$kdir" ]; then
		fail "sparse: no headers for $kver ($kdir)"
		continue
	fi
	out=$(make --no-print-directory -C kfilter KDIR="$kdir" sparse 2>&1)
	rc=$?
	checked=$(echo "$out" | grep -cE '^ *CHECK ')
	problems=$(echo "$out" | grep -E 'warning|error')
	if [ $rc != 0 ]; then
		fail "sparse on $kver: the build exited $rc:"
		echo "$out" | tail -n 10 >&2
	elif [ "$checked" != "$n_c" ]; then
		fail "sparse on $kver checked $checked of $n_c files"
	elif [ -n "$problems" ]; then
		fail "sparse on $kver:"
		echo "$problems" >&2
	else
		echo "sparse: $kver: $checked files, no warnings"
	fi
	make --no-print-directory -C kfilter KDIR="$kdir" clean >/dev/null 2>&1
done

[ $bad = 0 ] || exit 1
echo "lint: kfilter is checkpatch-clean ($n_all files) and sparse-clean on: $*"
