/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which capture backend runs: [capture] capture_backend and whether the
 * kernel filter's device opened.  Pure, for tests/unit/test-backend-choice.c;
 * manager-start.c opens what it says and logs its one line.
 *
 *   capture_backend  kernel filter opened   runs
 *   auto             yes                    kfilter
 *   auto             no (any error)         evdev, saying why
 *   kfilter          yes                    kfilter
 *   kfilter          no                     nothing: start-up fails with the error
 *   evdev            (not tried)            evdev
 */
#ifndef JSD_BACKEND_CHOICE_H
#define JSD_BACKEND_CHOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/config.h"

enum backend_kind {
	BACKEND_NONE,		/* fail: the kernel filter was required */
	BACKEND_KFILTER,
	BACKEND_EVDEV,
};

/* Whether @mode tries the kernel filter first. */
bool backend_choice_tries_kfilter(enum jsd_backend mode);

/* What runs, given @kfilter_error (0, or -errno of opening it; unused for evdev). */
enum backend_kind backend_choose(enum jsd_backend mode, int kfilter_error);

/*
 * The one log line of the choice, without the level: "capture backend:
 * evdev (auto: /dev/joystickd_kfilter: No such file or directory, the
 * joystickd_kfilter module is not loaded)".  Returns @buf.
 */
const char *backend_choice_format(enum jsd_backend mode, int kfilter_error, const char *path,
				  char *buf, size_t size);

#endif
