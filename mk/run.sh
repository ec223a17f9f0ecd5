#!/bin/sh
# sudo make run: build, load the module, run joystickd in the foreground.
#
#   mk/run.sh KVER
#
# Installs what is missing with apt (tools/deps.sh, and the headers of the
# running kernel), builds the daemon and the module for KVER, loads the
# module with insmod and runs build/joystickd with config/joystickd.ini.
# Where the module cannot be built or loaded (no headers, Secure Boot), the
# daemon runs anyway and flies with its evdev backend (capture_backend =
# auto), saying so.  Ctrl-C stops the daemon (which releases the mouse) and
# unloads the module.
set -eu

kver=$1
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "make run loads a kernel module: run it as root (sudo make run)" >&2
	exit 1
fi
if [ -d /run/systemd/system ] && systemctl -q is-active joystickd.service; then
	echo "joystickd.service is running; stop it first: systemctl stop joystickd" >&2
	exit 1
fi
if grep -qs '^joystickd_kfilter ' /proc/modules; then
	echo "joystickd_kfilter is loaded already (an installed copy?); unload it first: rmmod joystickd_kfilter" >&2
	exit 1
fi

tools/deps.sh build
make --no-print-directory all

# The module if we can; else the evdev backend.
module=yes
if [ ! -e "/lib/modules/$kver/build" ]; then
	echo "make run: installing linux-headers-$kver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "linux-headers-$kver" >/dev/null || {
		echo "make run: no linux-headers-$kver package: no kernel module; joystickd uses its evdev backend" >&2
		module=no
	}
fi
if [ "$module" = yes ] && ! make --no-print-directory -C kfilter KDIR="/lib/modules/$kver/build"; then
	echo "make run: the module did not build for $kver; joystickd uses its evdev backend" >&2
	module=no
fi

modprobe uinput 2>/dev/null || true
if [ "$module" = yes ] && ! insmod kfilter/joystickd_kfilter.ko; then
	echo "make run: insmod failed (with Secure Boot on, the module must be signed: see README.md); joystickd uses its evdev backend" >&2
	module=no
fi

# Ctrl-C goes to the whole foreground group: the daemon quits on it and
# releases the mouse; this script only waits for it and cleans up.  (A
# trapped signal, unlike an ignored one, is not inherited by the daemon.)
trap ':' INT TERM
status=0
build/joystickd --config config/joystickd.ini || status=$?
if [ "$module" = yes ]; then
	rmmod joystickd_kfilter || echo "make run: could not unload joystickd_kfilter" >&2
fi
exit "$status"
