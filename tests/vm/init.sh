#!/bin/sh
# /init of the VM test initramfs (busybox sh), written by mkinitramfs.sh.
#
# Loads the modules listed in /etc/vmtest/modules, runs the programs listed
# in /etc/vmtest/tests one after the other, then dumps the kernel log and
# powers off.  Results go to the second serial port (ttyS1), which the host
# reads; the console (ttyS0) gets the kernel log and the tests' stderr.
#
# Result channel protocol, one line each:
#   BOOT <release>        the guest is up
#   RUN <program>         a program starts
#   PLAN <n>              written by the programs: the checks they will report
#                         (tests/vm/tally.sh counts them on the host)
#   PASS <name>           written by the programs
#   FAIL <name>: <why>    written by the programs, or here
#   INFO <text>           anything else worth showing
#   TAINT <n>             /proc/sys/kernel/tainted after the last program
#   DONE                  everything ran (missing: the guest died)
export PATH=/bin:/usr/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
# For programs that need it (kmemleak on the debug kernel).
mount -t debugfs debugfs /sys/kernel/debug

# Raw: no \r added to the result lines.
stty -F /dev/ttyS1 raw -echo
exec 3>/dev/ttyS1
res() {
	echo "$*" >&3
}
res "BOOT $(uname -r)"

# Program environment: one NAME=VALUE a line.
while IFS= read -r kv; do
	[ -n "$kv" ] && export "${kv?}"
done </etc/vmtest/env

# "name path", in load order (mkinitramfs.sh resolved the dependencies).
while read -r name path; do
	[ -n "$name" ] || continue
	if [ ! -e "$path" ]; then
		res "FAIL load-$name: $path is missing"
	elif ! out=$(insmod "$path" 2>&1); then
		res "FAIL load-$name: insmod: $out"
	fi
done </etc/vmtest/modules

# Limits nest, so that the innermost one that runs out names what hung:
# a case gets at most what is left of its program (vmt_main reads
# VMTEST_PROGRAM_LIMIT), a program at most the -T limit and what is left
# of the host's limit for the whole boot (vmrun.sh -W, as
# VMTEST_BOOT_LIMIT; uptime counts from the kernel's start, the margin
# covers what comes after the last program and the host's own start-up).
timeout=$(cat /etc/vmtest/timeout)
boot_margin=30
while read -r prog; do
	[ -n "$prog" ] || continue
	res "RUN $prog"
	limit=$timeout
	if [ -n "${VMTEST_BOOT_LIMIT:-}" ]; then
		left=$((VMTEST_BOOT_LIMIT - $(cut -d. -f1 /proc/uptime) - boot_margin))
		[ "$left" -ge "$limit" ] || limit=$left
	fi
	if [ "$limit" -lt 1 ]; then
		res "FAIL $prog: not run: the boot's ${VMTEST_BOOT_LIMIT:-?} s (vmrun.sh -W) ran out"
		continue
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	VMTEST_PROGRAM_LIMIT=$limit timeout -s KILL "$limit" "/tests/$prog" >&3 2>/dev/console </dev/null
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	res "INFO $prog: exit $rc after $(echo "$end - $start" | bc) s"
	# 0: all passed, 1: failures reported; anything else was not reported.
	case $rc in
	0 | 1) ;;
	137) res "FAIL $prog: killed after ${limit} s (timeout or SIGKILL)" ;;
	*) res "FAIL $prog: exit status $rc" ;;
	esac
done </etc/vmtest/tests

echo "@@VMTEST-DMESG-BEGIN@@" >/dev/console
dmesg >/dev/console
echo "@@VMTEST-DMESG-END@@" >/dev/console
res "TAINT $(cat /proc/sys/kernel/tainted)"
res "DONE"
sync
poweroff -f
