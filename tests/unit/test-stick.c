// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon/stick.c against a fake libevdev and a fake write(2) (linked with
 * -Wl,--wrap=write; stick.c is built with UBSan's overflow checks): the
 * fake device applies what is written, as uinput would, so a test sees
 * what a game sees.
 *
 * - A stick whose axes span the whole int32 range starts at the centre,
 *   -1 (what the engine's curve_scale(0) gives), with no signed overflow.
 * - After a failed write the next write sends the full state again, so a
 *   lost release cannot leave a button stuck down.
 * - Deferred (the kernel filter sends the frames in its reads): nothing is
 *   written, the frames are taken in order and whole, more than a read
 *   takes are written instead, a full queue makes the stick stale, and
 *   ending the deferral writes what is queued.
 */
#include <errno.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "stick.h"

/* ---- the fake libevdev: just what stick.c calls */

struct libevdev {
	struct input_absinfo abs[ABS_CNT];
};

struct libevdev_uinput {
	int fd;
};

static struct input_absinfo created_abs[ABS_CNT];	/* as the device was created */

struct libevdev *libevdev_new(void)
{
	return calloc(1, sizeof(struct libevdev));
}

void libevdev_free(struct libevdev *dev)
{
	free(dev);
}

void libevdev_set_name(struct libevdev *dev, const char *name) {}
void libevdev_set_id_bustype(struct libevdev *dev, int bus) {}
void libevdev_set_id_vendor(struct libevdev *dev, int vendor) {}
void libevdev_set_id_product(struct libevdev *dev, int product) {}
void libevdev_set_id_version(struct libevdev *dev, int version) {}

int libevdev_enable_event_code(struct libevdev *dev, unsigned int type, unsigned int code,
			       const void *data)
{
	if (type == EV_ABS && data)
		dev->abs[code] = *(const struct input_absinfo *)data;
	return 0;
}

int libevdev_uinput_create_from_device(const struct libevdev *dev, int uinput_fd,
				       struct libevdev_uinput **uinput_dev)
{
	*uinput_dev = calloc(1, sizeof(**uinput_dev));
	(*uinput_dev)->fd = 1000;
	memcpy(created_abs, dev->abs, sizeof(created_abs));
	return 0;
}

void libevdev_uinput_destroy(struct libevdev_uinput *uinput_dev)
{
	free(uinput_dev);
}

const char *libevdev_uinput_get_devnode(struct libevdev_uinput *uinput_dev)
{
	return "/dev/input/event99";
}

int libevdev_uinput_get_fd(const struct libevdev_uinput *uinput_dev)
{
	return uinput_dev->fd;
}

/* ---- the fake uinput device behind write() */

static int32_t dev_abs[ABS_CNT];	/* what a reader of the device has seen */
static int dev_btn[KEY_CNT];
static unsigned int writes, fail_writes;

ssize_t __wrap_write(int fd, const void *buf, size_t size);
ssize_t __wrap_write(int fd, const void *buf, size_t size)
{
	const struct input_event *ev = buf;

	assert_int_equal(fd, 1000);
	assert_int_equal(size % sizeof(*ev), 0);
	writes++;
	if (fail_writes) {
		fail_writes--;
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < size / sizeof(*ev); i++) {
		if (ev[i].type == EV_ABS)
			dev_abs[ev[i].code] = ev[i].value;
		else if (ev[i].type == EV_KEY)
			dev_btn[ev[i].code] = ev[i].value;
	}
	return (ssize_t)size;
}

static struct jsd_stick_cfg stick_cfg_of(int32_t min, int32_t max)
{
	struct jsd_stick_cfg cfg = {
		.name = "test stick", .min = min, .max = max,
		.n_axes = 2, .n_buttons = 2,
		.axes = { { ABS_X, min, max }, { ABS_Y, min, max } },
		.buttons = { BTN_TRIGGER, BTN_THUMB },
	};

	return cfg;
}

static struct stick *new_stick(int32_t min, int32_t max)
{
	struct jsd_stick_cfg cfg = stick_cfg_of(min, max);
	struct stick *s = NULL;

	memset(dev_abs, 0, sizeof(dev_abs));
	memset(dev_btn, 0, sizeof(dev_btn));
	writes = fail_writes = 0;
	assert_int_equal(stick_new(&cfg, &s), 0);
	return s;
}

/* [stick] min = -2147483648, max = 2147483647: the centre in 64-bit maths. */
static void test_full_int32_range(void **state)
{
	struct stick *s = new_stick(INT32_MIN, INT32_MAX);

	assert_int_equal(created_abs[ABS_X].minimum, INT32_MIN);
	assert_int_equal(created_abs[ABS_X].maximum, INT32_MAX);
	assert_int_equal(created_abs[ABS_X].value, -1);
	assert_int_equal(stick_axis_value(s, ABS_Y), -1);
	stick_free(s);

	s = new_stick(-32767, 32767);
	assert_int_equal(created_abs[ABS_X].value, 0);
	stick_free(s);
	s = new_stick(0, 255);
	assert_int_equal(created_abs[ABS_X].value, 127);
	stick_free(s);
}

/* The release is lost with the write; the next write, of a motion, brings it. */
static void test_failed_write_resends_state(void **state)
{
	struct stick *s = new_stick(-32767, 32767);

	stick_axis(s, ABS_X, 0);
	stick_axis(s, ABS_Y, 0);
	stick_button(s, BTN_TRIGGER, 1);
	stick_button(s, BTN_THUMB, 0);
	assert_int_equal(stick_sync(s), 0);
	assert_int_equal(dev_btn[BTN_TRIGGER], 1);

	fail_writes = 1;
	stick_button(s, BTN_TRIGGER, 0);
	assert_int_equal(stick_sync(s), -ENOMEM);
	assert_int_equal(dev_btn[BTN_TRIGGER], 1);	/* the game still sees it held */

	stick_axis(s, ABS_X, 1234);
	assert_int_equal(stick_sync(s), 0);
	assert_int_equal(dev_abs[ABS_X], 1234);
	assert_int_equal(dev_btn[BTN_TRIGGER], 0);	/* released at last */
	assert_int_equal(dev_abs[ABS_Y], 0);
	stick_free(s);
}

/* The same through a held batch (the reader's path): stick_hold(false) writes. */
static void test_failed_batch_resends_state(void **state)
{
	struct stick *s = new_stick(-32767, 32767);

	stick_button(s, BTN_THUMB, 1);
	assert_int_equal(stick_sync(s), 0);
	fail_writes = 1;
	stick_hold(s, true);
	stick_button(s, BTN_THUMB, 0);
	stick_axis(s, ABS_Y, -50);
	assert_true(stick_hold(s, false) < 0);
	assert_int_equal(dev_btn[BTN_THUMB], 1);
	stick_hold(s, true);
	stick_axis(s, ABS_X, 7);
	assert_int_equal(stick_hold(s, false), 0);
	assert_int_equal(dev_btn[BTN_THUMB], 0);
	assert_int_equal(dev_abs[ABS_Y], -50);
	assert_int_equal(dev_abs[ABS_X], 7);
	stick_free(s);
}

#ifndef TEST_STICK_HEAD
/* Nothing else to send: the main loop's retry writes the state alone. */
static void test_resync_alone(void **state)
{
	struct stick *s = new_stick(-32767, 32767);
	unsigned int before;

	stick_button(s, BTN_TRIGGER, 1);
	assert_int_equal(stick_sync(s), 0);
	assert_false(stick_stale(s));
	before = writes;
	assert_int_equal(stick_resync(s), 0);	/* not stale: no write */
	assert_int_equal(writes, before);

	fail_writes = 2;
	stick_button(s, BTN_TRIGGER, 0);
	assert_true(stick_sync(s) < 0);
	assert_true(stick_stale(s));
	assert_true(stick_resync(s) < 0);	/* fails again: still stale */
	assert_true(stick_stale(s));
	assert_int_equal(dev_btn[BTN_TRIGGER], 1);
	assert_int_equal(stick_resync(s), 0);
	assert_false(stick_stale(s));
	assert_int_equal(dev_btn[BTN_TRIGGER], 0);
	stick_free(s);
}
#endif

/* Applies taken output to the fake device, as the module's input_event() calls would. */
static void send_output(const struct jskf_out_event *ev, int n)
{
	for (int i = 0; i < n; i++) {
		if (ev[i].type == EV_ABS)
			dev_abs[ev[i].code] = ev[i].value;
		else if (ev[i].type == EV_KEY)
			dev_btn[ev[i].code] = ev[i].value;
	}
}

static void test_deferred_frames_taken(void **state)
{
	struct stick *s = new_stick(-32767, 32767);
	struct jskf_out_event ev[JSKF_OUTPUT_MAX];
	int n;

	stick_defer(s, true);
	assert_false(stick_pending(s));
	/* A held batch: the button's press and release are two frames. */
	stick_hold(s, true);
	stick_axis(s, ABS_X, 10);
	stick_button(s, BTN_TRIGGER, 1);
	stick_sync(s);
	stick_axis(s, ABS_X, 20);
	stick_button(s, BTN_TRIGGER, 0);
	stick_sync(s);
	assert_int_equal(stick_hold(s, false), 0);
	assert_true(stick_pending(s));
	assert_int_equal(writes, 0);

	n = stick_take_output(s, ev, JSKF_OUTPUT_MAX);
	/* ABS_X 10 (merged to 20 in the first frame), BTN 1, SYN, BTN 0, SYN. */
	assert_int_equal(n, 5);
	assert_int_equal(ev[0].type, EV_ABS);
	assert_int_equal(ev[0].value, 20);
	assert_int_equal(ev[1].code, BTN_TRIGGER);
	assert_int_equal(ev[1].value, 1);
	assert_int_equal(ev[2].type, EV_SYN);
	assert_int_equal(ev[3].code, BTN_TRIGGER);
	assert_int_equal(ev[3].value, 0);
	assert_int_equal(ev[4].type, EV_SYN);
	assert_false(stick_pending(s));
	assert_int_equal(stick_take_output(s, ev, JSKF_OUTPUT_MAX), 0);
	send_output(ev, n);
	assert_int_equal(dev_abs[ABS_X], 20);
	assert_int_equal(dev_btn[BTN_TRIGGER], 0);
	assert_int_equal(writes, 0);
	stick_free(s);
}

/* More than one read takes: written in order instead; the reader alone does it. */
static void test_deferred_too_many_written(void **state)
{
	struct stick *s = new_stick(-32767, 32767);
	struct jskf_out_event ev[4];

	stick_defer(s, true);
	stick_axis(s, ABS_X, 1);
	stick_axis(s, ABS_Y, 2);
	stick_button(s, BTN_THUMB, 1);
	stick_sync(s);
	assert_int_equal(stick_take_output(s, ev, 3), 0);	/* 4 events */
	assert_int_equal(writes, 1);
	assert_int_equal(dev_abs[ABS_Y], 2);
	assert_int_equal(dev_btn[BTN_THUMB], 1);
	assert_false(stick_pending(s));
	stick_free(s);
}

/* Nobody takes the frames: a full queue drops them, and the next frame is the whole state. */
static void test_deferred_full_goes_stale(void **state)
{
	struct stick *s = new_stick(-32767, 32767);
	struct jskf_out_event ev[JSKF_OUTPUT_MAX];
	int r = 0, n;

	stick_defer(s, true);
	for (int i = 0; i < 2000 && r == 0; i++) {
		r = stick_button(s, BTN_TRIGGER, i & 1);
		stick_sync(s);
	}
	assert_int_equal(r, -ENOBUFS);
	/* That iteration's sync queued the whole state: 2 axes, 2 buttons, SYN. */
	assert_false(stick_stale(s));
	n = stick_take_output(s, ev, JSKF_OUTPUT_MAX);
	assert_int_equal(n, 5);
	assert_int_equal(ev[4].type, EV_SYN);
	send_output(ev, n);
	assert_int_equal(dev_btn[BTN_TRIGGER], stick_button_value(s, BTN_TRIGGER));
	stick_axis(s, ABS_X, 5);
	stick_sync(s);
	n = stick_take_output(s, ev, JSKF_OUTPUT_MAX);
	assert_int_equal(n, 2);
	send_output(ev, n);
	assert_int_equal(dev_abs[ABS_X], 5);
	assert_int_equal(writes, 0);
	stick_free(s);
}

/* The reader stops: what is queued is written, and later frames too. */
static void test_defer_off_writes(void **state)
{
	struct stick *s = new_stick(-32767, 32767);

	stick_defer(s, true);
	stick_axis(s, ABS_Y, -9);
	stick_sync(s);
	assert_int_equal(writes, 0);
	stick_defer(s, false);
	assert_int_equal(writes, 1);
	assert_int_equal(dev_abs[ABS_Y], -9);
	assert_false(stick_pending(s));
	stick_axis(s, ABS_Y, 4);
	assert_int_equal(stick_sync(s), 0);
	assert_int_equal(writes, 2);
	assert_int_equal(dev_abs[ABS_Y], 4);
	stick_free(s);
}

/* The read could not send them: written as they were. */
static void test_write_output(void **state)
{
	struct stick *s = new_stick(-32767, 32767);
	const struct jskf_out_event ev[] = {
		{ EV_ABS, ABS_X, 123 }, { EV_KEY, BTN_TRIGGER, 1 }, { EV_SYN, SYN_REPORT, 0 },
	};

	assert_int_equal(stick_write_output(s, ev, 3), 0);
	assert_int_equal(writes, 1);
	assert_int_equal(dev_abs[ABS_X], 123);
	assert_int_equal(dev_btn[BTN_TRIGGER], 1);
	assert_int_equal(stick_write_output(s, ev, JSKF_OUTPUT_MAX + 1), -EINVAL);
	stick_free(s);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_int32_range),
		cmocka_unit_test(test_failed_write_resends_state),
		cmocka_unit_test(test_failed_batch_resends_state),
#ifndef TEST_STICK_HEAD
		cmocka_unit_test(test_resync_alone),
		cmocka_unit_test(test_deferred_frames_taken),
		cmocka_unit_test(test_deferred_too_many_written),
		cmocka_unit_test(test_deferred_full_goes_stale),
		cmocka_unit_test(test_defer_off_writes),
		cmocka_unit_test(test_write_output),
#endif
	};

	return cmocka_run_group_tests_name("stick", tests, NULL, NULL);
}
