// SPDX-License-Identifier: GPL-2.0
/*
 * Odd hardware, other programs and a hung owner: a keyboard with a
 * touchpad keeps its typing, a grab that ends resyncs the owner's buttons,
 * the dead-man switch gives the mouse back, a frame is never split by a
 * capture change in its middle, and a release always reaches the desktop.
 * (A motion sum beyond the __s32 range: overflow.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/uinput.h>

#include "vmtest.h"

#define OWNER_ACTIVE (JSKF_STATE_OWNER | JSKF_STATE_ACTIVE)
#define SW JSKF_RECF_SWALLOWED
#define EV(t, c, v) { .type = (t), .code = (c), .value = (v) }
#define MS 1000000LL

/* Captures one device by name, with a dead-man bound (0: the default). */
static int capture_dev(int kfd, const char *name, uint32_t flags, uint32_t swallow,
		       uint16_t toggle, uint32_t deadman_ms, uint32_t *id)
{
	struct jskf_device d;
	struct jskf_capture c = {
		.n_ids = 1,
		.flags = flags,
		.swallow = swallow,
		.toggle_code = toggle,
		.deadman_ms = deadman_ms,
	};
	int r = kf_find(kfd, name, &d);

	if (r)
		return r;
	*id = d.id;
	c.ids_ptr = (uintptr_t)id;
	return kf_ioctl(kfd, JSKF_IOC_CAPTURE, &c);
}

/*
 * A keyboard with a touchpad is one device: while it is captured and its
 * buttons swallowed, its typing still reaches the desktop and is never
 * queued or counted; its pointer buttons are captured.  Naming a key with
 * JSKF_IOC_CAPTURE_KEYS captures that key too.
 */
static int test_combo_keys_pass(void)
{
	static const struct input_event type_a[] = { EV(EV_KEY, KEY_A, 1), EV(EV_KEY, KEY_A, 0) };
	static const struct input_event a_seen[] = {
		EV(EV_KEY, KEY_A, 1), EV(EV_KEY, KEY_A, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event click_move[] = {
		EV(EV_REL, REL_X, 3), EV(EV_KEY, BTN_LEFT, 1),
	};
	static const struct input_event unclick[] = { EV(EV_KEY, BTN_LEFT, 0) };
	static const struct input_event unclicked[] = {
		EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event w_down[] = { EV(EV_KEY, KEY_W, 1) };
	static const struct input_event w_up[] = { EV(EV_KEY, KEY_W, 0) };
	static const struct input_event w_released[] = {
		EV(EV_KEY, KEY_W, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	struct jskf_capture_keys keys = { .bits = { 0 } };
	struct jskf_stats st, kst;
	struct jskf_device kd;
	struct vmt_dev combo, kbd;
	struct exp_rec want[12];
	uint32_t id;
	int kfd, evfd, kbd_ev;
	size_t n = 0;

	CHECK_OK(vmt_combo_create(&combo, "vmtest combo keyboard touchpad", 0x0701));
	CHECK_OK(vmt_keyboard_create(&kbd, "vmtest combo plain keyboard", 0x0702));
	CHECK_OK(kfd = kf_open(0));
	CHECK_OK(capture_dev(kfd, combo.name, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_ALL, 0, 0, &id));
	CHECK_OK(kf_find(kfd, kbd.name, &kd));
	CHECK_OK(evfd = evdev_open(combo.evdev));
	CHECK_OK(kbd_ev = evdev_open(kbd.evdev));

	CHECK_OK(vmt_frame(&combo, type_a, 2));
	CHECK_OK(vmt_expect_evdev(evfd, a_seen, 3, "typing on the captured combo"));
	CHECK_OK(vmt_frame(&combo, click_move, 2));
	CHECK_OK(vmt_expect_evdev(evfd, NULL, 0, "pointer of the captured combo"));
	CHECK_OK(vmt_frame(&combo, unclick, 1));
	CHECK_OK(vmt_expect_evdev(evfd, unclicked, 2, "button release"));
	CHECK_OK(vmt_frame(&kbd, type_a, 2));
	CHECK_OK(vmt_expect_evdev(kbd_ev, a_seen, 3, "typing on a keyboard"));

	want[n++] = (struct exp_rec){ id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[n++] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, OWNER_ACTIVE, 0 };
	want[n++] = (struct exp_rec){ id, EV_REL, REL_X, 3, SW };
	want[n++] = (struct exp_rec){ id, EV_KEY, BTN_LEFT, 1, SW };
	want[n++] = (struct exp_rec){ id, EV_SYN, SYN_REPORT, 0, SW };
	want[n++] = (struct exp_rec){ id, EV_KEY, BTN_LEFT, 0, 0 };
	want[n++] = (struct exp_rec){ id, EV_SYN, SYN_REPORT, 0, 0 };
	CHECK_OK(vmt_expect_recs(kfd, want, n));

	/* No counter tells when someone types: the keys are not counted. */
	CHECK_OK(kf_stats(kfd, id, &st));
	CHECK_EQ(st.counters.seen, 1 + 3 + 2);	/* the SYN after typing, click+move, release */
	CHECK_OK(kf_stats(kfd, kd.id, &kst));
	CHECK_EQ(kst.counters.seen, 0);

	/* A key the owner maps is captured, and swallowed like a button. */
	keys.bits[KEY_W / 64] = 1ULL << (KEY_W % 64);
	CHECK_OK(kf_ioctl(kfd, JSKF_IOC_CAPTURE_KEYS, &keys));
	CHECK_OK(vmt_frame(&combo, w_down, 1));
	CHECK_OK(vmt_frame(&combo, w_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, w_released, 2, "a mapped key"));
	n = 0;
	want[n++] = (struct exp_rec){ id, EV_KEY, KEY_W, 1, SW };
	want[n++] = (struct exp_rec){ id, EV_SYN, SYN_REPORT, 0, SW };
	want[n++] = (struct exp_rec){ id, EV_KEY, KEY_W, 0, 0 };
	want[n++] = (struct exp_rec){ id, EV_SYN, SYN_REPORT, 0, 0 };
	CHECK_OK(vmt_expect_recs(kfd, want, n));

	/* Only the owner sets the keys. */
	CHECK_ERR(kf_ioctl(kf_open(0), JSKF_IOC_CAPTURE_KEYS, &keys), EPERM);
	return 0;
}

/*
 * Another program grabs the mouse while a captured button is held, and the
 * button is released during the grab: when the grab ends the owner gets
 * the release, marked as a resync.
 */
static int test_grab_resync(void)
{
	static const struct input_event down[] = { EV(EV_KEY, BTN_LEFT, 1) };
	static const struct input_event up[] = { EV(EV_KEY, BTN_LEFT, 0) };
	struct exp_rec want[8];
	struct jskf_device d;
	struct vmt_cap c;
	int grabber;
	size_t n = 0;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest grab resync", 0x0703, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_BUTTONS, 0, 0));
	CHECK_OK(vmt_frame(&c.mouse, down, 1));
	CHECK_OK(grabber = evdev_open(c.mouse.evdev));
	CHECK(ioctl(grabber, EVIOCGRAB, 1) == 0, "EVIOCGRAB: %s", strerror(errno));
	CHECK_OK(kf_find(c.kfd, c.mouse.name, &d));
	CHECK(d.flags & JSKF_DEVF_GRABBED, "flags %#x lack GRABBED", d.flags);
	CHECK_OK(vmt_frame(&c.mouse, up, 1));
	CHECK(ioctl(grabber, EVIOCGRAB, 0) == 0, "EVIOCGRAB 0: %s", strerror(errno));

	want[n++] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[n++] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, OWNER_ACTIVE, 0 };
	want[n++] = (struct exp_rec){ c.id, EV_KEY, BTN_LEFT, 1, SW };
	want[n++] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, SW };
	want[n++] = (struct exp_rec){ c.id, EV_KEY, BTN_LEFT, 0, JSKF_RECF_RESYNC };
	want[n++] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	CHECK_OK(vmt_expect_recs(c.kfd, want, n));

	/* A button held through the whole grab is not released. */
	CHECK_OK(vmt_frame(&c.mouse, down, 1));
	CHECK(ioctl(grabber, EVIOCGRAB, 1) == 0, "EVIOCGRAB: %s", strerror(errno));
	CHECK(ioctl(grabber, EVIOCGRAB, 0) == 0, "EVIOCGRAB 0: %s", strerror(errno));
	n = 0;
	want[n++] = (struct exp_rec){ c.id, EV_KEY, BTN_LEFT, 1, SW };
	want[n++] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, SW };
	CHECK_OK(vmt_expect_recs(c.kfd, want, n));
	close(grabber);
	return 0;
}

/*
 * The owner stops collecting (hung, SIGSTOP): once its records have waited
 * longer than the bound, the next frame reaches the desktop, and the
 * owner's next read finds a STATE record saying why.
 */
static int test_deadman(void)
{
	static const struct input_event move1[] = { EV(EV_REL, REL_X, 1) };
	static const struct input_event move2[] = { EV(EV_REL, REL_X, 2) };
	static const struct input_event moved2[] = { EV(EV_REL, REL_X, 2), EV(EV_SYN, SYN_REPORT, 0) };
	struct exp_rec want[8];
	struct vmt_dev m;
	struct recbuf rb;
	uint32_t id;
	int kfd, evfd;
	size_t n = 0;

	CHECK_OK(vmt_mouse_create(&m, "vmtest deadman", 0x0704));
	CHECK_OK(kfd = kf_open(0));
	CHECK_OK(evfd = evdev_open(m.evdev));
	CHECK_OK(capture_dev(kfd, m.name, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_ALL, 0, 300, &id));
	/* Collected in time: capture stays on. */
	recbuf_init(&rb);
	CHECK_OK(kf_drain(kfd, &rb));
	CHECK_OK(vmt_frame(&m, move1, 1));
	CHECK_OK(vmt_expect_evdev(evfd, NULL, 0, "motion while the owner reads"));
	sleep_ms(600);
	CHECK_OK(vmt_frame(&m, move2, 1));
	CHECK_OK(vmt_expect_evdev(evfd, moved2, 2, "motion after the owner stalled"));
	CHECK_OK(vmt_frame(&m, move2, 1));
	CHECK_OK(vmt_expect_evdev(evfd, moved2, 2, "motion after that"));

	want[n++] = (struct exp_rec){ id, EV_REL, REL_X, 1, SW };
	want[n++] = (struct exp_rec){ id, EV_SYN, SYN_REPORT, 0, SW };
	want[n++] = (struct exp_rec){ id, JSKF_REC_STATE, JSKF_STATE_BY_DEADMAN, JSKF_STATE_OWNER, 0 };
	CHECK_OK(vmt_expect_recs(kfd, want, n));

	/* Turned on again by the owner, it swallows again. */
	CHECK_OK(kf_set_active(kfd, 1));
	recbuf_init(&rb);
	CHECK_OK(kf_drain(kfd, &rb));
	CHECK_OK(vmt_frame(&m, move1, 1));
	CHECK_OK(vmt_expect_evdev(evfd, NULL, 0, "motion after turning capture on again"));
	return 0;
}

/*
 * The hotkey in the middle of a frame flips capture for the next frame:
 * this one goes whole to the side its first event chose.
 */
static int test_frame_latched(void)
{
	static const struct input_event mixed[] = {
		EV(EV_REL, REL_X, 5), EV(EV_KEY, BTN_SIDE, 1), EV(EV_REL, REL_Y, 7),
	};
	static const struct input_event desktop[] = {
		EV(EV_REL, REL_X, 5), EV(EV_REL, REL_Y, 7), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event side_up[] = { EV(EV_KEY, BTN_SIDE, 0), EV(EV_REL, REL_X, 1) };
	static const struct input_event side_released[] = {
		EV(EV_KEY, BTN_SIDE, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	struct exp_rec want[8];
	struct vmt_cap c;
	int evfd;
	size_t n = 0;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest frame latch", 0x0705, 0, JSKF_CLASS_MOTION,
				   0, BTN_SIDE));
	CHECK_OK(evfd = evdev_open(c.mouse.evdev));
	CHECK_OK(vmt_frame(&c.mouse, mixed, 3));
	CHECK_OK(vmt_expect_evdev(evfd, desktop, 3, "the frame that turned capture on"));
	CHECK_OK(vmt_frame(&c.mouse, side_up, 2));
	CHECK_OK(vmt_expect_evdev(evfd, side_released, 2, "the next frame"));

	want[n++] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[n++] = (struct exp_rec){ c.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, OWNER_ACTIVE, 0 };
	want[n++] = (struct exp_rec){ c.id, EV_REL, REL_X, 1, SW };
	want[n++] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	CHECK_OK(vmt_expect_recs(c.kfd, want, n));
	return 0;
}

/*
 * A button pressed while swallowed is down in the device's key state all
 * the same (the input core records it before the filter runs), which is
 * what a desktop client resyncs from after SYN_DROPPED: the release must
 * reach it, or the button stays down there.
 */
static int test_release_reaches_desktop(void)
{
	static const struct input_event down[] = { EV(EV_KEY, BTN_RIGHT, 1) };
	static const struct input_event up[] = { EV(EV_KEY, BTN_RIGHT, 0) };
	static const struct input_event released[] = {
		EV(EV_KEY, BTN_RIGHT, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	unsigned char keys[KEY_MAX / 8 + 1];
	struct vmt_cap c;
	int evfd;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest release desktop", 0x0706, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_BUTTONS, 0, 0));
	CHECK_OK(evfd = evdev_open(c.mouse.evdev));
	CHECK_OK(vmt_frame(&c.mouse, down, 1));
	CHECK_OK(vmt_expect_evdev(evfd, NULL, 0, "a swallowed press"));
	memset(keys, 0, sizeof(keys));
	CHECK(ioctl(evfd, EVIOCGKEY(sizeof(keys)), keys) >= 0, "EVIOCGKEY: %s", strerror(errno));
	CHECK(keys[BTN_RIGHT / 8] & (1 << (BTN_RIGHT % 8)),
	      "the key state does not show the swallowed press: the test's premise changed");
	CHECK_OK(vmt_frame(&c.mouse, up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, released, 2, "the release"));
	return 0;
}

/*
 * Operations that reach beyond the caller's own capture: EXCLUDE is the
 * owner's (or anyone's while nobody owns capture), and a keyboard key as
 * the hotkey is root's.
 */
static int test_owner_only(void)
{
	struct jskf_exclude ex = { .n = 1 };
	struct vmt_cap c;
	int other, status;
	pid_t child;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest owner only", 0x0708, 0, 0, 0, 0));
	ex.ids[0] = (struct jskf_input_id){ BUS_USB, VMT_VENDOR, 0x0708, 1 };
	CHECK_OK(other = kf_open(0));
	CHECK_ERR(kf_ioctl(other, JSKF_IOC_EXCLUDE, &ex), EBUSY);
	ex.n = 0;
	CHECK_ERR(kf_ioctl(other, JSKF_IOC_EXCLUDE, &ex), EBUSY);
	CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_EXCLUDE, &ex));
	close(c.kfd);
	CHECK_OK(kf_ioctl(other, JSKF_IOC_EXCLUDE, &ex));	/* nobody owns capture */

	/* Opened by another uid (the node made readable for it). */
	CHECK(chmod(JSKF_DEVICE_PATH, 0666) == 0, "chmod: %s", strerror(errno));
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = kf_open(0);
		if (fd < 0) {
			fprintf(stderr, "owner-only: open as uid 65534: %s\n", strerror(-fd));
			_exit(11);
		}
		if (kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, KEY_SCROLLLOCK) != -EPERM)
			_exit(12);
		if (kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, BTN_SIDE))
			_exit(13);
		_exit(0);
	}
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	chmod(JSKF_DEVICE_PATH, 0600);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the other uid's checks failed at step %d", WEXITSTATUS(status));
	return 0;
}

/*
 * The keyboard-key rule: a keyboard key tells whoever captures it, or has
 * it as the hotkey, when someone types it, so only root may name one, in
 * JSKF_IOC_CAPTURE_KEYS and as toggle_code alike, and "root" means both
 * the opener of the file and the caller (a root process that dropped its
 * privileges, or a file passed to another process, is not root).  Buttons
 * (the pointer, joystick, gamepad, digitizer, wheel, d-pad and trigger-
 * happy blocks) are open to anyone.  Keyboard keys are not only the codes
 * below BTN_MISC: KEY_OK ... KEY_MAX outside those blocks are keys too.
 */
static const uint16_t keyboard_keys[] = {
	KEY_ESC, KEY_A, KEY_SCROLLLOCK, KEY_F24, KEY_OK, KEY_FN, KEY_FN_F1, KEY_FN_B,
	KEY_BRL_DOT1, KEY_NUMERIC_0, KEY_KBD_LAYOUT_NEXT, KEY_MACRO1, KEY_MACRO30, KEY_MAX,
};
static const uint16_t buttons[] = {
	BTN_0, BTN_LEFT, BTN_SIDE, BTN_TASK, BTN_TRIGGER, BTN_DEAD, BTN_SOUTH, BTN_THUMBR,
	BTN_TOOL_PEN, BTN_TOUCH, BTN_TOOL_QUADTAP, BTN_GEAR_UP, BTN_DPAD_UP, BTN_DPAD_RIGHT,
	BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY40,
};

/* A child's first failure, for the parent to report (shared memory). */
static char *child_why;

static int child_fail(const char *fmt, ...)
{
	va_list ap;

	if (child_why[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(child_why, 512, fmt, ap);
	va_end(ap);
	return -1;
}

/* JSKF_IOC_CAPTURE_KEYS with one code: the version-1 command value (96 bytes). */
static int capture_keys_v1(int fd, uint16_t code)
{
	uint64_t bits[JSKF_KEY_WORDS] = { 0 };

	bits[code / 64] = 1ULL << (code % 64);
	return kf_ioctl(fd, _IOC(_IOC_WRITE, JSKF_IOC_MAGIC, 0x09, sizeof(bits)), bits);
}

/* ... and the current one, with flags and room. */
static int capture_keys(int fd, uint16_t code)
{
	struct jskf_capture_keys k = { .bits = { 0 } };

	k.bits[code / 64] = 1ULL << (code % 64);
	return kf_ioctl(fd, JSKF_IOC_CAPTURE_KEYS, &k);
}

/* What @fd may do; @root: its opener and its caller are root. */
static int key_rule_checks(int fd, bool root, const char *who)
{
	int want = root ? 0 : -EPERM, r;

	r = kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, 0);
	if (r)
		return child_fail("%s: capture without a hotkey gave %d (%s)", who, r, strerror(-r));
	for (size_t i = 0; i < ARRAY_SIZE(keyboard_keys); i++) {
		uint16_t code = keyboard_keys[i];

		r = kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, code);
		if (r != want)
			return child_fail("%s: keyboard key %#x as the hotkey gave %d (%s), want %s",
					  who, code, r, strerror(-r), root ? "0" : "-EPERM");
		r = capture_keys_v1(fd, code);
		if (r != want)
			return child_fail("%s: keyboard key %#x in CAPTURE_KEYS (version 1) gave %d (%s), want %s",
					  who, code, r, strerror(-r), root ? "0" : "-EPERM");
		r = capture_keys(fd, code);
		if (r != want)
			return child_fail("%s: keyboard key %#x in CAPTURE_KEYS gave %d (%s), want %s",
					  who, code, r, strerror(-r), root ? "0" : "-EPERM");
	}
	for (size_t i = 0; i < ARRAY_SIZE(buttons); i++) {
		uint16_t code = buttons[i];

		r = kf_capture(fd, NULL, 0, JSKF_CAPTURE_ALL_POINTERS, 0, 0, code);
		if (!r)
			r = capture_keys_v1(fd, code);
		if (!r)
			r = capture_keys(fd, code);
		if (r)
			return child_fail("%s: button %#x as the hotkey or in CAPTURE_KEYS gave %d (%s)",
					  who, code, r, strerror(-r));
	}
	return 0;
}

static int run_child(int (*fn)(void *), void *arg, const char *what)
{
	int status;
	pid_t child;

	child_why[0] = '\0';
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0)
		_exit(fn(arg) ? 1 : 0);
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %s", what,
	      child_why[0] ? child_why : "the child died");
	return 0;
}

static int drop_to_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return child_fail("dropping to uid 65534: %s", strerror(errno));
	return 0;
}

/* Opened by root, then the process drops its privileges. */
static int keys_dropped_after_open(void *arg)
{
	int fd = kf_open(0);

	if (fd < 0)
		return child_fail("open as root: %s", strerror(-fd));
	if (drop_to_nobody())
		return -1;
	return key_rule_checks(fd, false, "root opened, uid 65534 calls");
}

/* Opened by uid 65534, passed to root (arg: the socket to send it on). */
static int keys_opened_by_nobody(void *arg)
{
	int sock = *(int *)arg, fd;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (drop_to_nobody())
		return -1;
	fd = kf_open(0);
	if (fd < 0)
		return child_fail("open as uid 65534: %s", strerror(-fd));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		return child_fail("sendmsg: %s", strerror(errno));
	return key_rule_checks(fd, false, "uid 65534 opened and calls");
}

static int keys_root(void *arg)
{
	int fd = kf_open(0);

	if (fd < 0)
		return child_fail("open as root: %s", strerror(-fd));
	return key_rule_checks(fd, true, "root opened and calls");
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int test_keyboard_keys_root_only(void)
{
	int sv[2], fd, r, status;
	pid_t child;

	child_why = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(child_why != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_OK(run_child(keys_dropped_after_open, NULL, "privileges dropped after open"));

	/* uid 65534 opens (the node made open to it), then root calls on that file. */
	CHECK(chmod(JSKF_DEVICE_PATH, 0666) == 0, "chmod: %s", strerror(errno));
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair: %s",
	      strerror(errno));
	child_why[0] = '\0';
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0)
		_exit(keys_opened_by_nobody(&sv[1]) ? 1 : 0);
	fd = recv_fd(sv[0]);
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	chmod(JSKF_DEVICE_PATH, 0600);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "opened by uid 65534: %s",
	      child_why[0] ? child_why : "the child died");
	CHECK_OK(fd);
	r = key_rule_checks(fd, false, "uid 65534 opened, passed to root");
	CHECK(!r, "%s", child_why);
	close(fd);
	CHECK_OK(run_child(keys_root, NULL, "root"));
	return 0;
}

/*
 * A device whose only keys are above BTN_MISC (a remote's KEY_OK, a
 * laptop's KEY_FN) is a keyboard too: it is attached for the hotkey.
 */
static int test_hotkey_high_keyboard(void)
{
	static const struct input_event fn_down[] = { EV(EV_KEY, KEY_FN, 1) };
	static const struct input_event fn_up[] = { EV(EV_KEY, KEY_FN, 0) };
	struct uinput_setup us = {
		.id = { .bustype = BUS_USB, .vendor = VMT_VENDOR, .product = 0x070c, .version = 1 },
		.name = "vmtest fn keys",
	};
	struct vmt_dev fn = { .fd = -1 };
	struct jskf_device d;
	struct exp_rec want[3];
	struct vmt_cap c;
	size_t n = 0;

	fn.fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	CHECK(fn.fd >= 0, "/dev/uinput: %s", strerror(errno));
	CHECK(ioctl(fn.fd, UI_SET_EVBIT, EV_KEY) == 0 && ioctl(fn.fd, UI_SET_KEYBIT, KEY_FN) == 0 &&
	      ioctl(fn.fd, UI_SET_KEYBIT, KEY_FN_F1) == 0 && ioctl(fn.fd, UI_DEV_SETUP, &us) == 0 &&
	      ioctl(fn.fd, UI_DEV_CREATE) == 0, "uinput: %s", strerror(errno));
	CHECK_OK(vmt_capture_mouse(&c, "vmtest fn hotkey mouse", 0x070d, 0, JSKF_CLASS_MOTION, 0,
				   KEY_FN));
	CHECK(!kf_find(c.kfd, us.name, &d), "a device with only KEY_FN and KEY_FN_F1 is not attached");
	CHECK_EQ(d.flags, JSKF_DEVF_KEYBOARD);
	CHECK_OK(vmt_frame(&fn, fn_down, 1));
	CHECK_OK(vmt_frame(&fn, fn_up, 1));
	want[n++] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[n++] = (struct exp_rec){ d.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, OWNER_ACTIVE, 0 };
	CHECK_OK(vmt_expect_recs(c.kfd, want, n));
	return 0;
}

static short poll_events(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* poll() tells of records, a pending cancel, a device list change. */
static int test_poll(void)
{
	static const struct input_event move[] = { EV(EV_REL, REL_X, 1) };
	struct jskf_info info;
	struct vmt_dev extra;
	struct recbuf rb;
	struct vmt_cap c;
	short ev;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest poll", 0x0709, JSKF_CAPTURE_ACTIVE, 0, 0, 0));
	recbuf_init(&rb);
	CHECK_OK(kf_drain(c.kfd, &rb));
	CHECK_OK(kf_info(c.kfd, &info));
	CHECK_EQ(poll_events(c.kfd), 0);

	CHECK_OK(vmt_frame(&c.mouse, move, 1));
	CHECK_EQ(poll_events(c.kfd), POLLIN);
	CHECK_OK(kf_drain(c.kfd, &rb));
	CHECK_EQ(poll_events(c.kfd), 0);

	CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_CANCEL, NULL));
	CHECK_EQ(poll_events(c.kfd), POLLIN);
	{
		struct jskf_record buf[4];
		struct jskf_read rd;

		kf_read_init(&rd, buf, 4, 0, 0);
		CHECK_ERR(kf_read(c.kfd, &rd), ECANCELED);
	}
	CHECK_EQ(poll_events(c.kfd), 0);

	CHECK_OK(vmt_mouse_create(&extra, "vmtest poll extra", 0x070a));
	ev = poll_events(c.kfd);
	CHECK(ev & POLLPRI, "revents %#x after a device was plugged: no POLLPRI", ev);
	CHECK_OK(kf_info(c.kfd, &info));
	CHECK(!(poll_events(c.kfd) & POLLPRI), "POLLPRI after INFO told the generation");

	/*
	 * The end of the capture is no hang-up: the file may capture again,
	 * and a POLLHUP nobody can mask would make every epoll loop spin.
	 */
	CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_RELEASE, NULL));
	ev = poll_events(c.kfd);
	CHECK(!(ev & (POLLHUP | POLLERR)), "revents %#x after RELEASE: the file can capture again", ev);
	CHECK_OK(kf_capture(c.kfd, &c.id, 1, 0, 0, 0, 0));
	return 0;
}

/*
 * A device list change stays unseen (POLLPRI) until the file was really
 * told the new generation: an INFO or a READ whose answer cannot be
 * copied out (-EFAULT) told it nothing.
 */
static int test_devlist_edge_kept(void)
{
	struct jskf_record buf[4];
	struct jskf_info info;
	struct jskf_read *rd;
	struct vmt_dev extra;
	void *page;
	int fd;
	short ev;

	CHECK_OK(fd = kf_open(0));
	CHECK_OK(kf_info(fd, &info));
	CHECK_OK(vmt_mouse_create(&extra, "vmtest devlist edge", 0x070b));
	ev = poll_events(fd);
	CHECK(ev & POLLPRI, "revents %#x after a device was plugged: no POLLPRI", ev);

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap: %s", strerror(errno));
	rd = page;
	kf_read_init(rd, buf, 4, JSKF_READ_DEVLIST, 0);
	rd->devlist_gen = info.devlist_gen;
	CHECK(mprotect(page, 4096, PROT_READ) == 0, "mprotect: %s", strerror(errno));

	CHECK_ERR(kf_ioctl(fd, JSKF_IOC_INFO, page), EFAULT);
	ev = poll_events(fd);
	CHECK(ev & POLLPRI, "revents %#x after an INFO that could not answer: the change was lost", ev);
	CHECK_ERR(kf_ioctl(fd, JSKF_IOC_READ, rd), EFAULT);
	ev = poll_events(fd);
	CHECK(ev & POLLPRI, "revents %#x after a READ that could not answer: the change was lost", ev);

	CHECK_OK(kf_info(fd, &info));
	CHECK(!(poll_events(fd) & POLLPRI), "POLLPRI after INFO told the generation");
	return 0;
}

/*
 * A STATE record that waits in the backlog, replaced by a newer one,
 * takes the newer one's place in the order: after what the backlog took
 * in between (here a button's release, while capture was off).
 */
static int test_state_replaced_moves_back(void)
{
	static const struct input_event down[] = { EV(EV_KEY, BTN_LEFT, 1) };
	static const struct input_event up[] = { EV(EV_KEY, BTN_LEFT, 0) };
	static const struct input_event move[] = { EV(EV_REL, REL_X, 1) };
	struct jskf_device md, nd;
	struct vmt_dev m, n;
	struct jskf_info info;
	struct recbuf rb;
	uint32_t ids[2];
	ssize_t release = -1, last_state = -1;
	int kfd, r;

	CHECK_OK(vmt_mouse_create(&m, "vmtest state order m", 0x070e));
	CHECK_OK(vmt_mouse_create(&n, "vmtest state order n", 0x070f));
	CHECK_OK(kfd = kf_open(0));
	CHECK_OK(kf_info(kfd, &info));
	CHECK_OK(kf_find(kfd, m.name, &md));
	CHECK_OK(kf_find(kfd, n.name, &nd));
	ids[0] = md.id;
	ids[1] = nd.id;
	CHECK_OK(kf_capture(kfd, ids, 2, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_ALL, info.ring_min, 0));
	CHECK_OK(vmt_frame(&m, down, 1));
	/* n fills the ring and goes on into the backlog. */
	for (uint32_t i = 0; i < info.ring_min; i++)
		CHECK_OK(vmt_frame(&n, move, 1));
	CHECK_OK(kf_set_active(kfd, 0));	/* STATE (off), into the backlog */
	CHECK_OK(vmt_frame(&m, up, 1));		/* m's release, after it */
	CHECK_OK(kf_set_active(kfd, 1));	/* STATE (on) replaces the first */

	recbuf_init(&rb);
	r = kf_drain(kfd, &rb);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	for (size_t i = 0; i < rb.n; i++) {
		if (rb.r[i].type == EV_KEY && rb.r[i].dev_id == md.id && rb.r[i].value == 0)
			release = (ssize_t)i;
		if (rb.r[i].type == JSKF_REC_STATE)
			last_state = (ssize_t)i;
	}
	CHECK(release >= 0, "m's release was not delivered");
	CHECK(last_state >= 0 && rb.r[last_state].value == (int32_t)OWNER_ACTIVE,
	      "the last STATE record is not capture on");
	CHECK(release < last_state,
	      "m's release (record %zd, made while capture was off) comes after the STATE that turned it on again (record %zd)",
	      release, last_state);
	recbuf_free(&rb);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "exclude-owner-only-hotkey-key-root-only", test_owner_only, 0 },
	{ "keyboard-keys-root-only", test_keyboard_keys_root_only, 0 },
	{ "hotkey-on-a-keyboard-above-btn-misc", test_hotkey_high_keyboard, 0 },
	{ "poll-records-cancel-devlist-no-hangup", test_poll, 0 },
	{ "devlist-change-kept-until-told", test_devlist_edge_kept, 0 },
	{ "state-replaced-moves-back", test_state_replaced_moves_back, 0 },
	{ "combo-keyboard-keys-reach-desktop", test_combo_keys_pass, 0 },
	{ "grab-end-resyncs-held-buttons", test_grab_resync, 0 },
	{ "deadman-returns-the-mouse", test_deadman, 0 },
	{ "frame-latched-across-hotkey", test_frame_latched, 0 },
	{ "release-reaches-desktop-key-state", test_release_reaches_desktop, 0 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
