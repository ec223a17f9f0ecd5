# `joystickctl doctor` in the systemd guest (sourced by guest.sh, which
# runs the steps): it passes on the working system, with a user logged in
# at seat0 who can read the stick, and for each fault made on purpose it
# fails, or warns, on the line that names the fault, with the fix.  Each
# step undoes its fault, whatever happened, and leaves the service running
# with the kernel filter.
#
# The seat session: agetty logs e2e-seat in on tty2 (as systemd's own
# logind tests do), pam_systemd registers the session with logind on
# seat0, and `loginctl activate` switches to its VT, which makes it the
# active session: logind gives its user the stick's uaccess ACL.

SEAT_USER=e2e-seat
GETTY_DROPIN=/run/systemd/system/getty@tty2.service.d/autologin.conf
DOCTOR_OUT=/tmp/doctor.out

# doctor [ARGS]: runs joystickctl doctor; its output in $DOCTOR_OUT (and
# guest.log), its exit status in $doctor_rc.
doctor_rc=0
doctor() {
	joystickctl doctor "$@" >$DOCTOR_OUT 2>&1
	doctor_rc=$?
	{ echo "--- joystickctl doctor $* (exit $doctor_rc)"; cat $DOCTOR_OUT; } >&4
}
# doctor_line LEVEL CHECK TEXT: a line "LEVEL  CHECK ... TEXT ...".
doctor_line() {
	grep -E "^$1 +$2 " $DOCTOR_OUT | grep -qF -- "$3" && return 0
	why="no '$1 $2 ...$3...' line: $(grep -E '^(fail|warn)' $DOCTOR_OUT | head -n 3 | tr '\n' '|')"
	return 1
}
# doctor_fix CHECK TEXT: the fix under a line of CHECK holds TEXT.
doctor_fix() {
	grep -A1 -E "^(fail|warn) +$1 " $DOCTOR_OUT | grep -E '^ +fix: ' | grep -qF -- "$2" && return 0
	why="the $1 line's fix does not say '$2': $(grep -A1 -E "^(fail|warn) +$1 " $DOCTOR_OUT | tr '\n' '|')"
	return 1
}
doctor_fails() {
	[ "$doctor_rc" = 1 ] || { why="doctor exit $doctor_rc, want 1"; return 1; }
}

session_id() { loginctl list-sessions --no-legend | awk -v u=$SEAT_USER '$3 == u { print $1; exit }'; }
session_active() { [ -n "$(session_id)" ] && [ "$(loginctl show-session -P Active "$(session_id)")" = yes ]; }

# A session of $SEAT_USER at seat0, active.
seat_session() {
	local sid
	session_active && return 0
	id $SEAT_USER >/dev/null 2>&1 || useradd -m -s /bin/bash $SEAT_USER || { why="useradd failed"; return 1; }
	# jsd-e2e.target is not multi-user.target: let users log in (/run/nologin).
	systemctl start systemd-user-sessions.service
	mkdir -p "$(dirname $GETTY_DROPIN)"
	printf '[Service]\nType=simple\nExecStart=\nExecStart=-/sbin/agetty --autologin %s --noclear %%I linux\nRestart=no\n' \
		$SEAT_USER >$GETTY_DROPIN
	systemctl daemon-reload
	systemctl restart getty@tty2.service
	wait_for 90 eval '[ -n "$(session_id)" ]' ||
		{ why="no logind session for $SEAT_USER: $(loginctl list-sessions --no-legend | tr '\n' '|') $(systemctl status getty@tty2.service 2>&1 | tail -n 3 | tr '\n' '|')"; return 1; }
	sid=$(session_id)
	[ "$(loginctl show-session -P Seat "$sid")" = seat0 ] ||
		{ why="session $sid is on seat '$(loginctl show-session -P Seat "$sid")', want seat0"; return 1; }
	loginctl activate "$sid"
	wait_for 20 session_active || { why="session $sid is not active: $(loginctl show-session "$sid" | tr '\n' ' ')"; return 1; }
}

# The stick node can be read by $SEAT_USER (the ACL logind gave).
seat_user_reads() { runuser -u $SEAT_USER -- test -r "$1"; }

step_doctor_ok() {
	seat_session || return 1
	find_stick || return 1
	wait_for 10 seat_user_reads "$stick" || { why="$SEAT_USER cannot read $stick: $(getfacl "$stick" 2>&1 | tr '\n' ' ')"; return 1; }
	doctor
	[ "$doctor_rc" = 0 ] || { why="doctor exit $doctor_rc: $(grep -E '^(fail|warn)' $DOCTOR_OUT | tr '\n' '|')"; return 1; }
	doctor_line ok access "$SEAT_USER (seat0, session $(session_id)) can read $stick and $js" || return 1
	doctor_line ok udev "ID_INPUT_JOYSTICK=1" && doctor_line ok module "is loaded" &&
		doctor_line ok sdl "not a gamepad" && doctor_line ok grab "no mouse is grabbed" || return 1
	grep -q '^A game will see the stick: all is well.$' $DOCTOR_OUT || { why="no verdict line"; return 1; }
	# --json: valid JSON (jq parses it), the same verdict.
	joystickctl doctor --json >/tmp/doctor.json
	jq -e '.game_sees_stick == true and .problems == 0 and (.checks | length) > 8' /tmp/doctor.json >/dev/null ||
		{ why="--json: $(head -c 300 /tmp/doctor.json | tr '\n' ' ')"; return 1; }
	# A variable that hides the stick from SDL, in doctor's own environment.
	SDL_GAMECONTROLLER_IGNORE_DEVICES=0x045e/0x028e,0x6a73/0x0001 doctor
	doctor_fails && doctor_line warn env "SDL_GAMECONTROLLER_IGNORE_DEVICES=0x045e/0x028e,0x6a73/0x0001 in joystickctl's environment: it names the stick"
}

step_doctor_service_stopped() {
	local rc=0
	systemctl stop joystickd.service
	doctor
	{ doctor_fails && doctor_line fail service "joystickd.service is inactive (dead)" &&
		doctor_fix service "sudo systemctl start joystickd" &&
		doctor_line fail stick "no stick"; } || rc=1
	systemctl start joystickd.service || { why="${why:+$why; }restart failed"; rc=1; }
	return $rc
}

# The module gone for this kernel (DKMS's build moved away): the service
# starts with the evdev backend; doctor warns and names DKMS.
KO_AWAY=/root/joystickd_kfilter.ko.away
step_doctor_module_absent() {
	local rc=0 ko
	ko=$(modinfo -k "$KVER" -n joystickd_kfilter 2>/dev/null)
	[ -n "$ko" ] || { why="no module file for $KVER"; return 1; }
	systemctl stop joystickd.service
	rmmod joystickd_kfilter || { why="rmmod failed"; systemctl start joystickd.service; return 1; }
	mv "$ko" $KO_AWAY && depmod -a "$KVER"
	systemctl start joystickd.service && wait_for 5 backend_line_is "$EVDEV_LINE" && find_stick ||
		{ why="the service did not start on evdev"; rc=1; }
	if [ $rc = 0 ]; then
		doctor
		{ doctor_fails && doctor_line warn module "joystickd_kfilter is not built for the running kernel $KVER" &&
			doctor_fix module "dkms autoinstall" && doctor_line ok stick "$stick"; } || rc=1
	fi
	systemctl stop joystickd.service
	mv $KO_AWAY "$ko" && depmod -a "$KVER"
	systemctl start joystickd.service && find_stick || { why="${why:+$why; }the module did not come back"; rc=1; }
	return $rc
}

# restart_stick: a new stick device, processed by the rules as they are now.
restart_stick() {
	udevadm control --reload
	systemctl restart joystickd.service && find_stick && udevadm settle
}

# doctor_with_override RULE CHECK TEXT: systemd's RULE overridden by an
# empty file in /etc/udev/rules.d, and a new stick made under it: doctor
# fails on CHECK with TEXT (@STICK@ is the new stick's node), and the fix
# names the file.  Then the rule comes back, and a stick made under it,
# readable by the seat user again.
doctor_with_override() {
	local rc=0 rule=/etc/udev/rules.d/$1
	: >$rule
	restart_stick || rc=1
	if [ $rc = 0 ]; then
		doctor
		{ doctor_fails && doctor_line fail "$2" "${3//@STICK@/$stick}" &&
			doctor_fix "$2" "$rule overrides systemd's $1"; } || rc=1
	fi
	rm -f $rule
	restart_stick && { ! session_active || wait_for 10 seat_user_reads "$stick"; } ||
		{ why="${why:+$why; }no readable stick after restoring $1"; rc=1; }
	return $rc
}

# No 60-input-id.rules: no ID_INPUT_JOYSTICK.
step_doctor_udev_rule() {
	doctor_with_override 60-input-id.rules udev "has not marked @STICK@ ID_INPUT_JOYSTICK=1"
}

# No 73-seat-late.rules: the uaccess builtin does not run, the seat user
# gets no ACL on the new stick.
step_doctor_no_uaccess() {
	seat_session || return 1
	doctor_with_override 73-seat-late.rules access \
		"$SEAT_USER (seat0, session $(session_id)) cannot read @STICK@"
}

# Another program holds EVIOCGRAB on the mouse: doctor names it.
step_doctor_grab() {
	local rc=0
	ask_ok grab 1 || return 1
	doctor
	{ doctor_fails && doctor_line fail grab "'joystickd-e2e mouse'" &&
		doctor_line fail grab "is grabbed by another program (EVIOCGRAB)" &&
		doctor_fix grab "stop e2e-input (pid $(pidof e2e-input))"; } || rc=1
	ask_ok grab 0 || rc=1
	doctor
	[ "$doctor_rc" = 0 ] || { why="${why:+$why; }after the grab ended doctor exits $doctor_rc: $(grep -E '^(fail|warn)' $DOCTOR_OUT | tr '\n' '|')"; rc=1; }
	return $rc
}
