// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stick-shape rules (shape.h) and the configuration's warnings: the
 * rules at their boundaries, every file of config-warn/ loads with exactly
 * the warnings its first lines name ("; warning: FILE: warning: MESSAGE",
 * in order), and every shipped file loads with none.  The refusals are
 * config-bad/gamepad-*.ini (test-config.c).
 */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/config.h"
#include "engine/shape.h"

#define MAX_CODES	32

/* A shape from codes: n_axes ABS codes, then n_buttons KEY codes. */
static unsigned int check(const uint16_t *axes, unsigned int n_axes, const uint16_t *buttons,
			  unsigned int n_buttons, struct shape_finding out[SHAPE_MAX_FINDINGS])
{
	struct shape s = { .axes = axes, .n_axes = n_axes, .buttons = buttons, .n_buttons = n_buttons };

	return shape_check(&s, out);
}

static const uint16_t flight_axes[] = {
	ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_RY, ABS_RZ, ABS_THROTTLE, ABS_RUDDER, ABS_WHEEL,
};
static const uint16_t many_buttons[] = {
	BTN_TRIGGER, BTN_THUMB, BTN_THUMB2, BTN_TOP, BTN_TOP2, BTN_PINKIE, BTN_BASE, BTN_BASE2,
	BTN_BASE3, BTN_BASE4, BTN_BASE5, BTN_BASE6, BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY2,
};

/* Wine's is_gamepad: exactly 6 axes (counted with or without hats) and 14 buttons or more. */
static void test_wine_gamepad(void **state)
{
	static const uint16_t with_hats[] = { ABS_X, ABS_Y, ABS_THROTTLE, ABS_RUDDER, ABS_HAT0X, ABS_HAT0Y };
	static const uint16_t seven_with_hat[] = {
		ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_RY, ABS_RZ, ABS_HAT0X,
	};
	struct shape_finding f[SHAPE_MAX_FINDINGS];

	assert_int_equal(check(flight_axes, 6, many_buttons, 13, f), 0);
	assert_int_equal(check(flight_axes, 6, many_buttons, 14, f), 1);
	assert_int_equal(f[0].level, SHAPE_REFUSE);
	assert_int_equal(f[0].button, 0);
	assert_string_equal(f[0].message,
			    "6 axes and 14 buttons: Wine and Proton take a stick with 6 axes and 14 or more buttons for a gamepad (XInput)");
	assert_int_equal(check(flight_axes, 5, many_buttons, 14, f), 0);
	assert_int_equal(check(flight_axes, 7, many_buttons, 14, f), 0);
	/* 4 axes to SDL, 6 to Wine's evdev backend. */
	assert_int_equal(check(with_hats, 6, many_buttons, 14, f), 2);
	assert_int_equal(f[0].level, SHAPE_REFUSE);
	assert_non_null(strstr(f[0].message, "6 axes (hats included) and 14 buttons"));
	assert_int_equal(f[1].level, SHAPE_WARN);
	/* 7 with the hat, 6 to SDL. */
	assert_int_equal(check(seven_with_hat, 7, many_buttons, 14, f), 2);
	assert_int_equal(f[0].level, SHAPE_REFUSE);
	assert_non_null(strstr(f[0].message, "6 axes and 14 buttons"));
}

/* BTN_SOUTH ... BTN_THUMBR, and not their neighbours. */
static void test_gamepad_buttons(void **state)
{
	static const uint16_t xy[] = { ABS_X, ABS_Y };
	struct shape_finding f[SHAPE_MAX_FINDINGS];
	uint16_t buttons[2] = { BTN_TRIGGER, 0 };

	for (unsigned int code = BTN_JOYSTICK; code < BTN_DIGI; code++) {
		bool gamepad = code >= BTN_SOUTH && code <= BTN_THUMBR;

		buttons[1] = (uint16_t)code;
		assert_int_equal(shape_is_gamepad_button(buttons[1]), gamepad);
		assert_int_equal(check(xy, 2, buttons, 2, f), gamepad ? 1 : 0);
		if (!gamepad)
			continue;
		assert_int_equal(f[0].level, SHAPE_REFUSE);
		assert_int_equal(f[0].button, code);
	}
	buttons[1] = BTN_EAST;
	check(xy, 2, buttons, 2, f);
	assert_string_equal(f[0].message,
			    "BTN_EAST is a gamepad button: SDL, and Wine and Proton through it, take a stick with buttons of BTN_SOUTH ... BTN_THUMBR for a gamepad");
	assert_string_equal(f[0].fix, "use BTN_TRIGGER ... BTN_BASE6 or BTN_TRIGGER_HAPPY1 ... 40");
}

/* More than 8 axes besides hats: a warning. */
static void test_axis_count(void **state)
{
	static const uint16_t eight_and_hats[] = {
		ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_RY, ABS_RZ, ABS_THROTTLE, ABS_RUDDER,
		ABS_HAT0X, ABS_HAT0Y,
	};
	struct shape_finding f[SHAPE_MAX_FINDINGS];

	assert_int_equal(check(flight_axes, 8, many_buttons, 2, f), 0);
	assert_int_equal(check(flight_axes, 9, many_buttons, 2, f), 1);
	assert_int_equal(f[0].level, SHAPE_WARN);
	assert_non_null(strstr(f[0].message, "9 axes: "));
	/* Ten codes, eight axes and a hat to SDL: only the hat warns. */
	assert_int_equal(check(eight_and_hats, 10, many_buttons, 2, f), 1);
	assert_non_null(strstr(f[0].message, "ABS_HAT0X is a hat"));
}

/* SDL without udev: ABS_X and ABS_Y, and BTN_TRIGGER or an axis of ABS_RX ... ABS_BRAKE. */
static void test_sdl_guess(void **state)
{
	static const uint16_t xy[] = { ABS_X, ABS_Y }, xyb[] = { ABS_X, ABS_Y, ABS_BRAKE };
	static const uint16_t xyz[] = { ABS_X, ABS_Y, ABS_Z }, rz[] = { ABS_RZ, ABS_Y };
	static const uint16_t trigger[] = { BTN_TRIGGER }, thumbs[] = { BTN_THUMB, BTN_THUMB2 };
	struct shape_finding f[SHAPE_MAX_FINDINGS];

	assert_int_equal(check(xy, 2, trigger, 1, f), 0);
	assert_int_equal(check(xyb, 3, thumbs, 2, f), 0);
	assert_int_equal(check(xy, 2, thumbs, 2, f), 1);
	assert_int_equal(f[0].level, SHAPE_WARN);
	assert_non_null(strstr(f[0].message, "SDL without udev"));
	assert_int_equal(check(xyz, 3, thumbs, 2, f), 1);
	assert_int_equal(check(rz, 2, trigger, 1, f), 1);
	assert_int_equal(check(xy, 1, trigger, 1, f), 1);
}

/* Every "; warning: " line at the top of @path, without the prefix. */
static unsigned int expected_warnings(const char *path, char lines[][600], unsigned int max)
{
	FILE *f = fopen(path, "re");
	char buf[600];
	unsigned int n = 0;

	assert_non_null(f);
	while (n < max && fgets(buf, sizeof(buf), f) && strncmp(buf, "; warning: ", 11) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(lines[n++], sizeof(lines[0]), "%s", buf + 11);
	}
	fclose(f);
	return n;
}

/* A config-warn/ file: it loads, with exactly its warnings. */
static void test_warn_file(void **state)
{
	const char *path = *state;
	char expected[SHAPE_MAX_FINDINGS][600], got[600];
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char *copy, *base;
	unsigned int n = expected_warnings(path, expected, SHAPE_MAX_FINDINGS);

	assert_true(n > 0);
	if (jsd_config_load(path, &cfg, &err) < 0)
		fail_msg("%s", jsd_error_format(&err, got, sizeof(got)));
	/* Messages name the file as given: compare with its base name. */
	copy = strdup(path);
	base = basename(copy);
	free(cfg->path);
	cfg->path = strdup(base);
	free(copy);
	for (unsigned int i = 0; i < cfg->n_warnings && i < n; i++)
		assert_string_equal(jsd_warning_format(cfg, &cfg->warnings[i], got, sizeof(got)),
				    expected[i]);
	assert_int_equal(cfg->n_warnings, n);
	jsd_config_free(cfg);
}

/* The shipped file and the examples: not a single warning. */
static void test_shipped_quiet(void **state)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600];

	if (jsd_config_load(*state, &cfg, &err) < 0)
		fail_msg("%s", jsd_error_format(&err, msg, sizeof(msg)));
	if (cfg->n_warnings > 0)
		fail_msg("%s", jsd_warning_format(cfg, &cfg->warnings[0], msg, sizeof(msg)));
	jsd_config_free(cfg);
}

/* The line of a warning, when it has one. */
static void test_warning_format(void **state)
{
	struct jsd_warning w = { .line = 7, .message = "odd" };
	struct jsd_config cfg = { .path = "a.ini" };
	char buf[64];

	assert_string_equal(jsd_warning_format(&cfg, &w, buf, sizeof(buf)), "a.ini:7: warning: odd");
	w.line = 0;
	assert_string_equal(jsd_warning_format(&cfg, &w, buf, sizeof(buf)), "a.ini: warning: odd");
}

static int add_glob(struct CMUnitTest *tests, int n, int cap, const char *pattern, glob_t *g,
		    CMUnitTestFunction fn)
{
	if (glob(pattern, 0, NULL, g) != 0)
		return n;
	for (size_t i = 0; i < g->gl_pathc && n < cap; i++) {
		tests[n] = (struct CMUnitTest){
			.name = g->gl_pathv[i], .test_func = fn, .initial_state = g->gl_pathv[i],
		};
		n++;
	}
	return n;
}

int main(void)
{
	static struct CMUnitTest tests[128] = {
		cmocka_unit_test(test_wine_gamepad),
		cmocka_unit_test(test_gamepad_buttons),
		cmocka_unit_test(test_axis_count),
		cmocka_unit_test(test_sdl_guess),
		cmocka_unit_test(test_warning_format),
	};
	glob_t warn, shipped, examples;
	int n = 5, r;

	n = add_glob(tests, n, 128, SRCDIR "/tests/unit/config-warn/*.ini", &warn, test_warn_file);
	n = add_glob(tests, n, 128, SRCDIR "/config/joystickd.ini", &shipped, test_shipped_quiet);
	n = add_glob(tests, n, 128, SRCDIR "/config/examples/*.ini", &examples, test_shipped_quiet);
	r = _cmocka_run_group_tests("shape", tests, n, NULL, NULL);
	globfree(&warn);
	globfree(&shipped);
	globfree(&examples);
	return r;
}
