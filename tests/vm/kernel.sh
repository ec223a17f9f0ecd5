#!/bin/sh
# The guest kernel: Debian's image matching the installed 6.1 headers.
#
#   tests/vm/kernel.sh version        print the release the headers are for
#                                     (e.g. 6.1.0-56-amd64)
#   tests/vm/kernel.sh fetch KVER DIR unpack linux-image-KVER into DIR, once:
#                                     DIR/vmlinuz, DIR/config and
#                                     DIR/lib/modules/KVER/ with modules.dep
#
# The image is fetched with `apt-get download` and unpacked with dpkg-deb;
# nothing is installed on the host.  DIR is a cache: a finished unpack is
# marked by DIR/.complete and reused.
set -eu

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

# The release of the kernel the linux-headers-amd64 meta package points at,
# else the newest 6.1 tree under /lib/modules with a build link.
version() {
	kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/.*linux-headers-\(6\.1\.[^ ,]*\).*/\1/p')
	if [ -z "$kver" ]; then
		kver=$(for d in /lib/modules/6.1.*/build; do
			[ -d "$d" ] && basename "$(dirname "$d")"
		done | sort -V | tail -n 1)
	fi
	[ -n "$kver" ] || die "no 6.1 kernel headers (apt-get install linux-headers-amd64)"
	echo "$kver"
}

fetch() {
	kver=$1
	dir=$2
	[ -e "$dir/.complete" ] && return 0

	rm -rf "$dir"
	mkdir -p "$dir/pkg"
	# apt drops to the _apt user for downloads when it runs as root;
	# that user may not write into the cache directory.
	sandbox=""
	[ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
	got=""
	for attempt in 1 2; do
		for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
			# shellcheck disable=SC2086
			if (cd "$dir/pkg" && apt-get $sandbox download -q "$pkg" >/dev/null 2>&1); then
				got=$pkg
				break 2
			fi
		done
		# A fresh machine may have no package lists yet.
		if [ "$attempt" = 1 ] && [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null || true
		fi
	done
	[ -n "$got" ] || die "cannot download linux-image-$kver (is it still in the apt index? apt-get update; apt-get install linux-headers-amd64)"

	dpkg-deb -x "$dir/pkg/${got}_"*.deb "$dir/root"
	mv "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinuz"
	mv "$dir/root/boot/config-$kver" "$dir/config"
	mkdir -p "$dir/lib/modules"
	mv "$dir/root/lib/modules/$kver" "$dir/lib/modules/"
	rm -rf "$dir/root" "$dir/pkg"
	depmod -b "$dir" "$kver"
	touch "$dir/.complete"
}

case "${1:-}" in
version)
	version
	;;
fetch)
	[ $# = 3 ] || die "usage: kernel.sh fetch KVER DIR"
	fetch "$2" "$3"
	;;
*)
	die "usage: kernel.sh version | fetch KVER DIR"
	;;
esac
