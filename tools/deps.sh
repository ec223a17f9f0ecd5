#!/bin/sh
# Install the Debian packages a make target needs.
#
#   tools/deps.sh GROUP...     groups: build kmod unit vm lint deb e2e debugk fuzz bench
#                              kernels; or pkg:NAME for one package
#
# As root, missing packages are installed with apt-get.  Otherwise the one
# apt-get command that would install them is printed and the exit status is 1.
set -eu

pkgs_build="build-essential pkg-config libevdev-dev libudev-dev libsystemd-dev libinih-dev libncurses-dev"
pkgs_kmod="linux-headers-amd64"
pkgs_unit="libcmocka-dev valgrind gcc-multilib locales libxml2-utils"
pkgs_vm="linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod gcc-multilib udev xz-utils"
# The headers of every kernel the VM matrix boots (tests/vm/kernel.sh).
pkgs_kernels="linux-headers-amd64 linux-headers-6.12-amd64 linux-headers-6.12-rt-amd64"
pkgs_lint="sparse linux-source-6.1"
pkgs_deb="debhelper dh-dkms dkms dpkg-dev lintian fakeroot"
pkgs_e2e="udev joystick systemd jq tmux procps"
pkgs_debugk="linux-source-6.1 build-essential flex bison bc libelf-dev libssl-dev cpio xz-utils"
pkgs_fuzz="clang libclang-rt-14-dev"
pkgs_bench="gnuplot-nox interception-tools valgrind gdb linux-perf"

want=""
for group in "$@"; do
	case $group in
	pkg:?*)
		want="$want ${group#pkg:}"
		continue
		;;
	*[!a-z0-9]*)
		echo "deps.sh: unknown group '$group'" >&2
		exit 2
		;;
	esac
	eval "list=\${pkgs_$group:-}"
	if [ -z "$list" ]; then
		echo "deps.sh: unknown group '$group'" >&2
		exit 2
	fi
	want="$want $list"
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "Missing packages. Install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/joystickd-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
	apt-get update -q >/dev/null
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
