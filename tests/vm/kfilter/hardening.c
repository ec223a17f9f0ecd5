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
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

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
	struct jskf_capture_keys keys = { { 0 } };
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

static short poll_events(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* poll() tells of records, a pending cancel, a device list change, the end. */
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

	CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_RELEASE, NULL));
	ev = poll_events(c.kfd);
	CHECK(ev & POLLHUP, "revents %#x after RELEASE: no POLLHUP", ev);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "exclude-owner-only-hotkey-key-root-only", test_owner_only, 0 },
	{ "poll-records-cancel-devlist-end", test_poll, 0 },
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
