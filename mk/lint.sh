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

# judge WHAT STATUS CHECKED EXPECTED PROBLEMS OUTPUT: a checker's verdict,
# which fails unless it ran to the end, looked at every file and said
# nothing.
judge() {
	if [ "$2" != 0 ]; then
		fail "$1: exited $2:"
		echo "$6" | tail -n 10 >&2
	elif [ "$3" != "$4" ]; then
		fail "$1: checked $3 of $4 files"
	elif [ -n "$5" ]; then
		fail "$1:"
		echo "$5" >&2
	else
		echo "$1: $3 files, clean"
	fi
}

out=$(make --no-print-directory -C kfilter checkpatch 2>&1)
rc=$?
judge checkpatch $rc "$(echo "$out" | grep -c '^total: ')" "$n_all" \
	"$(echo "$out" | grep -E '^(total|ERROR|WARNING|CHECK)' | grep -v '^total: 0 errors, 0 warnings')" "$out"

for kver in "$@"; do
	kdir=/lib/modules/$kver/build
	if [ ! -d "$kdir" ]; then
		fail "sparse: no headers for $kver ($kdir)"
		continue
	fi
	# Kbuild's CHECK lines are what is counted: a caller's "make -s"
	# (MAKEFLAGS) would silence them.
	out=$(env -u MAKEFLAGS -u MFLAGS make --no-print-directory -C kfilter KDIR="$kdir" sparse 2>&1)
	rc=$?
	judge "sparse on $kver" $rc "$(echo "$out" | grep -cE '^ *CHECK ')" "$n_c" \
		"$(echo "$out" | grep -E 'warning|error')" "$out"
	make --no-print-directory -C kfilter KDIR="$kdir" clean >/dev/null 2>&1
done

[ $bad = 0 ] || exit 1
echo "lint: kfilter is checkpatch-clean ($n_all files) and sparse-clean on: $*"
