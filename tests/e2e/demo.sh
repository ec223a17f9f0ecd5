#!/bin/bash
# make demo, inside the guest (see run.sh --demo): joystickd from the source
# tree flies the shipped config/joystickd.ini while a scripted virtual mouse
# draws circles, and `joystickctl monitor` shows the stick on the second
# serial port, which is the terminal of `make demo`.
#
# Environment (from init): JSD_REPO (the source tree), JSD_KVER.
set -u

tty=/dev/ttyS1
exec >$tty 2>&1
stty -F $tty rows 24 cols 80 2>/dev/null
repo=$JSD_REPO

stop() {
	echo "demo: $*"
	systemctl poweroff --force --force
}

echo "demo: loading joystickd_kfilter and starting joystickd from $repo"
udevadm settle
insmod "$repo/kfilter/joystickd_kfilter.ko" || stop "insmod failed"
"$repo/build/joystickd" --config "$repo/config/joystickd.ini" 2>/dev/null &
for _ in $(seq 300); do
	[ -S /run/joystickd/control.sock ] && break
	sleep 0.1
done
[ -S /run/joystickd/control.sock ] || stop "joystickd did not start"

coproc IN { "$repo/build/e2e/e2e-input"; }
# Scroll Lock: capture on.
for cmd in "key 70 1" "key 70 0"; do
	echo "$cmd" >&"${IN[1]}"
	read -r _ <&"${IN[0]}"
done
echo "demo: flying circles for 20 s (mouse X/Y: aileron/elevator, wheel: throttle, left button: trigger)"
sleep 1
"$repo/build/joystickctl" monitor &
monitor=$!
echo "fly 20" >&"${IN[1]}"
read -r _ <&"${IN[0]}"
kill -INT $monitor
wait $monitor
stop "done"
