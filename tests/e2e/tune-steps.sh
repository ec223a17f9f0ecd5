# shellcheck shell=bash
# Steps of `make systemd-test` for live changes and `joystickctl tune`
# (issue 18), sourced by guest.sh, which lists them with `check` and
# gives them its helpers (ask_ok, wait_for, first_abs, axis_is, capture_on,
# find_stick, why, ...).  They run against the installed package: the
# shipped ini as the conffile /etc/joystickd/joystickd.ini, the service
# under systemd, the users e2e-pilot (group joystickd) and e2e-other.
#
# The tuner runs in a tmux pane, as a person runs it: keys go in with
# send-keys, the screen comes out with capture-pane.  One screen of it
# goes to the fourth serial port, for the README (tools/tune-screen.sh).

# ---------------------------------------------------------------- 5c. live changes

# A member sets, the stick follows at once; the member cannot save the
# root-owned conffile and is told what to do; a stranger can do neither;
# root saves: only that line changes, the conffile stays a root:root 0644
# regular file dpkg knows; a reload keeps it.  The file comes back as it
# was at the end, whatever happened.
step_live_conffile() {
	local rc=0
	cp -p $INI /tmp/ini.before
	live_conffile || rc=1
	cp -p /tmp/ini.before $INI
	systemctl reload joystickd.service || { why="${why:-}; reload of the original failed"; rc=1; }
	return $rc
}
live_conffile() {
	local out
	capture_on || return 1
	out=$(runuser -u e2e-pilot -- joystickctl set aileron sensitivity 400 2>&1) ||
		{ why="a member's set: $out"; return 1; }
	[ "$out" = "sensitivity = 400" ] || { why="set answered '$out'"; return 1; }
	# sensitivity 400: 200 counts are s = 0.5 -> 12389 (joystickd.ini(5); 400 counts at 800)
	first_abs $ABS_X 200 0 12389 && axis_is $ABS_X 0 || return 1
	out=$(runuser -u e2e-pilot -- joystickctl diff 2>&1)
	[ "$out" = $'[axis aileron]\nsensitivity = 400' ] || { why="diff: $out"; return 1; }
	if out=$(runuser -u e2e-pilot -- joystickctl save 2>&1); then
		why="a member saved the root-owned conffile: $out"
		return 1
	fi
	grep -q 'sudo joystickctl save' <<<"$out" || { why="a member's save says: $out"; return 1; }
	cmp -s /tmp/ini.before $INI || { why="a refused save changed $INI"; return 1; }
	if out=$(runuser -u e2e-other -- joystickctl set aileron sensitivity 500 2>&1) ||
	   ! grep -q 'permission denied' <<<"$out"; then
		why="a stranger's set: $out"
		return 1
	fi
	if out=$(runuser -u e2e-other -- joystickctl save 2>&1) ||
	   ! grep -q 'permission denied' <<<"$out"; then
		why="a stranger's save: $out"
		return 1
	fi
	out=$(joystickctl save 2>&1) || { why="root's save: $out"; return 1; }
	[ "$out" = "saved 1 change to $INI" ] || { why="root's save said: $out"; return 1; }
	out=$(diff /tmp/ini.before $INI)
	[ "$out" = $'63c63\n< sensitivity = 800\n---\n> sensitivity = 400' ] ||
		{ why="the saved conffile differs in: $(tr '\n' '|' <<<"$out")"; return 1; }
	[ -f $INI ] && [ ! -L $INI ] && [ "$(stat -c '%U:%G %a' $INI)" = "root:root 644" ] ||
		{ why="the conffile is now $(stat -c '%F %U:%G %a' $INI)"; return 1; }
	dpkg-query -W -f='${Conffiles}\n' joystickd | grep -q "^ $INI " ||
		{ why="dpkg no longer lists $INI as a conffile"; return 1; }
	out=$(joystickctl check-config $INI 2>&1) || { why="check-config: $out"; return 1; }
	out=$(joystickctl status 2>&1)
	grep -qx 'unsaved changes: none' <<<"$out" || { why="status after the save: $(grep unsaved <<<"$out")"; return 1; }
	systemctl reload joystickd.service || { why="systemctl reload failed"; return 1; }
	out=$(joystickctl get aileron sensitivity 2>&1)
	[ "$out" = "sensitivity = 400" ] || { why="after the reload: $out"; return 1; }
}

# ---------------------------------------------------------------- 5d-5f. tune

tm() { LANG=C.UTF-8 tmux -L jsd-tune "$@"; }
pane() { tm capture-pane -p -t tune "$@"; }
pane_has() { pane | grep -q -- "$1"; }
shell_back() { [ "$(tm display -p -t tune '#{pane_current_command}')" = bash ]; }

# tune_start ENV...: joystickctl tune aileron in the pane, the terminal's
# settings saved before and after it, its exit status printed.
tune_start() {
	tm send-keys -t tune "clear; stty -a >/tmp/stty.before; $* joystickctl tune aileron; echo \"tune exit \$?\"; stty -a >/tmp/stty.after" Enter
	wait_for 20 pane_has '^ tune \[axis aileron\] -> ABS_X' ||
		{ why="no tune screen: $(pane | head -n 3 | tr '\n' '|')"; return 1; }
}

# tune_ended STATUS: the pane is the shell's again, tune exited STATUS and
# the terminal's settings are what they were.
tune_ended() {
	wait_for 20 pane_has "^tune exit $1\$" ||
		{ why="no 'tune exit $1': $(pane | grep -v '^$' | tail -n 3 | tr '\n' '|')"; return 1; }
	wait_for 5 shell_back || { why="the pane runs $(tm display -p -t tune '#{pane_current_command}')"; return 1; }
	wait_for 5 test -s /tmp/stty.after || { why="no stty -a after tune"; return 1; }
	cmp -s /tmp/stty.before /tmp/stty.after ||
		{ why="stty -a changed: $(diff /tmp/stty.before /tmp/stty.after | tr '\n' '|')"; return 1; }
}

# The live position s a screen (on stdin) shows.
screen_position() { sed -n 's/.* s position *\([-+][0-9.]*\).*/\1/p'; }
# column CHAR [LINE-START]: the column of the first CHAR in a screen (on
# stdin), on the first line starting with LINE-START; in characters, 0 if none.
column() {
	local LC_ALL=C.UTF-8 line
	while IFS= read -r line; do
		if [[ $line == "${2:-}"* && $line == *"$1"* ]]; then
			line=${line%%"$1"*}
			echo $((${#line} + 1))
			return
		fi
	done
	echo 0
}
# The live point, and the curve's vertical axis (s = 0) on its top line.
point_column() { column ●; }
centre_column() { column │ ' +1'; }
# moving CENTRE: moves the mouse to the right (s += 0.5 each time, the
# spring takes 0.5/s off), and says whether the screen, kept in $screen,
# shows the position and the live point right of column CENTRE.
screen=""
moving() {
	ask_ok move 400 0 >/dev/null || return 1
	screen=$(pane)
	awk -v s="$(screen_position <<<"$screen")" 'BEGIN { exit !(s >= 0.1) }' &&
		[ "$(point_column <<<"$screen")" -gt "$1" ]
}
daemon_sensitivity() { [ "$(joystickctl get aileron sensitivity 2>&1)" = "sensitivity = $1" ]; }

# A new tmux server with an 80x24 bash pane: nothing left of a step before.
# kill-server returns before the old server has gone: a new-session that
# reaches it then fails ("server exited unexpectedly", CI on 6.1), so the
# old server's socket must be gone first (tmux removes it as it exits).
tune_session() {
	local sock="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/jsd-tune" i

	rm -f /tmp/stty.before /tmp/stty.after
	tm kill-server 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		[ -S "$sock" ] || break
		sleep 0.1
	done
	tm -f /dev/null new-session -d -s tune -x 80 -y 24 'bash --noprofile --norc' ||
		{ why="tmux did not start"; return 1; }
	tm send-keys -t tune "PS1='$ '" Enter
}

# In a UTF-8 terminal with colours: the axis and its curve; the live point
# moves with the mouse; Right sets a new sensitivity in the daemon, u puts
# it back; a resize redraws in the new size; q gives the terminal back.
step_tune() {
	local centre
	tune_session || return 1
	capture_on || return 1
	tune_start "" || return 1
	[ "$(pane | grep -o $'\xe2\x80\xa2' | wc -l)" -ge 30 ] ||
		{ why="fewer than 30 points of the curve on the screen"; return 1; }
	pane -e | grep -q $'\e\\[3[0-7]m' || { why="no colour on the screen"; return 1; }
	centre=$(pane | centre_column)
	[ "$centre" -gt 0 ] && [ "$(pane | point_column)" -gt 0 ] ||
		{ why="no curve axes or live point on the screen"; return 1; }
	wait_for 20 moving "$centre" ||
		{ why="while the mouse moves the screen shows s $(screen_position <<<"$screen") and the point at column $(point_column <<<"$screen") (centre $centre)"; return 1; }
	info "tune: the live point moved from column $centre to $(point_column <<<"$screen") with the mouse (s $(screen_position <<<"$screen"))"
	# That screen for the README (tools/tune-screen.sh).
	{ stty -F /dev/ttyS3 raw -echo; printf '%s\n' "$screen" >/dev/ttyS3; } 2>/dev/null
	tm send-keys -t tune Right
	wait_for 10 daemon_sensitivity 840 ||
		{ why="after Right: $(joystickctl get aileron sensitivity 2>&1)"; return 1; }
	wait_for 5 pane_has '>sensitivity *840' || { why="the screen does not show 840"; return 1; }
	tm send-keys -t tune u
	wait_for 10 daemon_sensitivity 800 ||
		{ why="after u: $(joystickctl get aileron sensitivity 2>&1)"; return 1; }
	tm resize-window -t tune -x 100 -y 30
	wait_for 5 eval '[ "$(pane | sed -n 30p | cut -c1-7)" = " q quit" ]' ||
		{ why="no redraw in 100x30: last line '$(pane | tail -n 1)'"; return 1; }
	tm resize-window -t tune -x 80 -y 24
	wait_for 5 eval '[ "$(pane | sed -n 24p | cut -c1-7)" = " q quit" ]' ||
		{ why="no redraw in 80x24"; return 1; }
	tm send-keys -t tune q
	tune_ended 0
}

# LANG=C and NO_COLOR: ASCII only, no colour; Ctrl-C gives the terminal back.
step_tune_ascii() {
	tune_session || return 1
	tune_start "LANG=C NO_COLOR=1" || return 1
	! pane | LC_ALL=C grep -q $'[\x80-\xff]' || { why="non-ASCII bytes with LANG=C"; return 1; }
	[ "$(pane | grep -o '\*' | wc -l)" -ge 30 ] || { why="no ASCII curve"; return 1; }
	! pane -e | grep -q $'\e\\[\\(3[0-7]\\|9[0-7]\\|38;\\)' || { why="colours with NO_COLOR=1"; return 1; }
	tm send-keys -t tune C-c
	tune_ended 0
}

# SIGTERM, and the daemon going away, end it with the terminal given back.
# The daemon runs again at the end, whatever happened.
step_tune_ends() {
	local rc=0
	tune_ends || rc=1
	is_active || systemctl start joystickd.service || { why="${why:-}; systemctl start failed"; rc=1; }
	find_stick || rc=1
	tm kill-server
	return $rc
}
tune_ends() {
	local pid
	tune_session || return 1
	tune_start "" || return 1
	pid=$(pgrep -P "$(tm display -p -t tune '#{pane_pid}')" -x joystickctl)
	[ -n "$pid" ] || { why="no joystickctl under the pane's shell"; return 1; }
	kill -TERM "$pid"
	tune_ended 1 || return 1
	pane_has 'tune ended by Terminated' || { why="no word of the signal"; return 1; }
	tune_start "" || return 1
	systemctl stop joystickd.service
	tune_ended 1 || return 1
	pane_has 'joystickctl: lost joystickd' ||
		{ why="no word of the lost daemon: $(pane | grep -v '^$' | tail -n 3 | tr '\n' '|')"; return 1; }
}
