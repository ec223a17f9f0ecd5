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
#include "capture/evdev-drain.h"
#include "capture/evdev-filter.h"
#include "capture/evdev-queue.h"

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

/*
 * The hotkey flips capture at the end of its frame; its press is never a
 * record; it works on any device.
 */
static void test_hotkey(void **state)
{
	struct evf_capture c = capture(false, JSKF_CLASS_ALL, KEY_SCROLLLOCK);
	struct evf_dev kbd = { .id = 2, .flags = JSKF_DEVF_KEYBOARD };

	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 1), EVF_NOTHING);
	assert_int_equal(syn(&kbd, &c), EVF_FRAME);
	assert_true(kbd.toggle);
	assert_int_equal(kbd.stage_n, 0);
	assert_int_equal(kbd.fwd_n, 0);
	evf_frame_done(&kbd);
	assert_false(kbd.toggle);
	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 2), EVF_NOTHING);	/* repeat */
	assert_int_equal(ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 0), EVF_NOTHING);
	assert_int_equal(syn(&kbd, &c), EVF_NOTHING);
	/* a keyboard's other keys are never queued */
	c.active = true;
	ev(&kbd, &c, EV_KEY, KEY_A, 1);
	assert_int_equal(syn(&kbd, &c), EVF_NOTHING);
	/* without a capture the hotkey does nothing */
	c.owner = false;
	ev(&kbd, &c, EV_KEY, KEY_SCROLLLOCK, 1);
	assert_int_equal(syn(&kbd, &c), EVF_NOTHING);
	assert_false(kbd.toggle);
}

/*
 * A side-button hotkey in the middle of a frame: the frame's motion is
 * committed before capture flips (it came first), and the button is
 * neither a record nor forwarded.
 */
static void test_hotkey_mid_frame(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_MOTION, BTN_EXTRA);
	struct evf_dev d = mouse(9, true);

	assert_int_equal(ev(&d, &c, EV_REL, REL_X, 5), EVF_NOTHING);
	assert_int_equal(ev(&d, &c, EV_KEY, BTN_EXTRA, 1), EVF_NOTHING);
	assert_int_equal(ev(&d, &c, EV_REL, REL_Y, 2), EVF_NOTHING);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_true(d.toggle);
	assert_int_equal(d.stage_n, 2);
	assert_record(&d.stage[0], 9, EV_REL, REL_X, 5, JSKF_RECF_SWALLOWED);
	assert_record(&d.stage[1], 9, EV_REL, REL_Y, 2, JSKF_RECF_SWALLOWED);
	assert_int_equal(d.fwd_n, 0);
	evf_frame_done(&d);
	/* its release is left alone: no record, nothing forwarded */
	ev(&d, &c, EV_KEY, BTN_EXTRA, 0);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
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

/* Feeds an event as the backend does: a full stage is taken at once. */
struct taken {
	struct jskf_record recs[4 * EVF_STAGE_MAX];
	struct input_event fwd[4 * EVF_STAGE_MAX];
	size_t n_recs, n_fwd;
};

static void take(struct evf_dev *d, struct taken *t)
{
	memcpy(&t->recs[t->n_recs], d->stage, d->stage_n * sizeof(d->stage[0]));
	t->n_recs += d->stage_n;
	memcpy(&t->fwd[t->n_fwd], d->fwd, d->fwd_n * sizeof(d->fwd[0]));
	t->n_fwd += d->fwd_n;
}

static enum evf_result feed(struct evf_dev *d, const struct evf_capture *c, struct taken *t,
			    uint16_t type, uint16_t code, int32_t value)
{
	enum evf_result r = ev(d, c, type, code, value);

	if (r == EVF_FULL) {
		take(d, t);
		evf_flushed(d);
	}
	return r;
}

/* A frame bigger than the stage is handed over in parts, never cut. */
static void test_big_frame(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(8, true);
	struct taken t = { 0 };
	int i, full = 0;

	for (i = 0; i < EVF_STAGE_MAX + 5; i++)
		full += feed(&d, &c, &t, EV_REL, REL_X, i + 1) == EVF_FULL;
	assert_int_equal(full, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	take(&d, &t);
	assert_int_equal(t.n_recs, EVF_STAGE_MAX + 5);
	for (i = 0; i < EVF_STAGE_MAX + 5; i++)
		assert_record(&t.recs[i], 8, EV_REL, REL_X, i + 1, JSKF_RECF_SWALLOWED);
	assert_int_equal(evf_frame_syn(&d, 0).flags, JSKF_RECF_SWALLOWED);
	evf_frame_done(&d);
}

/*
 * The release of a button the desktop got through the passthrough, late
 * in a frame of more than EVF_STAGE_MAX forwarded events, still reaches
 * the desktop: else it would keep the button down.
 */
static void test_big_frame_release(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_WHEEL, 0);
	struct evf_dev d = mouse(8, true);
	struct taken t = { 0 };
	int i;

	feed(&d, &c, &t, EV_KEY, BTN_LEFT, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	take(&d, &t);
	evf_frame_done(&d);
	for (i = 0; i < EVF_STAGE_MAX + 6; i++)
		feed(&d, &c, &t, EV_REL, REL_X, 1);
	feed(&d, &c, &t, EV_KEY, BTN_LEFT, 0);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	take(&d, &t);
	evf_frame_done(&d);
	assert_int_equal(t.n_fwd, 1 + EVF_STAGE_MAX + 6 + 1);
	assert_int_equal(t.fwd[t.n_fwd - 1].code, BTN_LEFT);
	assert_int_equal(t.fwd[t.n_fwd - 1].value, 0);
	/* the owner got the press and the release too */
	assert_int_equal(t.n_recs, 1 + EVF_STAGE_MAX + 6 + 1);
	assert_record(&t.recs[t.n_recs - 1], 8, EV_KEY, BTN_LEFT, 0, 0);
	assert_false(evf_holds_given(&d));
}

/*
 * The passthrough is the device's copy on the desktop: with swallow =
 * motion it carries every other event the device makes (a combo
 * keyboard's keys and their MSC_SCAN, side buttons, the wheel, EV_ABS,
 * KEY_MICMUTE), but the repeats of held keys, which it makes itself.
 */
static void test_passthrough_carries(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_MOTION, KEY_SCROLLLOCK);
	struct evf_dev d = mouse(11, true);
	static const struct { uint16_t type, code; int32_t value; } in[] = {
		{ EV_MSC, MSC_SCAN, 0x70004 }, { EV_KEY, KEY_A, 1 }, { EV_KEY, BTN_SIDE, 1 },
		{ EV_REL, REL_WHEEL, 1 }, { EV_ABS, ABS_MISC, 5 }, { EV_REL, REL_X, 3 },
		{ EV_KEY, KEY_MICMUTE, 1 }, { EV_KEY, BTN_TASK + 8, 1 },
	};
	size_t i, n = 0;

	d.flags |= JSKF_DEVF_KEYBOARD;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(ev(&d, &c, in[i].type, in[i].code, in[i].value), EVF_NOTHING);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (in[i].type == EV_REL && in[i].code == REL_X)
			continue;	/* swallowed */
		assert_true(n < d.fwd_n);
		assert_int_equal(d.fwd[n].type, in[i].type);
		assert_int_equal(d.fwd[n].code, in[i].code);
		assert_int_equal(d.fwd[n].value, in[i].value);
		n++;
	}
	assert_int_equal(d.fwd_n, n);
	/* the owner gets the pointer's classes: buttons (9 to 16 too), wheel, motion */
	assert_int_equal(d.stage_n, 4);
	assert_record(&d.stage[0], 11, EV_KEY, BTN_SIDE, 1, 0);
	assert_record(&d.stage[1], 11, EV_REL, REL_WHEEL, 1, 0);
	assert_record(&d.stage[2], 11, EV_REL, REL_X, 3, JSKF_RECF_SWALLOWED);
	assert_record(&d.stage[3], 11, EV_KEY, BTN_TASK + 8, 1, 0);
	evf_frame_done(&d);

	/* a repeat is not forwarded; the release is */
	ev(&d, &c, EV_KEY, KEY_A, 2);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
	ev(&d, &c, EV_KEY, KEY_A, 0);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.fwd_n, 1);
	assert_int_equal(d.fwd[0].code, KEY_A);
	assert_int_equal(d.fwd[0].value, 0);
	assert_int_equal(d.stage_n, 0);
	evf_frame_done(&d);
}

/*
 * While the grab waits (a button the desktop saw pressed is still down)
 * the desktop has the mouse alone: nothing is captured, nothing is
 * forwarded; a release the owner is owed still comes to it.
 */
static void test_desktop_only(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(12, true);

	ev(&d, &c, EV_KEY, BTN_LEFT, 1);
	syn(&d, &c);
	evf_frame_done(&d);
	assert_true(evf_holds_given(&d));
	d.grabbed = false;
	d.desktop_only = true;
	ev(&d, &c, EV_REL, REL_X, 4);
	ev(&d, &c, EV_KEY, BTN_RIGHT, 1);
	assert_int_equal(syn(&d, &c), EVF_NOTHING);
	assert_int_equal(d.seen, 1);
	ev(&d, &c, EV_KEY, BTN_LEFT, 0);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 1);
	assert_record(&d.stage[0], 12, EV_KEY, BTN_LEFT, 0, 0);
	assert_int_equal(d.fwd_n, 0);
	evf_frame_done(&d);
	assert_false(evf_holds_given(&d));
}

/*
 * Hold-to-look: the capture's classes drop to none and come back while
 * the mouse stays grabbed.  Each frame follows the classes of its time;
 * a release goes where its press went, so neither side keeps a button
 * down or gets a release it never saw pressed.
 */
static void test_swallow_changes(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(13, true);

	ev(&d, &c, EV_KEY, BTN_RIGHT, 1);	/* the look button: the owner's */
	syn(&d, &c);
	assert_int_equal(d.fwd_n, 0);
	evf_frame_done(&d);
	c.swallow = 0;
	ev(&d, &c, EV_REL, REL_X, 7);
	ev(&d, &c, EV_KEY, BTN_LEFT, 1);
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 2);
	assert_record(&d.stage[0], 13, EV_REL, REL_X, 7, 0);
	assert_int_equal(d.fwd_n, 2);
	assert_int_equal(d.fwd[1].code, BTN_LEFT);
	evf_frame_done(&d);
	ev(&d, &c, EV_KEY, BTN_RIGHT, 0);	/* the owner's press: not the desktop's release */
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.stage_n, 1);
	assert_int_equal(d.fwd_n, 0);
	evf_frame_done(&d);
	c.swallow = JSKF_CLASS_ALL;
	ev(&d, &c, EV_REL, REL_X, 1);
	ev(&d, &c, EV_KEY, BTN_LEFT, 0);	/* the desktop saw the press: it gets the release */
	assert_int_equal(syn(&d, &c), EVF_FRAME);
	assert_int_equal(d.fwd_n, 1);
	assert_int_equal(d.fwd[0].code, BTN_LEFT);
	assert_int_equal(d.fwd[0].value, 0);
	assert_int_equal(d.stage_n, 2);
	assert_record(&d.stage[1], 13, EV_KEY, BTN_LEFT, 0, 0);
	evf_frame_done(&d);
	assert_false(evf_holds_given(&d));
}

/*
 * A device deselected (a reload) while the owner holds its trigger: its
 * removal is owed to the owner all the same, else the stick's trigger
 * stays down once it is unplugged.
 */
static void test_removal_owed(void **state)
{
	struct evf_capture c = capture(true, JSKF_CLASS_ALL, 0);
	struct evf_dev d = mouse(14, true);

	assert_true(evf_removal_owed(&d));
	ev(&d, &c, EV_KEY, BTN_LEFT, 1);
	syn(&d, &c);
	evf_frame_done(&d);
	d.selected = false;
	assert_true(evf_removal_owed(&d));
	ev(&d, &c, EV_KEY, BTN_LEFT, 0);
	syn(&d, &c);
	evf_frame_done(&d);
	assert_false(evf_removal_owed(&d));
}

/* ---- the record queue */

static struct jskf_record record(uint16_t type, int32_t value)
{
	return (struct jskf_record){ .type = type, .value = value };
}

/* Batches come out in order, numbered without a gap, across the ring's wrap. */
static void test_queue_order(void **state)
{
	struct jskf_record out[7], r;
	int32_t next_in = 0, next_out = 0;
	uint64_t first, seq = 1;
	struct evq q;
	size_t i, n;
	int round;

	evq_init(&q, 1000);
	for (round = 0; round < 300; round++) {
		for (i = 0; i < 5 + (size_t)round % 4; i++) {
			r = record(EV_REL, next_in++);
			assert_int_equal(evq_push(&q, &r, false), 0);
		}
		n = evq_take(&q, out, 7, &first);
		assert_int_equal(first, seq);
		seq += n;
		for (i = 0; i < n; i++)
			assert_int_equal(out[i].value, next_out++);
	}
	while ((n = evq_take(&q, out, 7, &first))) {
		assert_int_equal(first, seq);
		seq += n;
		for (i = 0; i < n; i++)
			assert_int_equal(out[i].value, next_out++);
	}
	assert_int_equal(next_out, next_in);
	assert_true(q.high_water < 64);
	/* a release discards what is queued; the numbers go on */
	r = record(EV_REL, 1);
	evq_push(&q, &r, false);
	evq_push(&q, &r, false);
	evq_discard(&q);
	evq_push(&q, &r, false);
	assert_int_equal(evq_take(&q, out, 7, &first), 1);
	assert_int_equal(first, seq + 2);
	evq_free(&q);
}

/* A full queue drops input records, counted, and never the backend's own. */
static void test_queue_full(void **state)
{
	struct jskf_record out[256], r;
	uint64_t first;
	struct evq q;
	size_t i, n, total = 0;

	evq_init(&q, 512);
	for (i = 0; i < 512; i++) {
		r = record(EV_REL, 1);
		assert_int_equal(evq_push(&q, &r, false), 0);
	}
	r = record(EV_REL, 1);
	assert_int_equal(evq_push(&q, &r, false), -ENOBUFS);
	r = record(JSKF_REC_STATE, 0);
	assert_int_equal(evq_push(&q, &r, true), 0);
	r = record(JSKF_REC_DEV_REMOVED, 0);
	assert_int_equal(evq_push(&q, &r, true), 0);
	assert_int_equal(q.dropped, 1);
	while ((n = evq_take(&q, out, 256, &first))) {
		assert_int_equal(first, total + 1);
		total += n;
		assert_int_equal(q.dropped, 0);
	}
	assert_int_equal(total, 514);
	evq_free(&q);
	/* and they come last, in order */
	evq_init(&q, 512);
	for (i = 0; i < 513; i++) {
		r = record(EV_REL, 1);
		evq_push(&q, &r, false);
	}
	r = record(JSKF_REC_STATE, 0);
	evq_push(&q, &r, true);
	r = record(JSKF_REC_DEV_REMOVED, 0);
	evq_push(&q, &r, true);
	evq_take(&q, out, 256, &first);
	evq_take(&q, out, 256, &first);
	assert_int_equal(evq_take(&q, out, 256, &first), 2);
	assert_int_equal(out[0].type, JSKF_REC_STATE);
	assert_int_equal(out[1].type, JSKF_REC_DEV_REMOVED);
	evq_free(&q);
}

/* ---- budgeted reads, against a fake libevdev_next_event() */

/* One answer of the fake device, and the read flag it expects. */
struct step {
	int status;
	unsigned int flag;
	uint16_t type, code;
	int32_t value;
};

struct fake_dev {
	const struct step *steps;	/* NULL: a flood, REL_X forever */
	size_t n_steps, at;
	unsigned long calls;
};

#define FLOOD_LIMIT	100000	/* a flood ends here, so that a read without a budget ends too */

int libevdev_next_event(struct libevdev *dev, unsigned int flags, struct input_event *ev)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	const struct step *s;

	f->calls++;
	if (!f->steps) {
		if (f->calls > FLOOD_LIMIT)
			return -EAGAIN;
		*ev = (struct input_event){ .type = EV_REL, .code = REL_X, .value = 1 };
		return LIBEVDEV_READ_STATUS_SUCCESS;
	}
	if (f->at == f->n_steps)
		return -EAGAIN;
	s = &f->steps[f->at++];
	assert_int_equal(flags, s->flag);
	*ev = (struct input_event){ .type = s->type, .code = s->code, .value = s->value };
	return s->status;
}

struct seen {
	struct input_event ev[16];
	bool resync[16];
	unsigned long n;
};

static void on_event(void *ctx, const struct input_event *ev, bool resync)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->ev[s->n] = *ev;
		s->resync[s->n] = resync;
	}
	s->n++;
}

/* A device that never runs dry gives the budget and no more per read. */
static void test_drain_budget(void **state)
{
	struct fake_dev f = { 0 };
	struct seen s = { 0 };
	bool syncing = false;

	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, EVDEV_DRAIN_BUDGET, on_event, &s),
			 EVDEV_DRAIN_MORE);
	assert_int_equal(s.n, EVDEV_DRAIN_BUDGET);
	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, EVDEV_DRAIN_BUDGET, on_event, &s),
			 EVDEV_DRAIN_MORE);
	assert_int_equal(s.n, 2 * EVDEV_DRAIN_BUDGET);
	assert_int_equal(f.calls, 2 * EVDEV_DRAIN_BUDGET);
}

#define N	LIBEVDEV_READ_FLAG_NORMAL
#define S	LIBEVDEV_READ_FLAG_SYNC
#define OK	LIBEVDEV_READ_STATUS_SUCCESS
#define SY	LIBEVDEV_READ_STATUS_SYNC

/* REL_X; the buffer overflowed; the sync releases BTN_LEFT; REL_Y. */
static const struct step gap[] = {
	{ OK, N, EV_REL, REL_X, 1 },
	{ SY, N, EV_SYN, SYN_DROPPED, 0 },
	{ SY, S, EV_KEY, BTN_LEFT, 0 },
	{ SY, S, EV_SYN, SYN_REPORT, 0 },
	{ -EAGAIN, S, 0, 0, 0 },
	{ OK, N, EV_REL, REL_Y, 2 },
};

static void assert_gap_seen(const struct seen *s)
{
	assert_int_equal(s->n, 5);
	assert_int_equal(s->ev[0].code, REL_X);
	assert_false(s->resync[0]);
	assert_int_equal(s->ev[1].code, SYN_DROPPED);
	assert_false(s->resync[1]);
	assert_int_equal(s->ev[2].code, BTN_LEFT);
	assert_true(s->resync[2]);
	assert_int_equal(s->ev[3].code, SYN_REPORT);
	assert_true(s->resync[3]);
	assert_int_equal(s->ev[4].code, REL_Y);
	assert_false(s->resync[4]);
}

static void test_drain_sync(void **state)
{
	struct fake_dev f = { .steps = gap, .n_steps = sizeof(gap) / sizeof(gap[0]) };
	struct seen s = { 0 };
	bool syncing = false;

	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, EVDEV_DRAIN_BUDGET, on_event, &s),
			 EVDEV_DRAIN_EMPTY);
	assert_gap_seen(&s);
	assert_false(syncing);
}

/* A budget spent in the middle of a sync: the next read goes on syncing. */
static void test_drain_sync_resumes(void **state)
{
	struct fake_dev f = { .steps = gap, .n_steps = sizeof(gap) / sizeof(gap[0]) };
	struct seen s = { 0 };
	bool syncing = false;

	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, 3, on_event, &s), EVDEV_DRAIN_MORE);
	assert_int_equal(s.n, 3);
	assert_true(syncing);
	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, 3, on_event, &s), EVDEV_DRAIN_EMPTY);
	assert_gap_seen(&s);
}

static void test_drain_gone(void **state)
{
	static const struct step gone[] = { { OK, N, EV_REL, REL_X, 1 }, { -ENODEV, N, 0, 0, 0 } };
	struct fake_dev f = { .steps = gone, .n_steps = 2 };
	struct seen s = { 0 };
	bool syncing = false;

	assert_int_equal(evdev_drain((struct libevdev *)&f, &syncing, EVDEV_DRAIN_BUDGET, on_event, &s),
			 -ENODEV);
	assert_int_equal(s.n, 1);
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
		cmocka_unit_test(test_hotkey_mid_frame),
		cmocka_unit_test(test_held_across_toggle),
		cmocka_unit_test(test_release_and_resync),
		cmocka_unit_test(test_frame_latch),
		cmocka_unit_test(test_rel_class),
		cmocka_unit_test(test_big_frame),
		cmocka_unit_test(test_big_frame_release),
		cmocka_unit_test(test_passthrough_carries),
		cmocka_unit_test(test_desktop_only),
		cmocka_unit_test(test_swallow_changes),
		cmocka_unit_test(test_removal_owed),
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_drain_budget),
		cmocka_unit_test(test_drain_sync),
		cmocka_unit_test(test_drain_sync_resumes),
		cmocka_unit_test(test_drain_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
