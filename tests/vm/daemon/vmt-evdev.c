// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evdev backend's own checks (issue 22): what only a user-space
 * capture can get wrong.  Each starts a joystickd of its own with an ini
 * written here (capture_backend = evdev), some with evdev-hooks.so
 * preloaded, which puts the daemon where a race or a fault would.
 *
 *   evdev-grab-race          a press between the key-state read and the grab
 *   evdev-grab-wait          a held button delays the grab: the desktop has
 *                            the mouse alone meanwhile, devices and the log
 *                            say so, and the wait ends after its bound
 *   evdev-passthrough        one copy per grabbed device, cloned from it,
 *                            carrying what swallow leaves (swallow = motion)
 *   evdev-swallow-change     the classes change at run time with no ungrab
 *   evdev-remapper-loop      a keyd-like remapper of our passthrough: no loop
 *   evdev-overflow-status    SYN_DROPPED counted in status and logged
 *   evdev-hotkey-mid-frame   a hotkey after motion in one frame
 *   evdev-unexcluded         a device excluded, then not, is attached
 *   evdev-grab-error         a failed EVIOCGRAB is logged and retried
 *   evdev-start-errno        a start-up fault is its own errno
 *   evdev-flood-toggle       a flooding device: the hotkey within 1 s
 *   evdev-hotplug-500        500 devices, out of descriptors, a mouse after
 *                            them; the log summed up
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmt-evdev.h"

#define JOYSTICKD	"/usr/bin/joystickd"
#define JOYSTICKCTL	"/usr/bin/joystickctl"
#define HOOKS_LIB	"/usr/lib/jsd-evdev-hooks.so"	/* evdev-hooks.c */
#define HOOK_DIR	"/tmp/jsd-hooks"
#define EV_INI		"/tmp/jsd-evdev.ini"
#define EV_STICK	"jsd-evdev stick"
#define MOUSE_NAME	"jsd-test mouse"
#define PT		" (joystickd passthrough)"
#define WAIT_MS		10000
#define SENS		400.0
#define BURST		10	/* MANAGER_MICE_BURST: lines about mice per 5 s */

static struct vdev *mouse, *kbd;
static struct daemon ed;		/* the daemon of the check at hand */
static char out[65536];

const char *const vmt_evdev_checks[] = {
	"evdev-grab-race", "evdev-grab-wait", "evdev-passthrough", "evdev-swallow-change",
	"evdev-remapper-loop", "evdev-overflow-status", "evdev-hotkey-mid-frame",
	"evdev-unexcluded", "evdev-grab-error",
	"evdev-start-errno", "evdev-flood-toggle", "evdev-hotplug-500",
};
const size_t vmt_evdev_n_checks = sizeof(vmt_evdev_checks) / sizeof(vmt_evdev_checks[0]);

/* ---- the daemon and its ini */

/* value of a hold axis at @counts (joystickd.ini(5): linear, -32767 ... 32767) */
static int32_t linear(double counts)
{
	double y = counts / SENS;

	return (int32_t)lround(32767.0 * (y > 1 ? 1 : y < -1 ? -1 : y));
}

/*
 * The ini of a check: @capture is its [capture] section's lines, @stick
 * extra [stick] lines, @mice its [mouse] sections.  Roll (REL_X) and pitch
 * (REL_Y) are hold axes of sensitivity 400, the wheel the throttle, the
 * left button the trigger.
 */
static int write_ini(const char *capture, const char *stick, const char *mice)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[capture]\ncapture_backend = evdev\n%s\n"
		 "[stick]\nname = " EV_STICK "\n%s\n%s\n"
		 "[axis roll]\ntarget = ABS_X\nsource = REL_X\nmodel = hold\nsensitivity = 400\n\n"
		 "[axis pitch]\ntarget = ABS_Y\nsource = REL_Y\nmodel = hold\nsensitivity = 400\n\n"
		 "[axis throttle]\ntarget = ABS_THROTTLE\nsource = REL_WHEEL\nmodel = hold\nsensitivity = 20\n\n"
		 "[button trigger]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n",
		 capture, stick ? stick : "", mice ? mice : "");
	return dt_write(EV_INI, text);
}

#define CAPTURE(mice, swallow, toggle, active) \
	"mice = " mice "\nswallow = " swallow "\ntoggle_key = " toggle \
	"\non_toggle_off = recenter\nactive_at_start = " active "\n"

static bool hooks_on;	/* the next start preloads evdev-hooks.so */

static int spawn(void)
{
	static char *argv[] = { JOYSTICKD, "-c", EV_INI, NULL };
	static char *hooks[] = { "LD_PRELOAD=" HOOKS_LIB, "JSD_HOOK_DIR=" HOOK_DIR, NULL };

	return daemon_spawn(&ed, argv, hooks_on ? hooks : NULL, false);
}

static bool start(void)
{
	if (spawn() < 0 || daemon_wait_notify(&ed, "READY=1", 4 * WAIT_MS) < 0) {
		daemon_dump_log(&ed);
		return false;
	}
	return true;
}

static void stop(void)
{
	daemon_stop(&ed, SIGTERM, WAIT_MS);
	daemon_close(&ed);
	hooks_on = false;
}

static void arm(const char *hook, const char *text)
{
	char path[128];

	mkdir(HOOK_DIR, 0755);
	snprintf(path, sizeof(path), HOOK_DIR "/%s", hook);
	dt_write(path, text);
}

static bool hook_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), HOOK_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

/* joystickctl A1 [A2] into out[]; its exit status. */
static int jctl(const char *a1, const char *a2, int timeout_ms)
{
	char *argv[] = { JOYSTICKCTL, (char *)a1, (char *)a2, NULL };

	return dt_run(argv, -1, out, sizeof(out), timeout_ms);
}

static bool wait_status(const char *needle)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	do {
		if (jctl("status", NULL, WAIT_MS) == 0 && strstr(out, needle))
			return true;
		dt_sleep_ms(20);
	} while (dt_now_ms() < deadline);
	return false;
}

static bool wait_log(const char *needle, int timeout_ms)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;

	while (!daemon_log_has(&ed, needle)) {
		if (dt_now_ms() >= deadline)
			return false;
		dt_sleep_ms(20);
	}
	return true;
}

/* The CAPTURE column of `joystickctl devices` for the device called @name, or "". */
static const char *device_state(const char *name)
{
	static char state[16], list[sizeof(out)];
	char *line, *save = NULL;

	state[0] = '\0';
	if (jctl("devices", NULL, WAIT_MS) != 0)
		return state;
	memcpy(list, out, sizeof(list));	/* out[] stays whole for the caller */
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line), m = strlen(name);

		if (n > m && strcmp(line + n - m, name) == 0 && line[n - m - 1] == ' ' &&
		    sscanf(line, "%*u %*s %15s", state) == 1)
			break;
		state[0] = '\0';
	}
	return state;
}

static bool wait_device_state(const char *name, const char *want)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;

	while (strcmp(device_state(name), want) != 0) {
		if (dt_now_ms() >= deadline)
			return false;
		dt_sleep_ms(20);
	}
	return true;
}

/* The event node of the device called @name, once it exists; an open reader of it. */
static int open_named(const char *name)
{
	uint64_t deadline = dt_now_ms() + WAIT_MS;
	char node[64];

	while (dt_find_event(name, node, sizeof(node)) < 0) {
		if (dt_now_ms() >= deadline)
			return -ENOENT;
		dt_sleep_ms(20);
	}
	return evdev_open(node);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void hotkey(void)
{
	vdev_key(kbd, KEY_SCROLLLOCK, 1);
	vdev_key(kbd, KEY_SCROLLLOCK, 0);
}

/*
 * Whether @v's motion drives the stick and not the desktop: REL_Y 4 moves
 * ABS_Y, and @desk (a reader of @v) gets nothing.  Grabs nothing itself.
 */
static bool captured(struct vdev *v, int desk, int stick)
{
	int32_t y;

	evdev_drain(desk);
	evdev_drain(stick);
	vdev_rel(v, REL_Y, 4);
	return evdev_wait(stick, EV_ABS, ABS_Y, true, 0, WAIT_MS, &y) == 0 &&
	       evdev_count(desk, EV_REL, 200) == 0;
}

/* ---- devices made here */

static int uinput_open(void)
{
	int fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void set_bits(int fd, unsigned long ioc, const uint16_t *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ioctl(fd, ioc, codes[i]);
}

/*
 * A gaming mouse: buttons 1 to 16 (BTN_LEFT ... BTN_TASK + 8), KEY_MICMUTE,
 * MSC_SCAN, an ABS_MISC dial, a pointing-stick property; no hi-res wheel.
 */
static int gaming_mouse(struct vdev *v, const char *name)
{
	static const uint16_t rels[] = { REL_X, REL_Y, REL_WHEEL };
	struct uinput_abs_setup abs = { .code = ABS_MISC, .absinfo = { .minimum = 0, .maximum = 255 } };
	int code;

	v->fd = uinput_open();
	if (v->fd < 0)
		return v->fd;
	ioctl(v->fd, UI_SET_EVBIT, EV_REL);
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	ioctl(v->fd, UI_SET_EVBIT, EV_MSC);
	ioctl(v->fd, UI_SET_EVBIT, EV_ABS);
	set_bits(v->fd, UI_SET_RELBIT, rels, sizeof(rels) / sizeof(rels[0]));
	for (code = BTN_LEFT; code <= BTN_TASK + 8; code++)
		ioctl(v->fd, UI_SET_KEYBIT, code);
	ioctl(v->fd, UI_SET_KEYBIT, KEY_MICMUTE);
	ioctl(v->fd, UI_SET_MSCBIT, MSC_SCAN);
	ioctl(v->fd, UI_SET_ABSBIT, ABS_MISC);
	ioctl(v->fd, UI_ABS_SETUP, &abs);
	ioctl(v->fd, UI_SET_PROPBIT, INPUT_PROP_POINTING_STICK);
	return vdev_create(v, name, BUS_USB, 0x1532, 0x0084);
}

/* A keyboard with a touchpad, one device: keys with repeat and LEDs, motion, two buttons. */
static int combo_keyboard(struct vdev *v, const char *name)
{
	static const uint16_t rels[] = { REL_X, REL_Y };
	static const uint16_t btns[] = { BTN_LEFT, BTN_RIGHT };
	int code;

	v->fd = uinput_open();
	if (v->fd < 0)
		return v->fd;
	ioctl(v->fd, UI_SET_EVBIT, EV_REL);
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	ioctl(v->fd, UI_SET_EVBIT, EV_MSC);
	ioctl(v->fd, UI_SET_EVBIT, EV_LED);
	ioctl(v->fd, UI_SET_EVBIT, EV_REP);
	set_bits(v->fd, UI_SET_RELBIT, rels, 2);
	set_bits(v->fd, UI_SET_KEYBIT, btns, 2);
	for (code = KEY_ESC; code <= KEY_F12; code++)
		ioctl(v->fd, UI_SET_KEYBIT, code);
	ioctl(v->fd, UI_SET_MSCBIT, MSC_SCAN);
	ioctl(v->fd, UI_SET_LEDBIT, LED_CAPSL);
	ioctl(v->fd, UI_SET_LEDBIT, LED_NUML);
	return vdev_create(v, name, BUS_USB, 0x17ef, 0x6047);
}

/* The smallest pointer (REL_X, REL_Y, BTN_LEFT) or keyboard (KEY_A). */
static int small_device(struct vdev *v, const char *name, bool pointer, uint16_t product)
{
	v->fd = uinput_open();
	if (v->fd < 0)
		return v->fd;
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	if (pointer) {
		ioctl(v->fd, UI_SET_EVBIT, EV_REL);
		ioctl(v->fd, UI_SET_RELBIT, REL_X);
		ioctl(v->fd, UI_SET_RELBIT, REL_Y);
		ioctl(v->fd, UI_SET_KEYBIT, BTN_LEFT);
	} else {
		ioctl(v->fd, UI_SET_KEYBIT, KEY_A);
	}
	return vdev_create(v, name, BUS_USB, 0x1209, product);
}

/* ---- evdev-grab-race */

/*
 * A press the desktop gets between the key-state read and the grab (the
 * hook holds the grab back while the test presses): its release must
 * reach the desktop too, and the mouse is grabbed once it is up.
 */
static void test_grab_race(void)
{
	const char *test = "evdev-grab-race";
	uint64_t deadline;
	int mfd = -1;
	int32_t v;

	hooks_on = true;
	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "no"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	mfd = open_named(MOUSE_NAME);
	arm("grab-race", "");
	hotkey();
	for (deadline = dt_now_ms() + WAIT_MS; !hook_file("grab-race.hit") && dt_now_ms() < deadline;)
		dt_sleep_ms(5);
	if (!hook_file("grab-race.hit")) {
		dt_fail(test, "capture on: the daemon never tried EVIOCGRAB");
		goto out;
	}
	vdev_key(mouse, BTN_RIGHT, 1);
	if (evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 1, WAIT_MS, &v) < 0) {
		dt_fail(test, "the desktop did not get the press made before the grab");
		goto out;
	}
	arm("grab-race.go", "");
	if (!wait_status("active: yes\n")) {
		dt_fail(test, "capture did not turn on: %s", out);
		goto out;
	}
	vdev_key(mouse, BTN_RIGHT, 0);
	if (evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 0, WAIT_MS, &v) < 0) {
		dt_fail(test, "the desktop never got the release: it keeps BTN_RIGHT down for the whole flight");
		goto out;
	}
	if (!dt_grabbed_by_another(mfd, WAIT_MS)) {
		dt_fail(test, "the mouse was not grabbed once BTN_RIGHT was up");
		goto out;
	}
	dt_pass(test);
out:
	close_fd(&mfd);
	stop();
}

/* ---- evdev-grab-wait */

/*
 * A button the desktop saw pressed is down when capture turns on: the
 * grab waits, and meanwhile the motion goes to the desktop only; devices
 * and the log say so; after BACKEND_GRAB_WAIT_S (5 s) the wait ends with a
 * warning and the mouse stays the desktop's until capture turns on again.
 */
static void test_grab_wait(void)
{
	const char *test = "evdev-grab-wait";
	int mfd = -1, sfd = -1, n;
	int32_t v, y0 = 0, y1 = 0;

	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "no"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	mfd = open_named(MOUSE_NAME);
	sfd = open_named(EV_STICK);
	vdev_key(mouse, BTN_RIGHT, 1);
	if (evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 1, WAIT_MS, &v) < 0) {
		dt_fail(test, "capture off: the desktop did not get the press");
		goto out;
	}
	hotkey();
	if (!wait_status("active: yes\n")) {
		dt_fail(test, "capture did not turn on: %s", out);
		goto out;
	}
	if (!wait_log("waiting for buttons to be released", WAIT_MS)) {
		dt_fail(test, "no 'waiting for buttons to be released' line in the log");
		goto out;
	}
	if (strcmp(device_state(MOUSE_NAME), "waiting") != 0 ||
	    !strstr(out, "waiting for buttons to be released")) {
		dt_fail(test, "joystickctl devices: %s", out);
		goto out;
	}
	evdev_abs(sfd, ABS_Y, &y0);
	evdev_drain(mfd);
	vdev_rel(mouse, REL_Y, 200);
	if (evdev_wait(mfd, EV_REL, REL_Y, false, 200, WAIT_MS, &v) < 0) {
		dt_fail(test, "while the grab waits the desktop did not get the motion");
		goto out;
	}
	dt_sleep_ms(300);
	evdev_abs(sfd, ABS_Y, &y1);
	if (y1 != y0) {
		dt_fail(test, "the stick moved while the grab waited (ABS_Y %d to %d): the motion went to the stick and the desktop",
			y0, y1);
		goto out;
	}
	if (!wait_log("stayed down for 5 s", 5000 + WAIT_MS) ||
	    strcmp(device_state(MOUSE_NAME), "held") != 0) {
		dt_fail(test, "the wait did not end after 5 s with a warning: devices %s", out);
		goto out;
	}
	vdev_key(mouse, BTN_RIGHT, 0);
	evdev_wait(mfd, EV_KEY, BTN_RIGHT, false, 0, WAIT_MS, &v);
	evdev_drain(mfd);
	vdev_rel(mouse, REL_Y, 3);
	n = evdev_count(mfd, EV_REL, 300);
	if (n != 1) {
		dt_fail(test, "after the wait ended the desktop got %d REL events of 1: the mouse was taken", n);
		goto out;
	}
	hotkey();
	if (!wait_status("active: no\n")) {
		dt_fail(test, "capture did not turn off: %s", out);
		goto out;
	}
	hotkey();
	if (!wait_status("active: yes\n") || !wait_device_state(MOUSE_NAME, "yes") ||
	    !captured(mouse, mfd, sfd)) {
		dt_fail(test, "turned on again with its buttons up, the mouse is not captured: %s", out);
		goto out;
	}
	dt_pass(test);
out:
	close_fd(&mfd);
	close_fd(&sfd);
	stop();
}

/* ---- evdev-passthrough, evdev-swallow-change */

/* Whether the capability bits of @type are the same on @a and @b. */
static bool same_bits(int a, int b, unsigned int type)
{
	unsigned char ba[KEY_CNT / 8 + 1] = { 0 }, bb[KEY_CNT / 8 + 1] = { 0 };

	if (ioctl(a, EVIOCGBIT(type, sizeof(ba)), ba) < 0 || ioctl(b, EVIOCGBIT(type, sizeof(bb)), bb) < 0)
		return false;
	return memcmp(ba, bb, sizeof(ba)) == 0;
}

/* Whether the passthrough @p is a copy of @src: ids, properties, every event code. */
static bool cloned(int src, int p, char *why, size_t size)
{
	static const unsigned int types[] = { 0, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_LED };
	unsigned char pa[INPUT_PROP_CNT / 8] = { 0 }, pb[INPUT_PROP_CNT / 8] = { 0 };
	struct input_id ia, ib;
	size_t i;

	if (ioctl(src, EVIOCGID, &ia) < 0 || ioctl(p, EVIOCGID, &ib) < 0 || memcmp(&ia, &ib, sizeof(ia))) {
		snprintf(why, size, "input id %04x:%04x:%04x:%04x, the mouse's %04x:%04x:%04x:%04x",
			 ib.bustype, ib.vendor, ib.product, ib.version, ia.bustype, ia.vendor,
			 ia.product, ia.version);
		return false;
	}
	ioctl(src, EVIOCGPROP(sizeof(pa)), pa);
	ioctl(p, EVIOCGPROP(sizeof(pb)), pb);
	if (memcmp(pa, pb, sizeof(pa))) {
		snprintf(why, size, "its properties differ");
		return false;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!same_bits(src, p, types[i])) {
			snprintf(why, size, "its event codes of type %u differ", types[i]);
			return false;
		}
	}
	return true;
}

/* @v writes one frame of (type, code, value) triples; @p must carry each unless swallowed. */
struct ev3 {
	uint16_t type, code;
	int32_t value;
};

static int frame3(struct vdev *v, const struct ev3 *e, size_t n)
{
	struct input_event ev[8] = { 0 };

	for (size_t i = 0; i < n; i++)
		ev[i] = (struct input_event){ .type = e[i].type, .code = e[i].code, .value = e[i].value };
	return vdev_frame(v, ev, n);
}

static bool carried(int p, const struct ev3 *e, size_t n, char *why, size_t size)
{
	int32_t v;

	for (size_t i = 0; i < n; i++) {
		if (evdev_wait(p, e[i].type, e[i].code, false, e[i].value, WAIT_MS, &v) < 0) {
			snprintf(why, size, "the passthrough did not carry event %u:0x%x %d", e[i].type,
				 e[i].code, e[i].value);
			return false;
		}
	}
	return true;
}

/* EVIOCGKEY of @fd: whether @code is down. */
static bool key_down(int fd, unsigned int code)
{
	unsigned char keys[KEY_CNT / 8 + 1] = { 0 };

	return ioctl(fd, EVIOCGKEY(sizeof(keys)), keys) >= 0 && (keys[code / 8] >> (code % 8) & 1);
}

/*
 * swallow = motion, then swallow = wheel by a reload while BTN_SIDE is
 * held: the grab stays, the passthrough stays (same node), BTN_SIDE stays
 * down on it, motion passes from then on, the wheel no longer.
 */
static void test_swallow_change(int mp, int sfd)
{
	const char *test = "evdev-swallow-change";
	char before[64], after[64];
	int32_t v;
	int n;

	evdev_drain(mp);
	vdev_key(mouse, BTN_SIDE, 1);
	if (evdev_wait(mp, EV_KEY, BTN_SIDE, false, 1, WAIT_MS, &v) < 0)
		return dt_fail(test, "BTN_SIDE did not reach the passthrough");
	dt_find_event(MOUSE_NAME PT, before, sizeof(before));
	if (write_ini(CAPTURE("all", "wheel", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0)
		return dt_fail(test, "cannot write %s", EV_INI);
	kill(ed.pid, SIGHUP);
	if (daemon_wait_notify(&ed, "RELOADING=1", WAIT_MS) < 0 ||
	    daemon_wait_notify(&ed, "READY=1", WAIT_MS) < 0)
		return dt_fail(test, "the reload did not finish");
	if (dt_find_event(MOUSE_NAME PT, after, sizeof(after)) < 0 || strcmp(before, after) != 0)
		return dt_fail(test, "the passthrough was made again (%s, then %s): an ungrab", before, after);
	n = evdev_count(mp, EV_KEY, 100);
	if (n != 0 || !key_down(mp, BTN_SIDE))
		return dt_fail(test, "BTN_SIDE did not stay down on the passthrough across the change (%d key events)",
			       n);
	vdev_rel(mouse, REL_X, 9);
	if (evdev_wait(mp, EV_REL, REL_X, false, 9, WAIT_MS, &v) < 0)
		return dt_fail(test, "swallow = wheel: the passthrough did not carry the motion");
	if (evdev_wait(sfd, EV_ABS, ABS_X, false, linear(5 + 9), WAIT_MS, &v) < 0)
		return dt_fail(test, "swallow = wheel: REL_X 9 gave ABS_X %d, want %d", v, linear(5 + 9));
	evdev_drain(mp);
	vdev_rel(mouse, REL_WHEEL, 1);
	n = evdev_count(mp, EV_REL, 300);
	if (n != 0)
		return dt_fail(test, "swallow = wheel: the passthrough carried %d wheel events", n);
	vdev_key(mouse, BTN_SIDE, 0);
	if (evdev_wait(mp, EV_KEY, BTN_SIDE, false, 0, WAIT_MS, &v) < 0)
		return dt_fail(test, "the release of BTN_SIDE did not reach the passthrough");
	dt_pass(test);
}

static void test_passthrough(void)
{
	const char *test = "evdev-passthrough";
	static const struct ev3 gaming[] = {
		{ EV_MSC, MSC_SCAN, 0x90004 }, { EV_KEY, BTN_SIDE, 1 }, { EV_KEY, BTN_TASK + 8, 1 },
		{ EV_KEY, KEY_MICMUTE, 1 }, { EV_REL, REL_WHEEL, 1 }, { EV_ABS, ABS_MISC, 7 },
	};
	static const struct ev3 gaming_up[] = {
		{ EV_KEY, BTN_SIDE, 0 }, { EV_KEY, BTN_TASK + 8, 0 }, { EV_KEY, KEY_MICMUTE, 0 },
	};
	static const struct ev3 combo[] = { { EV_MSC, MSC_SCAN, 0x70004 }, { EV_KEY, KEY_A, 1 } };
	static const struct ev3 combo_up[] = { { EV_KEY, KEY_A, 0 } };
	struct vdev g = { .fd = -1 }, c = { .fd = -1 };
	int gs = -1, gp = -1, cs = -1, cp = -1, ms = -1, mp = -1, sfd = -1;
	char why[256] = "";
	int32_t v;
	int n;

	if (gaming_mouse(&g, "jsd-gaming mouse") < 0 || combo_keyboard(&c, "jsd-combo keyboard") < 0) {
		dt_fail(test, "cannot make the gaming mouse and the combo keyboard");
		dt_fail("evdev-swallow-change", "not reached: no devices");
		goto out_devices;
	}
	if (write_ini(CAPTURE("all", "motion", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0 || !start()) {
		dt_fail(test, "the daemon did not start");
		dt_fail("evdev-swallow-change", "not reached: no daemon");
		goto out_devices;
	}
	gs = open_named("jsd-gaming mouse");
	cs = open_named("jsd-combo keyboard");
	ms = open_named(MOUSE_NAME);
	sfd = open_named(EV_STICK);
	gp = open_named("jsd-gaming mouse" PT);
	cp = open_named("jsd-combo keyboard" PT);
	mp = open_named(MOUSE_NAME PT);
	if (gp < 0 || cp < 0 || mp < 0) {
		dt_fail(test, "no passthrough named '<device>%s' for each grabbed device", PT);
		goto out;
	}
	if (!cloned(gs, gp, why, sizeof(why)) || !cloned(cs, cp, why, sizeof(why)) ||
	    !cloned(ms, mp, why, sizeof(why))) {
		dt_fail(test, "a passthrough is not a copy of its device: %s", why);
		goto out;
	}
	/* ours are never captured: three mice, no passthrough in the list */
	if (jctl("devices", NULL, WAIT_MS) != 0 || strstr(out, PT) ||
	    !wait_status("mice captured: 3\n")) {
		dt_fail(test, "our passthroughs are listed or captured: %s", out);
		goto out;
	}
	/* swallow = motion: all but the motion reaches the desktop, each on its own copy */
	evdev_drain(gp);
	if (frame3(&g, gaming, sizeof(gaming) / sizeof(gaming[0])) < 0 ||
	    !carried(gp, gaming, sizeof(gaming) / sizeof(gaming[0]), why, sizeof(why)) ||
	    frame3(&g, gaming_up, 3) < 0 || !carried(gp, gaming_up, 3, why, sizeof(why)) ||
	    frame3(&c, combo, 2) < 0 || !carried(cp, combo, 2, why, sizeof(why)) ||
	    frame3(&c, combo_up, 1) < 0 || !carried(cp, combo_up, 1, why, sizeof(why))) {
		dt_fail(test, "%s", why);
		goto out;
	}
	evdev_drain(mp);
	vdev_rel(mouse, REL_X, 5);
	if (evdev_wait(sfd, EV_ABS, ABS_X, false, linear(5), WAIT_MS, &v) < 0) {
		dt_fail(test, "REL_X 5 did not reach the stick (ABS_X %d, want %d)", v, linear(5));
		goto out;
	}
	n = evdev_count(mp, EV_REL, 200);
	if (n != 0) {
		dt_fail(test, "swallow = motion: the passthrough carried %d motion events", n);
		goto out;
	}
	/* each copy has its own buttons: a release on one mouse is not the other's */
	vdev_key(mouse, BTN_SIDE, 1);
	vdev_key(&g, BTN_SIDE, 1);
	vdev_key(&g, BTN_SIDE, 0);
	if (evdev_wait(gp, EV_KEY, BTN_SIDE, false, 0, WAIT_MS, &v) < 0 ||
	    evdev_wait(mp, EV_KEY, BTN_SIDE, false, 1, WAIT_MS, &v) < 0 || !key_down(mp, BTN_SIDE)) {
		dt_fail(test, "releasing BTN_SIDE on one mouse released the other's");
		goto out;
	}
	vdev_key(mouse, BTN_SIDE, 0);
	evdev_wait(mp, EV_KEY, BTN_SIDE, false, 0, WAIT_MS, &v);
	dt_pass(test);
	test_swallow_change(mp, sfd);
	goto out_stop;
out:
	dt_fail("evdev-swallow-change", "not reached: %s failed", test);
out_stop:
	close_fd(&gs);
	close_fd(&gp);
	close_fd(&cs);
	close_fd(&cp);
	close_fd(&ms);
	close_fd(&mp);
	close_fd(&sfd);
	stop();
out_devices:
	vdev_destroy(&g);
	vdev_destroy(&c);
}

/* ---- evdev-remapper-loop */

/*
 * A keyd-like remapper: it grabs every device whose name says
 * "passthrough" and writes what it reads to its own pointer, "keyd
 * virtual pointer" (keyd's id).  A daemon that captured that pointer
 * would forward its events again: a loop.
 */
struct fake_keyd {
	struct vdev out;
	pthread_t thread;
	volatile bool stop;
	int fds[16];
	char names[16][128];
	size_t n;
	volatile unsigned long wheel;	/* REL_WHEEL events it forwarded */
};

static bool keyd_has(const struct fake_keyd *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->names[i], name) == 0)
			return true;
	return false;
}

/* Grabs the passthroughs it does not hold yet. */
static void keyd_scan(struct fake_keyd *k)
{
	DIR *d = opendir("/sys/class/input");
	struct dirent *de;

	while (d && (de = readdir(d)) && k->n < 16) {
		char path[300], name[128] = "", node[64];
		int fd;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/name", de->d_name);
		if (dt_read(path, name, sizeof(name)) < 0)
			continue;
		name[strcspn(name, "\n")] = '\0';
		if (!strstr(name, "passthrough") || keyd_has(k, name) ||
		    dt_find_event(name, node, sizeof(node)) < 0)
			continue;
		fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, EVIOCGRAB, (void *)1) < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		k->fds[k->n] = fd;
		snprintf(k->names[k->n++], sizeof(k->names[0]), "%s", name);
	}
	if (d)
		closedir(d);
}

static void *keyd_main(void *userdata)
{
	struct fake_keyd *k = userdata;

	while (!k->stop) {
		struct pollfd p[16];
		size_t i;

		keyd_scan(k);
		for (i = 0; i < k->n; i++)
			p[i] = (struct pollfd){ .fd = k->fds[i], .events = POLLIN };
		if (poll(p, k->n, 20) <= 0)
			continue;
		for (i = 0; i < k->n; i++) {
			struct input_event ev[64];
			ssize_t len;

			while ((len = read(k->fds[i], ev, sizeof(ev))) > 0) {
				for (ssize_t j = 0; j < len / (ssize_t)sizeof(ev[0]); j++)
					k->wheel += ev[j].type == EV_REL && ev[j].code == REL_WHEEL;
				if (write(k->out.fd, ev, len) != len)
					break;
			}
		}
	}
	return NULL;
}

static void test_remapper_loop(void)
{
	const char *test = "evdev-remapper-loop";
	static const uint16_t rels[] = { REL_X, REL_Y, REL_WHEEL, REL_HWHEEL };
	static const uint16_t btns[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA };
	struct fake_keyd k = { .out = { .fd = -1 } };
	bool running = false;
	int kfd = -1, n;

	if (write_ini(CAPTURE("all", "motion", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	k.out.fd = uinput_open();
	if (k.out.fd < 0)
		goto fail_setup;
	ioctl(k.out.fd, UI_SET_EVBIT, EV_REL);
	ioctl(k.out.fd, UI_SET_EVBIT, EV_KEY);
	set_bits(k.out.fd, UI_SET_RELBIT, rels, 4);
	set_bits(k.out.fd, UI_SET_KEYBIT, btns, 5);
	if (vdev_create(&k.out, "keyd virtual pointer", BUS_USB, 0x0fac, 0x1ade) < 0)
		goto fail_setup;
	kfd = open_named("keyd virtual pointer");
	if (kfd < 0 || pthread_create(&k.thread, NULL, keyd_main, &k) != 0)
		goto fail_setup;
	running = true;
	/* the remapper holds our passthrough; its own pointer is listed, not captured */
	for (uint64_t deadline = dt_now_ms() + WAIT_MS; dt_now_ms() < deadline && !k.n;)
		dt_sleep_ms(20);
	dt_sleep_ms(300);
	if (!k.n) {
		dt_fail(test, "the fake remapper found no passthrough to grab");
		goto out;
	}
	evdev_drain(kfd);
	k.wheel = 0;
	vdev_rel(mouse, REL_WHEEL, 1);
	n = evdev_count(kfd, EV_REL, 1500);
	if (k.wheel != 1 || n != 1) {
		dt_fail(test, "one wheel notch went through the remapper %lu times, and came out of its pointer %d times: a feedback loop",
			k.wheel, n);
		goto out;
	}
	if (!wait_device_state("keyd virtual pointer", "remapper")) {
		dt_fail(test, "mice = all captures another remapper's pointer: devices %s", out);
		goto out;
	}
	dt_pass(test);
	goto out;
fail_setup:
	dt_fail(test, "cannot set up the fake remapper");
out:
	if (running) {
		k.stop = true;
		pthread_join(k.thread, NULL);
	}
	for (size_t i = 0; i < k.n; i++)
		close(k.fds[i]);
	close_fd(&kfd);
	vdev_destroy(&k.out);
	stop();
}

/* ---- evdev-overflow-status */

/*
 * The daemon stopped while 20,001 frames arrive: evdev's buffer of ours
 * overflows (SYN_DROPPED).  The loss is no secret: status counts it, the
 * log says it, and the mouse drives the stick on.
 */
static void test_overflow_status(void)
{
	const char *test = "evdev-overflow-status";
	static int32_t burst[20001];
	unsigned long long n = 0;
	int sfd = -1;
	char *line;
	int32_t v;

	for (size_t i = 0; i < 20000; i++)
		burst[i] = i % 2 ? -1 : 1;
	burst[20000] = 100;
	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	sfd = open_named(EV_STICK);
	kill(ed.pid, SIGSTOP);
	dt_sleep_ms(100);
	vdev_rel_burst(mouse, REL_Y, burst, 20001);
	kill(ed.pid, SIGCONT);
	for (uint64_t deadline = dt_now_ms() + WAIT_MS; !n && dt_now_ms() < deadline; dt_sleep_ms(20))
		if (jctl("status", NULL, WAIT_MS) != 0 || !(line = strstr(out, "evdev overflows: ")) ||
		    sscanf(line, "evdev overflows: %llu", &n) != 1)
			break;
	if (!n) {
		dt_fail(test, "status does not show the overflow: %s", out);
		goto out;
	}
	if (!wait_log("its evdev buffer overflowed (SYN_DROPPED)", WAIT_MS)) {
		dt_fail(test, "no warning of the lost events in the log");
		goto out;
	}
	dt_info("%s: %llu overflows for 20001 frames made while the daemon was stopped", test, n);
	evdev_drain(sfd);
	vdev_rel(mouse, REL_X, 40);
	if (evdev_wait(sfd, EV_ABS, ABS_X, false, linear(40), WAIT_MS, &v) < 0) {
		dt_fail(test, "after the overflow REL_X 40 gave ABS_X %d, want %d", v, linear(40));
		goto out;
	}
	dt_pass(test);
out:
	close_fd(&sfd);
	stop();
}

/* ---- evdev-hotkey-mid-frame */

/*
 * toggle_key = BTN_EXTRA, on_toggle_off = recenter: a frame of REL_Y 200
 * and the hotkey turns capture off after its motion, so the recentre
 * comes last and the stick ends at its trim.
 */
static void test_hotkey_mid_frame(void)
{
	const char *test = "evdev-hotkey-mid-frame";
	struct input_event ev[2] = {
		{ .type = EV_REL, .code = REL_Y, .value = 200 },
		{ .type = EV_KEY, .code = BTN_EXTRA, .value = 1 },
	};
	int32_t y = 1;
	int sfd = -1;

	if (write_ini(CAPTURE("all", "all", "BTN_EXTRA", "yes"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	sfd = open_named(EV_STICK);
	vdev_frame(mouse, ev, 2);
	if (!wait_status("active: no\n")) {
		dt_fail(test, "BTN_EXTRA did not turn capture off: %s", out);
		goto out;
	}
	vdev_key(mouse, BTN_EXTRA, 0);
	dt_sleep_ms(300);
	evdev_abs(sfd, ABS_Y, &y);
	if (y != 0) {
		dt_fail(test, "ABS_Y %d after the recentre, want 0: the frame's motion came after capture off", y);
		goto out;
	}
	dt_pass(test);
out:
	close_fd(&sfd);
	stop();
}

/* ---- evdev-unexcluded */

/*
 * A [stick] id equal to the mouse's keeps the mouse out (the daemon never
 * reads its own stick); a reload with another id lets it in again.
 */
static void test_unexcluded(void)
{
	const char *test = "evdev-unexcluded";

	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "yes"),
		      "bus = usb\nvendor = 0x046d\nproduct = 0xc077\nversion = 1\n", NULL) < 0 ||
	    !start())
		return dt_fail(test, "the daemon did not start");
	if (!wait_status("mice captured: 0\n")) {
		dt_fail(test, "a mouse with the stick's id is captured: %s", out);
		goto out;
	}
	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0) {
		dt_fail(test, "cannot write %s", EV_INI);
		goto out;
	}
	kill(ed.pid, SIGHUP);
	if (daemon_wait_notify(&ed, "READY=1", WAIT_MS) < 0 || !wait_status("mice captured: 1\n") ||
	    !wait_device_state(MOUSE_NAME, "yes")) {
		dt_fail(test, "the stick's id changed and the mouse was never attached again: %s", out);
		goto out;
	}
	dt_pass(test);
out:
	stop();
}

/* ---- evdev-grab-error */

/* EVIOCGRAB fails (ENOMEM, once): the log says so, and a second later it is grabbed. */
static void test_grab_error(void)
{
	const char *test = "evdev-grab-error";
	int mfd = -1, sfd = -1;

	hooks_on = true;
	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "no"), NULL, NULL) < 0 || !start())
		return dt_fail(test, "the daemon did not start");
	mfd = open_named(MOUSE_NAME);
	sfd = open_named(EV_STICK);
	arm("grab-fail", "12\n");
	hotkey();
	if (!wait_status("active: yes\n")) {
		dt_fail(test, "capture did not turn on: %s", out);
		goto out;
	}
	if (!wait_log("not captured: grabbing it failed: Cannot allocate memory", WAIT_MS)) {
		dt_fail(test, "a failed EVIOCGRAB (ENOMEM) left no line in the log");
		goto out;
	}
	if (!wait_log("mouse '" MOUSE_NAME "' (id ", WAIT_MS) || !wait_log(") grabbed", WAIT_MS) ||
	    !captured(mouse, mfd, sfd)) {
		dt_fail(test, "the grab was not tried again");
		goto out;
	}
	dt_pass(test);
out:
	close_fd(&mfd);
	close_fd(&sfd);
	stop();
}

/* ---- evdev-start-errno */

/*
 * The evdev backend's epoll_create1() fails with EMFILE, and udev_new()
 * after it leaves errno 0: start-up fails with EMFILE's line, status 1.
 */
static void test_start_errno(void)
{
	const char *test = "evdev-start-errno";
	const char *line = "starting the evdev capture backend failed: Too many open files";
	int st;

	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0)
		return dt_fail(test, "cannot write %s", EV_INI);
	/* sd-event's epoll_create1() is the first, the backend's the second */
	arm("epoll-fail", "2 24\n");
	arm("udev-new-errno", "");
	hooks_on = true;
	if (spawn() < 0) {
		dt_fail(test, "cannot start the daemon");
		goto out;
	}
	st = daemon_stop(&ed, 0, WAIT_MS);	/* signal 0: waits for its exit */
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 1 || !daemon_log_has(&ed, line)) {
		daemon_dump_log(&ed);
		dt_fail(test, "wait status 0x%x, want exit 1 with '%s' (log on the console)", st, line);
		goto out;
	}
	dt_pass(test);
out:
	unlink(HOOK_DIR "/epoll-fail");
	unlink(HOOK_DIR "/udev-new-errno");
	stop();
}

/* ---- evdev-flood-toggle */

#define FLOODS		1
#define FLOOD_FRAMES	1024	/* a write */

/*
 * A pointer written as fast as uinput takes it, FLOOD_FRAMES frames a
 * write, by a thread of its own, on REL_DIAL: captured like any
 * motion, and no axis of the ini takes it, so the stick's readers (the
 * test's) are not flooded in turn.
 */
struct flood {
	struct vdev dev;
	pthread_t thread;
	bool running;
	volatile bool stop;
	unsigned long long frames;
};

static int flood_mouse(struct vdev *v, int i)
{
	static const uint16_t rels[] = { REL_X, REL_Y, REL_DIAL };
	char name[32];

	v->fd = uinput_open();
	if (v->fd < 0)
		return v->fd;
	ioctl(v->fd, UI_SET_EVBIT, EV_REL);
	ioctl(v->fd, UI_SET_EVBIT, EV_KEY);
	set_bits(v->fd, UI_SET_RELBIT, rels, 3);
	ioctl(v->fd, UI_SET_KEYBIT, BTN_LEFT);
	snprintf(name, sizeof(name), "jsd-flood mouse %d", i);
	return vdev_create(v, name, BUS_USB, 0x1209, 0x0f10 + i);
}

static void *flood_main(void *userdata)
{
	static struct input_event ev[2 * FLOOD_FRAMES];
	struct flood *f = userdata;

	for (int i = 0; i < FLOOD_FRAMES; i++) {
		ev[2 * i] = (struct input_event){ .type = EV_REL, .code = REL_DIAL, .value = i % 2 ? -1 : 1 };
		ev[2 * i + 1] = (struct input_event){ .type = EV_SYN, .code = SYN_REPORT };
	}
	while (!f->stop) {
		if (write(f->dev.fd, ev, sizeof(ev)) != sizeof(ev))
			break;
		f->frames += FLOOD_FRAMES;
	}
	return NULL;
}

static void floods_stop(struct flood *f)
{
	for (int i = 0; i < FLOODS; i++) {
		f[i].stop = true;
		if (f[i].running)
			pthread_join(f[i].thread, NULL);
		f[i].running = false;
		vdev_destroy(&f[i].dev);
	}
}

/*
 * Presses the hotkey and moves the mouse every 20 ms until @fd gets an
 * event of @type and @code: the ms that took, or -1 (none in WAIT_MS).
 */
static long hotkey_takes_ms(int fd, uint16_t type, uint16_t code)
{
	uint64_t t0 = dt_now_ms();
	int32_t v;

	evdev_drain(fd);
	hotkey();
	while (dt_now_ms() < t0 + WAIT_MS) {
		vdev_rel(mouse, REL_Y, 1);
		if (evdev_wait(fd, type, code, true, 0, 20, &v) == 0)
			return (long)(dt_now_ms() - t0);
	}
	return -1;
}

/*
 * Beside the flood, the hotkey still turns capture off within a second
 * (the real mouse is the desktop's again, status says so) and on again
 * (the mouse drives the stick).
 */
static void test_flood_toggle(void)
{
	const char *test = "evdev-flood-toggle";
	struct flood f[FLOODS] = { 0 };
	uint64_t t0, status_ms;
	int mfd = -1, sfd = -1, i;
	long off_ms, on_ms;

	for (i = 0; i < FLOODS; i++)
		f[i].dev.fd = -1;
	for (i = 0; i < FLOODS; i++) {
		if (flood_mouse(&f[i].dev, i) < 0) {
			dt_fail(test, "cannot make the flooding mouse");
			goto out;
		}
	}
	if (write_ini(CAPTURE("all", "all", "KEY_SCROLLLOCK", "yes"), NULL, NULL) < 0 || !start()) {
		dt_fail(test, "the daemon did not start");
		goto out;
	}
	mfd = open_named(MOUSE_NAME);
	sfd = open_named(EV_STICK);
	if (!wait_status("mice captured: 2\n")) {
		dt_fail(test, "the flooding mouse is not captured: %s", out);
		goto out;
	}
	for (i = 0; i < FLOODS; i++)
		f[i].running = pthread_create(&f[i].thread, NULL, flood_main, &f[i]) == 0;
	dt_sleep_ms(1000);
	if (!captured(mouse, mfd, sfd)) {
		dt_fail(test, "beside the flood the real mouse is not captured");
		goto out;
	}
	off_ms = hotkey_takes_ms(mfd, EV_REL, REL_Y);
	if (off_ms < 0 || off_ms > 1000) {
		dt_fail(test, "capture off: the mouse came back to the desktop after %ld ms (-1: never)",
			off_ms);
		goto out;
	}
	/*
	 * status answers, and says what the mouse shows.  Its time is mostly
	 * joystickctl's start beside the flood's writer under emulation: shown.
	 */
	t0 = dt_now_ms();
	if (!wait_status("active: no\n")) {
		dt_fail(test, "capture off: status says %.60s", out);
		goto out;
	}
	status_ms = dt_now_ms() - t0;
	on_ms = hotkey_takes_ms(sfd, EV_ABS, ABS_Y);
	if (on_ms < 0 || on_ms > 1000) {
		dt_fail(test, "capture on: the mouse drove the stick after %ld ms (-1: never)", on_ms);
		goto out;
	}
	dt_info("%s: off in %ld ms (then status answered in %llu ms), on in %ld ms beside %llu flood frames",
		test, off_ms, (unsigned long long)status_ms, on_ms, f[0].frames);
	dt_pass(test);
out:
	floods_stop(f);
	close_fd(&mfd);
	close_fd(&sfd);
	stop();
}

/* ---- evdev-hotplug-500 */

#define MANY		500
#define MANY_POINTERS	40

/* Starts the daemon with RLIMIT_NOFILE @soft:@hard (the test keeps its own). */
static bool start_limited(rlim_t soft, rlim_t hard)
{
	struct rlimit was, rl = { soft, hard };
	bool ok;

	getrlimit(RLIMIT_NOFILE, &was);
	setrlimit(RLIMIT_NOFILE, &rl);
	ok = start();
	setrlimit(RLIMIT_NOFILE, &was);
	return ok;
}

static int plug_many(struct vdev *many)
{
	char name[32];
	int i, r;

	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "jsd-many %03d", i);
		r = small_device(&many[i], name, i < MANY_POINTERS, 0x1000 + i);
		if (r < 0)
			return r;
	}
	return 0;
}

static void unplug_many(struct vdev *many)
{
	for (int i = 0; i < MANY; i++)
		vdev_destroy(&many[i]);
}

/* Lines of the daemon's log containing @needle. */
static int log_count(const char *needle)
{
	static char log[1 << 20];
	const char *p;
	int n = 0;

	if (dt_read(ed.log, log, sizeof(log)) < 0)
		return -1;
	for (p = log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A mouse plugged after them is attached, captured and drives the stick. */
static bool late_mouse_flies(struct vdev *late, int timeout_ms, char *why, size_t size)
{
	uint64_t deadline = dt_now_ms() + timeout_ms;
	int sfd, lfd, ok;

	while (strcmp(device_state("jsd-late mouse"), "yes") != 0) {
		if (dt_now_ms() >= deadline) {
			snprintf(why, size, "the mouse plugged after %d devices was never attached", MANY);
			return false;
		}
		dt_sleep_ms(50);
	}
	sfd = open_named(EV_STICK);
	lfd = open_named("jsd-late mouse");
	ok = captured(late, lfd, sfd);
	close(sfd);
	close(lfd);
	if (!ok)
		snprintf(why, size, "the late mouse is listed but does not drive the stick");
	return ok;
}

/*
 * 500 devices (40 mice, 460 keyboards) plugged at once.  With 192
 * descriptors the daemon runs out, says so, and attaches the mouse plugged
 * after them once the 500 are gone.  With a soft limit of 256 (hard 4096)
 * it raises its limit and attaches the mouse while the 500 are there.
 * Either way the lines about mice are summed up, not one per mouse.
 */
static void test_hotplug_500(void)
{
	const char *test = "evdev-hotplug-500";
	static struct vdev many[MANY];
	struct vdev late = { .fd = -1 };
	int lines, allowed;
	uint64_t t0;
	char why[256];

	for (int i = 0; i < MANY; i++)
		many[i].fd = -1;
	if (write_ini(CAPTURE("all", "all", "none", "yes"), NULL, NULL) < 0 || !start_limited(192, 192)) {
		dt_fail(test, "the daemon did not start");
		return;
	}
	t0 = dt_now_ms();
	if (plug_many(many) < 0) {
		dt_fail(test, "cannot make %d devices: %s", MANY, strerror(errno));
		goto out;
	}
	if (!wait_log("input devices could not be opened: Too many open files", 3 * WAIT_MS)) {
		dt_fail(test, "192 descriptors, %d devices: no line saying some could not be opened", MANY);
		goto out;
	}
	vdev_mouse(&late, "jsd-late mouse", 0x1209, 0x0fff);
	dt_sleep_ms(500);
	unplug_many(many);
	if (!late_mouse_flies(&late, 3 * WAIT_MS, why, sizeof(why)) ||
	    !wait_log("every input device is open again", WAIT_MS)) {
		dt_fail(test, "descriptors freed: %s", why);
		goto out;
	}
	lines = log_count("capturing mouse '") + log_count("' removed");
	allowed = BURST * (int)(1 + (dt_now_ms() - t0) / 5000);
	dt_info("%s: %d lines about mice for %d mice plugged and unplugged in %llu ms", test, lines,
		2 * MANY_POINTERS, (unsigned long long)(dt_now_ms() - t0));
	if (lines > allowed) {
		dt_fail(test, "%d lines about mice in %llu ms, at most %d allowed: not rate limited",
			lines, (unsigned long long)(dt_now_ms() - t0), allowed);
		goto out;
	}
	vdev_destroy(&late);
	stop();

	/* The soft limit raised to the hard one: no device left out. */
	if (!start_limited(256, 4096)) {
		dt_fail(test, "the daemon did not start with 256:4096 descriptors");
		goto out;
	}
	if (plug_many(many) < 0 || vdev_mouse(&late, "jsd-late mouse", 0x1209, 0x0fff) < 0) {
		dt_fail(test, "cannot make the devices again");
		goto out;
	}
	if (!late_mouse_flies(&late, 6 * WAIT_MS, why, sizeof(why))) {
		dt_fail(test, "256:4096 descriptors, %d devices there: %s", MANY, why);
		goto out;
	}
	if (daemon_log_has(&ed, "could not be opened")) {
		dt_fail(test, "256:4096 descriptors: devices were left out");
		goto out;
	}
	dt_pass(test);
out:
	unplug_many(many);
	vdev_destroy(&late);
	stop();
}

void vmt_evdev_tests(struct vdev *m, struct vdev *k)
{
	mouse = m;
	kbd = k;
	mkdir(HOOK_DIR, 0755);
	test_grab_race();
	test_grab_wait();
	test_passthrough();
	test_remapper_loop();
	test_overflow_status();
	test_hotkey_mid_frame();
	test_unexcluded();
	test_grab_error();
	test_start_errno();
	test_flood_toggle();
	test_hotplug_500();
}
