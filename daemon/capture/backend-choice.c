// SPDX-License-Identifier: GPL-2.0-or-later
/* Which capture backend runs; see backend-choice.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend-choice.h"

bool backend_choice_tries_kfilter(enum jsd_backend mode)
{
	return mode != JSD_BACKEND_EVDEV;
}

enum backend_kind backend_choose(enum jsd_backend mode, int kfilter_error)
{
	switch (mode) {
	case JSD_BACKEND_EVDEV:
		return BACKEND_EVDEV;
	case JSD_BACKEND_KFILTER:
		return kfilter_error ? BACKEND_NONE : BACKEND_KFILTER;
	case JSD_BACKEND_AUTO:
	default:
		return kfilter_error ? BACKEND_EVDEV : BACKEND_KFILTER;
	}
}

/* Why the kernel filter could not be used, in the user's words. */
static const char *kfilter_hint(int error)
{
	switch (error) {
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		return "the joystickd_kfilter module is not loaded";
	case -EACCES:
	case -EPERM:
		return "not permitted to open it";
	case -EPROTO:
		return "the module speaks another ABI";
	case -EPROTONOSUPPORT:
		return "the module is too old for this joystickd";
	default:
		return "it cannot be used";
	}
}

const char *backend_choice_format(enum jsd_backend mode, int kfilter_error, const char *path,
				  char *buf, size_t size)
{
	switch (backend_choose(mode, kfilter_error)) {
	case BACKEND_KFILTER:
		snprintf(buf, size, "capture backend: kfilter (%s: %s opened)",
			 mode == JSD_BACKEND_AUTO ? "auto" : "capture_backend = kfilter", path);
		break;
	case BACKEND_EVDEV:
		if (mode == JSD_BACKEND_EVDEV)
			snprintf(buf, size, "capture backend: evdev (capture_backend = evdev)");
		else
			snprintf(buf, size, "capture backend: evdev (auto: %s: %s, %s)", path,
				 strerror(-kfilter_error), kfilter_hint(kfilter_error));
		break;
	case BACKEND_NONE:
		snprintf(buf, size, "capture backend: none (capture_backend = kfilter: %s: %s, %s)",
			 path, strerror(-kfilter_error), kfilter_hint(kfilter_error));
		break;
	}
	return buf;
}
