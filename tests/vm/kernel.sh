#!/bin/sh
# The guest kernels: Debian's own images, matching installed headers.
#
#   tests/vm/kernel.sh version [SEL]  print the release SEL names
#                                     (e.g. 6.1.0-57-amd64)
#   tests/vm/kernel.sh package [SEL]  print the headers package that brings it
#   tests/vm/kernel.sh fetch KVER DIR unpack linux-image-KVER into DIR, once:
#                                     DIR/vmlinuz, DIR/config and
#                                     DIR/lib/modules/KVER/ with modules.dep
#
# SEL, the kernel selector (VM_KVER= of the make targets), is one of
#   6.1 (or empty)  Debian 12's default kernel (linux-headers-amd64)
#   6.12            Debian 12's 6.12 line (linux-headers-6.12-amd64)
#   6.12-rt         its PREEMPT_RT flavour (linux-headers-6.12-rt-amd64)
#   a release       e.g. 6.12.117+deb12-amd64, whose headers are installed
#
# The image is fetched with `apt-get download` and unpacked with dpkg-deb;
# nothing is installed on the host.  DIR is a cache: a finished unpack is
# marked by DIR/.complete and reused.  6.12 images ship xz-compressed
# modules; mkinitramfs.sh and the e2e test decompress the few they load.
set -eu

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

# The headers meta package of a selector, and the glob of its releases.
package() {
	case "${1:-6.1}" in
	6.1) echo linux-headers-amd64 ;;
	6.12) echo linux-headers-6.12-amd64 ;;
	6.12-rt) echo linux-headers-6.12-rt-amd64 ;;
	*) echo "linux-headers-$1" ;;
	esac
}

release_glob() {
	case "${1:-6.1}" in
	6.1) echo '6.1.*-amd64' ;;
	6.12) echo '6.12.*+deb12-amd64' ;;
	6.12-rt) echo '6.12.*+deb12-rt-amd64' ;;
	esac
}

# The release the selector's meta package depends on, else the newest
# matching tree under /lib/modules with a build link.
version() {
	sel=${1:-6.1}
	if [ -d "/lib/modules/$sel/build" ]; then
		echo "$sel"
		return 0
	fi
	glob=$(release_glob "$sel")
	[ -n "$glob" ] || die "unknown kernel '$sel': 6.1, 6.12, 6.12-rt or an installed release"
	meta=$(package "$sel")
	kver=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' |
		while read -r k; do
			# shellcheck disable=SC2254
			case $k in $glob) echo "$k" ;; esac
		done | head -n 1)
	if [ -z "$kver" ]; then
		kver=$(for d in /lib/modules/$glob/build; do
			[ -d "$d" ] && basename "$(dirname "$d")"
		done | sort -V | tail -n 1)
	fi
	[ -n "$kver" ] || die "no headers for kernel $sel (apt-get install $meta)"
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
	version "${2:-}"
	;;
package)
	package "${2:-}"
	;;
fetch)
	[ $# = 3 ] || die "usage: kernel.sh fetch KVER DIR"
	fetch "$2" "$3"
	;;
*)
	die "usage: kernel.sh version [SEL] | package [SEL] | fetch KVER DIR"
	;;
esac
