// SPDX-License-Identifier: GPL-2.0
/*
 * Swallowing, as an evdev reader of the same device sees it: each class on
 * its own, nothing while inactive, no stuck buttons across toggles and
 * capture ends, the in-kernel toggle hotkey, and capture ending when its
 * owner is killed.  A release is never swallowed (kfilter/README.md: no
 * stuck buttons).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define OWNER_ACTIVE (JSKF_STATE_OWNER | JSKF_STATE_ACTIVE)
#define SW JSKF_RECF_SWALLOWED
#define EV(t, c, v) { .type = (t), .code = (c), .value = (v) }

static char why[512];

static int expect_evdev_none(int fd, const char *when)
{
	return vmt_expect_evdev(fd, NULL, 0, when);
}

/* The class an event of a mouse belongs to (MSC goes with the buttons). */
static uint32_t class_of(const struct input_event *e)
{
	if (e->type == EV_KEY || e->type == EV_MSC)
		return JSKF_CLASS_BUTTONS;
	switch (e->code) {
	case REL_WHEEL:
	case REL_HWHEEL:
	case REL_WHEEL_HI_RES:
	case REL_HWHEEL_HI_RES:
		return JSKF_CLASS_WHEEL;
	default:
		return JSKF_CLASS_MOTION;
	}
}

/* Frames of every class alone and mixed; values keep the buttons balanced. */
static const struct {
	int n;
	struct input_event ev[3];
} frames[] = {
	{ 2, { EV(EV_REL, REL_X, 5), EV(EV_REL, REL_Y, -3) } },
	{ 2, { EV(EV_REL, REL_WHEEL, 1), EV(EV_REL, REL_WHEEL_HI_RES, 120) } },
	{ 2, { EV(EV_MSC, MSC_SCAN, 0x90001), EV(EV_KEY, BTN_LEFT, 1) } },
	{ 2, { EV(EV_MSC, MSC_SCAN, 0x90001), EV(EV_KEY, BTN_LEFT, 0) } },
	{ 2, { EV(EV_REL, REL_X, 2), EV(EV_REL, REL_HWHEEL, -1) } },
	{ 1, { EV(EV_REL, REL_DIAL, 4) } },
	{ 2, { EV(EV_REL, REL_HWHEEL_HI_RES, -120), EV(EV_KEY, BTN_RIGHT, 1) } },
	{ 3, { EV(EV_REL, REL_Y, 1), EV(EV_KEY, BTN_RIGHT, 0), EV(EV_REL, REL_HWHEEL, 1) } },
};

/*
 * Injects every frame; checks what evdev and the owner get when capture is
 * active (or not) with these classes swallowed, and the device's counters.
 */
static int swallow_case(const char *name, uint16_t product, bool active, uint32_t swallow)
{
	struct input_event ev_want[64];
	struct exp_rec rec_want[64];
	size_t n_ev = 0, n_rec = 0, n_values = 0, n_swallowed = 0;
	struct jskf_stats st;
	struct recbuf rb;
	struct vmt_cap c;
	int evfd, r;

	CHECK_OK(vmt_capture_mouse(&c, name, product, active ? JSKF_CAPTURE_ACTIVE : 0,
				   swallow, 0, 0));
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	rec_want[n_rec++] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	if (active)
		rec_want[n_rec++] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL,
						      OWNER_ACTIVE, 0 };

	for (size_t f = 0; f < ARRAY_SIZE(frames); f++) {
		int passed = 0, hidden = 0;

		for (int i = 0; i < frames[f].n; i++) {
			const struct input_event *e = &frames[f].ev[i];
			bool release = e->type == EV_KEY && e->value == 0;
			bool sw = active && (class_of(e) & swallow) && !release;

			if (sw) {
				hidden++;
			} else {
				passed++;
				ev_want[n_ev++] = *e;
			}
			if (active && e->type != EV_MSC)
				rec_want[n_rec++] = (struct exp_rec){ c.id, e->type, e->code,
								      e->value, sw ? SW : 0 };
		}
		if (passed)
			ev_want[n_ev++] = (struct input_event)EV(EV_SYN, SYN_REPORT, 0);
		if (active)
			rec_want[n_rec++] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0,
							      hidden && !passed ? SW : 0 };
		n_values += frames[f].n + 1;
		n_swallowed += hidden + (hidden && !passed);
		CHECK_OK(vmt_frame(&c.mouse, frames[f].ev, frames[f].n));
	}

	CHECK_OK(vmt_expect_evdev(evfd, ev_want, n_ev, "reader"));
	recbuf_init(&rb);
	r = kf_drain(c.kfd, &rb);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	CHECK(!recs_compare(rb.r, rb.n, rec_want, n_rec, why, sizeof(why)), "%s", why);
	CHECK_OK(kf_stats(c.kfd, c.id, &st));
	CHECK_EQ(st.counters.seen, n_values);
	CHECK_EQ(st.counters.swallowed, n_swallowed);
	return 0;
}

static int test_swallow_motion(void)
{
	return swallow_case("vmtest swallow motion", 0x0201, true, JSKF_CLASS_MOTION);
}

static int test_swallow_wheel(void)
{
	return swallow_case("vmtest swallow wheel", 0x0202, true, JSKF_CLASS_WHEEL);
}

static int test_swallow_buttons(void)
{
	return swallow_case("vmtest swallow buttons", 0x0203, true, JSKF_CLASS_BUTTONS);
}

static int test_swallow_all(void)
{
	return swallow_case("vmtest swallow all", 0x0204, true, JSKF_CLASS_ALL);
}

static int test_swallow_none(void)
{
	return swallow_case("vmtest swallow none", 0x0205, true, 0);
}

static int test_inactive_passes(void)
{
	return swallow_case("vmtest swallow inactive", 0x0206, false, JSKF_CLASS_ALL);
}

static const struct input_event left_down[] = { EV(EV_KEY, BTN_LEFT, 1) };
static const struct input_event left_up[] = { EV(EV_KEY, BTN_LEFT, 0) };
static const struct input_event left_repeat[] = { EV(EV_KEY, BTN_LEFT, 2) };
static const struct input_event right_down[] = { EV(EV_KEY, BTN_RIGHT, 1) };
static const struct input_event right_up[] = { EV(EV_KEY, BTN_RIGHT, 0) };
static const struct input_event nudge[] = { EV(EV_REL, REL_X, 1) };

/* Pressed while inactive (the desktop saw it): the release passes when active. */
static int test_press_inactive_release_active(void)
{
	static const struct input_event down[] = { EV(EV_KEY, BTN_LEFT, 1), EV(EV_SYN, SYN_REPORT, 0) };
	static const struct input_event up[] = { EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0) };
	struct vmt_cap c;
	int evfd;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest held inactive", 0x0211, 0, JSKF_CLASS_ALL, 0, 0));
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	CHECK_OK(vmt_frame(&c.mouse, left_down, 1));
	CHECK_OK(vmt_expect_evdev(evfd, down, 2, "press while inactive"));
	CHECK_OK(kf_set_active(c.kfd, 1));
	CHECK_OK(vmt_frame(&c.mouse, nudge, 1));
	CHECK_OK(expect_evdev_none(evfd, "motion while active"));
	CHECK_OK(vmt_frame(&c.mouse, left_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, up, 2, "release while active"));
	return 0;
}

/*
 * Pressed while active (swallowed): after deactivation the release reaches
 * both the desktop (never swallowed) and the owner.
 */
static int test_press_active_release_inactive(void)
{
	static const struct input_event both[] = {
		EV(EV_KEY, BTN_LEFT, 1), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event up[] = { EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0) };
	struct exp_rec want[7];
	struct recbuf rb;
	struct vmt_cap c;
	int evfd, r;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest held active", 0x0212, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_BUTTONS, 0, 0));
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	CHECK_OK(vmt_frame(&c.mouse, left_down, 1));
	CHECK_OK(expect_evdev_none(evfd, "press while active"));
	CHECK_OK(kf_set_active(c.kfd, 0));
	CHECK_OK(vmt_frame(&c.mouse, left_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, up, 2, "release after deactivation"));
	/* Not stuck either way: a new click while inactive passes whole. */
	CHECK_OK(vmt_frame(&c.mouse, left_down, 1));
	CHECK_OK(vmt_frame(&c.mouse, left_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, both, 4, "click while inactive"));

	want[0] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[1] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, OWNER_ACTIVE, 0 };
	want[2] = (struct exp_rec){ c.id, EV_KEY, BTN_LEFT, 1, SW };
	want[3] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, SW };
	want[4] = (struct exp_rec){ 0, JSKF_REC_STATE, JSKF_STATE_BY_IOCTL, JSKF_STATE_OWNER, 0 };
	want[5] = (struct exp_rec){ c.id, EV_KEY, BTN_LEFT, 0, 0 };
	want[6] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, 0 };
	recbuf_init(&rb);
	r = kf_drain(c.kfd, &rb);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	CHECK(!recs_compare(rb.r, rb.n, want, 7, why, sizeof(why)), "%s", why);
	return 0;
}

/*
 * Pressed while active, then capture ends (JSKF_IOC_RELEASE for one button,
 * close() for the other): repeats stay swallowed, the release passes.
 */
static int test_press_active_capture_ends(void)
{
	static const struct input_event clicks[] = {
		EV(EV_KEY, BTN_LEFT, 1), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, BTN_RIGHT, 1), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, BTN_RIGHT, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event lup[] = { EV(EV_KEY, BTN_LEFT, 0), EV(EV_SYN, SYN_REPORT, 0) };
	static const struct input_event rup[] = { EV(EV_KEY, BTN_RIGHT, 0), EV(EV_SYN, SYN_REPORT, 0) };
	struct vmt_cap c;
	int evfd, fd2;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest held release", 0x0213, JSKF_CAPTURE_ACTIVE,
				   JSKF_CLASS_BUTTONS, 0, 0));
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	CHECK_OK(vmt_frame(&c.mouse, left_down, 1));
	CHECK_OK(kf_ioctl(c.kfd, JSKF_IOC_RELEASE, NULL));
	CHECK_OK(vmt_frame(&c.mouse, left_repeat, 1));
	CHECK_OK(vmt_frame(&c.mouse, left_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, lup, 2, "BTN_LEFT after RELEASE"));

	fd2 = kf_open(0);
	CHECK_OK(fd2);
	CHECK_OK(kf_capture(fd2, &c.id, 1, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_BUTTONS, 0, 0));
	CHECK_OK(vmt_frame(&c.mouse, right_down, 1));
	close(fd2);
	CHECK_OK(vmt_frame(&c.mouse, right_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, rup, 2, "BTN_RIGHT after close"));

	for (size_t i = 0; i < ARRAY_SIZE(clicks); i += 2)
		CHECK_OK(vmt_frame(&c.mouse, &clicks[i], 1));
	CHECK_OK(vmt_expect_evdev(evfd, clicks, ARRAY_SIZE(clicks), "clicks after capture"));
	return 0;
}

/*
 * The hotkey on a keyboard flips the state in the kernel, with no read in
 * flight; evdev never sees it, other keys pass, and each flip is a STATE
 * record of that keyboard at its frame's time.
 */
static int test_hotkey_keyboard(void)
{
	static const struct input_event hk_down[] = { EV(EV_KEY, KEY_SCROLLLOCK, 1) };
	static const struct input_event hk_repeat[] = { EV(EV_KEY, KEY_SCROLLLOCK, 2) };
	static const struct input_event hk_up[] = { EV(EV_KEY, KEY_SCROLLLOCK, 0) };
	static const struct input_event a_down[] = { EV(EV_KEY, KEY_A, 1) };
	static const struct input_event a_up[] = { EV(EV_KEY, KEY_A, 0) };
	static const struct input_event a_both[] = {
		EV(EV_KEY, KEY_SCROLLLOCK, 0), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, KEY_A, 1), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, KEY_A, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event hk_released[] = {
		EV(EV_KEY, KEY_SCROLLLOCK, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	static const struct input_event move3[] = { EV(EV_REL, REL_X, 3) };
	static const struct input_event move4[] = { EV(EV_REL, REL_X, 4) };
	static const struct input_event moved4[] = { EV(EV_REL, REL_X, 4), EV(EV_SYN, SYN_REPORT, 0) };
	struct jskf_device kd;
	struct exp_rec want[5];
	struct vmt_dev kbd;
	struct recbuf rb;
	struct vmt_cap c;
	int mfd, kfd_ev, r;
	int64_t t0, t1;

	CHECK_OK(vmt_keyboard_create(&kbd, "vmtest hotkey keyboard", 0x0221));
	CHECK_OK(vmt_capture_mouse(&c, "vmtest hotkey mouse", 0x0222, 0, JSKF_CLASS_MOTION,
				   0, KEY_SCROLLLOCK));
	CHECK_OK(kf_find(c.kfd, kbd.name, &kd));
	mfd = evdev_open(c.mouse.evdev);
	CHECK_OK(mfd);
	kfd_ev = evdev_open(kbd.evdev);
	CHECK_OK(kfd_ev);

	CHECK_OK(vmt_frame(&c.mouse, move4, 1));
	CHECK_OK(vmt_expect_evdev(mfd, moved4, 2, "motion before the hotkey"));

	t0 = now_ns();
	CHECK_OK(vmt_frame(&kbd, hk_down, 1));
	t1 = now_ns();
	CHECK_OK(vmt_frame(&kbd, hk_repeat, 1));
	CHECK_OK(vmt_frame(&kbd, hk_repeat, 1));
	CHECK_OK(vmt_frame(&kbd, hk_up, 1));
	CHECK_OK(vmt_frame(&kbd, a_down, 1));
	CHECK_OK(vmt_frame(&kbd, a_up, 1));
	CHECK_OK(vmt_expect_evdev(kfd_ev, a_both, 6, "keyboard after the first toggle"));
	CHECK_OK(vmt_frame(&c.mouse, move3, 1));
	CHECK_OK(expect_evdev_none(mfd, "motion after the first toggle"));

	CHECK_OK(vmt_frame(&kbd, hk_down, 1));
	CHECK_OK(vmt_frame(&kbd, hk_up, 1));
	CHECK_OK(vmt_expect_evdev(kfd_ev, hk_released, 2, "keyboard after the second toggle"));
	CHECK_OK(vmt_frame(&c.mouse, move4, 1));
	CHECK_OK(vmt_expect_evdev(mfd, moved4, 2, "motion after the second toggle"));

	want[0] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[1] = (struct exp_rec){ kd.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, OWNER_ACTIVE, 0 };
	want[2] = (struct exp_rec){ c.id, EV_REL, REL_X, 3, SW };
	want[3] = (struct exp_rec){ c.id, EV_SYN, SYN_REPORT, 0, SW };
	want[4] = (struct exp_rec){ kd.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, JSKF_STATE_OWNER, 0 };
	recbuf_init(&rb);
	r = kf_drain(c.kfd, &rb);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	CHECK(!recs_compare(rb.r, rb.n, want, 5, why, sizeof(why)), "%s", why);
	CHECK((int64_t)rb.r[1].time_ns >= t0 && (int64_t)rb.r[1].time_ns <= t1,
	      "hotkey STATE time %llu outside its frame's write() [%lld, %lld]",
	      (unsigned long long)rb.r[1].time_ns, (long long)t0, (long long)t1);
	return 0;
}

/* The hotkey may be a button of the captured mouse itself. */
static int test_hotkey_mouse_button(void)
{
	static const struct input_event side_down[] = { EV(EV_KEY, BTN_SIDE, 1) };
	static const struct input_event side_up[] = { EV(EV_KEY, BTN_SIDE, 0) };
	static const struct input_event move3[] = { EV(EV_REL, REL_X, 3) };
	static const struct input_event released[] = {
		EV(EV_KEY, BTN_SIDE, 0), EV(EV_SYN, SYN_REPORT, 0),
		EV(EV_KEY, BTN_SIDE, 0), EV(EV_SYN, SYN_REPORT, 0),
	};
	struct exp_rec want[4];
	struct jskf_record recs[16];
	struct recbuf rb;
	struct vmt_cap c;
	size_t n = 0;
	int evfd, r;

	CHECK_OK(vmt_capture_mouse(&c, "vmtest hotkey button", 0x0223, 0, JSKF_CLASS_MOTION,
				   0, BTN_SIDE));
	evfd = evdev_open(c.mouse.evdev);
	CHECK_OK(evfd);
	CHECK_OK(vmt_frame(&c.mouse, side_down, 1));
	CHECK_OK(vmt_frame(&c.mouse, side_up, 1));
	CHECK_OK(vmt_frame(&c.mouse, move3, 1));
	CHECK_OK(vmt_frame(&c.mouse, side_down, 1));
	CHECK_OK(vmt_frame(&c.mouse, side_up, 1));
	CHECK_OK(vmt_expect_evdev(evfd, released, 4, "hotkey button and motion while active"));

	recbuf_init(&rb);
	r = kf_drain(c.kfd, &rb);
	CHECK(!r, "reading: %s", vmt_strerror(r));
	/* Whether the hotkey frames' lone SYNs are queued is not defined. */
	for (size_t i = 0; i < rb.n && n < ARRAY_SIZE(recs); i++)
		if (rb.r[i].type != EV_SYN)
			recs[n++] = rb.r[i];
	want[0] = (struct exp_rec){ c.id, JSKF_REC_DEV_ADDED, 0, 0, 0 };
	want[1] = (struct exp_rec){ c.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, OWNER_ACTIVE, 0 };
	want[2] = (struct exp_rec){ c.id, EV_REL, REL_X, 3, SW };
	want[3] = (struct exp_rec){ c.id, JSKF_REC_STATE, JSKF_STATE_BY_HOTKEY, JSKF_STATE_OWNER, 0 };
	CHECK(!recs_compare(recs, n, want, 4, why, sizeof(why)), "%s (SYNs left out)", why);
	return 0;
}

/*
 * Test 6: the owner is killed with SIGKILL while its read is pended;
 * swallowing stops and capture is free again.
 */
static int test_kill_owner(void)
{
	static const struct input_event move1[] = { EV(EV_REL, REL_X, 1) };
	static const struct input_event move2[] = { EV(EV_REL, REL_X, 2) };
	static const struct input_event moved2[] = { EV(EV_REL, REL_X, 2), EV(EV_SYN, SYN_REPORT, 0) };
	struct jskf_device d;
	struct vmt_dev m;
	int ready[2], evfd, kfd, status;
	pid_t child;
	char c;

	CHECK_OK(vmt_mouse_create(&m, "vmtest kill owner", 0x0231));
	evfd = evdev_open(m.evdev);
	CHECK_OK(evfd);
	CHECK(pipe(ready) == 0, "pipe: %s", strerror(errno));
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		struct pender p;
		int fd = kf_open(0);

		if (fd < 0 || kf_find(fd, m.name, &d) ||
		    kf_capture(fd, &d.id, 1, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_MOTION, 0, 0) ||
		    pender_start(&p, fd, 0, 0, 0))
			_exit(1);
		/* The first read takes DEV_ADDED and STATE; the next one waits. */
		if (pender_join(&p, 5000) || p.ret || pender_start(&p, fd, 0, 0, 0) ||
		    pender_wait_blocked(&p, 5000))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "the child could not capture and pend a read");

	CHECK_OK(vmt_frame(&m, move1, 1));
	CHECK_OK(expect_evdev_none(evfd, "motion while the child captures"));
	CHECK(kill(child, SIGKILL) == 0, "kill: %s", strerror(errno));
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %#x", status);

	CHECK_OK(vmt_frame(&m, move2, 1));
	CHECK_OK(vmt_expect_evdev(evfd, moved2, 2, "motion after the kill"));
	kfd = kf_open(0);
	CHECK_OK(kfd);
	CHECK_OK(kf_find(kfd, m.name, &d));
	CHECK_EQ(d.flags, JSKF_DEVF_POINTER);	/* no longer CAPTURED */
	CHECK_OK(kf_capture(kfd, &d.id, 1, 0, 0, 0, 0));
	return 0;
}

static const struct vmt_case cases[] = {
	{ "swallow-motion", test_swallow_motion, 0 },
	{ "swallow-wheel", test_swallow_wheel, 0 },
	{ "swallow-buttons", test_swallow_buttons, 0 },
	{ "swallow-all", test_swallow_all, 0 },
	{ "swallow-none-active", test_swallow_none, 0 },
	{ "inactive-passes-all", test_inactive_passes, 0 },
	{ "held-press-inactive-release-active", test_press_inactive_release_active, 0 },
	{ "held-press-active-release-inactive", test_press_active_release_inactive, 0 },
	{ "held-press-active-capture-ends", test_press_active_capture_ends, 0 },
	{ "hotkey-keyboard", test_hotkey_keyboard, 0 },
	{ "hotkey-mouse-button", test_hotkey_mouse_button, 0 },
	{ "kill-owner", test_kill_owner, 0 },
};

int main(int argc, char **argv)
{
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}
