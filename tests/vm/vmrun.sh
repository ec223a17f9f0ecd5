#!/bin/sh
# Boot a kernel under QEMU with a test initramfs and report the results.
#
#   tests/vm/vmrun.sh -d OUTDIR -K KERNEL [-W SECONDS] [-A CMDLINE] [-m MB] -- MKINITRAMFS-OPTIONS
#
#   -d OUTDIR     where the run keeps initrd.gz, console.log and results.log
#   -K KERNEL     the kernel image (bzImage/vmlinuz) to boot
#   -W SECONDS    limit for the whole boot (default 600); the guest gives
#                 no program more than what is left of it (init.sh), and
#                 no case more than what is left of its program (vmt_main)
#   -A CMDLINE    extra kernel command line
#   -m MB         guest memory (default 512; a KASAN kernel wants more)
#   -c            count: every program must send "PLAN n" (tally.sh -s);
#                 without it, a program that sends none is not counted
#   after --      options for mkinitramfs.sh (modules, test programs, files)
#
# Prints every PASS/FAIL/INFO line as the guest sends it, then the host's own
# checks: the guest reached DONE, every program started and reported as
# many checks as its PLAN line announced, every case VMTEST_CASES names ran
# (tally.sh), the kernel log has no BUG/WARNING/Oops/
# lockdep/KASAN/UBSAN report, and the kernel is tainted by nothing but the
# out-of-tree unsigned module.  Ends with "N passed, N failed" and the
# runtime; exits 1 if anything failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="" kernel="" limit=600 cmdline="" mem=512 strict=""

die() {
	echo "vmrun.sh: $*" >&2
	exit 2
}

while getopts d:K:W:A:m:c opt; do
	case $opt in
	d) out=$OPTARG ;;
	K) kernel=$OPTARG ;;
	W) limit=$OPTARG ;;
	A) cmdline=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) strict=-s ;;
	*) die "bad option (see the header of $0)" ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" != "--" ] || shift
{ [ -n "$out" ] && [ -n "$kernel" ]; } || die "-d OUTDIR and -K KERNEL are required"
[ -r "$kernel" ] || die "kernel image $kernel not found"

# What the guest is asked to run, from the mkinitramfs.sh options: the
# test programs (-t) and the cases VMTEST_CASES selects (-e).
programs=0 cases=""
prev=""
for arg in "$@"; do
	case $prev in
	-t) programs=$((programs + 1)) ;;
	-e) case $arg in VMTEST_CASES=*) cases=${arg#VMTEST_CASES=} ;; esac ;;
	esac
	prev=$arg
done
[ "$programs" -gt 0 ] || die "no test program (-t) after --"

mkdir -p "$out"
# One run at a time per OUTDIR: a second one waits instead of mixing logs.
exec 9>"$out/.lock"
if ! flock -n 9; then
	echo "vmrun.sh: waiting for another run using $out"
	flock 9
fi
"$here/mkinitramfs.sh" -o "$out/initrd.gz" "$@" -e "VMTEST_BOOT_LIMIT=$limit"

# Kernel messages carry a "[    1.234567]" time stamp (printk.time=1): the
# live console (errors, since "quiet") and the full dmesg dumped at the end.
reports='\bBUG\b|\bWARNING\b|\bOops\b|general protection|scheduling while atomic'
reports="$reports|possible recursive locking|inconsistent lock state|circular locking"
reports="$reports|lockdep|DEBUG_LOCKS_WARN_ON|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected"
reports="$reports|Kernel panic|Call Trace|blocked for more than|detected stall"
reports="$reports|soft lockup|hard LOCKUP"
benign='KernelAddressSanitizer initialized|RCU lockdep checking is enabled'
benign="$benign|loading out-of-tree module taints kernel|module verification failed"
console=$out/console.log
results=$out/results.log
start=$(date +%s)

# The kernel's report lines in console log $1, as "LINE:TEXT".
kernel_reports() {
	grep -anE '^\[ *[0-9]+\.[0-9]+\]' "$1" | grep -aE "$reports" |
		grep -avE "$benign" | tr -d '\r' || true
}

# The first of them, for a failure message that names what happened.
first_report() {
	kernel_reports "$1" | head -n 1 | cut -c1-160
}

# ttyS0 (console) and ttyS1 (results) both go to files; nothing on stdio.
#
# tsc=unstable: under TCG the guest's TSC drifts against the HPET whenever
# the host is busy.  Without it a 6.12 guest starts on the TSC and its
# clocksource watchdog marks it unstable seconds later, switching
# sched_clock over by patching kernel text at run time, which once crashed
# a guest (Oops: int3 in sched_clock_cpu, from clocksource_watchdog_work,
# in a CI run).  Marked at boot, every guest runs on the HPET from the
# start, as 6.1 guests already do (their TSCs are found unsynchronized).
boot() {
	: >"$console"
	: >"$results"
	timeout -s KILL "$limit" qemu-system-x86_64 -accel tcg -m "$mem" -smp 2 \
		-nographic -no-reboot -monitor none -nic none \
		-kernel "$kernel" -initrd "$out/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 printk.time=1 log_buf_len=1M mitigations=off tsc=unstable $cmdline" \
		-serial "file:$console" -serial "file:$results" </dev/null &
	qemu=$!
	tail -n +1 -f --pid=$qemu "$results" 2>/dev/null |
		grep --line-buffered -E '^(PASS|FAIL|INFO) ' || true
	rc=0
	wait $qemu || rc=$?
}

# A kernel that dies before /init has run none of our code (the module is
# loaded by /init): that is the emulator or the guest kernel, and it gets
# one more boot.  The first boot's console is kept and its report shown.
boot
if [ "$rc" != 137 ] && ! grep -q '^BOOT ' "$results"; then
	mv "$console" "$out/console.boot1.log"
	why=$(first_report "$out/console.boot1.log")
	echo "INFO vm: the kernel died before /init (qemu status $rc${why:+: ${why#*:}}); booting again (log: $out/console.boot1.log)"
	boot
fi

passed=$(grep -c '^PASS ' "$results" || true)
failed=$(grep -c '^FAIL ' "$results" || true)
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

if ! grep -q '^DONE$' "$results"; then
	running=$(sed -n 's/^RUN //p' "$results" | tail -n 1)
	if ! grep -q '^BOOT ' "$results"; then
		stage="before /init"
	else
		stage="${running:+while running $running}"
		stage=${stage:-"while /init loaded the modules"}
	fi
	why=$(first_report "$console")
	if [ "$rc" = 137 ]; then
		fail "vm: no result after $limit s ($stage)${why:+: ${why#*:}}"
	else
		fail "vm: guest stopped before the end, qemu status $rc ($stage)${why:+: ${why#*:}}"
	fi
	if [ -n "$why" ]; then
		echo "--- $console from its first report (line ${why%%:*}):"
		tail -n "+${why%%:*}" "$console" | head -n 60
	else
		echo "--- last lines of $console:"
		tail -n 40 "$console"
	fi
	echo "---"
fi

# Each program's PLAN against its PASS/FAIL lines; the programs and cases
# asked for against those that ran.
shortfall=$("$here/tally.sh" $strict "$results" "$programs" "$cases")
if [ -n "$shortfall" ]; then
	echo "$shortfall"
	failed=$((failed + $(echo "$shortfall" | wc -l)))
fi

bad=$(kernel_reports "$console" | cut -d: -f2- | sort -u)
if [ -n "$bad" ]; then
	fail "kernel-log: $(echo "$bad" | wc -l) suspicious lines in $console:"
	echo "$bad" | sed 's/^/    /'
fi

# Taint: O (out-of-tree, 4096) and E (unsigned, 8192) are expected.
taint=$(sed -n 's/^TAINT //p' "$results" | tail -n 1)
if [ -n "$taint" ] && [ $((taint & ~12288)) != 0 ]; then
	fail "kernel-taint: tainted=$taint (bits other than O and E: $((taint & ~12288)))"
fi

echo "vm runtime: $(($(date +%s) - start)) s (logs in $out)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
