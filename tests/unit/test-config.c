// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration loader: every shipped file loads, the default file
 * means what its comments say, every file of config-bad/ gives the exact
 * error its first line names ("; expect: FILE:LINE: MESSAGE"), numbers
 * parse the same in a comma-decimal locale, and the helpers the daemon
 * and joystickctl use (mouse matching, actions, plots) give exact results.
 */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/codes.h"
#include "engine/config.h"
#include "engine/plot.h"
#include "fake-output.h"
#include "unit-config.h"

#define EPS	1e-12

/* Each shipped file: config/joystickd.ini and config/examples/ *.ini. */
static void test_shipped_file(void **state)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600];

	if (jsd_config_load(*state, &cfg, &err) < 0)
		fail_msg("%s", jsd_error_format(&err, msg, sizeof(msg)));
	assert_true(cfg->n_profiles >= 1);
	jsd_config_free(cfg);
}

/* Each bad file: the error must be exactly the one on its first line. */
static void test_bad_file(void **state)
{
	const char *path = *state;
	char expected[600], got[600], file[1024];
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	FILE *f = fopen(path, "re");

	assert_non_null(f);
	assert_non_null(fgets(expected, sizeof(expected), f));
	fclose(f);
	assert_int_equal(strncmp(expected, "; expect: ", 10), 0);
	memmove(expected, expected + 10, strlen(expected + 10) + 1);
	expected[strcspn(expected, "\n")] = '\0';

	assert_int_equal(jsd_config_load(path, &cfg, &err), -EINVAL);
	assert_null(cfg);
	snprintf(file, sizeof(file), "%s", err.file);
	snprintf(err.file, sizeof(err.file), "%s", basename(file));
	assert_string_equal(jsd_error_format(&err, got, sizeof(got)), expected);
}

static void test_missing_file(void **state)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char msg[600];

	assert_int_equal(jsd_config_load("/nonexistent/joystickd.ini", &cfg, &err), -ENOENT);
	assert_null(cfg);
	assert_int_equal(err.line, 0);
	assert_string_equal(jsd_error_format(&err, msg, sizeof(msg)),
			    "/nonexistent/joystickd.ini: cannot open: No such file or directory");
}

static void test_error_format(void **state)
{
	struct jsd_error err = { .file = "a.ini", .line = 3, .message = "bad" };
	char buf[64];

	assert_string_equal(jsd_error_format(&err, buf, sizeof(buf)), "a.ini:3: bad");
	err.line = 0;
	assert_string_equal(jsd_error_format(&err, buf, sizeof(buf)), "a.ini: bad");
}

static void test_default_file(void **state)
{
	struct jsd_config *cfg = NULL;
	const struct jsd_profile *p;
	const struct jsd_axis_cfg *a;
	struct jsd_error err;

	assert_int_equal(jsd_config_load(SRCDIR "/config/joystickd.ini", &cfg, &err), 0);
	assert_true(cfg->capture.all_mice);
	assert_int_equal(cfg->capture.swallow, JSKF_CLASS_ALL);
	assert_int_equal(cfg->capture.toggle_key, KEY_SCROLLLOCK);
	assert_int_equal(cfg->capture.on_toggle_off, JSD_TOGGLE_OFF_HOLD);
	assert_false(cfg->capture.active_at_start);

	assert_string_equal(cfg->stick.name, "joystickd virtual flight stick");
	assert_int_equal(cfg->stick.id.bustype, 0x06);
	assert_int_equal(cfg->stick.id.vendor, 0x6a73);
	assert_int_equal(cfg->stick.id.product, 1);
	assert_int_equal(cfg->stick.id.version, 1);
	assert_int_equal(cfg->stick.update_rate, 250);
	assert_int_equal(cfg->stick.n_axes, 3);
	assert_int_equal(cfg->stick.axes[0].code, ABS_X);
	assert_int_equal(cfg->stick.axes[1].code, ABS_Y);
	assert_int_equal(cfg->stick.axes[2].code, ABS_THROTTLE);
	assert_int_equal(cfg->stick.axes[2].min, -32767);
	assert_int_equal(cfg->stick.axes[2].max, 32767);
	assert_int_equal(cfg->stick.n_buttons, 2);
	assert_int_equal(cfg->stick.buttons[0], BTN_TRIGGER);
	assert_int_equal(cfg->stick.buttons[1], BTN_THUMB);

	assert_int_equal(cfg->n_profiles, 1);
	p = &cfg->profiles[0];
	assert_string_equal(p->name, "default");
	assert_int_equal(p->n_axes, 3);
	a = &p->axes[0];
	assert_string_equal(a->name, "aileron");
	assert_int_equal(a->target, ABS_X);
	assert_true(a->has_source);
	assert_int_equal(a->source, REL_X);
	assert_int_equal(a->mouse, JSD_MOUSE_ANY);
	assert_int_equal(a->model, JSD_MODEL_SPRING);
	assert_float_equal(a->sensitivity, 800, EPS);
	assert_float_equal(a->rate, 0.5, EPS);
	assert_float_equal(a->response.deadzone, 0.02, EPS);
	assert_int_equal(a->response.curve.kind, CURVE_EXPO);
	assert_float_equal(a->response.curve.param, 0.3, EPS);
	assert_false(a->response.invert);
	assert_true(a->all_actions);
	a = &p->axes[2];
	assert_string_equal(a->name, "throttle");
	assert_int_equal(a->source, REL_WHEEL);
	assert_int_equal(a->model, JSD_MODEL_HOLD);
	assert_float_equal(a->sensitivity, 10, EPS);
	assert_float_equal(a->trim, -1, EPS);
	assert_false(a->all_actions);

	assert_int_equal(p->n_buttons, 5);
	assert_int_equal(p->buttons[0].input, BTN_LEFT);
	assert_int_equal(p->buttons[0].output, BTN_TRIGGER);
	assert_int_equal(p->buttons[1].input, BTN_RIGHT);
	assert_int_equal(p->buttons[1].output, BTN_THUMB);
	assert_int_equal(p->buttons[2].input, BTN_MIDDLE);
	assert_int_equal(p->buttons[2].action.kind, JSD_ACTION_RECENTER);
	assert_int_equal(p->buttons[2].action.arg, -1);
	assert_int_equal(p->buttons[3].action.kind, JSD_ACTION_TRIM);
	assert_int_equal(p->buttons[4].action.kind, JSD_ACTION_RESET_TRIM);
	jsd_config_free(cfg);
}

static void test_defaults(void **state)
{
	/* Only what must be given: every other key takes its documented default. */
	struct jsd_config *cfg = unit_config(
		"[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
		"[axis w]\ntarget = ABS_RY\nsource = REL_WHEEL\n");
	const struct jsd_axis_cfg *a = &cfg->profiles[0].axes[0];

	assert_int_equal(cfg->capture.backend, JSD_BACKEND_AUTO);
	assert_true(cfg->capture.all_mice);
	assert_int_equal(cfg->capture.toggle_key, KEY_SCROLLLOCK);
	assert_false(cfg->capture.active_at_start);
	assert_int_equal(cfg->capture.deadman_ms, 0);	/* the kernel's default */
	assert_int_equal(a->model, JSD_MODEL_SPRING);
	assert_float_equal(a->sensitivity, 800, EPS);
	assert_float_equal(a->rate, 1, EPS);
	assert_float_equal(a->time_constant, 0.1, EPS);
	assert_float_equal(a->key_rate, 1, EPS);
	assert_float_equal(a->smoothing, 0, EPS);
	assert_float_equal(a->trim, 0, EPS);
	assert_int_equal(a->min, -32767);
	assert_int_equal(a->max, 32767);
	assert_int_equal(a->response.curve.kind, CURVE_LINEAR);
	assert_true(a->all_actions);
	/* wheel sources count notches: 10 from centre to full */
	assert_float_equal(cfg->profiles[0].axes[1].sensitivity, 10, EPS);
	jsd_config_free(cfg);
}

/* [capture] deadman_ms: 0 or JSKF_DEADMAN_MIN_MS..MAX_MS, kept as given. */
static void test_deadman(void **state)
{
	static const char *const good[][2] = {
		{ "0", "0" }, { "50", "50" }, { "2000", "2000" }, { "60000", "60000" },
	};
	static const char *const bad[] = { "1", "49", "60001", "-5", "2s", "" };
	char text[200], msg[600];
	struct jsd_config *cfg;
	struct jsd_error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[capture]\ndeadman_ms = %s\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
			 "[axis w]\ntarget = ABS_RY\nsource = REL_WHEEL\n",
			 good[i][0]);
		cfg = unit_config(text);
		assert_int_equal(cfg->capture.deadman_ms, strtoul(good[i][1], NULL, 10));
		jsd_config_free(cfg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[capture]\ndeadman_ms = %s\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
			 "[axis w]\ntarget = ABS_RY\nsource = REL_WHEEL\n",
			 bad[i]);
		cfg = NULL;
		assert_int_equal(jsd_config_parse_string("t.ini", text, &cfg, &err), -EINVAL);
		assert_null(cfg);
		jsd_error_format(&err, msg, sizeof(msg));
		assert_int_equal(err.line, 2);
		assert_non_null(strstr(msg, "deadman_ms: expected"));
	}
}

/* [capture] capture_backend: auto, kfilter or evdev, and nothing else. */
static void test_capture_backend(void **state)
{
	static const struct { const char *word; enum jsd_backend backend; } good[] = {
		{ "auto", JSD_BACKEND_AUTO }, { "kfilter", JSD_BACKEND_KFILTER },
		{ "evdev", JSD_BACKEND_EVDEV },
	};
	static const char *const bad[] = { "", "Evdev", "kernel", "evdev,kfilter", "1" };
	char text[200], msg[600];
	struct jsd_config *cfg;
	struct jsd_error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[capture]\ncapture_backend = %s\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
			 "[axis w]\ntarget = ABS_RY\nsource = REL_WHEEL\n",
			 good[i].word);
		cfg = unit_config(text);
		assert_int_equal(cfg->capture.backend, good[i].backend);
		jsd_config_free(cfg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[capture]\nmice = all\ncapture_backend = %s\n[axis x]\ntarget = ABS_RX\nsource = REL_X\n",
			 bad[i]);
		cfg = NULL;
		assert_int_equal(jsd_config_parse_string("t.ini", text, &cfg, &err), -EINVAL);
		assert_null(cfg);
		jsd_error_format(&err, msg, sizeof(msg));
		assert_int_equal(err.line, 3);
		assert_non_null(strstr(msg, "capture_backend: expected auto, kfilter or evdev"));
	}
}

static bool key_in(const uint64_t bits[JSKF_KEY_WORDS], unsigned int code)
{
	return bits[code / 64] >> (code % 64) & 1;
}

/* JSKF_IOC_CAPTURE_KEYS: the pointer buttons plus every key any profile maps. */
static void test_capture_keys(void **state)
{
	struct jsd_config *cfg = unit_config(
		"[capture]\ntoggle_key = KEY_F12\n"
		"[axis x]\ntarget = ABS_X\nsource = REL_X\nmodifier = KEY_LEFTSHIFT\n"
		"[button trigger]\ninput = BTN_LEFT\noutput = BTN_TRIGGER\n"
		"[profile taxi]\n"
		"[axis rudder]\ntarget = ABS_RZ\nincrease = KEY_E\ndecrease = KEY_Q\n"
		"[button fire]\ninput = KEY_SPACE\noutput = BTN_THUMB\n"
		"[button wide]\ninput = BTN_TASK\naction = recenter\n");
	uint64_t bits[JSKF_KEY_WORDS];
	unsigned int code, n = 0;

	memset(bits, 0xa5, sizeof(bits));
	jsd_config_capture_keys(cfg, bits);
	for (code = JSKF_POINTER_BUTTONS_FIRST; code <= JSKF_POINTER_BUTTONS_LAST; code++)
		assert_true(key_in(bits, code));
	assert_true(key_in(bits, KEY_LEFTSHIFT));
	assert_true(key_in(bits, KEY_E));
	assert_true(key_in(bits, KEY_Q));
	assert_true(key_in(bits, KEY_SPACE));
	assert_false(key_in(bits, KEY_F12));	/* the toggle key is the kernel's own */
	assert_false(key_in(bits, 0));
	for (code = 0; code < JSKF_KEY_WORDS * 64; code++)
		n += key_in(bits, code);
	assert_int_equal(n, JSKF_POINTER_BUTTONS_LAST - JSKF_POINTER_BUTTONS_FIRST + 1 + 4);
	jsd_config_free(cfg);

	/* No key mapped: just the pointer buttons. */
	cfg = unit_config("[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
			  "[axis w]\ntarget = ABS_RY\nsource = REL_WHEEL\n");
	jsd_config_capture_keys(cfg, bits);
	for (code = 0; code < 4; code++)
		assert_int_equal(bits[code], 0);
	assert_int_equal(bits[4], 0xffffffffull);	/* 0x100..0x11f */
	for (code = 5; code < JSKF_KEY_WORDS; code++)
		assert_int_equal(bits[code], 0);
	jsd_config_free(cfg);
}

/*
 * Every alias of <linux/input-event-codes.h> names its code, as
 * joystickd.ini(5) promises; the names are the preferred ones.  Debian 12's
 * libevdev 1.13.0 knows none of these aliases
 * (libevdev_event_code_from_name() gives -1), which is why codes.c keeps
 * its own table.
 */
static void test_code_aliases(void **state)
{
	static const struct { const char *name; uint16_t type, code; } aliases[] = {
		{ "BTN_JOYSTICK", EV_KEY, BTN_TRIGGER }, { "BTN_MOUSE", EV_KEY, BTN_LEFT },
		{ "BTN_GAMEPAD", EV_KEY, BTN_SOUTH }, { "BTN_MISC", EV_KEY, BTN_0 },
		{ "BTN_DIGI", EV_KEY, BTN_TOOL_PEN }, { "BTN_WHEEL", EV_KEY, BTN_GEAR_DOWN },
		{ "KEY_SCREENLOCK", EV_KEY, KEY_COFFEE }, { "KEY_ZOOM", EV_KEY, KEY_FULL_SCREEN },
	};
	uint16_t type, code;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		assert_int_equal(codes_from_name(aliases[i].name, &type, &code), 0);
		assert_int_equal(type, aliases[i].type);
		assert_int_equal(code, aliases[i].code);
	}
	assert_string_equal(codes_name(EV_KEY, BTN_TRIGGER), "BTN_TRIGGER");
	assert_string_equal(codes_name(EV_KEY, BTN_SOUTH), "BTN_SOUTH");
	assert_int_equal(codes_from_name("BTN_NOPE", &type, &code), -ENOENT);
}

static void test_syntax(void **state)
{
	/* A byte order mark, CRLF, indented keys, ':' separators, ';' and '#'
	 * comments, inline comments, hex and decimal integers, no octal. */
	struct jsd_config *cfg = unit_config(
		"\xef\xbb\xbf; first line\r\n"
		"[capture]\r\n"
		"  mice = all   ; inline comment\r\n"
		"\tswallow = motion wheel\r\n"
		"# hash comment\r\n"
		"active_at_start = on\r\n"
		"toggle_key = none\r\n"
		"  [stick]  ; comment after a section\r\n"
		"vendor = 0x046d\r\n"
		"product = 49271\r\n"
		"version = 010\r\n"
		"bus = usb\r\n"
		"min = -100\r\n"
		"max = 100\r\n"
		"[axis a]\r\n"
		"target : ABS_RX\r\n"
		"source = REL_X\r\n"
		"sensitivity = 1.5e3\r\n"
		"curve = power : 2\r\n"
		"[axis b]\r\n"
		"target = ABS_RY\r\n"
		"increase = KEY_A\r\n"
		"decrease = KEY_Z\r\n"
		"key_rate = .25\r\n"
		"[button x]\r\n"
		"input = BTN_LEFT\r\n"
		"output = BTN_TRIGGER_HAPPY3\r\n");
	const struct jsd_axis_cfg *a = &cfg->profiles[0].axes[0];
	const struct jsd_axis_cfg *b = &cfg->profiles[0].axes[1];

	assert_int_equal(cfg->capture.swallow, JSKF_CLASS_MOTION | JSKF_CLASS_WHEEL);
	assert_true(cfg->capture.active_at_start);
	assert_int_equal(cfg->capture.toggle_key, 0);
	assert_int_equal(cfg->stick.id.bustype, 0x03);
	assert_int_equal(cfg->stick.id.vendor, 0x046d);
	assert_int_equal(cfg->stick.id.product, 49271);
	assert_int_equal(cfg->stick.id.version, 10);
	assert_int_equal(a->target, ABS_RX);
	assert_int_equal(a->min, -100);
	assert_int_equal(a->max, 100);
	assert_float_equal(a->sensitivity, 1500, EPS);
	assert_int_equal(a->response.curve.kind, CURVE_POWER);
	assert_float_equal(a->response.curve.param, 2, EPS);
	assert_false(b->has_source);
	assert_int_equal(b->key_increase, KEY_A);
	assert_int_equal(b->key_decrease, KEY_Z);
	assert_float_equal(b->key_rate, 0.25, EPS);
	assert_int_equal(cfg->profiles[0].buttons[0].output, BTN_TRIGGER_HAPPY3);
	assert_int_equal(cfg->stick.n_buttons, 1);
	jsd_config_free(cfg);
}

/* In a locale whose decimal mark is a comma, "0.25" still means 0.25. */
static void test_locale(void **state)
{
	struct jsd_config *cfg;
	char buf[16];

	setenv("LOCPATH", LOCALEDIR, 1);
	assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
	snprintf(buf, sizeof(buf), "%g", 0.5);
	assert_string_equal(buf, "0,5");	/* the locale is in force */

	cfg = unit_config("[axis x]\ntarget = ABS_RX\nsource = REL_X\nrate = 0.25\n"
			  "curve = expo:0.75\ndeadzone = 5e-2\n"
			  "[axis y]\ntarget = ABS_RY\nsource = REL_Y\n");
	assert_float_equal(cfg->profiles[0].axes[0].rate, 0.25, EPS);
	assert_float_equal(cfg->profiles[0].axes[0].response.curve.param, 0.75, EPS);
	assert_float_equal(cfg->profiles[0].axes[0].response.deadzone, 0.05, EPS);
	jsd_config_free(cfg);
	setlocale(LC_ALL, "C");
}

static void test_profiles(void **state)
{
	struct jsd_config *cfg = NULL;
	const struct jsd_profile *plane, *heli;
	struct jsd_error err;

	assert_int_equal(jsd_config_load(SRCDIR "/config/examples/profiles.ini", &cfg, &err), 0);
	assert_int_equal(cfg->n_profiles, 2);
	plane = &cfg->profiles[0];
	heli = &cfg->profiles[1];
	assert_string_equal(plane->name, "airplane");
	assert_string_equal(heli->name, "helicopter");
	assert_int_equal(jsd_config_find_profile(cfg, "helicopter"), 1);
	assert_int_equal(jsd_config_find_profile(cfg, "glider"), -ENOENT);
	assert_int_equal(plane->n_axes, 3);
	assert_int_equal(heli->n_axes, 4);
	assert_int_equal(jsd_profile_find_axis(heli, "pedals"), 3);
	assert_int_equal(plane->buttons[1].action.kind, JSD_ACTION_PROFILE_NEXT);
	assert_int_equal(heli->buttons[2].action.kind, JSD_ACTION_PROFILE);
	assert_int_equal(heli->buttons[2].action.arg, 0);
	assert_int_equal(heli->axes[0].response.curve.kind, CURVE_POINTS);
	assert_int_equal(heli->axes[0].response.curve.n, 4);
	assert_true(heli->axes[0].response.curve.mirrored);
	assert_float_equal(heli->axes[0].response.curve.x[2], 0.7, EPS);
	assert_float_equal(heli->axes[0].response.curve.y[2], 0.55, EPS);
	/* the stick is the union: ABS_X, ABS_Y, ABS_THROTTLE, ABS_RZ by code */
	assert_int_equal(cfg->stick.n_axes, 4);
	assert_int_equal(cfg->stick.axes[2].code, ABS_RZ);
	assert_int_equal(cfg->stick.axes[3].code, ABS_THROTTLE);
	jsd_config_free(cfg);
}

static void test_match_mouse(void **state)
{
	struct jsd_config *cfg = unit_config(
		"[capture]\nmice = tb, lg\n"
		"[mouse tb]\nmatch = *Trackball*\n"
		"[mouse lg]\nid = 046d:c077\nphys = usb-*\n"
		"[mouse both]\nmatch = Logitech*\nid = 046D:C52B\n"
		"[axis x]\ntarget = ABS_RX\nsource = REL_X\n"
		"[axis y]\ntarget = ABS_RY\nsource = REL_Y\n");

	assert_int_equal(jsd_config_match_mouse(cfg, "Kensington Expert Trackball", 0x047d,
						0x1020, "usb-1/input0"), 0);
	assert_int_equal(jsd_config_match_mouse(cfg, "Logitech USB Optical Mouse", 0x046d,
						0xc077, "usb-0000:00:14.0-2/input0"), 1);
	assert_int_equal(jsd_config_match_mouse(cfg, "Logitech USB Optical Mouse", 0x046d,
						0xc077, "isa0060/serio1/input0"), -1);
	assert_int_equal(jsd_config_match_mouse(cfg, "Logitech Unifying", 0x046d, 0xc52b, NULL), 2);
	assert_int_equal(jsd_config_match_mouse(cfg, NULL, 0, 0, NULL), -1);
	assert_false(cfg->capture.all_mice);
	assert_true(jsd_config_captures(cfg, 0));
	assert_true(jsd_config_captures(cfg, 1));
	assert_false(jsd_config_captures(cfg, 2));
	assert_false(jsd_config_captures(cfg, -1));
	jsd_config_free(cfg);
}

static void check_action(const struct jsd_config *cfg, const char *text,
			 enum jsd_action_kind kind, int arg)
{
	struct jsd_action a = { .kind = JSD_ACTION_NONE };
	const char *why = NULL;

	assert_int_equal(jsd_action_parse(cfg, 0, text, &a, &why), 0);
	assert_int_equal(a.kind, kind);
	assert_int_equal(a.arg, arg);
}

static void check_bad_action(const struct jsd_config *cfg, const char *text, const char *why)
{
	struct jsd_action a;
	const char *got = NULL;

	assert_int_equal(jsd_action_parse(cfg, 0, text, &a, &got), -EINVAL);
	assert_string_equal(got, why);
}

static void test_actions(void **state)
{
	struct jsd_config *cfg = unit_config(
		"[axis a]\ntarget = ABS_RX\nsource = REL_X\n"
		"[axis b]\ntarget = ABS_RY\nsource = REL_Y\n");

	check_action(cfg, "recenter", JSD_ACTION_RECENTER, -1);
	check_action(cfg, "recenter:b", JSD_ACTION_RECENTER, 1);
	check_action(cfg, "trim : a", JSD_ACTION_TRIM, 0);
	check_action(cfg, "reset-trim", JSD_ACTION_RESET_TRIM, -1);
	check_action(cfg, "toggle-capture", JSD_ACTION_TOGGLE_CAPTURE, 0);
	check_action(cfg, "profile-next", JSD_ACTION_PROFILE_NEXT, 0);
	check_action(cfg, "profile:default", JSD_ACTION_PROFILE, 0);
	check_action(cfg, "look", JSD_ACTION_LOOK, 0);
	check_bad_action(cfg, "profile", "profile needs a name: profile:NAME");
	check_bad_action(cfg, "toggle-capture:x",
			 "toggle-capture, profile-next and look take no argument");
	check_bad_action(cfg, "look:a", "toggle-capture, profile-next and look take no argument");
	check_bad_action(cfg, "recenter:c", "no axis of that name in the profile");
	check_bad_action(cfg, "", "expected recenter, trim, reset-trim (each optionally :AXIS), toggle-capture, profile-next, profile:NAME or look");
	jsd_config_free(cfg);
}

static void test_stick_equal(void **state)
{
	static const char base[] =
		"[axis a]\ntarget = ABS_RX\nsource = REL_X\n%s"
		"[button t]\ninput = BTN_LEFT\noutput = %s\n";
	char text[256];
	struct jsd_config *a, *b, *c;

	snprintf(text, sizeof(text), base, "", "BTN_TRIGGER");
	a = unit_config(text);
	snprintf(text, sizeof(text), base, "curve = expo:0.5\nmodel = hold\n", "BTN_TRIGGER");
	b = unit_config(text);
	snprintf(text, sizeof(text), base, "", "BTN_THUMB");
	c = unit_config(text);
	assert_true(jsd_stick_equal(&a->stick, &b->stick));
	assert_false(jsd_stick_equal(&a->stick, &c->stick));
	jsd_config_free(a);
	jsd_config_free(b);
	jsd_config_free(c);
}

static char *plot(const struct jsd_axis_cfg *a, bool svg, unsigned int w, unsigned int h,
		  double mark)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(svg ? plot_svg(f, a, w, h) : plot_ascii(f, a, w, h, mark), 0);
	fclose(f);
	return text;
}

static void test_plot_ascii(void **state)
{
	/*
	 * Linear, 11 x 5: column c shows x = -1 + c/5 at row lround(2 (1 - x)):
	 * rows 4 4 3 3 2 2 2 1 1 0 0.  The mark at x = 0.5 sits in column
	 * lround(7.5) = 8, row lround(1) = 1.
	 */
	struct jsd_config *cfg = unit_config(
		"[axis roll]\ntarget = ABS_RX\nsource = REL_X\n"
		"[axis b]\ntarget = ABS_RY\nsource = REL_Y\ndeadzone = 0.25\ncurve = expo:0.5\ninvert = yes\n");
	char *text = plot(&cfg->profiles[0].axes[0], false, 11, 5, 0.5);

	assert_string_equal(text,
		"axis roll -> ABS_RX: linear, deadzone 0, outer_deadzone 0\n"
		" +1      |   **\n"
		"         | *O  \n"
		"  0 ----***----\n"
		"      ** |     \n"
		" -1 **   |     \n"
		"   -1    0   +1\n");
	free(text);
	text = plot(&cfg->profiles[0].axes[1], false, 1, 1, NAN);
	assert_string_equal(strtok(text, "\n"),
			    "axis b -> ABS_RY: expo:0.5, deadzone 0.25, outer_deadzone 0, inverted");
	free(text);
	jsd_config_free(cfg);
}

static void test_plot_svg(void **state)
{
	struct jsd_config *cfg = unit_config(
		"[axis roll]\ntarget = ABS_RX\nsource = REL_X\n"
		"[axis b]\ntarget = ABS_RY\nsource = REL_Y\n");
	unsigned int n = 0;
	char *text, *p;

	/* the numbers stay in the C locale whatever LC_NUMERIC says */
	setenv("LOCPATH", LOCALEDIR, 1);
	assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
	text = plot(&cfg->profiles[0].axes[0], true, 200, 200, NAN);
	setlocale(LC_ALL, "C");

	assert_int_equal(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
	assert_non_null(strstr(text, "width=\"200\" height=\"200\""));
	assert_non_null(strstr(text, "<title>axis roll -> ABS_RX: linear, deadzone 0, outer_deadzone 0</title>"));
	/* 120 x 120 px inside 40 px margins: (-1,-1) at (40,160), (1,1) at (160,40) */
	p = strstr(text, "points=\"");
	assert_non_null(p);
	assert_int_equal(strncmp(p, "points=\"40.00,160.00 40.60,159.40 ", 34), 0);
	for (p += 8; *p != '"'; p++)
		n += *p == ',';
	assert_int_equal(n, 201);
	assert_non_null(strstr(text, " 160.00,40.00\"/>"));
	assert_int_equal(strcmp(text + strlen(text) - 7, "</svg>\n"), 0);
	free(text);
	jsd_config_free(cfg);
}

/*
 * One test per file matching pattern; -1 when none does (a directory that
 * went missing must fail, not shrink the list) or the list is full.
 */
static int add_glob(struct CMUnitTest *tests, int n, int cap, const char *pattern, glob_t *g,
		    void (*fn)(void **))
{
	if (n < 0)
		return n;
	if (glob(pattern, 0, NULL, g) != 0) {
		fprintf(stderr, "test-config: no file matches %s\n", pattern);
		return -1;
	}
	if (g->gl_pathc > (size_t)(cap - n)) {
		fprintf(stderr, "test-config: more than %d tests\n", cap);
		return -1;
	}
	for (size_t i = 0; i < g->gl_pathc; i++)
		tests[n++] = (struct CMUnitTest){
			.name = strstr(g->gl_pathv[i], "config"),
			.test_func = fn,
			.initial_state = g->gl_pathv[i],
		};
	return n;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_default_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_deadman),
		cmocka_unit_test(test_capture_backend),
		cmocka_unit_test(test_capture_keys),
		cmocka_unit_test(test_code_aliases),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_match_mouse),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_stick_equal),
		cmocka_unit_test(test_plot_ascii),
		cmocka_unit_test(test_plot_svg),
	};
	struct CMUnitTest tests[256];
	glob_t shipped, examples, bad;
	int n = 0, r;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	memset(&shipped, 0, sizeof(shipped));
	memset(&examples, 0, sizeof(examples));
	memset(&bad, 0, sizeof(bad));
	n = add_glob(tests, n, 256, SRCDIR "/config/joystickd.ini", &shipped, test_shipped_file);
	n = add_glob(tests, n, 256, SRCDIR "/config/examples/*.ini", &examples, test_shipped_file);
	n = add_glob(tests, n, 256, SRCDIR "/tests/unit/config-bad/*.ini", &bad, test_bad_file);
	r = n < 0 ? 1 : _cmocka_run_group_tests("config", tests, (size_t)n, NULL, NULL);
	globfree(&shipped);
	globfree(&examples);
	globfree(&bad);
	return r;
}
