// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stick's shape in the real daemon (shape.h, joystickd.ini(5) GAMES
 * AND THE STICK'S SHAPE): a stick games would take for a gamepad is
 * refused by check-config, at start (exit 78) and at reload (the running
 * stick stays); one some games misread loads with a warning line, at
 * start and at every reload; and no axis of a stick carries a flat or a
 * fuzz, which SDL and joydev would turn into a hidden deadzone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dtest.h"
#include "vmt-shape.h"

#define JOYSTICKD	"/usr/bin/joystickd"
#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define PAD_INI		"/tmp/shape-pad.ini"
#define WIDE_INI	"/tmp/shape-wide.ini"
#define WIDE_SOCKET	"/tmp/shape.sock"
#define WIDE_STICK	"jsd-wide stick"
#define EX_CONFIG	78
#define WAIT_MS		10000

/* A joystick with a gamepad button (line 9): refused. */
#define PAD_TEXT	"[stick]\nname = jsd-pad stick\n" \
			"[axis roll]\ntarget = ABS_X\nsource = REL_X\n" \
			"[button trigger]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n" \
			"[button a]\ninput = BTN_RIGHT\noutput = BTN_SOUTH\n"
#define PAD_REASON	":9: [button a]: BTN_SOUTH is a gamepad button: SDL, and Wine " \
			"and Proton through it, take a stick with buttons of BTN_SOUTH ... " \
			"BTN_THUMBR for a gamepad; use BTN_TRIGGER ... BTN_BASE6 or " \
			"BTN_TRIGGER_HAPPY1 ... 40"
#define PAD_LINE	PAD_INI PAD_REASON

/* Nine axes (two from the mouse, seven from keys): loads, with a warning. */
#define WIDE_TEXT(curve) "[capture]\nmice = all\nactive_at_start = yes\n" \
			"[stick]\nname = " WIDE_STICK "\n" \
			"[axis x]\ntarget = ABS_X\nsource = REL_X\ncurve = " curve "\n" \
			"[axis y]\ntarget = ABS_Y\nsource = REL_Y\n" \
			"[axis z]\ntarget = ABS_Z\nincrease = KEY_F1\n" \
			"[axis rx]\ntarget = ABS_RX\nincrease = KEY_F2\n" \
			"[axis ry]\ntarget = ABS_RY\nincrease = KEY_F3\n" \
			"[axis rz]\ntarget = ABS_RZ\nincrease = KEY_F4\n" \
			"[axis throttle]\ntarget = ABS_THROTTLE\nsource = REL_WHEEL\nmodel = hold\n" \
			"[axis rudder]\ntarget = ABS_RUDDER\nincrease = KEY_F5\n" \
			"[axis wheel]\ntarget = ABS_WHEEL\nincrease = KEY_F6\n" \
			"[button trigger]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
#define WIDE_WARNING	WIDE_INI ": warning: 9 axes: Wine and Proton show games at most 8; the " \
			"others are dropped, or give phantom button presses (Proton issues 6537, " \
			"7252); keep to 8 axes besides hats (profiles can share an axis)"

static char out[16384];

/* The ABS codes of the input device called @name, and their absinfo. */
static int stick_axes(const char *name, struct input_absinfo *info, uint16_t *codes, int max)
{
	unsigned long bits[ABS_CNT / (8 * sizeof(long)) + 1] = { 0 };
	char node[64];
	int fd, n = 0;

	if (dt_find_event(name, node, sizeof(node)) < 0)
		return -ENOENT;
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, EVIOCGBIT(EV_ABS, sizeof(bits)), bits) < 0) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	for (int code = 0; code < ABS_CNT && n < max; code++) {
		if (!(bits[code / (8 * sizeof(long))] & (1ul << (code % (8 * sizeof(long))))))
			continue;
		if (ioctl(fd, EVIOCGABS(code), &info[n]) < 0)
			continue;
		codes[n++] = (uint16_t)code;
	}
	close(fd);
	return n;
}

bool vmt_flat_fuzz_zero(const char *test, const char *stick_name, int want_axes)
{
	struct input_absinfo info[ABS_CNT];
	uint16_t codes[ABS_CNT];
	int n = stick_axes(stick_name, info, codes, ABS_CNT);

	if (n < 0) {
		dt_fail(test, "no event node for '%s': %s", stick_name, strerror(-n));
		return false;
	}
	if (n != want_axes) {
		dt_fail(test, "'%s' has %d axes, want %d", stick_name, n, want_axes);
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (info[i].flat != 0 || info[i].fuzz != 0) {
			dt_fail(test, "axis 0x%02x of '%s' has flat %d and fuzz %d, want 0 and 0",
				codes[i], stick_name, info[i].flat, info[i].fuzz);
			return false;
		}
	}
	dt_pass(test);
	return true;
}

/* check-config refuses the gamepad, exit 78 and the line; loads the nine axes with a warning. */
static void test_check_config_shape(void)
{
	char *pad[] = { JOYSTICKCTL, "check-config", PAD_INI, NULL };
	char *wide[] = { JOYSTICKCTL, "check-config", WIDE_INI, NULL };
	int st;

	st = dt_run(pad, -1, out, sizeof(out), WAIT_MS);
	if (st != EX_CONFIG || strcmp(out, PAD_LINE "\n") != 0)
		return dt_fail("shape-check-config", "gamepad: exit %d, want %d and '%s': '%s'",
			       st, EX_CONFIG, PAD_LINE, out);
	st = dt_run(wide, -1, out, sizeof(out), WAIT_MS);
	if (st != 0 || !strstr(out, WIDE_WARNING "\n") || !strstr(out, "OK: "))
		return dt_fail("shape-check-config", "nine axes: exit %d, want 0, '%s' and OK: '%s'",
			       st, WIDE_WARNING, out);
	dt_pass("shape-check-config");
}

/* joystickd itself: exit 78 with the reason, and nothing left. */
static void test_start_refused(void)
{
	char *argv[] = { JOYSTICKD, "-c", PAD_INI, "--socket", WIDE_SOCKET, NULL };
	int st = dt_run(argv, -1, out, sizeof(out), WAIT_MS);

	if (st != EX_CONFIG || !strstr(out, PAD_LINE))
		return dt_fail("shape-start-refused", "exit %d, want %d and '%s': '%s'",
			       st, EX_CONFIG, PAD_LINE, out);
	if (dt_count_input("jsd-pad stick") != 0 || access(WIDE_SOCKET, F_OK) == 0)
		return dt_fail("shape-start-refused", "a stick or the socket was left");
	dt_pass("shape-start-refused");
}

/* Occurrences of @needle in the daemon's log. */
static int log_count(const struct daemon *d, const char *needle)
{
	static char log[65536];
	int n = 0;

	if (dt_read(d->log, log, sizeof(log)) < 0)
		return -1;
	for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static bool reload(struct daemon *d)
{
	kill(d->pid, SIGHUP);
	return daemon_wait_notify(d, "RELOADING=1", WAIT_MS) == 0 &&
	       daemon_wait_notify(d, "READY=1", WAIT_MS) == 0;
}

/*
 * The nine-axis stick: a warning at start, and at each reload; a reload
 * to the gamepad file is refused with its line and the stick stays.
 */
static void test_daemon_shape(void)
{
	char *argv[] = { JOYSTICKD, "-c", WIDE_INI, "--socket", WIDE_SOCKET, NULL };
	struct daemon d;

	if (daemon_spawn(&d, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&d, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&d);
		daemon_close(&d);
		dt_fail("shape-start-warns", "no READY=1 with the nine-axis file (log on the console)");
		return;
	}
	if (log_count(&d, WIDE_WARNING "\n") != 1)
		dt_fail("shape-start-warns", "the log has %d lines '%s', want 1",
			log_count(&d, WIDE_WARNING "\n"), WIDE_WARNING);
	else
		dt_pass("shape-start-warns");
	vmt_flat_fuzz_zero("stick-flat-fuzz-nine-axes", WIDE_STICK, 9);

	if (dt_write(WIDE_INI, PAD_TEXT) < 0 || !reload(&d))
		dt_fail("shape-reload-refused", "no RELOADING=1 / READY=1");
	else if (!daemon_log_has(&d, WIDE_INI PAD_REASON "\n"))
		dt_fail("shape-reload-refused", "the log has no line '%s'", WIDE_INI PAD_REASON);
	else if (dt_count_input("jsd-pad stick") != 0 || dt_count_input(WIDE_STICK) != 1)
		dt_fail("shape-reload-refused", "the stick was replaced");
	else
		dt_pass("shape-reload-refused");

	if (dt_write(WIDE_INI, WIDE_TEXT("expo:0.5")) < 0 || !reload(&d))
		dt_fail("shape-reload-warns", "no RELOADING=1 / READY=1");
	else if (log_count(&d, WIDE_WARNING "\n") != 2)
		dt_fail("shape-reload-warns", "the log has %d lines '%s', want 2",
			log_count(&d, WIDE_WARNING "\n"), WIDE_WARNING);
	else
		dt_pass("shape-reload-warns");

	if (daemon_stop(&d, SIGTERM, WAIT_MS) != 0)
		daemon_dump_log(&d);
	daemon_close(&d);
}

void vmt_shape(void)
{
	if (dt_write(PAD_INI, PAD_TEXT) < 0 || dt_write(WIDE_INI, WIDE_TEXT("linear")) < 0) {
		dt_fail("shape-check-config", "cannot write %s and %s", PAD_INI, WIDE_INI);
		return;
	}
	test_check_config_shape();
	test_start_refused();
	test_daemon_shape();
}
