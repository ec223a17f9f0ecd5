// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the ini parser and the whole configuration check.
 *
 * Any input either loads or gives an error with a message; a configuration
 * that loads has prepared curves whose tangents are finite and which give
 * finite values in [-1, 1] at and between their points; responses that
 * stay finite, inside [-1, 1] and monotone (non-decreasing, or
 * non-increasing when inverted); scaled values inside the axis range
 * (min < max, any int32 pair); no control character in the stick's name;
 * and a stick udev will call a joystick (udev_joystick(), below).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "engine/codes.h"
#include "engine/config.h"
#include "engine/escape.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_curve_value(const struct curve *c, double x)
{
	double y = curve_eval(c, x);

	FUZZ_CHECK(isfinite(y), "prepared curve not finite at or between its points");
	FUZZ_CHECK(y >= -1.0 - 1e-9 && y <= 1.0 + 1e-9, "prepared curve outside [-1, 1]");
}

/* The curve as curve_prepare() left it, where a grid would miss a spike. */
static void check_prepared_curve(const struct curve *c)
{
	if (c->kind != CURVE_POINTS)
		return;
	FUZZ_CHECK(c->n >= 2 && c->n <= CURVE_MAX_POINTS, "points curve with a bad count");
	for (unsigned int k = 0; k < c->n; k++) {
		FUZZ_CHECK(isfinite(c->m[k]), "prepared tangent not finite");
		check_curve_value(c, c->x[k]);
		check_curve_value(c, -c->x[k]);
		if (k + 1 < c->n) {
			check_curve_value(c, c->x[k] + (c->x[k + 1] - c->x[k]) / 2);
			check_curve_value(c, c->x[k] + (c->x[k + 1] - c->x[k]) * 1e-3);
		}
	}
}

static void check_scaled(double y, int32_t min, int32_t max)
{
	int v = curve_scale(y, min, max);

	FUZZ_CHECK(v >= min && v <= max, "scaled value outside the axis range");
}

static void check_response(const struct jsd_axis_cfg *axis)
{
	double prev = 0;

	check_prepared_curve(&axis->response.curve);
	check_scaled(-1.0, axis->min, axis->max);
	check_scaled(1.0, axis->min, axis->max);
	for (int i = 0; i <= 400; i++) {
		double x = -1.0 + i / 200.0;
		double y = curve_response_eval(&axis->response, x);

		FUZZ_CHECK(isfinite(y), "response not finite");
		FUZZ_CHECK(y >= -1.0 && y <= 1.0, "response outside [-1, 1]");
		check_scaled(y, axis->min, axis->max);
		if (i > 0) {
			double step = axis->response.invert ? prev - y : y - prev;

			FUZZ_CHECK(step >= -1e-12, "response not monotone");
		}
		prev = y;
	}
	FUZZ_CHECK(axis->min < axis->max, "axis range empty");
}

static bool stick_has(const struct jsd_stick_cfg *stick, uint16_t code)
{
	for (unsigned int i = 0; i < stick->n_axes; i++)
		if (stick->axes[i].code == code)
			return true;
	return false;
}

/*
 * What udev's input_id builtin needs to set ID_INPUT_JOYSTICK on the
 * stick (the rule the configuration check enforces, config-check.c
 * check_stick_class(), counted here from the stick itself with the same
 * code classes, codes.h): every button is one udev counts as a joystick
 * button, and those buttons with the joystick axes (ABS_RX ...
 * ABS_PRESSURE-1; ABS_X, ABS_Y, ABS_Z do not count) are at least 2; and
 * it is not taken for an accelerometer, which a stick without buttons
 * and with ABS_X, ABS_Y and ABS_Z (or ABS_RX, ABS_RY and ABS_RZ) is.
 */
static bool udev_joystick(const struct jsd_stick_cfg *stick)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < stick->n_buttons; i++) {
		if (!codes_is_joystick_button(stick->buttons[i]))
			return false;
		count++;
	}
	for (unsigned int i = 0; i < stick->n_axes; i++)
		count += codes_is_joystick_axis(stick->axes[i].code);
	if (count < 2)
		return false;
	if (stick->n_buttons == 0 &&
	    ((stick_has(stick, ABS_X) && stick_has(stick, ABS_Y) && stick_has(stick, ABS_Z)) ||
	     (stick_has(stick, ABS_RX) && stick_has(stick, ABS_RY) && stick_has(stick, ABS_RZ))))
		return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsd_config *cfg = NULL;
	struct jsd_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(&err, 0, sizeof(err));
	if (jsd_config_parse_string("fuzz.ini", text, &cfg, &err) < 0) {
		FUZZ_CHECK(cfg == NULL, "failed load returned a configuration");
		FUZZ_CHECK(err.message[0] != '\0', "error without a message");
	} else {
		FUZZ_CHECK(cfg->n_profiles >= 1, "no profile");
		FUZZ_CHECK(udev_joystick(&cfg->stick), "stick udev would not call a joystick");
		FUZZ_CHECK(!escape_has_control(cfg->stick.name), "control character in the stick name");
		for (unsigned int p = 0; p < cfg->n_profiles; p++)
			for (unsigned int a = 0; a < cfg->profiles[p].n_axes; a++)
				check_response(&cfg->profiles[p].axes[a]);
		jsd_config_free(cfg);
	}
	free(text);
	return 0;
}
