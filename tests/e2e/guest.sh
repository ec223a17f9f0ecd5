#!/bin/bash
# The steps of `make systemd-test`, run by jsd-e2e.service inside the guest
# (see init and run.sh).  One line per step goes to the second serial port:
# "PASS what" or "FAIL what: why"; "INFO ..." lines carry figures; "DONE"
# ends the run.  The host counts them against the "PLAN n" line sent
# first (tests/vm/tally.sh): a step that never reported fails the run.  Details (dpkg's output, the journal
# after a failure) go to the third serial port.
#
# Environment (from init): JSD_KVER, JSD_REPO (the source tree, read-only),
# JSD_OUT (the .debs), JSD_N_HEADERS (kernels with headers in the guest).
set -u

exec 3>/dev/ttyS1	# results
exec 4>/dev/ttyS2	# details for build/e2e/guest.log
# (/dev/ttyS3 gets one screen of joystickctl tune: tune-steps.sh)
# The steps: one `check` line each at the end of this file.
echo "RUN guest.sh" >&3
echo "PLAN $(grep -c '^check ' "$0")" >&3
KVER=$JSD_KVER
INPUT=$JSD_REPO/build/e2e/e2e-input
INI=/etc/joystickd/joystickd.ini
STICK_VENDOR=6a73 STICK_PRODUCT=0001	# [stick] defaults: vendor "js", product 1

# Event codes (linux/input-event-codes.h).
ABS_X=0 ABS_Y=1 ABS_THROTTLE=6
KEY_SCROLLLOCK=70 BTN_LEFT=272

pass() { echo "PASS $*" >&3; }
fail() { echo "FAIL $*" >&3; }
info() { echo "INFO $*" >&3; }
# check DESCRIPTION COMMAND...: PASS if the command succeeds, else FAIL with
# the reason it left in $why.
why=""
check() {
	local what=$1 t0=$SECONDS
	shift
	why=""
	echo "=== $what" >&4
	if "$@"; then
		pass "$what"
	else
		fail "$what: ${why:-failed}"
		journalctl -q -n 30 --no-pager >&4
	fi
	echo "--- $((SECONDS - t0)) s" >&4
}

# The e2e-input coprocess: ask CMD, the answer goes to $reply.
reply=""
ask() {
	echo "$*" >&"${IN[1]}"
	read -r -t 30 reply <&"${IN[0]}" || reply="err no answer"
}
# ask CMD and demand "ok ..."; the words after "ok" go to $reply.
ask_ok() {
	ask "$@"
	case $reply in
	ok*) reply=${reply#ok}; reply=${reply# }; return 0 ;;
	*) why="e2e-input '$*': $reply"; return 1 ;;
	esac
}

main_pid() { systemctl show -P MainPID joystickd.service; }
n_restarts() { systemctl show -P NRestarts joystickd.service; }
journal() { journalctl -q -o cat -u joystickd.service --no-pager; }

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

is_active() { [ "$(systemctl is-active joystickd.service)" = active ]; }

# The stick's nodes: $stick (event) and $js.
stick=""
js=""
find_stick() {
	ask_ok stick $STICK_VENDOR $STICK_PRODUCT || return 1
	read -r stick js <<<"$reply"
}

# axis_is CODE VALUE: the stick's evdev node reports VALUE.
axis_is() {
	ask_ok wait-abs "$stick" "$1" "$2" 3000 && return 0
	why="axis $1 is ${reply#err } on $stick, expected $2"
	return 1
}

# jstest_state: the js node's state as joydev reports it on open (its
# "init" events), "a0=V a1=V ... b0=V b1=V ...".  jstest --event waits for
# more events after those, so it is stopped after 5 s.  (Its times are
# joydev's u32 milliseconds printed signed: negative early after boot.)
jstest_state() {
	timeout 5 jstest --event "$js" 2>&1 | tee /dev/fd/4 |
		sed -n 's/^Event: type 1\(29\|30\), time -\?[0-9]*, number \([0-9]*\), value \(-\?[0-9]*\)$/\1 \2=\3/p' |
		sed 's/^29 /b/; s/^30 /a/' | sort | tr '\n' ' '
}

# ---------------------------------------------------------------- install

# Kernels besides the real ones (with the default kernel, 6.1's and 6.12's
# headers; else the booted kernel's: run.sh):
# one with headers but outside the supported range, one in the range whose
# headers are missing.  Installing must skip both, saying why, and succeed.
OLD_KVER=5.10.0-99-amd64 HEADLESS_KVER=6.1.0-999-amd64

# The kernels DKMS must build for: every one with headers, but the old one.
kernels_with_headers() {
	local d k
	for d in /lib/modules/*/build/include; do
		k=${d#/lib/modules/}
		k=${k%%/*}
		[ "$k" != "$OLD_KVER" ] && echo "$k"
	done
}

# joystickd alone, as a user without joystickd-dkms installs it (dpkg -i
# installs no Recommends): it installs cleanly, names joystickd-dkms as
# Recommends: only, and brings no module.  Installed, not enabled: not
# started.
step_install_alone() {
	local out rc
	mkdir -p "/lib/modules/$OLD_KVER/build/include" "/lib/modules/$HEADLESS_KVER/kernel"
	out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$JSD_OUT"/joystickd_*.deb 2>&1 |
		tee /dev/fd/4; exit "${PIPESTATUS[0]}")
	rc=$?
	[ $rc = 0 ] || { why="dpkg -i joystickd: $(tail -n 5 <<<"$out" | tr '\n' ' ')"; return 1; }
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' joystickd 2>&1)" = "ii " ] ||
		{ why="joystickd is $(dpkg-query -W -f='${db:Status-Abbrev}' joystickd 2>&1)"; return 1; }
	! dpkg-query -W -f='${db:Status-Abbrev}' joystickd-dkms 2>/dev/null | grep -q '^i' ||
		{ why="joystickd-dkms got installed too"; return 1; }
	! dpkg-query -W -f='${Depends}' joystickd | grep -q joystickd-dkms ||
		{ why="Depends: $(dpkg-query -W -f='${Depends}' joystickd)"; return 1; }
	dpkg-query -W -f='${Recommends}' joystickd | grep -q '^joystickd-dkms ' ||
		{ why="Recommends: $(dpkg-query -W -f='${Recommends}' joystickd)"; return 1; }
	! modinfo -k "$KVER" joystickd_kfilter >/dev/null 2>&1 || { why="modinfo finds a module"; return 1; }
	[ ! -e /dev/joystickd_kfilter ] || { why="/dev/joystickd_kfilter exists"; return 1; }
	getent group joystickd >/dev/null || { why="no joystickd group"; return 1; }
	# Its modules-load.d file names a module that is not there: at boot
	# systemd-modules-load must pass over it, not fail.
	out=$(/lib/systemd/systemd-modules-load /usr/lib/modules-load.d/joystickd.conf 2>&1) ||
		{ why="systemd-modules-load fails without the module: $out"; return 1; }
	[ "$(systemctl is-active joystickd.service)" = inactive ] ||
		{ why="the install left the unit $(systemctl is-active joystickd.service)"; return 1; }
}

# Then joystickd-dkms: DKMS builds the module for every kernel with headers
# in the supported range, skips the others saying why, and succeeds.
step_install() {
	local t0=$SECONDS out k built=""
	# (Stopped by 0c; a failure there must not leave the evdev daemon running.)
	systemctl stop joystickd.service 2>/dev/null
	# Shown as it comes (guest.log): DKMS takes minutes under TCG.
	out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$JSD_OUT"/joystickd-dkms_*.deb 2>&1 |
		tee /dev/fd/4; exit "${PIPESTATUS[0]}")
	local rc=$?
	if [ $rc != 0 ]; then
		why="dpkg -i: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
		return 1
	fi
	info "dpkg -i joystickd-dkms with the DKMS builds took $((SECONDS - t0)) s"
	for k in $(kernels_with_headers); do
		if ! dkms status joystickd -k "$k" | grep -q 'installed'; then
			why="not built for $k; dkms status: $(dkms status joystickd | tr '\n' ' ')"
			return 1
		fi
		built="$built $k"
	done
	case $built in
	*" $KVER"*) ;;
	*) why="not built for the running kernel $KVER"; return 1 ;;
	esac
	[ "$(kernels_with_headers | wc -l)" = "$JSD_N_HEADERS" ] ||
		{ why="the guest has the headers of $(kernels_with_headers | wc -l) kernels, want $JSD_N_HEADERS"; return 1; }
	info "DKMS built and installed joystickd_kfilter for:$built"
	grep -q "skipping kernel $OLD_KVER: outside the supported range" <<<"$out" ||
		{ why="no skip line for $OLD_KVER"; return 1; }
	grep -q "skipping kernel $HEADLESS_KVER: its headers are not installed" <<<"$out" ||
		{ why="no skip line for $HEADLESS_KVER"; return 1; }
	for k in $OLD_KVER $HEADLESS_KVER; do
		! dkms status joystickd -k "$k" | grep -Eq 'built|installed' ||
			{ why="dkms status for $k: $(dkms status joystickd -k "$k")"; return 1; }
	done
	modinfo -k "$KVER" joystickd_kfilter >/dev/null 2>&1 || { why="modinfo finds no module"; return 1; }
}

# The backend-choice line of the daemon's latest start (journalctl -o cat).
backend_line() { journal | grep '^capture backend: ' | tail -n 1; }
# backend_is NAME LINE: the latest start logged LINE, and joystickctl status
# shows "backend: NAME".
backend_line_is() { [ "$(backend_line)" = "$1" ]; }
backend_is() {
	local status
	wait_for 5 backend_line_is "$2" ||
		{ why="backend line in the journal: '$(backend_line)', expected '$2'"; return 1; }
	status=$(joystickctl status 2>&1)
	grep -qx "backend: $1" <<<"$status" ||
		{ why="joystickctl status: $(grep '^backend' <<<"$status" || head -n 3 <<<"$status" | tr '\n' ' '), expected 'backend: $1'"; return 1; }
}

# ---------------------------------------------------------------- 0. evdev

# Without the module (joystickd alone) the unit starts all the same: the
# daemon's capture_backend = auto runs the evdev backend and says why.
EVDEV_LINE='capture backend: evdev (auto: /dev/joystickd_kfilter: No such file or directory, the joystickd_kfilter module is not loaded)'
step_evdev_start() {
	systemctl start joystickd.service ||
		{ why="systemctl start failed without the module: $(journal | tail -n 3 | tr '\n' ' ')"; return 1; }
	is_active || { why="not active"; return 1; }
	backend_is evdev "$EVDEV_LINE" || return 1
	info "journal: $(backend_line)"
	info "joystickctl status: $(joystickctl status 2>&1 | grep '^backend: ')"
	! grep -q '^joystickd_kfilter ' /proc/modules || { why="a joystickd_kfilter module is loaded"; return 1; }
	find_stick || return 1
	info "stick: $stick $js"
}

# ---------------------------------------------------------------- 1. start

step_start() {
	systemctl start joystickd.service || { why="systemctl start failed: $(journal | tail -n 3 | tr '\n' ' ')"; return 1; }
	is_active || { why="not active"; return 1; }
	grep -q '^joystickd_kfilter ' /proc/modules || { why="modprobe@ did not load the module"; return 1; }
	journal | grep -q '^running: stick /dev/input/event' ||
		{ why="no start line in the journal: $(journal | tail -n 3 | tr '\n' ' ')"; return 1; }
	backend_is kfilter 'capture backend: kfilter (auto: /dev/joystickd_kfilter opened)' || return 1
	find_stick || return 1
	udevadm settle
	local props
	props=$(udevadm info --query=property --name="$stick")
	grep -qx 'ID_INPUT_JOYSTICK=1' <<<"$props" || { why="$stick has no ID_INPUT_JOYSTICK=1"; return 1; }
	grep -q '^TAGS=.*:uaccess:' <<<"$props" || { why="$stick is not tagged uaccess"; return 1; }
	info "stick: $stick $js"
}

# ---------------------------------------------------------------- 2. flying

# Capture on (the shipped ini starts with it off) with the hotkey.
capture_on() {
	is_capturing && return 0
	ask_ok key $KEY_SCROLLLOCK 1 && ask_ok key $KEY_SCROLLLOCK 0 || return 1
	wait_for 5 is_capturing || { why="capture did not turn on: $(joystickctl status 2>&1 | head -n 1)"; return 1; }
}
is_capturing() { joystickctl status 2>/dev/null | grep -qx 'active: yes'; }

# first_abs CODE DX DY EXPECTED: the first value the stick reports after
# the move.
first_abs() {
	ask_ok first-abs "$stick" "$1" "$2" "$3" 3000 || return 1
	[ "$reply" = "$4" ] && return 0
	why="axis $1 first reported $reply after moving $2 $3, expected $4"
	return 1
}

# The shipped ini (joystickd.ini(5), OUTPUT: V(y) = lround(y * 32767)):
#  aileron  spring, sensitivity 800, deadzone 0.02, expo:0.3:
#           400 counts: s = 0.5, D = 0.48/0.98, C = 0.7 D + 0.3 D^3 = 0.37811
#           -> 12389; the spring (0.5/s) then brings it back to 0.
#  elevator the same on Y: -200 counts: s = -0.25 -> -5510.
#  throttle hold, sensitivity 10, trim -1: starts at -32767; +5 notches:
#           s = -0.5 -> -16384; +10 more: s = 0.5 -> 16384.
#  trigger  BTN_LEFT -> BTN_TRIGGER (js button 0).
step_fly() {
	axis_is $ABS_X 0 && axis_is $ABS_Y 0 && axis_is $ABS_THROTTLE -32767 || return 1
	capture_on || return 1
	first_abs $ABS_X 400 0 12389 || return 1
	axis_is $ABS_X 0 || return 1
	first_abs $ABS_Y 0 -200 -5510 || return 1
	axis_is $ABS_Y 0 || return 1
	ask_ok wheel 5 && axis_is $ABS_THROTTLE -16384 || return 1
	ask_ok btn $BTN_LEFT 1 || return 1
	# The desktop saw none of it.
	ask_ok drain && ask_ok move 50 50 && ask_ok seen 500 || return 1
	[ "$reply" = 0 ] || { why="the mouse's own node got $reply events while captured"; return 1; }
	# jstest (joydev) shows the same: axes 0 X, 1 Y, 2 throttle; buttons 0
	# trigger (held), 1 thumb.
	local state expected="a0=0 a1=0 a2=-16384 b0=1 b1=0 "
	state=$(jstest_state)
	[ "$state" = "$expected" ] || { why="jstest shows '$state', expected '$expected'"; return 1; }
	ask_ok btn $BTN_LEFT 0 && ask_ok wheel 10 && axis_is $ABS_THROTTLE 16384 || return 1
	axis_is $ABS_X 0 && axis_is $ABS_Y 0
}

# ---------------------------------------------------------------- 3. reload

stick_sys() { readlink -f "/sys/class/input/${stick#/dev/input/}/device"; }

# With "curve = power:2" on the throttle (s = 0.5 kept): C = 0.25 -> 8192.
step_reload() {
	local node=$stick sys
	sys=$(stick_sys)
	sed -i 's/^all_actions = no$/all_actions = no\ncurve = power:2/' $INI
	grep -q '^curve = power:2$' $INI || { why="could not edit $INI"; return 1; }
	systemctl reload joystickd.service || { why="systemctl reload failed"; return 1; }
	axis_is $ABS_THROTTLE 8192 || return 1
	ask_ok wheel -10 && axis_is $ABS_THROTTLE -8192 || return 1
	find_stick || return 1
	if [ "$stick" != "$node" ] || [ "$(stick_sys)" != "$sys" ]; then
		why="the stick changed: $node -> $stick"
		return 1
	fi
	is_active || { why="not active after the reload"; return 1; }
}

# A broken edit: the old mapping stays (power:2: +10 notches, s = 0.5 -> 8192,
# where linear would give 16384) and the journal names file:line.
# systemctl reload reports the rejected file as a failure (ExecReload waits
# for the daemon's verdict); the daemon keeps flying the old mapping.  The
# good file comes back whatever happened, so that later steps can restart.
step_reload_broken() {
	local rc=0
	sed -i 's/^curve = power:2$/curve = power:99/' $INI
	reload_broken || rc=1
	sed -i 's/^curve = power:99$/curve = power:2/' $INI
	return $rc
}
reload_broken() {
	local line
	line=$(grep -n '^curve = power:99$' $INI | cut -d: -f1)
	[ -n "$line" ] || { why="could not edit $INI"; return 1; }
	! systemctl reload joystickd.service 2>/dev/null || { why="systemctl reload succeeded on a broken file"; return 1; }
	is_active || { why="not active after a broken reload"; return 1; }
	wait_for 5 journal_has "^$INI:$line: " ||
		{ why="no '$INI:$line:' in the journal: $(journal | tail -n 2 | tr '\n' ' ')"; return 1; }
	ask_ok wheel 10 && axis_is $ABS_THROTTLE 8192 || return 1
}
journal_has() { journal | grep -q -- "$1"; }

# ---------------------------------------------------------------- 4. crashes

# kill -9: the kernel drops the capture with the daemon's file, so the very
# next mouse frame reaches the desktop; systemd restarts the daemon.
step_kill9() {
	local pid restarts n us
	capture_on || return 1
	ask_ok drain && ask_ok move 5 5 && ask_ok seen 300 || return 1
	[ "$reply" = 0 ] || { why="not swallowing before the kill ($reply events)"; return 1; }
	pid=$(main_pid)
	restarts=$(n_restarts)
	ask_ok kill-move "$pid" 7 7 1000 || return 1
	read -r n us <<<"$reply"
	[ "$n" -ge 2 ] || { why="after kill -9 the desktop got $n events of the next frame"; return 1; }
	info "kill -9: the next mouse frame reached the desktop ${us} us after the daemon was gone"
	wait_for 30 restarted "$pid" "$restarts" || { why="no restart: $(systemctl is-active joystickd)"; return 1; }
	# A new daemon, a new stick: the throttle is back at its trim (idle).
	find_stick && axis_is $ABS_THROTTLE -32767
}
restarted() {
	is_active && [ "$(main_pid)" != "$1" ] && [ "$(main_pid)" != 0 ] &&
		[ "$(n_restarts)" -gt "$2" ]
}

# kill -STOP: no more watchdog pings; after WatchdogSec systemd kills and
# restarts it.
step_stop_signal() {
	local pid restarts t0=$SECONDS
	pid=$(main_pid)
	restarts=$(n_restarts)
	kill -STOP "$pid"
	wait_for 60 restarted "$pid" "$restarts" || { why="no restart after 60 s: $(systemctl is-active joystickd)"; return 1; }
	journal_has 'Watchdog timeout' || { why="restarted, but not by the watchdog"; return 1; }
	info "kill -STOP: the watchdog restarted joystickd after $((SECONDS - t0)) s"
	find_stick
}

# ---------------------------------------------------------------- 5. control

step_control() {
	local out
	if ! useradd --system --no-create-home --groups joystickd e2e-pilot ||
	   ! useradd --system --no-create-home e2e-other; then
		why="useradd failed"
		return 1
	fi
	out=$(joystickctl status 2>&1) || { why="as root: $out"; return 1; }
	grep -q '^active: ' <<<"$out" || { why="as root, no 'active:' line: $out"; return 1; }
	out=$(runuser -u e2e-pilot -- joystickctl status 2>&1) || { why="as a joystickd member: $out"; return 1; }
	grep -q '^active: ' <<<"$out" || { why="as a joystickd member, no 'active:' line: $out"; return 1; }
	if out=$(runuser -u e2e-other -- joystickctl status 2>&1); then
		why="another user was let in: $out"
		return 1
	fi
	grep -q 'permission denied' <<<"$out" || { why="another user got: $out"; return 1; }
}

# ---------------------------------------------------------------- 5b. games

# Profiles that follow the game under the unit's hardening: a process of
# another user (e2e-pilot) named DCS.exe makes the profile with "games =
# dcs.exe" current, and its exit brings "default" back.  ProtectProc=
# invisible would hide it from the daemon (root without CAP_SYS_PTRACE).
step_games() {
	local rc=0
	cp $INI /run/jsd-e2e.ini
	printf '\n[profile dcs]\ngames = dcs.exe\n\n[axis aileron]\ntarget = ABS_X\nsource = REL_X\n' >>$INI
	games_follow || rc=1
	cp /run/jsd-e2e.ini $INI
	systemctl reload joystickd.service || { why="${why:+$why; }reload of the shipped ini failed"; rc=1; }
	return $rc
}
profile_is() { joystickctl status 2>/dev/null | grep -qx "profile: $1"; }
games_follow() {
	local pid dir=/var/tmp/jsd-e2e-games
	systemctl reload joystickd.service || { why="reload with [profile dcs] failed"; return 1; }
	mkdir -p $dir && cp "$(command -v sleep)" $dir/DCS.exe && chmod 0755 $dir $dir/DCS.exe || return 1
	runuser -u e2e-pilot -- $dir/DCS.exe 60 &
	pid=$!
	wait_for 5 profile_is dcs || { why="e2e-pilot's DCS.exe did not make profile dcs current: $(joystickctl status | grep -E '^(profile|game):' | tr '\n' ' ')"; kill $pid; return 1; }
	journal_has "^profile dcs: game DCS.exe (pid " || { why="the journal does not name the game"; kill $pid; return 1; }
	kill $pid
	wait $pid 2>/dev/null
	wait_for 5 profile_is default || { why="profile default did not return after the game's exit"; return 1; }
}

# ---------------------------------------------------------------- 9. doctor

. "$JSD_REPO/tests/e2e/doctor-steps.sh"

# 5c ... 5f: live changes and joystickctl tune (issue 18).
# shellcheck source=tests/e2e/tune-steps.sh
. "$JSD_REPO/tests/e2e/tune-steps.sh"

# ---------------------------------------------------------------- 6. stop

# stop_frees_mouse: with capture on, systemctl stop removes the stick and
# the desktop gets the mouse's events again.
stop_frees_mouse() {
	local node
	capture_on || return 1
	node=$stick
	systemctl stop joystickd.service || { why="systemctl stop failed"; return 1; }
	ask_ok gone "$node" 5000 || { why="$node is still there"; return 1; }
	ask_ok drain && ask_ok move 3 3 && ask_ok seen 1000 || return 1
	[ "$reply" -ge 2 ] || { why="the desktop got $reply events after the stop"; return 1; }
}

step_stop() {
	stop_frees_mouse || return 1
	grep -q '^joystickd_kfilter ' /proc/modules || { why="the module was unloaded"; return 1; }
	[ "$(cat /sys/module/joystickd_kfilter/refcnt)" = 0 ] || { why="the module is still in use"; return 1; }
}

# ---------------------------------------------------------------- 7. security

step_security() {
	local out level
	out=$(systemd-analyze security joystickd.service 2>&1)
	level=$(sed -n 's/.*Overall exposure level for joystickd.service: \([0-9.]*\).*/\1/p' <<<"$out")
	[ -n "$level" ] || { why="no exposure level: $(tail -n 1 <<<"$out")"; return 1; }
	info "systemd-analyze security joystickd.service: exposure $level"
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || { why="exposure $level is above 2.0"; return 1; }
}

# ---------------------------------------------------------------- 8. removal

step_remove() {
	local out f
	out=$(dpkg -r joystickd joystickd-dkms 2>&1) || { why="dpkg -r: $(tail -n 3 <<<"$out" | tr '\n' ' ')"; return 1; }
	for f in /usr/sbin/joystickd /usr/bin/joystickctl /lib/systemd/system/joystickd.service \
		 /lib/udev/rules.d/60-joystickd.rules /usr/lib/modules-load.d/joystickd.conf \
		 /usr/src/joystickd-* /var/lib/dkms/joystickd \
		 /lib/modules/*/updates/dkms/joystickd_kfilter.ko*; do
		[ ! -e "$f" ] || { why="$f is still there"; return 1; }
	done
	[ -z "$(dkms status joystickd)" ] || { why="dkms status: $(dkms status joystickd)"; return 1; }
	! modinfo -k "$KVER" joystickd_kfilter >/dev/null 2>&1 || { why="modinfo still finds the module"; return 1; }
	[ -e $INI ] || { why="dpkg -r removed the conffile"; return 1; }
	out=$(dpkg -P joystickd joystickd-dkms 2>&1) || { why="dpkg -P: $out"; return 1; }
	[ ! -e /etc/joystickd ] || { why="/etc/joystickd is left after the purge"; return 1; }
	rmmod joystickd_kfilter || { why="rmmod failed"; return 1; }
}

# ---------------------------------------------------------------- kernel log

step_dmesg() {
	local bad
	bad=$(dmesg | grep -E 'BUG|WARNING|Oops|Call Trace|general protection|RIP:|refcount_t|UBSAN|KASAN|list_(add|del) corruption|soft lockup|hung_task|blocked for more than|segfault')
	[ -z "$bad" ] || { why="$(head -n 3 <<<"$bad" | tr '\n' ' ')"; return 1; }
	# Tainted by nothing but an out-of-tree (O, 4096), unsigned (E, 8192) module.
	local taint
	taint=$(cat /proc/sys/kernel/tainted)
	[ $((taint & ~(4096 | 8192))) = 0 ] || { why="kernel tainted $taint"; return 1; }
}

# ---------------------------------------------------------------- run

# Keep dpkg quick under TCG: no man-db index update.
rm -f /var/lib/man-db/auto-update

# Coldplug done: evdev, joydev and uinput are there.
udevadm settle
coproc IN { "$INPUT"; }
ask_ok nodes || { fail "e2e-input: $why"; echo DONE >&3; exit 0; }
info "test mouse and keyboard: $reply"

check "install: dpkg -i joystickd alone succeeds (joystickd-dkms only Recommends:, not installed), no module, unit not started" step_install_alone
check "0a. without the module: systemctl start joystickd: active, journal says evdev and why, joystickctl status 'backend: evdev'" step_evdev_start
check "0b. evdev backend: mouse moves fly the stick as the shipped ini predicts (evdev and jstest), the desktop sees nothing" step_fly
check "0c. evdev backend: systemctl stop while capturing: stick gone, mouse free" stop_frees_mouse
check "install: dpkg -i joystickd-dkms succeeds; DKMS built the module for each of the $JSD_N_HEADERS kernels with headers, skipped $OLD_KVER (out of range) and $HEADLESS_KVER (no headers)" step_install
check "1. systemctl start joystickd: active, modprobe@ loaded the module, kfilter backend (journal, status), start line logged, stick has ID_INPUT_JOYSTICK=1 and uaccess" step_start
check "2. mouse moves fly the stick as the shipped ini predicts (evdev and jstest), the desktop sees nothing" step_fly
check "3a. ini edited (throttle curve power:2) + reload: new curve applies, same event node" step_reload
check "3b. broken ini + reload: systemctl reload fails, old mapping kept, journal names $INI:line" step_reload_broken
check "4a. kill -9: the mouse is released at once, systemd restarts joystickd, the stick is back" step_kill9
check "4b. kill -STOP: the watchdog restarts joystickd" step_stop_signal
check "5. joystickctl status: root and group joystickd yes, another user refused" step_control
check "5b. games = dcs.exe: another user's DCS.exe makes its profile current under the unit's hardening, its exit brings default back" step_games
check "5c. live changes on the conffile: a joystickd member sets (the stick follows at once) and diffs but cannot save it, another user can do neither; root saves: one line changed, still a root:root 0644 conffile; a reload keeps it" step_live_conffile
check "5d. joystickctl tune aileron under tmux: the axis and its curve, the live point moves with the mouse, Right sets sensitivity 840 in the daemon and u undoes it, a resize redraws, q gives the terminal back (stty -a unchanged)" step_tune
check "5e. tune with LANG=C and NO_COLOR: ASCII only, no colour; Ctrl-C gives the terminal back" step_tune_ascii
check "5f. tune ended by SIGTERM and by the daemon stopping: the terminal given back each time" step_tune_ends
check "9a. joystickctl doctor: all is well (exit 0, --json valid), $SEAT_USER at seat0 reads the stick; a variable hiding it from SDL warns" step_doctor_ok
check "9b. doctor, service stopped: fails, the fix is 'sudo systemctl start joystickd'" step_doctor_service_stopped
check "9c. doctor, module gone for this kernel: the evdev backend flies, doctor warns and names DKMS" step_doctor_module_absent
check "9d. doctor, 60-input-id.rules overridden: no ID_INPUT_JOYSTICK, the fix names the file" step_doctor_udev_rule
check "9e. doctor, 73-seat-late.rules overridden: no uaccess ACL, the seat user cannot read the stick, the fix names the file" step_doctor_no_uaccess
check "9f. doctor, a mouse another program grabs: fails naming the program, passes once it lets go" step_doctor_grab
check "6. systemctl stop: stick gone, mouse free, module loaded and unused" step_stop
check "7. systemd-analyze security: exposure 2.0 or lower" step_security
check "8. dpkg -r and -P remove everything, DKMS module included" step_remove
check "kernel log clean (no BUG, WARNING, Oops, ...), tainted only by the module" step_dmesg

echo DONE >&3
