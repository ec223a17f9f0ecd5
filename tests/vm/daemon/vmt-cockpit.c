// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Daemon VM tests of issue 19's cockpit features, beside vmt-daemon in the
 * same boot (daemon.mk), with the kernel filter and (VMT_BACKEND=evdev,
 * the module absent) with the evdev backend:
 *
 * - hold-to-look (look.ini): while the side button is held the desktop (an
 *   evdev reader of the mouse) gets motion, wheel and buttons, and no axis
 *   of the stick moves for 2 s, the slow spring included; released, the
 *   next motion moves the stick from where it stood; no button is left
 *   down on the stick nor on the desktop; and the same with the toggle
 *   key, a reload, a profile switch, an unplug and a stopped daemon (the
 *   kernel's dead-man switch) while the button is held;
 * - profiles that follow the game (games.ini, kernel filter run only): a
 *   process whose executable is named DCS.exe, and one with a Wine command
 *   line naming C:\Games\DCS World\bin\DCS.exe, make profile "dcs" current
 *   within 1 s; "plane" returns when the last one exits; a manual switch
 *   wins meanwhile; a reload keeps the game; a game running when the
 *   daemon starts counts.
 *
 * A game is this program, copied under the game's name and run with
 * JSD_GAME_CHILD set: it then waits to be killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dtest.h"

#define JOYSTICKD	"/usr/bin/joystickd"
#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define LOOK_INI	"/etc/jsd-test/look.ini"
#define GAMES_INI	"/etc/jsd-test/games.ini"
#define RUN_INI		"/tmp/jsd-cockpit.ini"
#define STICK_NAME	"jsd-look stick"
#define MOUSE_NAME	"jsd-look mouse"
#define MOUSE2_NAME	"jsd-look mouse 2"
#define KBD_NAME	"jsd-look keyboard"
#define AXIS_MAX	32767
#define SENS		400.0	/* look.ini: roll and pitch */
#define WAIT_MS		10000	/* generous: QEMU without KVM on shared cores */
#define LOOK_FROZEN_MS	2000	/* how long the stick must stay still while looking */
#define GAME_SWITCH_MS	1000	/* a game's profile is current within this */
#define GAME_DIR	"/tmp/games"
#define GAME_EXE	GAME_DIR "/DCS.exe"
#define WINE_EXE	GAME_DIR "/wine64-preloader"
#define WINE_GAME	"C:\\Games\\DCS World\\bin\\DCS.exe"

static struct vdev mouse, mouse2, kbd;
static struct daemon jsd;
static char out[65536];
static bool evdev_mode;

/* ---- small helpers */

static int ctl(const char *a1, const char *a2)
{
	char *argv[] = { JOYSTICKCTL, (char *)a1, (char *)a2, NULL };

	return dt_run(argv, -1, out, sizeof(out), WAIT_MS);
}

/* Polls `joystickctl status` until it contains @needle. */
static bool status_has(const char *needle)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	do {
		if (ctl("status", NULL) == 0 && strstr(out, needle))
			return true;
		dt_sleep_ms(20);
	} while (dt_now_ms() < deadline);
	return false;
}

static int32_t scale(double s)
{
	s = s < -1 ? -1 : s > 1 ? 1 : s;
	return (int32_t)lround(s * AXIS_MAX);
}

static bool start_daemon(const char *ini)
{
	char *argv[] = { JOYSTICKD, "-c", RUN_INI, NULL };

	if (dt_copy(ini, RUN_INI) < 0 || daemon_spawn(&jsd, argv, NULL, false) < 0 ||
	    daemon_wait_notify(&jsd, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&jsd);
		return false;
	}
	return true;
}

/* Waits until the daemon's log has @line (it is written after STATUS= goes out). */
static bool log_shows(const char *line)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (!daemon_log_has(&jsd, line) && dt_now_ms() < deadline)
		dt_sleep_ms(20);
	return daemon_log_has(&jsd, line);
}

static bool reload(void)
{
	kill(jsd.pid, SIGHUP);
	return daemon_wait_notify(&jsd, "RELOADING=1", WAIT_MS) == 0 &&
	       daemon_wait_notify(&jsd, "READY=1", WAIT_MS) == 0;
}

/* Waits until every thread of @pid is stopped (state T). */
static bool wait_stopped(pid_t pid)
{
	char path[64], stat[512], *state;

	for (int tries = 0; tries < 500; tries++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (dt_read(path, stat, sizeof(stat)) == 0 && (state = strrchr(stat, ')')) &&
		    state[2] == 'T')
			return true;
		dt_sleep_ms(10);
	}
	return false;
}

/* ---- what a reader of a device saw: sums of motion, key state */

struct reader {
	int fd;
	int64_t rel[REL_CNT];		/* sums since the last reader_clear() */
	unsigned int abs_events;	/* EV_ABS events since then */
	int32_t abs[ABS_CNT];		/* last value of each */
	bool abs_seen[ABS_CNT];
	unsigned int key_events;	/* EV_KEY events since then */
	bool down[KEY_CNT];		/* as the events told, since the open */
	unsigned int stray_releases;	/* releases of keys the reader never saw pressed */
};

static bool reader_open(struct reader *r, const char *name)
{
	char node[64];

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (dt_find_event(name, node, sizeof(node)) < 0)
		return false;
	r->fd = evdev_open(node);
	return r->fd >= 0;
}

static void reader_close(struct reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static void reader_clear(struct reader *r)
{
	memset(r->rel, 0, sizeof(r->rel));
	r->abs_events = 0;
	memset(r->abs_seen, 0, sizeof(r->abs_seen));
	r->key_events = 0;
}

/* Takes every event that arrives within @ms. */
static void reader_pump(struct reader *r, int ms)
{
	uint64_t deadline = dt_now_ms() + (uint64_t)ms;
	struct input_event ev;

	for (;;) {
		ssize_t n = read(r->fd, &ev, sizeof(ev));

		if (n != sizeof(ev)) {
			if (dt_now_ms() >= deadline)
				return;
			dt_sleep_ms(5);
			continue;
		}
		if (ev.type == EV_REL && ev.code < REL_CNT) {
			r->rel[ev.code] += ev.value;
		} else if (ev.type == EV_ABS && ev.code < ABS_CNT) {
			r->abs_events++;
			r->abs[ev.code] = ev.value;
			r->abs_seen[ev.code] = true;
		} else if (ev.type == EV_KEY && ev.code < KEY_CNT) {
			r->key_events++;
			if (ev.value == 0 && !r->down[ev.code])
				r->stray_releases++;
			if (ev.value != 2)
				r->down[ev.code] = ev.value;
		}
	}
}

/* Pumps until the motion of @code sums to @want (true), or WAIT_MS passed. */
static bool reader_wait_rel(struct reader *r, uint16_t code, int64_t want)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (r->rel[code] != want && dt_now_ms() < deadline)
		reader_pump(r, 10);
	return r->rel[code] == want;
}

/* Pumps until key @code is @down as the events tell. */
static bool reader_wait_key(struct reader *r, uint16_t code, bool down)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (r->down[code] != down && dt_now_ms() < deadline)
		reader_pump(r, 10);
	return r->down[code] == down;
}

/* Pumps until axis @code reports @want. */
static bool reader_wait_abs(struct reader *r, uint16_t code, int32_t want)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (!(r->abs_seen[code] && r->abs[code] == want) && dt_now_ms() < deadline)
		reader_pump(r, 10);
	return r->abs_seen[code] && r->abs[code] == want;
}

/* The first key the events left down, or -1. */
static int reader_key_down(const struct reader *r)
{
	for (int k = 0; k < KEY_CNT; k++)
		if (r->down[k])
			return k;
	return -1;
}

static int32_t abs_now(const struct reader *r, uint16_t code)
{
	struct input_absinfo ai;

	return ioctl(r->fd, EVIOCGABS(code), &ai) < 0 ? INT32_MIN : ai.value;
}

/* The first button of the stick the kernel holds down (EVIOCGKEY), or -1. */
static int stick_key_down(const struct reader *r)
{
	unsigned char bits[KEY_CNT / 8 + 1] = { 0 };

	if (ioctl(r->fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return -2;
	for (int k = 0; k < KEY_CNT; k++)
		if (bits[k / 8] & (1 << (k % 8)))
			return k;
	return -1;
}

/* ---- hold-to-look */

/* The stick, the desktop's reader of each mouse. */
static struct reader stick, desk, desk2;

static bool look_press(void)
{
	vdev_key(&mouse, BTN_SIDE, 1);
	return status_has("look: held\n");
}

static bool look_release(void)
{
	vdev_key(&mouse, BTN_SIDE, 0);
	return status_has("look: no\n");
}

/* Nothing left down: on the stick (the kernel's state) and on the desktop (its events). */
static bool nothing_down(const char *test)
{
	int k;

	reader_pump(&desk, 50);
	reader_pump(&stick, 0);
	if ((k = stick_key_down(&stick)) != -1) {
		dt_fail(test, "the stick holds key 0x%x down", k);
		return false;
	}
	if ((k = reader_key_down(&desk)) != -1) {
		dt_fail(test, "the desktop was left with key 0x%x down", k);
		return false;
	}
	return true;
}

/*
 * Swallowing goes on (the desktop gets nothing of @m's motion) and the
 * hold axis pitch follows it from @pitch_counts.
 */
static bool captured_again(const char *test, struct vdev *m, struct reader *d, int pitch_counts)
{
	int32_t want = scale((pitch_counts + 40) / SENS);

	reader_pump(d, 50);
	reader_clear(d);
	reader_pump(&stick, 0);
	reader_clear(&stick);
	vdev_rel(m, REL_Y, 40);
	if (!reader_wait_abs(&stick, ABS_Y, want)) {
		dt_fail(test, "after the look REL_Y 40 gave ABS_Y %d, want %d", stick.abs[ABS_Y], want);
		return false;
	}
	reader_pump(d, 300);
	if (d->rel[REL_Y]) {
		dt_fail(test, "after the look the desktop still got REL_Y %lld", (long long)d->rel[REL_Y]);
		return false;
	}
	return true;
}

/* Waits until the stick's axis @code is @want (EVIOCGABS). */
static bool stick_settles(uint16_t code, int32_t want)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (abs_now(&stick, code) != want && dt_now_ms() < deadline)
		dt_sleep_ms(10);
	return abs_now(&stick, code) == want;
}

/*
 * The pitch (hold, sensitivity 400) at a known place: @counts (not 0)
 * from the centre (recenter, then the motion).
 */
static bool pitch_at(const char *test, int counts)
{
	if (ctl("recenter", "pitch") != 0 || !stick_settles(ABS_Y, 0)) {
		dt_fail(test, "recenter pitch: %s", out);
		return false;
	}
	vdev_rel(&mouse, REL_Y, counts);
	if (!stick_settles(ABS_Y, scale(counts / SENS))) {
		dt_fail(test, "REL_Y %d gave ABS_Y %d", counts, abs_now(&stick, ABS_Y));
		return false;
	}
	return true;
}

/*
 * The main case: held, the desktop gets motion, wheel and buttons and no
 * axis moves for 2 s (the spring stands at a deflection); released, the
 * next motion moves the stick from there, the spring goes on from where it
 * stood; a button held before the look comes up on the stick when it is
 * released during it, one pressed during the look and released after it
 * never reaches the stick and comes up on the desktop.
 */
static void test_look_held(void)
{
	int32_t x0, y0, t0, first_x;
	uint64_t frozen_until;

	if (!pitch_at("look-pointer-back", 100))
		return;
	/* the trigger is down before the look */
	vdev_key(&mouse, BTN_LEFT, 1);
	if (!reader_wait_key(&stick, BTN_TRIGGER, true))
		return dt_fail("look-pointer-back", "BTN_LEFT gave no BTN_TRIGGER");
	/* the slow spring (0.2/s) at about 0.5 */
	vdev_rel(&mouse, REL_X, 200);
	if (!look_press())
		return dt_fail("look-pointer-back", "status never says 'look: held': %s", out);
	frozen_until = dt_now_ms() + LOOK_FROZEN_MS;
	reader_pump(&stick, 0);
	reader_clear(&stick);
	reader_pump(&desk, 0);
	reader_clear(&desk);
	x0 = abs_now(&stick, ABS_X);
	y0 = abs_now(&stick, ABS_Y);
	t0 = abs_now(&stick, ABS_THROTTLE);

	vdev_rel(&mouse, REL_X, 400);
	vdev_rel(&mouse, REL_Y, 300);
	vdev_rel(&mouse, REL_WHEEL, 2);
	vdev_key(&mouse, BTN_LEFT, 0);
	vdev_key(&mouse, BTN_RIGHT, 1);
	if (!reader_wait_rel(&desk, REL_X, 400) || !reader_wait_rel(&desk, REL_Y, 300) ||
	    !reader_wait_rel(&desk, REL_WHEEL, 2))
		dt_fail("look-pointer-back", "the desktop got REL_X %lld, REL_Y %lld, REL_WHEEL %lld, want 400, 300, 2",
			(long long)desk.rel[REL_X], (long long)desk.rel[REL_Y], (long long)desk.rel[REL_WHEEL]);
	else if (!reader_wait_key(&desk, BTN_RIGHT, true))
		dt_fail("look-pointer-back", "the desktop did not get the BTN_RIGHT press");
	else
		dt_pass("look-pointer-back");

	/* The trigger's release is the stick's; nothing else is. */
	if (!reader_wait_key(&stick, BTN_TRIGGER, false))
		dt_fail("look-no-stray-button", "BTN_LEFT released during the look: BTN_TRIGGER stays down");
	while (dt_now_ms() < frozen_until)
		reader_pump(&stick, 50);
	if (stick.abs_events || abs_now(&stick, ABS_X) != x0 || abs_now(&stick, ABS_Y) != y0 ||
	    abs_now(&stick, ABS_THROTTLE) != t0)
		dt_fail("look-axes-frozen", "%u axis events in %d ms; ABS_X %d -> %d, ABS_Y %d -> %d, ABS_THROTTLE %d -> %d",
			stick.abs_events, LOOK_FROZEN_MS, x0, abs_now(&stick, ABS_X), y0,
			abs_now(&stick, ABS_Y), t0, abs_now(&stick, ABS_THROTTLE));
	else if (x0 < scale(0.3) || x0 > scale(0.5))
		dt_fail("look-axes-frozen", "the spring stood at %d, not deflected as it should", x0);
	else
		dt_pass("look-axes-frozen");

	/*
	 * The spring goes on from where it stood: down from x0, no jump.  Its
	 * first value is read at once (the stick's evdev buffer holds a
	 * fraction of a second of the spring's frames).
	 */
	reader_clear(&stick);
	vdev_key(&mouse, BTN_SIDE, 0);
	for (uint64_t deadline = dt_now_ms() + WAIT_MS; !stick.abs_seen[ABS_X] && dt_now_ms() < deadline;)
		reader_pump(&stick, 1);
	first_x = stick.abs[ABS_X];
	if (!status_has("look: no\n"))
		return dt_fail("look-release-resumes", "status never says 'look: no': %s", out);
	/*
	 * The button pressed during the look comes up after it, on the
	 * desktop (the evdev backend grabs the mouse only then).
	 */
	vdev_key(&mouse, BTN_RIGHT, 0);
	if (!reader_wait_key(&desk, BTN_RIGHT, false))
		dt_fail("look-no-stray-button", "the desktop never got BTN_RIGHT's release");
	else if (reader_pump(&stick, 300), stick.down[BTN_THUMB])
		dt_fail("look-no-stray-button", "BTN_RIGHT pressed during the look reached the stick");
	else if (nothing_down("look-no-stray-button"))
		dt_pass("look-no-stray-button");

	if (!stick.abs_seen[ABS_X] || first_x > x0 || first_x < x0 - scale(0.2))
		dt_fail("look-release-resumes", "the spring went from %d to %d (seen: %d) after the look",
			x0, first_x, stick.abs_seen[ABS_X]);
	else if (captured_again("look-release-resumes", &mouse, &desk, 100))
		dt_pass("look-release-resumes");
}

/*
 * The toggle key works during a look: capture goes off (the look with it);
 * the button's release and toggling on again leave capture as it should
 * be, swallowing, with the stick where it was.
 */
static void test_look_toggle(void)
{
	const char *test = "look-toggle";

	if (!pitch_at(test, 60))
		return;
	if (!look_press())
		return dt_fail(test, "no look: %s", out);
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: no\n") || !strstr(out, "look: no\n"))
		return dt_fail(test, "the toggle key during the look: %s", out);
	reader_pump(&desk, 0);
	reader_clear(&desk);
	vdev_rel(&mouse, REL_X, 7);
	if (!reader_wait_rel(&desk, REL_X, 7))
		return dt_fail(test, "capture off: the desktop did not get REL_X 7");
	vdev_key(&mouse, BTN_SIDE, 0);
	vdev_key(&kbd, KEY_SCROLLLOCK, 1);
	vdev_key(&kbd, KEY_SCROLLLOCK, 0);
	if (!status_has("active: yes\n") || !strstr(out, "look: no\n"))
		return dt_fail(test, "toggled on again: %s", out);
	if (captured_again(test, &mouse, &desk, 60) && nothing_down(test))
		dt_pass(test);
}

/* A reload during a look keeps it; its release ends it under the new file. */
static void test_look_reload(void)
{
	const char *test = "look-reload";

	if (!pitch_at(test, 80))
		return;
	if (!look_press())
		return dt_fail(test, "no look: %s", out);
	if (!reload())
		return dt_fail(test, "no RELOADING=1 / READY=1");
	if (!status_has("reloads: 1 (0 failed)") || !strstr(out, "look: held\n"))
		return dt_fail(test, "after the reload: %s", out);
	reader_pump(&desk, 0);
	reader_clear(&desk);
	vdev_rel(&mouse, REL_Y, 11);
	if (!reader_wait_rel(&desk, REL_Y, 11))
		return dt_fail(test, "reloaded during the look: the desktop did not get REL_Y 11");
	if (!look_release())
		return dt_fail(test, "no end of the look: %s", out);
	if (captured_again(test, &mouse, &desk, 80) && nothing_down(test))
		dt_pass(test);
}

/* A profile switch during a look keeps it; released, the new profile's axes follow. */
static void test_look_profile(void)
{
	const char *test = "look-profile";

	if (!pitch_at(test, 120))
		return;
	if (!look_press())
		return dt_fail(test, "no look: %s", out);
	if (ctl("profile", "other") != 0 || !status_has("profile: other\n") ||
	    !strstr(out, "look: held\n"))
		return dt_fail(test, "switched during the look: %s", out);
	reader_pump(&desk, 0);
	reader_clear(&desk);
	reader_pump(&stick, 0);
	reader_clear(&stick);
	vdev_rel(&mouse, REL_Y, 13);
	if (!reader_wait_rel(&desk, REL_Y, 13))
		return dt_fail(test, "the desktop did not get REL_Y 13");
	reader_pump(&stick, 300);
	if (stick.abs_events)
		return dt_fail(test, "the stick moved during the look (%u events)", stick.abs_events);
	if (!look_release())
		return dt_fail(test, "no end of the look: %s", out);
	if (captured_again(test, &mouse, &desk, 120) && nothing_down(test))
		dt_pass(test);
	ctl("profile", "fly");
}

/*
 * The mouse holding the look button is unplugged: the look ends, the other
 * mouse is swallowed again and drives the stick.  The mouse comes back.
 */
static void test_look_unplug(void)
{
	const char *test = "look-unplug";

	if (!pitch_at(test, 20))
		return;
	if (!look_press())
		return dt_fail(test, "no look: %s", out);
	reader_close(&desk);
	vdev_destroy(&mouse);
	if (!status_has("look: no\n") || !strstr(out, "mice captured: 1\n"))
		dt_fail(test, "after the unplug: %s", out);
	else if (captured_again(test, &mouse2, &desk2, 20))
		dt_pass(test);
	if (vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0 || !status_has("mice captured: 2\n") ||
	    !reader_open(&desk, MOUSE_NAME))
		dt_fail(test, "the mouse did not come back: %s", out);
}

/*
 * A daemon that hangs during a look never keeps the pointer: its release
 * cannot be seen, and the desktop goes on getting the mouse until the
 * daemon runs again.  With the kernel filter the dead-man switch still
 * works after a look: stopped with capture on, the kernel turns it off.
 */
static void test_look_daemon_stopped(void)
{
	const char *test = "look-daemon-stopped";

	if (!pitch_at(test, 40))
		return;
	if (!look_press())
		return dt_fail(test, "no look: %s", out);
	kill(jsd.pid, SIGSTOP);
	if (!wait_stopped(jsd.pid)) {
		kill(jsd.pid, SIGCONT);
		return dt_fail(test, "the daemon did not stop");
	}
	vdev_key(&mouse, BTN_SIDE, 0);
	reader_pump(&desk, 0);
	reader_clear(&desk);
	vdev_rel(&mouse, REL_X, 17);
	if (!reader_wait_rel(&desk, REL_X, 17)) {
		kill(jsd.pid, SIGCONT);
		return dt_fail(test, "daemon stopped, look released: the desktop did not get REL_X 17");
	}
	kill(jsd.pid, SIGCONT);
	if (!status_has("look: no\n"))
		return dt_fail(test, "the daemon runs again, the look does not end: %s", out);
	if (!captured_again(test, &mouse, &desk, 40))
		return;
	dt_pass(test);
	if (evdev_mode)
		return;

	kill(jsd.pid, SIGSTOP);
	if (!wait_stopped(jsd.pid)) {
		kill(jsd.pid, SIGCONT);
		return dt_fail("look-deadman", "the daemon did not stop");
	}
	vdev_rel(&mouse, REL_X, 5);
	dt_sleep_ms(800);	/* deadman_ms = 500 */
	reader_pump(&desk, 0);
	reader_clear(&desk);
	vdev_rel(&mouse, REL_X, 19);	/* the filter looks at the oldest record's age */
	if (!reader_wait_rel(&desk, REL_X, 19)) {
		kill(jsd.pid, SIGCONT);
		return dt_fail("look-deadman", "stopped 0.8 s with capture on: the desktop did not get REL_X 19");
	}
	kill(jsd.pid, SIGCONT);
	if (!status_has("active: no\n"))
		return dt_fail("look-deadman", "capture still on: %s", out);
	if (ctl("toggle", NULL) != 0 || !status_has("active: yes\n"))
		return dt_fail("look-deadman", "capture does not come back: %s", out);
	dt_pass("look-deadman");
}

static void test_look(void)
{
	if (!start_daemon(LOOK_INI)) {
		dt_fail("look-pointer-back", "the daemon did not start with %s (log on the console)", LOOK_INI);
		return;
	}
	if (!status_has("mice captured: 2\n") || !reader_open(&stick, STICK_NAME) ||
	    !reader_open(&desk, MOUSE_NAME) || !reader_open(&desk2, MOUSE2_NAME)) {
		dt_fail("look-pointer-back", "mice not captured or nodes missing: %s", out);
	} else {
		test_look_held();
		test_look_toggle();
		test_look_reload();
		test_look_profile();
		test_look_unplug();
		test_look_daemon_stopped();
	}
	if (daemon_stop(&jsd, SIGTERM, WAIT_MS) < 0)
		dt_fail("look-pointer-back", "the daemon did not stop on SIGTERM");
	daemon_close(&jsd);
	reader_close(&stick);
	reader_close(&desk);
	reader_close(&desk2);
}

/* ---- profiles that follow the game */

/* Copies this program to @path (a game of that name). */
static int copy_self(const char *path)
{
	char buf[65536];
	ssize_t n;
	int in, o, r = 0;

	mkdir(GAME_DIR, 0755);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	o = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	while (in >= 0 && o >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(o, buf, (size_t)n) != n)
			r = -EIO;
	if (in < 0 || o < 0)
		r = -errno;
	if (in >= 0)
		close(in);
	if (o >= 0)
		close(o);
	return r;
}

/* Runs @exe with @argv as a game: it waits until game_end() kills it. */
static pid_t game_start(const char *exe, char *const argv[])
{
	char *env[] = { "JSD_GAME_CHILD=1", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve(exe, argv, env);
		_exit(127);
	}
	return pid;
}

static void game_end(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Waits for a STATUS= line containing "profile NAME," and returns the
 * milliseconds it took since @since, or -1 after WAIT_MS.
 */
static long profile_notified(const char *name, uint64_t since)
{
	char needle[80];
	uint64_t deadline = dt_now_ms() + WAIT_MS;
	long r = -1;

	snprintf(needle, sizeof(needle), "profile %s,", name);
	pthread_mutex_lock(&jsd.lock);
	while (r < 0 && dt_now_ms() < deadline) {
		while (jsd.seen < jsd.n_lines) {
			const char *line = jsd.lines[jsd.seen++];

			if (strncmp(line, "STATUS=", 7) == 0 && strstr(line, needle)) {
				r = (long)(dt_now_ms() - since);
				break;
			}
		}
		if (r < 0) {
			pthread_mutex_unlock(&jsd.lock);
			dt_sleep_ms(5);
			pthread_mutex_lock(&jsd.lock);
		}
	}
	pthread_mutex_unlock(&jsd.lock);
	return r;
}

/*
 * A game started as @argv: "dcs" within GAME_SWITCH_MS, the status and
 * the journal name it; killed, "plane" returns as fast.
 */
static void check_game(const char *test, const char *exe, char *const argv[], const char *shown)
{
	char line[160], game[96];
	uint64_t t0 = dt_now_ms();
	pid_t pid = game_start(exe, argv);
	long ms = profile_notified("dcs", t0);

	if (ms < 0 || ms > GAME_SWITCH_MS) {
		game_end(pid);
		return dt_fail(test, "profile dcs %s (%ld ms)", ms < 0 ? "never came" : "came late", ms);
	}
	dt_info("%s: profile dcs after %ld ms", test, ms);
	snprintf(game, sizeof(game), "game: %s (pid %d)", shown, (int)pid);
	snprintf(line, sizeof(line), "profile dcs: game %s (pid %d) started", shown, (int)pid);
	if (ctl("status", NULL) != 0 || !strstr(out, "profile: dcs\n") || !strstr(out, game)) {
		game_end(pid);
		return dt_fail(test, "status does not say '%s': %s", game, out);
	}
	if (!log_shows(line)) {
		game_end(pid);
		daemon_dump_log(&jsd);
		return dt_fail(test, "no '%s' in the log", line);
	}
	t0 = dt_now_ms();
	game_end(pid);
	ms = profile_notified("plane", t0);
	snprintf(line, sizeof(line), "profile plane: game %s (pid %d) exited", shown, (int)pid);
	if (ms < 0 || ms > GAME_SWITCH_MS) {
		daemon_dump_log(&jsd);
		return dt_fail(test, "after the game's exit profile plane %s (%ld ms)",
			       ms < 0 ? "never came" : "came late", ms);
	}
	if (!log_shows(line)) {
		daemon_dump_log(&jsd);
		return dt_fail(test, "no '%s' in the log", line);
	}
	if (ctl("status", NULL) != 0 || !strstr(out, "game: -\n"))
		return dt_fail(test, "after the game's exit, status: %s", out);
	dt_pass(test);
}

/*
 * A manual switch during the game wins: no game switches back meanwhile,
 * not even a second process of it; when the last one exits, the profile
 * chosen before the game returns.
 */
static void test_game_manual(void)
{
	const char *test = "game-manual-wins";
	char *argv[] = { GAME_EXE, NULL };
	pid_t a, b;

	a = game_start(GAME_EXE, argv);
	if (profile_notified("dcs", dt_now_ms()) < 0) {
		game_end(a);
		return dt_fail(test, "the game did not switch to dcs");
	}
	if (ctl("profile", "heli") != 0) {
		game_end(a);
		return dt_fail(test, "profile heli: %s", out);
	}
	b = game_start(GAME_EXE, argv);
	dt_sleep_ms(1500);
	if (ctl("status", NULL) != 0 || !strstr(out, "profile: heli\n")) {
		game_end(a);
		game_end(b);
		return dt_fail(test, "1.5 s after a manual switch and a second game: %s", out);
	}
	game_end(a);
	dt_sleep_ms(600);
	if (ctl("status", NULL) != 0 || !strstr(out, "profile: heli\n")) {
		game_end(b);
		return dt_fail(test, "one game of two exited: %s", out);
	}
	game_end(b);
	if (profile_notified("plane", dt_now_ms()) < 0 || !status_has("profile: plane\n"))
		return dt_fail(test, "the last game exited: %s", out);
	dt_pass(test);
}

/* A reload during the game keeps it current; its exit still brings "plane" back. */
static void test_game_reload(void)
{
	const char *test = "game-reload";
	char *argv[] = { GAME_EXE, NULL };
	pid_t pid = game_start(GAME_EXE, argv);

	if (profile_notified("dcs", dt_now_ms()) < 0) {
		game_end(pid);
		return dt_fail(test, "the game did not switch to dcs");
	}
	if (!reload()) {
		game_end(pid);
		return dt_fail(test, "no RELOADING=1 / READY=1");
	}
	dt_sleep_ms(600);
	if (ctl("status", NULL) != 0 || !strstr(out, "profile: dcs\n") || !strstr(out, "game: DCS.exe")) {
		game_end(pid);
		return dt_fail(test, "after the reload: %s", out);
	}
	game_end(pid);
	if (profile_notified("plane", dt_now_ms()) < 0)
		return dt_fail(test, "the game exited after the reload: no profile plane");
	dt_pass(test);
}

/* A game running when the daemon starts: its profile is current from the start. */
static void test_game_at_start(void)
{
	const char *test = "game-at-start";
	char *argv[] = { GAME_EXE, NULL };
	pid_t pid = game_start(GAME_EXE, argv);

	dt_sleep_ms(200);
	if (!start_daemon(GAMES_INI)) {
		game_end(pid);
		return dt_fail(test, "the daemon did not start");
	}
	if (!status_has("profile: dcs\n"))
		dt_fail(test, "a game ran at start: %s", out);
	else
		dt_pass(test);
	game_end(pid);
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);
}

static void test_games(void)
{
	char *native[] = { GAME_EXE, NULL };
	char *wine0[] = { WINE_GAME, "--force_enable_VR", NULL };
	char *wine1[] = { "/usr/lib/wine/wine64-preloader", WINE_GAME, NULL };

	if (copy_self(GAME_EXE) < 0 || copy_self(WINE_EXE) < 0)
		return dt_fail("game-native", "cannot copy %s: %s", "/proc/self/exe", strerror(errno));
	if (!start_daemon(GAMES_INI))
		return dt_fail("game-native", "the daemon did not start with %s", GAMES_INI);
	if (!status_has("profile: plane\n") || !strstr(out, "game: -\n"))
		dt_fail("game-native", "status at start: %s", out);
	else
		check_game("game-native", GAME_EXE, native, "DCS.exe");
	check_game("game-wine-argv0", WINE_EXE, wine0, "DCS.exe");
	check_game("game-wine-argv1", WINE_EXE, wine1, "DCS.exe");
	test_game_manual();
	test_game_reload();
	daemon_stop(&jsd, SIGTERM, WAIT_MS);
	daemon_close(&jsd);
	test_game_at_start();
}

static const char *const checks[] = {
	"look-pointer-back", "look-axes-frozen", "look-release-resumes", "look-no-stray-button",
	"look-toggle", "look-reload", "look-profile", "look-unplug", "look-daemon-stopped",
	"look-deadman",
	"game-native", "game-wine-argv0", "game-wine-argv1", "game-manual-wins", "game-reload",
	"game-at-start",
};

/* The evdev run: the look checks without the kernel's dead-man switch. */
static const char *const evdev_checks[] = {
	"look-pointer-back", "look-axes-frozen", "look-release-resumes", "look-no-stray-button",
	"look-toggle", "look-reload", "look-profile", "look-unplug", "look-daemon-stopped",
};

int main(void)
{
	const char *backend = getenv("VMT_BACKEND");

	if (getenv("JSD_GAME_CHILD")) {
		for (;;)
			pause();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	evdev_mode = backend && strcmp(backend, "evdev") == 0;
	mkdir("/run", 0755);
	if (evdev_mode)
		dt_plan(evdev_checks, sizeof(evdev_checks) / sizeof(evdev_checks[0]));
	else
		dt_plan(checks, sizeof(checks) / sizeof(checks[0]));
	if (vdev_mouse(&mouse, MOUSE_NAME, 0x046d, 0xc077) < 0 ||
	    vdev_mouse(&mouse2, MOUSE2_NAME, 0x046d, 0xc078) < 0 || vdev_keyboard(&kbd, KBD_NAME) < 0) {
		dt_fail("look-pointer-back", "uinput devices: %s", strerror(errno));
		return dt_done();
	}
	test_look();
	if (!evdev_mode)
		test_games();
	return dt_done();
}
