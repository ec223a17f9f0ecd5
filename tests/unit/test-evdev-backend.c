// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evdev backend's pure parts: which backend runs (daemon/capture/backend-choice.c)
 * and what an evdev event becomes (daemon/capture/evdev-filter.c): the records the
 * kernel filter would queue for the same events, and what the passthrough
 * pointer carries to the desktop while the mouse is grabbed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capture/backend-choice.h"
#include "capture/evdev-filter.h"

/* ---- backend choice */

static void test_choose(void **state)
{
	assert_int_equal(backend_choose(JSD_BACKEND_AUTO, 0), BACKEND_KFILTER);
	assert_int_equal(backend_choose(JSD_BACKEND_AUTO, -ENOENT), BACKEND_EVDEV);
	assert_int_equal(backend_choose(JSD_BACKEND_AUTO, -EACCES), BACKEND_EVDEV);
	assert_int_equal(backend_choose(JSD_BACKEND_AUTO, -EPROTO), BACKEND_EVDEV);
	assert_int_equal(backend_choose(JSD_BACKEND_KFILTER, 0), BACKEND_KFILTER);
	assert_int_equal(backend_choose(JSD_BACKEND_KFILTER, -ENOENT), BACKEND_NONE);
	assert_int_equal(backend_choose(JSD_BACKEND_EVDEV, 0), BACKEND_EVDEV);
	assert_int_equal(backend_choose(JSD_BACKEND_EVDEV, -ENOENT), BACKEND_EVDEV);
	assert_true(backend_choice_tries_kfilter(JSD_BACKEND_AUTO));
	assert_true(backend_choice_tries_kfilter(JSD_BACKEND_KFILTER));
	assert_false(backend_choice_tries_kfilter(JSD_BACKEND_EVDEV));
}

static void test_choice_line(void **state)
{
	const char *path = "/dev/joystickd_kfilter";
	char buf[300];

	assert_string_equal(backend_choice_format(JSD_BACKEND_AUTO, 0, path, buf, sizeof(buf)),
			    "capture backend: kfilter (auto: /dev/joystickd_kfilter opened)");
	assert_string_equal(backend_choice_format(JSD_BACKEND_AUTO, -ENOENT, path, buf, sizeof(buf)),
			    "capture backend: evdev (auto: /dev/joystickd_kfilter: No such file or directory, the joystickd_kfilter module is not loaded)");
	assert_string_equal(backend_choice_format(JSD_BACKEND_EVDEV, 0, path, buf, sizeof(buf)),
			    "capture backend: evdev (capture_backend = evdev)");
	assert_string_equal(backend_choice_format(JSD_BACKEND_KFILTER, 0, path, buf, sizeof(buf)),
			    "capture backend: kfilter (capture_backend = kfilter: /dev/joystickd_kfilter opened)");
	assert_string_equal(backend_choice_format(JSD_BACKEND_AUTO, -EACCES, path, buf, sizeof(buf)),
			    "capture backend: evdev (auto: /dev/joystickd_kfilter: Permission denied, not permitted to open it)");
}

/* ---- the filter */

static struct evf_capture capture(bool active, uint32_t swallow, uint16_t toggle)
{
	struct evf_capture c = { .owner = true, .active = active, .swallow = swallow,
				 .toggle_code = toggle };
	unsigned int code;

	for (code = JSKF_POINTER_BUTTONS_FIRST; code <= JSKF_POINTER_BUTTONS_LAST; code++)
		c.keys[code / 64] |= 1ull << (code % 64);
	return c;
}

static struct evf_dev mouse(uint32_t id, bool grabbed)
{
	return (struct evf_dev){ .id = id, .flags = JSKF_DEVF_POINTER, .selected = true,
				 .grabbed = grabbed };
}

static enum evf_result ev(struct evf_dev *d, const struct evf_capture *c,
			  uint16_t type, uint16_t code, int32_t value)
{
	struct input_event e = { .type = type, .code = code, .value = value };

	return evf_event(d, c, &e);
}

static enum evf_result syn(struct evf_dev *d, const struct evf_capture *c)
{
	return ev(d, c, EV_SYN, SYN_REPORT, 0);
}

static void assert_record(const struct jskf_record *r, uint32_t id, uint16_t type, uint16_t code,
			  int32_t value, uint32_t flags)
{
	assert_int_equal(r->dev_id, id);
	assert_int_equal(r->type, type);
	assert_int_equal(r->code, code);
	assert_int_equal(r->value, value);
	assert_int_equal(r->flags, flags);
}

/* Captured motion: records as the kernel queues them, nothing to the desktop. */
static void test_motion_swallowed(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, KEY_SCROLLLOCK);
	struct evf_dev d = mouse(7, true);
	struct jskf_record s;

	assert_int_equal(ev(&d, &c, EV_REL, REL_X, 12), EVF_NOTHING);
	assert_int_equal(ev(&d, &c, EV_REL, REL_Y, -3), EVF_NOTHING);
	assert_int_equal(ev(&d, &c, EV_REL, REL_X, 0), EVF_NOTHING);	/* dropped, as the core does */
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 2);
	assert_record(&d.stage[0], 7, EV_REL, REL_X, 12, JSKF_RECF_SWALLOWED);
	assert_record(&d.stage[1], 7, EV_REL, REL_Y, -3, JSKF_RECF_SWALLOWED);
	assert_int_equal(d.fwd_n, 0);
	s = evf_frame_syn(&d, 42);
	assert_record(&s, 7, EV_SYN, SYN_REPORT, 0, JSKF_RECF_SWALLOWED);
	assert_int_equal(s.time_ns, 42);
	assert_int_equal(d.seen, 2);
	assert_int_equal(d.swallowed, 2);
	evf_frame_done(&d);
	assert_int_equal(d.stage_n, 0);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);	/* an empty frame commits nothing */
}

/* swallow = motion: the wheel and the button reach the desktop through the passthrough. */
static void test_unswallowed_forwarded(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_MOTION, KEY_SCROLLLOCK);
	struct evf_dev d = mouse(3, true);
	struct jskf_record s;

	ev(&d, &c, EV_REL, REL_X, 5);
	ev(&d, &c, EV_REL, REL_WHEEL, 1);
	ev(&d, &c, EV_KEY, BTN_LEFT, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 3);
	assert_record(&d.stage[0], 3, EV_REL, REL_X, 5, JSKF_RECF_SWALLOWED);
	assert_record(&d.stage[1], 3, EV_REL, REL_WHEEL, 1, 0);
	assert_record(&d.stage[2], 3, EV_KEY, BTN_LEFT, 1, 0);
	assert_int_equal(d.fwd_n, 2);
	assert_int_equal(d.fwd[0].code, REL_WHEEL);
	assert_int_equal(d.fwd[1].code, BTN_LEFT);
	s = evf_frame_syn(&d, 1);
	assert_int_equal(s.flags, 0);	/* something passed: the SYN passes */
	evf_frame_done(&d);
}

/* Inactive, not grabbed: nothing queued, nothing forwarded (the desktop reads the mouse). */
static void test_inactive(void **state)
{
	struct evf_capture c = capture(false, JSKF_CLASS_ALL, KEY_SCROLLLOCK);
	struct evf_dev d = mouse(1, false);

	ev(&d, &c, EV_REL, REL_X, 5);
	ev(&d, &c, EV_KEY, BTN_RIGHT, 1);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
	assert_int_equal(d.stage_n, 0);
	assert_int_equal(d.fwd_n, 0);
}

/* The hotkey flips capture; its press is never a record; it works on any device. */
static void test_hotkey(void **state)
{
	struct evf_capture c = capture(false, JSKF_CLASS_ALL, KEY_SCROLLLOCK);
	struct evf_dev kbd = { .id = 2, .flags = JSKF_DEVF_KEYBOARD };

	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 1), EVF_TOGGLE);
	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 2), EVF_NOTHING);	/* repeat */
	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 0), EVF_NOTHING);
	assert_int_equal(syn(&kbd, &c), EVF_NOTHING);
	assert_int_equal(kbd.stage_n, 0);
	/* a keyboard's other keys are never queued */
	c.active = true;
	ev(&kbd, &c, EV_KEY, KEY_A, 1);
	assert_int_equal(syn(&kbd, &c), EVF_NOTHING);
	/* without a capture the hotkey does nothing */
	c.owner = false;
	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 1), EVF_NOTHING);
}

/*
 * A trigger held across capture-off: the owner gets its release although
 * capture is off by then, and the passthrough that carried a press gets
 * its release after the grab ended.
 */
static void test_held_across_toggle(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_MOTION, 0);
	struct evf_dev d = mouse(4, true);

	ev(&d, &c, EV_KEY, BTN_LEFT, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.fwd_n, 1);
	evf_frame_done(&d);
	c.active = false;
	d.grabbed = false;
	ev(&d, &c, EV_REL, REL_X, 9);		/* the desktop's now */
	ev(&d, &c, EV_KEY, BTN_LEFT, 0);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 1);
	assert_record(&d.stage[0], 4, EV_KEY, BTN_LEFT, 0, 0);
	assert_int_equal(d.fwd_n, 1);
	assert_int_equal(d.fwd[0].code, BTN_LEFT);
	assert_int_equal(d.fwd[0].value, 0);
	evf_frame_done(&d);
	/* and only once */
	ev(&d, &c, EV_KEY, BTN_LEFT, 0);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
}

/* A release whose press the owner never got is not queued; resynced events are flagged. */
static void test_release_and_resync(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(5, true);

	ev(&d, &c, EV_KEY, BTN_SIDE, 0);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
	ev(&d, &c, EV_KEY, BTN_SIDE, 1);
	syn(&d, &c);
	evf_frame_done(&d);
	d.resync = true;
	ev(&d, &c, EV_KEY, BTN_SIDE, 0);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_record(&d.stage[0], 5, EV_KEY, BTN_SIDE, 0, JSKF_RECF_RESYNC);
	evf_frame_done(&d);
}

/* A frame decides at its first event: a toggle mid-frame counts from the next one. */
static void test_frame_latch(void **state)
{
	struct evf_capture c = capture(false, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(6, false);

	ev(&d, &c, EV_REL, REL_X, 1);
	c.active = true;
	ev(&d, &c, EV_REL, REL_X, 2);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
	ev(&d, &c, EV_REL, REL_X, 3);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 1);
	assert_int_equal(d.stage[0].value, 3);
	evf_frame_done(&d);
	/* not selected: never queued */
	d.selected = false;
	ev(&d, &c, EV_REL, REL_X, 4);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
}

static void test_rel_class(void **state)
{
	assert_int_equal(jskf_rel_class(REL_X), JSKF_CLASS_MOTION);
	assert_int_equal(jskf_rel_class(REL_DIAL), JSKF_CLASS_MOTION);
	assert_int_equal(jskf_rel_class(REL_WHEEL), JSKF_CLASS_WHEEL);
	assert_int_equal(jskf_rel_class(REL_HWHEEL_HI_RES), JSKF_CLASS_WHEEL);
}

/* A frame bigger than the stage: the rest is counted lost, never written out of bounds. */
static void test_stage_overflow(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(8, true);
	int i;

	for (i = 0; i < EVF_STAGE_MAX + 5; i++)
		ev(&d, &c, EV_REL, REL_X, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, EVF_STAGE_MAX);
	assert_int_equal(d.stage_lost, 5);
	evf_frame_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_choice_line),
		cmocka_unit_test(test_motion_swallowed),
		cmocka_unit_test(test_unswallowed_forwarded),
		cmocka_unit_test(test_inactive),
		cmocka_unit_test(test_hotkey),
		cmocka_unit_test(test_held_across_toggle),
		cmocka_unit_test(test_release_and_resync),
		cmocka_unit_test(test_frame_latch),
		cmocka_unit_test(test_rel_class),
		cmocka_unit_test(test_stage_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
