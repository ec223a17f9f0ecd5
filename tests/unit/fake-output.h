/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake engine output for the unit tests: every callback appends a line
 * to a text log ("ABS_X 500", "BTN_TRIGGER 1", "SYN", "request capture",
 * "request profile NAME", "request look on", "request look off"), which
 * tests compare with the expected text.
 */
#ifndef JSD_FAKE_OUTPUT_H
#define JSD_FAKE_OUTPUT_H

#include <stddef.h>

#include "engine/engine.h"

struct fake {
	const struct jsd_config *cfg;	/* for profile names in requests */
	char log[16384];
	size_t len;
	bool overflow;
};

extern const struct engine_output fake_output;

/* Appends a formatted line to the log (used by the scenario runner too). */
void fake_printf(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empties the log. */
void fake_clear(struct fake *f);

/* Whether the test files use SRCDIR-relative paths: SRCDIR "/" path. */
#ifndef SRCDIR
#define SRCDIR "."
#endif

#endif
