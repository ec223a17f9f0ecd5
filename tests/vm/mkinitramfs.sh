#!/bin/sh
# Build the busybox initramfs that runs a VM test suite.
#
#   tests/vm/mkinitramfs.sh -o OUT.cpio.gz [options]
#
#   -k DIR        unpacked kernel (kernel.sh fetch): where in-tree modules
#                 come from; without it every -m module is taken as built in
#   -r KVER       its release (needed with -k)
#   -m NAME       in-tree module to load, after its dependencies
#   -M FILE.ko    out-of-tree module to load (after all -m), kept as
#                 /lib/modules/extra/NAME.ko; a missing file is reported by
#                 the guest as a FAIL
#   -t FILE       test program to run, in the order given, as /tests/NAME
#   -b FILE       extra executable, as /usr/bin/NAME
#   -f SRC:DEST   extra file (a directory is copied whole)
#   -e NAME=VAL   environment variable for the test programs
#   -T SECONDS    per-program time limit (default 300): init.sh kills a
#                 program after it (or sooner, when vmrun.sh's -W for the
#                 whole boot has less left), and vmt_main ends a case that
#                 would outlast it (VMTEST_PROGRAM_LIMIT)
#
# Executables may be static or dynamic: the libraries `ldd` lists and the
# program loader are copied to the same paths.  Libraries loaded with
# dlopen() are not found that way; add them with -f.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="" kdir="" kver="" timeout=300
mods="" extmods="" tests="" bins="" files="" envs=""
nl='
'

die() {
	echo "mkinitramfs.sh: $*" >&2
	exit 1
}

while getopts o:k:r:m:M:t:b:f:e:T: opt; do
	case $opt in
	o) out=$OPTARG ;;
	k) kdir=$OPTARG ;;
	r) kver=$OPTARG ;;
	m) mods="$mods $OPTARG" ;;
	M) extmods="$extmods$OPTARG$nl" ;;
	t) tests="$tests$OPTARG$nl" ;;
	b) bins="$bins$OPTARG$nl" ;;
	f) files="$files$OPTARG$nl" ;;
	e) envs="$envs$OPTARG$nl" ;;
	T) timeout=$OPTARG ;;
	*) die "bad option (see the header of $0)" ;;
	esac
done
[ -n "$out" ] || die "-o OUT is required"
[ -z "$kdir" ] || [ -n "$kver" ] || die "-k needs -r KVER"

root=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
# mktemp made it 0700: the guest's / must let other users through.
chmod 0755 "$root"
mkdir -p "$root/bin" "$root/usr/bin" "$root/tests" "$root/etc/vmtest" \
	"$root/lib/modules/extra" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/root"

# Copy an executable and, if dynamic, its libraries and loader.
add_exec() {
	install -D -m 0755 "$1" "$root$2"
	ldd "$1" 2>/dev/null | awk '
		/=> \// { print $3; next }
		/^[ \t]*\// { print $1 }' |
	while read -r lib; do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list | grep -vx busybox); do
	ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$here/init.sh" "$root/init"

# Modules, in load order.  modprobe --show-depends prints "insmod PATH" for
# each dependency first, or "builtin NAME".
: >"$root/etc/vmtest/modules"
for m in $mods; do
	if [ -z "$kdir" ]; then
		echo "mkinitramfs.sh: no -k: taking $m as built in" >&2
		continue
	fi
	deps=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m") ||
		die "module $m not found under $kdir"
	echo "$deps" | while read -r verb path; do
		[ "$verb" = insmod ] || continue
		# 6.12 images ship NAME.ko.xz: busybox insmod wants it plain.
		name=$(basename "$path")
		name=${name%.xz}
		name=${name%.ko}
		grep -q "^$name " "$root/etc/vmtest/modules" && continue
		mkdir -p "$root/lib/modules/$kver"
		case $path in
		*.xz) xz -dc "$path" >"$root/lib/modules/$kver/$name.ko" ;;
		*) install -m 0644 "$path" "$root/lib/modules/$kver/$name.ko" ;;
		esac
		echo "$name /lib/modules/$kver/$name.ko" >>"$root/etc/vmtest/modules"
	done
done
printf '%s' "$extmods" | while IFS= read -r ko; do
	name=$(basename "$ko" .ko)
	if [ -e "$ko" ]; then
		install -m 0644 "$ko" "$root/lib/modules/extra/$name.ko"
	else
		echo "mkinitramfs.sh: warning: $ko does not exist" >&2
	fi
	echo "$name /lib/modules/extra/$name.ko" >>"$root/etc/vmtest/modules"
done

: >"$root/etc/vmtest/tests"
printf '%s' "$tests" | while IFS= read -r t; do
	[ -e "$t" ] || die "test program $t does not exist"
	add_exec "$t" "/tests/$(basename "$t")"
	basename "$t" >>"$root/etc/vmtest/tests"
done
printf '%s' "$bins" | while IFS= read -r b; do
	[ -e "$b" ] || die "executable $b does not exist"
	add_exec "$b" "/usr/bin/$(basename "$b")"
done
printf '%s' "$files" | while IFS= read -r f; do
	src=${f%%:*}
	dest=${f#*:}
	[ -e "$src" ] || die "file $src does not exist"
	mkdir -p "$root$(dirname "$dest")"
	cp -a "$src" "$root$dest"
done
printf '%s' "$envs" >"$root/etc/vmtest/env"
echo "$timeout" >"$root/etc/vmtest/timeout"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
