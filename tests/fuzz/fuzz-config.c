// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the ini parser and the whole configuration check.
 *
 * Any input either loads or gives an error with a message; a configuration
 * that loads has responses that stay finite, inside [-1, 1] and monotone
 * (non-decreasing, or non-increasing when inverted), axis ranges with
 * min < max, and a stick udev will call a joystick.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_response(const struct jsd_axis_cfg *axis)
{
	double prev = 0;

	for (int i = 0; i <= 400; i++) {
		double x = -1.0 + i / 200.0;
		double y = jsd_response_eval(&axis->response, x);

		FUZZ_CHECK(isfinite(y), "response not finite");
		FUZZ_CHECK(y >= -1.0 && y <= 1.0, "response outside [-1, 1]");
		if (i > 0) {
			double step = axis->response.invert ? prev - y : y - prev;

			FUZZ_CHECK(step >= -1e-12, "response not monotone");
		}
		prev = y;
	}
	FUZZ_CHECK(axis->min < axis->max, "axis range empty");
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
		FUZZ_CHECK(cfg->stick.n_axes + cfg->stick.n_buttons >= 2,
			   "stick udev would not call a joystick");
		for (unsigned int p = 0; p < cfg->n_profiles; p++)
			for (unsigned int a = 0; a < cfg->profiles[p].n_axes; a++)
				check_response(&cfg->profiles[p].axes[a]);
		jsd_config_free(cfg);
	}
	free(text);
	return 0;
}
