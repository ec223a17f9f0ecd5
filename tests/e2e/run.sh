#!/bin/sh
# make systemd-test: the packages, installed and run under a real systemd.
#
#   tests/e2e/run.sh OUTDIR DEBDIR [KERNELS]
#   tests/e2e/run.sh --demo OUTDIR KERNELS     (make demo: demo.sh instead)
#
# Boots Debian's kernel under QEMU with the host's own root file system
# (read-only 9p, tmpfs overlay) and systemd as PID 1.  guest.sh installs the
# .debs in DEBDIR and checks each step; its PASS/FAIL lines come back on the
# second serial port and are printed here as they arrive.  OUTDIR keeps the
# initramfs and the logs (console.log, results.log, guest.log with the
# details of failures) and tune-screen.txt, a screen of `joystickctl tune`
# for the README (tools/tune-screen.sh).  KERNELS (default OUTDIR/kernel) holds Debian's
# kernels unpacked by tests/vm/kernel.sh, one directory per release: the VM
# tests' cache.
set -eu

demo=false
if [ "${1:-}" = --demo ]; then
	demo=true
	shift
	set -- "$1" - "$2"
fi
out=$1
debs=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kernels=${3:-$1/kernel}

# QEMU shares / with the guest as this user: as anyone else the guest's
# systemd, dpkg and useradd cannot read what they need.
if [ "$(id -u)" != 0 ]; then
	echo "systemd-test: skipped: it needs root (the guest boots this machine's / read through QEMU)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
timeout=${E2E_TIMEOUT:-1800}

# The kernel VM_KVER selects (tests/vm/kernel.sh: 6.1 by default, 6.12,
# 6.12-rt or a release); DKMS builds against its headers in the guest.
kver=$("$repo/tests/vm/kernel.sh" version "${VM_KVER:-}")
kdir=$kernels/$kver
"$repo/tests/vm/kernel.sh" fetch "$kver" "$kdir"

mkdir -p "$out"
out=$(cd "$out" && pwd)
kdir=$(cd "$kdir" && pwd)
# The guest sees the host's files at their own paths, but with a fresh /tmp
# and /var/tmp (tests/e2e/init): nothing under them reaches it.
for dir in "$repo" "$out" "$kdir"; do
	case $dir/ in
	/tmp/* | /var/tmp/*)
		echo "systemd-test: $dir is under /tmp or /var/tmp, which the guest replaces with an empty tmpfs; use a clone elsewhere" >&2
		exit 1
		;;
	esac
done
if ! $demo; then
	debs=$(cd "$debs" && pwd)
	for p in joystickd joystickd-dkms; do
		ls "$debs/${p}_"*.deb >/dev/null 2>&1 || { echo "systemd-test: no $p .deb in $debs (make deb)" >&2; exit 1; }
	done
fi

# The guest's /lib/modules, which replaces the host's: the booted kernel
# with the input drivers of its image (with all 4000 of its modules,
# DKMS's depmod and find read 400 MB through 9p under TCG, which took
# minutes), and its headers' links.  Booting Debian 12's default kernel,
# the guest also has the 6.12 headers, as a user who installed both may:
# DKMS must build for both.  (Each DKMS build takes minutes under TCG, so
# the other kernels' runs build for their own kernel only.)
mods=$out/modules/lib/modules/$kver
rm -rf "$out/modules"
mkdir -p "$mods/kernel/drivers"
cp -a "$kdir/lib/modules/$kver/kernel/drivers/input" "$mods/kernel/drivers/"
cp "$kdir/lib/modules/$kver"/modules.builtin* "$mods/"
grep '^kernel/drivers/input/' "$kdir/lib/modules/$kver/modules.order" >"$mods/modules.order"
depmod -b "$out/modules" "$kver"
kernels=$kver
if [ "$kver" = "$("$repo/tests/vm/kernel.sh" version 6.1)" ]; then
	kernels="$kernels $("$repo/tests/vm/kernel.sh" version 6.12)"
fi
for k in $kernels; do
	mkdir -p "$out/modules/lib/modules/$k"
	for link in build source; do
		[ -e "/lib/modules/$k/$link" ] && cp -P "/lib/modules/$k/$link" "$out/modules/lib/modules/$k/"
	done
done

# The initramfs: busybox, the modules that mount the host root (in load
# order in modules/order; 6.12 has virtio built in and ships NAME.ko.xz,
# which busybox insmod wants decompressed), /init.
rm -rf "$out/initramfs"
mkdir -p "$out/initramfs/bin" "$out/initramfs/modules" "$out/initramfs/proc" \
	"$out/initramfs/sys" "$out/initramfs/dev"
cp /bin/busybox "$out/initramfs/bin/"
for a in sh mount mkdir cp ln insmod switch_root poweroff; do
	ln -s busybox "$out/initramfs/bin/$a"
done
: >"$out/initramfs/modules/order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$kdir" -S "$kver" --show-depends "$m" |
	while read -r verb path; do
		[ "$verb" = insmod ] || continue
		name=$(basename "$path")
		name=${name%.xz}
		name=${name%.ko}
		grep -qx "$name" "$out/initramfs/modules/order" && continue
		case $path in
		*.xz) xz -dc "$path" >"$out/initramfs/modules/$name.ko" ;;
		*) cp "$path" "$out/initramfs/modules/$name.ko" ;;
		esac
		echo "$name" >>"$out/initramfs/modules/order"
	done
done
install -m 0755 "$here/init" "$out/initramfs/init"
(cd "$out/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"

: >"$out/results.log"
: >"$out/console.log"
: >"$out/guest.log"
: >"$out/tune-screen.txt"
# tsc=unstable: as in tests/vm/vmrun.sh, no clocksource switch at run time.
append="console=ttyS0 panic=-1 quiet mitigations=off tsc=unstable systemd.unit=jsd-e2e.target"
append="$append JSD_KVER=$kver JSD_MODULES=$out/modules JSD_REPO=$repo JSD_OUT=$debs"
append="$append JSD_N_HEADERS=$(echo "$kernels" | wc -w)"
# qemu SERIAL-OPTIONS... -append CMDLINE: the guest, ttyS0 to console.log.
qemu() {
	timeout "$timeout" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 \
		-nodefaults -display none -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$out/initrd.gz" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-serial "file:$out/console.log" "$@"
}

if $demo; then
	echo "demo: booting $kver under QEMU (TCG), about a minute; Ctrl-C quits"
	qemu -serial stdio -append "$append JSD_GUEST=demo.sh"
	exit
fi

start=$(date +%s)
echo "systemd-test: booting $kver under QEMU (TCG); console in $out/console.log"
qemu -serial "file:$out/results.log" -serial "file:$out/guest.log" \
	-serial "file:$out/tune-screen.txt" -append "$append JSD_GUEST=guest.sh" &
pid=$!
tail -n +1 -f --pid=$pid "$out/results.log" | grep --line-buffered -E '^(PASS|FAIL|INFO) '
rc=0
wait $pid || rc=$?

passed=$(grep -c '^PASS ' "$out/results.log" || true)
failed=$(grep -c '^FAIL ' "$out/results.log" || true)
# guest.sh's PLAN against its PASS/FAIL lines (a step that never reported).
shortfall=$("$repo/tests/vm/tally.sh" -s "$out/results.log" 1)
if [ -n "$shortfall" ]; then
	echo "$shortfall"
	failed=$((failed + $(echo "$shortfall" | wc -l)))
fi
if ! grep -q '^DONE' "$out/results.log"; then
	if [ $rc = 124 ]; then
		echo "FAIL guest: no result after ${timeout}s"
	else
		echo "FAIL guest: stopped before the end (qemu status $rc)"
	fi
	echo "--- the end of $out/console.log (details in $out/guest.log):"
	tail -n 30 "$out/console.log"
	failed=$((failed + 1))
fi
echo "systemd-test: $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
